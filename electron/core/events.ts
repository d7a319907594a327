// One typed event stream for the whole core. Emitters hand in events; the bus stamps them with a
// sequence number and time, keeps bounded backlogs (all events, and the last N per host), and
// fans them out to subscribers (the control API's WebSocket, the CLI log printer, tests).
import type { CoreEvent, CoreEventInput, EventLevel, EventSource } from '../shared/contract.js';

export type Listener = (event: CoreEvent) => void;

export interface EventBusOptions {
  backlog?: number;
  perHostBacklog?: number;
  clock?: () => Date;
}

export class EventBus {
  private seq = 0;
  private readonly all: CoreEvent[] = [];
  private readonly perHost = new Map<string, CoreEvent[]>();
  private readonly listeners = new Set<Listener>();
  private readonly backlog: number;
  private readonly perHostBacklog: number;
  private readonly clock: () => Date;

  constructor(options: EventBusOptions = {}) {
    this.backlog = options.backlog ?? 5000;
    this.perHostBacklog = options.perHostBacklog ?? 1000;
    this.clock = options.clock ?? (() => new Date());
  }

  emit(input: CoreEventInput): CoreEvent {
    const event = { ...input, seq: ++this.seq, time: this.clock().toISOString() } as CoreEvent;
    pushBounded(this.all, event, this.backlog);
    const mac = macOf(event);
    if (mac) {
      let list = this.perHost.get(mac);
      if (!list) this.perHost.set(mac, (list = []));
      pushBounded(list, event, this.perHostBacklog);
    }
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // a failing subscriber must not break the emitter or the other subscribers
      }
    }
    return event;
  }

  /** Shorthand for a log line. */
  log(source: EventSource, level: EventLevel, kind: string, message: string, extra: { mac?: string | null; data?: Record<string, unknown> } = {}): void {
    this.emit({ type: 'log', source, level, kind, message, mac: extra.mac ?? null, ...(extra.data ? { data: extra.data } : {}) });
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Events after `since` (a seq), from the whole backlog or one host's. */
  history({ since = 0, mac }: { since?: number; mac?: string } = {}): CoreEvent[] {
    const list = mac ? (this.perHost.get(mac) ?? []) : this.all;
    return list.filter((e) => e.seq > since);
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
      return null;
  }
}

function pushBounded<T>(list: T[], item: T, max: number): void {
  list.push(item);
  if (list.length > max) list.splice(0, list.length - max);
}
