// One typed event stream for the whole core. Emitters hand in events; the bus stamps them with a
// sequence number and time, keeps bounded backlogs (all events, and the last N per host), and
// fans them out to subscribers (the control API's WebSocket, the CLI log printer, tests).
import type { CoreEvent, CoreEventInput, EventLevel, EventSource } from '../shared/contract.js';

export type Listener = (event: CoreEvent) => void;

export interface EventBusOptions {
  backlog?: number;
  perHostBacklog?: number;
  clock?: () => Date;
  /**
   * The first sequence number. The server starts at its start time in µs, so that numbers keep
   * growing across restarts and a persisted timeline can be read with `since` after one.
   */
  firstSeq?: number;
}

/** A fixed-capacity ring: pushing past capacity drops the oldest, in O(1). */
export class Ring<T> {
  private readonly items: (T | undefined)[];
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.items = new Array<T | undefined>(capacity);
  }

  push(item: T): void {
    const end = (this.start + this.count) % this.capacity;
    this.items[end] = item;
    if (this.count < this.capacity) this.count += 1;
    else this.start = (this.start + 1) % this.capacity;
  }

  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.count; i += 1) out.push(this.items[(this.start + i) % this.capacity] as T);
    return out;
  }
}

export class EventBus {
  private seq = 0;
  private readonly pending: CoreEvent[] = [];
  private delivering = false;
  private readonly all: Ring<CoreEvent>;
  private readonly perHost = new Map<string, Ring<CoreEvent>>();
  private readonly listeners = new Set<Listener>();
  private readonly backlog: number;
  private readonly perHostBacklog: number;
  private readonly clock: () => Date;

  constructor(options: EventBusOptions = {}) {
    this.backlog = options.backlog ?? 5000;
    this.perHostBacklog = options.perHostBacklog ?? 1000;
    this.clock = options.clock ?? (() => new Date());
    this.seq = options.firstSeq ?? 0;
    this.all = new Ring(this.backlog);
  }

  emit(input: CoreEventInput): CoreEvent {
    const event = this.stamp(input);
    this.all.push(event);
    const mac = macOf(event);
    if (mac) {
      let ring = this.perHost.get(mac);
      if (!ring) this.perHost.set(mac, (ring = new Ring(this.perHostBacklog)));
      ring.push(event);
    }
    this.fanOut(event);
    return event;
  }

  /**
   * A live-only event (service counters, sampled a few times a second): sent to subscribers but
   * kept in no backlog, so that it cannot push log lines out of it. Whoever reconnects reads the
   * current state from a snapshot (GET /api/status) instead.
   */
  publish(input: CoreEventInput): CoreEvent {
    const event = this.stamp(input);
    this.fanOut(event);
    return event;
  }

  private stamp(input: CoreEventInput): CoreEvent {
    return { ...input, seq: ++this.seq, time: this.clock().toISOString() } as CoreEvent;
  }

  /**
   * Every listener sees the events in sequence order. A listener may emit (the host registry turns a
   * log line into a "last seen" change): that event is stamped at once but delivered only after the
   * current one has reached every listener, or a later listener would see seq N+1 before N (and the
   * UI, which skips what it has already passed, would lose N).
   */
  private fanOut(event: CoreEvent): void {
    this.pending.push(event);
    if (this.delivering) return;
    this.delivering = true;
    try {
      for (let next = this.pending.shift(); next; next = this.pending.shift()) {
        for (const listener of this.listeners) {
          try {
            listener(next);
          } catch {
            // a failing subscriber must not break the emitter or the other subscribers
          }
        }
      }
    } finally {
      this.delivering = false;
    }
  }

  /** Shorthand for a log line. */
  log(
    source: EventSource,
    level: EventLevel,
    kind: string,
    message: string,
    extra: { mac?: string | null; data?: Record<string, unknown> } = {},
  ): void {
    this.emit({ type: 'log', source, level, kind, message, mac: extra.mac ?? null, ...(extra.data ? { data: extra.data } : {}) });
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Events after `since` (a seq), from the whole backlog or one host's. */
  history({ since = 0, mac }: { since?: number; mac?: string } = {}): CoreEvent[] {
    const ring = mac ? this.perHost.get(mac) : this.all;
    return ring ? ring.toArray().filter((e) => e.seq > since) : [];
  }
}

/** The host an event is about, if any. */
export function macOf(event: CoreEvent): string | null {
  switch (event.type) {
    case 'log':
      return event.mac;
    case 'host':
      return event.host.mac;
    case 'service':
    case 'distro':
      return null;
  }
}

/**
 * One line a second for a flood of the same kind of event (malformed packets), saying how many
 * there were: a junk storm must not drown the log or the UI.
 */
export class DropReporter {
  private since = 0;
  private last = 0;

  constructor(
    private readonly bus: EventBus,
    private readonly source: EventSource,
    private readonly level: EventLevel,
    private readonly kind: string,
    private readonly clock: () => number = Date.now,
  ) {}

  drop(from: string, reason: string): void {
    this.since += 1;
    const now = this.clock();
    if (now - this.last < 1000) return;
    this.bus.log(this.source, this.level, this.kind, `dropped ${this.since} malformed packet(s); last from ${from}: ${reason}`);
    this.since = 0;
    this.last = now;
  }
}
