// The address-conflict check before an address is offered (RFC 2131 §2.2: "the server SHOULD
// probe the reused address before allocating the address, e.g., with an ICMP echo request").
//
// dnsmasq pings the address and waits up to 3 s with every other client stalled behind it.
// Here the check runs ahead of demand: free pool addresses are probed in the background, in
// overlapping batches sized from the current demand, and an address that stayed silent waits in a
// queue from which new clients are served at once. Only a client that asks for a particular
// address nobody probed yet (or arrives when the queue ran dry) waits, and only for its own probe.
import type { LeaseTable } from './leases.js';

export interface AddressProber {
  /** The addresses among `ips` that something answered: in use. */
  probeMany(ips: string[], timeoutMs: number): Promise<Set<string>>;
  close(): void | Promise<void>;
}

export interface ConflictGuardOptions {
  timeoutMs?: number;
  /** How long a silent probe counts as "free". */
  freshMs?: number;
  /** Probed-free addresses to keep ready, at least and at most. */
  minAhead?: number;
  maxAhead?: number;
  /** Probes outstanding at once, at most (each may cost the kernel a neighbour entry). */
  maxInFlight?: number;
  clock?: () => number;
  onConflict?: (ip: string) => void;
  /**
   * The prober failed (socket error, no permission): the addresses count as free, as in dnsmasq
   * (the probe is a SHOULD in RFC 2131 §2.2, and a DHCP server that stops offering because ping
   * broke helps nobody), but the user must be able to see that the safety net is gone.
   */
  onProbeError?: (error: Error) => void;
}

export class ConflictGuard {
  /** Silent addresses in the order they were cleared, with the time; offered oldest first. */
  private readonly ready = new Map<string, number>();
  private readonly inFlight = new Map<string, Promise<boolean>>();
  /** Times of recent requests for a new address: the demand the look-ahead is sized from. */
  private readonly demand: number[] = [];
  /** Times of recent requests that found nothing ready: demand is outrunning the look-ahead. */
  private readonly misses: number[] = [];
  private readonly timeoutMs: number;
  private readonly freshMs: number;
  private readonly minAhead: number;
  private readonly maxAhead: number;
  private readonly maxInFlight: number;
  private readonly clock: () => number;
  private closed = false;

  constructor(
    private readonly prober: AddressProber,
    private readonly table: LeaseTable,
    private readonly options: ConflictGuardOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 500;
    this.freshMs = options.freshMs ?? 30_000;
    this.minAhead = options.minAhead ?? 256;
    this.maxAhead = options.maxAhead ?? 4096;
    this.maxInFlight = options.maxInFlight ?? 2048;
    this.clock = options.clock ?? Date.now;
  }

  /** Starts the first background probes, so the first clients need not wait. */
  prime(): void {
    this.refill();
  }

  stop(): void {
    this.closed = true;
  }

  /** An address probed silent recently and still free, taken for one offer; null when none is ready. */
  takeReady(): string | null {
    const now = this.clock();
    this.noteDemand(now);
    let found: string | null = null;
    for (const [ip, at] of this.ready) {
      this.ready.delete(ip);
      if (now - at < this.freshMs && this.table.isAvailable(ip)) {
        found = ip;
        break;
      }
    }
    if (found === null) this.misses.push(now);
    this.refill();
    return found;
  }

  /** True when `ip` is free to offer: probed silent recently, or silent now. */
  async isFree(ip: string): Promise<boolean> {
    const now = this.clock();
    this.noteDemand(now);
    const cleared = this.ready.get(ip);
    if (cleared !== undefined && now - cleared < this.freshMs) {
      this.ready.delete(ip); // one probe, one offer
      this.refill();
      return true;
    }
    const busy = await this.probe([ip]);
    this.refill();
    return !busy.has(ip);
  }

  private probe(ips: string[]): Promise<Set<string>> {
    const fresh = ips.filter((ip) => !this.inFlight.has(ip));
    if (fresh.length > 0) {
      const batch = this.prober.probeMany(fresh, this.timeoutMs).catch((e: unknown) => {
        this.options.onProbeError?.(e instanceof Error ? e : new Error(String(e)));
        return new Set<string>();
      });
      for (const ip of fresh) {
        const one = batch.then((busy) => {
          this.inFlight.delete(ip);
          if (busy.has(ip)) {
            this.ready.delete(ip);
            this.table.block(ip);
            this.options.onConflict?.(ip);
            return true;
          }
          return false;
        });
        this.inFlight.set(ip, one);
      }
    }
    return Promise.all(ips.map((ip) => this.inFlight.get(ip) ?? Promise.resolve(false))).then((answers) => {
      const busy = new Set<string>();
      answers.forEach((answered, i) => {
        if (answered) busy.add(ips[i] as string);
      });
      return busy;
    });
  }

  /**
   * Keeps about two probe timeouts' worth of demand probed ahead (ready or in flight), in
   * overlapping batches: a batch never waits for the previous one to come back.
   */
  private refill(): void {
    if (this.closed) return;
    const now = this.clock();
    for (const times of [this.demand, this.misses]) while (times.length > 0 && (times[0] as number) < now - 1000) times.shift();
    // Demand served in the last second says what the next timeouts need; a miss says that demand
    // is ramping up faster than that (clients then wait for their own probes), so aim well above.
    const perSecond = this.demand.length + 8 * this.misses.length;
    const want = Math.min(this.maxAhead, this.minAhead + Math.ceil((perSecond * 2 * this.timeoutMs) / 1000));
    const have = this.ready.size + this.inFlight.size;
    const room = Math.min(want - have, this.maxInFlight - this.inFlight.size);
    // Small top-ups would mean one probe round per client; wait until a useful batch is due.
    if (room < Math.max(1, Math.floor(want / 4))) return;
    const skip = new Set([...this.ready.keys(), ...this.inFlight.keys()]);
    const next = this.table.peekFree(room, skip);
    if (next.length === 0) return;
    void this.probe(next).then((busy) => {
      const at = this.clock();
      // What a client took meanwhile (it waited on this very probe) is no longer "ready".
      for (const ip of next) if (!busy.has(ip) && this.table.isAvailable(ip)) this.ready.set(ip, at);
      this.refill();
    });
  }

  private noteDemand(now: number): void {
    this.demand.push(now);
  }
}
