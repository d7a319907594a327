// The address-conflict check before an address is offered (RFC 2131 §2.2: "the server SHOULD
// probe the reused address before allocating the address, e.g., with an ICMP echo request").
//
// dnsmasq pings the address and waits up to 3 s with every other client stalled behind it.
// Here the check runs ahead of demand: the next free addresses of the pool are probed in the
// background, in parallel, and an address that stayed silent is offered at once. Only a client
// that asks for an address nobody probed yet waits, and only that client.
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
  /** Probed-free addresses to keep ready, at least. */
  minAhead?: number;
  maxAhead?: number;
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
  private readonly clearedAt = new Map<string, number>();
  private readonly inFlight = new Map<string, Promise<boolean>>();
  private refilling = false;
  private readonly allocations: number[] = [];
  private readonly timeoutMs: number;
  private readonly freshMs: number;
  private readonly minAhead: number;
  private readonly maxAhead: number;
  private readonly clock: () => number;

  constructor(
    private readonly prober: AddressProber,
    private readonly table: LeaseTable,
    private readonly options: ConflictGuardOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 500;
    this.freshMs = options.freshMs ?? 30_000;
    this.minAhead = options.minAhead ?? 16;
    this.maxAhead = options.maxAhead ?? 2048;
    this.clock = options.clock ?? Date.now;
  }

  /** Starts the first background probes, so the first clients need not wait. */
  prime(): void {
    this.refill();
  }

  /** True when `ip` is free to offer: probed silent recently, or silent now. */
  async isFree(ip: string): Promise<boolean> {
    const now = this.clock();
    this.noteAllocation(now);
    const cleared = this.clearedAt.get(ip);
    let free: boolean;
    if (cleared !== undefined && now - cleared < this.freshMs) {
      this.clearedAt.delete(ip); // one probe, one offer
      free = true;
    } else {
      free = await this.probe([ip]).then((busy) => !busy.has(ip));
    }
    this.refill();
    return free;
  }

  private probe(ips: string[]): Promise<Set<string>> {
    const fresh = ips.filter((ip) => !this.inFlight.has(ip));
    let batch: Promise<Set<string>> = Promise.resolve(new Set());
    if (fresh.length > 0) {
      batch = this.prober.probeMany(fresh, this.timeoutMs).catch((e: unknown) => {
        this.options.onProbeError?.(e instanceof Error ? e : new Error(String(e)));
        return new Set<string>();
      });
      for (const ip of fresh) {
        const one = batch.then((busy) => busy.has(ip));
        this.inFlight.set(ip, one);
        void one.finally(() => this.inFlight.delete(ip));
      }
    }
    return Promise.all(ips.map((ip) => this.inFlight.get(ip) ?? batch.then((b) => b.has(ip)))).then((answers) => {
      const busy = new Set<string>();
      answers.forEach((answered, i) => {
        const ip = ips[i] as string;
        if (answered) {
          busy.add(ip);
          this.clearedAt.delete(ip);
          this.table.block(ip);
          this.options.onConflict?.(ip);
        }
      });
      return busy;
    });
  }

  /** Keeps about two probe timeouts' worth of current demand probed ahead. */
  private refill(): void {
    if (this.refilling) return;
    const now = this.clock();
    for (const [ip, at] of this.clearedAt) if (now - at >= this.freshMs) this.clearedAt.delete(ip);
    const perSecond = this.allocations.length;
    const want = Math.min(this.maxAhead, Math.max(this.minAhead, Math.ceil((perSecond * 2 * this.timeoutMs) / 1000)));
    if (this.clearedAt.size >= want / 2) return;
    const skip = new Set([...this.clearedAt.keys(), ...this.inFlight.keys()]);
    const next = this.table.peekFree(want - this.clearedAt.size, skip);
    if (next.length === 0) return;
    this.refilling = true;
    void this.probe(next)
      .then((busy) => {
        const at = this.clock();
        // Skip what a client took while the probe was out (isFree waited on this very batch):
        // counted as "probed ahead", it would stop refill while every later client waits.
        for (const ip of next) if (!busy.has(ip) && this.table.isAvailable(ip)) this.clearedAt.set(ip, at);
      })
      .finally(() => {
        this.refilling = false;
        if (this.clearedAt.size < this.minAhead) setTimeout(() => this.refill(), 50).unref();
      });
  }

  private noteAllocation(now: number): void {
    this.allocations.push(now);
    while (this.allocations.length > 0 && (this.allocations[0] as number) < now - 1000) this.allocations.shift();
  }
}
