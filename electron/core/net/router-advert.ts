// The router advertisement sender: ends iPXE's ~13 s wait for IPv6 router discovery at every start
// (Debian's iPXE waits that long on a segment without RAs; twice on the BIOS chain). The RA itself
// announces nothing (ra-codec.ts: lifetime 0, no prefix, M=O=0), so no client gets an address or a
// route from it. dnsmasq's `enable-ra` + `ra-only` is the reference that the lab uses.
//
// On the chosen NIC only (SO_BINDTODEVICE), from its link-local address (RFC 4861 §6.1.2: hosts
// drop RAs from anything else), hop limit 255:
//   - unsolicited to ff02::1 at start, then every MinRtrAdvInterval..MaxRtrAdvInterval seconds
//     (§6.2.4; the first three at most MAX_INITIAL_RTR_ADVERT_INTERVAL = 16 s apart);
//   - in answer to a Router Solicitation (§6.2.6), after a random 0..MAX_RA_DELAY_TIME delay:
//     unicast to the solicitor, as dnsmasq does (iPXE solicits from its link-local address), or
//     multicast when it has no address yet, with multicasts at most one per MIN_DELAY_BETWEEN_RAS.
// An optimisation, never a reason not to serve: without a link-local address (IPv6 disabled) or
// without the privilege for raw sockets, start() resolves and status() says why it is not running.
import { networkInterfaces } from 'node:os';
import type { EventBus } from '../events.js';
import type { ServiceStatus, ServiceState } from '../../shared/contract.js';
import { SyscallError } from './libc.js';
import { openIcmpv6Socket, type Icmpv6Socket, type Icmpv6SocketOptions } from './icmpv6-socket.js';
import { decodeRouterSolicitation, encodeRouterAdvertisement, harmlessAdvertisement, ICMPV6_ROUTER_SOLICITATION } from './ra-codec.js';

const ALL_NODES = 'ff02::1';
const ALL_ROUTERS = 'ff02::2';
/** RFC 4861 §10 router constants. */
const MAX_INITIAL_RTR_ADVERTISEMENTS = 3;
const MAX_INITIAL_RTR_ADVERT_INTERVAL_MS = 16_000;
const MIN_DELAY_BETWEEN_RAS_MS = 3_000;
const MAX_RA_DELAY_TIME_MS = 500;
/** A tentative link-local (duplicate address detection, ~1-2 s after the NIC comes up) cannot be bound yet. */
const BIND_RETRY_MS = 1_000;
const BIND_RETRIES = 30;

export interface RaClock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export interface RouterAdvertiserOptions {
  iface: string;
  bus: EventBus;
  /** MaxRtrAdvInterval, seconds: 4..1800 (RFC 4861 §6.2.1); default 30. */
  maxIntervalS?: number;
  /** MinRtrAdvInterval, seconds: 3..0.75 × max; default max / 3 (at least 3). */
  minIntervalS?: number;
  /** The NIC's link-local address; default from os.networkInterfaces(). */
  linkLocal?: () => string | null;
  /** The NIC's MAC (for the Source Link-Layer Address option); default from os.networkInterfaces(). */
  mac?: () => string | null;
  openSocket?: (opts: Icmpv6SocketOptions) => Icmpv6Socket;
  clock?: RaClock;
  random?: () => number;
  /** How often the socket is drained for solicitations (ms); default 100. */
  pollMs?: number;
}

export interface RouterAdvertiser {
  /** Never rejects: a NIC without IPv6 or a missing privilege leaves it not running, with a reason. */
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): ServiceStatus;
}

type Counter = 'sent' | 'unsolicited' | 'solicited' | 'solicitations' | 'sendErrors';

const realClock: RaClock = {
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  now: () => Date.now(),
};

/** The interface's link-local IPv6 address from the OS, if it has one. */
export function linkLocalOf(iface: string): string | null {
  const found = networkInterfaces()[iface]?.find((a) => a.family === 'IPv6' && /^fe80:/i.test(a.address));
  return found ? found.address.replace(/%.*$/, '') : null;
}

export function createRouterAdvertiser(opts: RouterAdvertiserOptions): RouterAdvertiser {
  return new Advertiser(opts);
}

class Advertiser implements RouterAdvertiser {
  private socket: Icmpv6Socket | null = null;
  private state: ServiceState = 'stopped';
  private reason: string | null = null;
  private source: string | null = null;
  private message: Buffer = Buffer.alloc(0);
  private readonly counters: Record<Counter, number> = { sent: 0, unsolicited: 0, solicited: 0, solicitations: 0, sendErrors: 0 };
  private readonly timers = new Set<unknown>();
  private readonly answeredAt = new Map<string, number>();
  private lastMulticast = -Infinity;
  private multicastPending = false;
  private initialSent = 0;
  private readonly buffer = Buffer.alloc(1500);
  private readonly clock: RaClock;
  private readonly random: () => number;
  private readonly maxMs: number;
  private readonly minMs: number;

  constructor(private readonly opts: RouterAdvertiserOptions) {
    this.clock = opts.clock ?? realClock;
    this.random = opts.random ?? Math.random;
    const max = Math.min(1800, Math.max(4, opts.maxIntervalS ?? 30));
    const min = Math.min(0.75 * max, Math.max(3, opts.minIntervalS ?? max / 3));
    this.maxMs = max * 1000;
    this.minMs = min * 1000;
  }

  start(): Promise<void> {
    if (this.socket) return Promise.resolve();
    const { iface } = this.opts;
    const linkLocal = (this.opts.linkLocal ?? (() => linkLocalOf(iface)))();
    if (!linkLocal) {
      return Promise.resolve(
        this.notRunning(
          'stopped',
          `${iface} has no IPv6 link-local address (IPv6 disabled?): no router advertisements, so iPXE waits ~13 s for IPv6 router discovery at each start`,
        ),
      );
    }
    try {
      this.socket = (this.opts.openSocket ?? openIcmpv6Socket)({ iface, accept: [ICMPV6_ROUTER_SOLICITATION], join: [ALL_ROUTERS] });
    } catch (e) {
      const denied = e instanceof SyscallError && (e.code === 'EPERM' || e.code === 'EACCES');
      const why = denied ? 'raw ICMPv6 sockets need root or CAP_NET_RAW' : (e as Error).message;
      return Promise.resolve(
        this.notRunning(
          'failed',
          `cannot send router advertisements on ${iface} (${why}): iPXE waits ~13 s for IPv6 router discovery at each start`,
        ),
      );
    }
    const mac = (this.opts.mac ?? (() => networkInterfaces()[iface]?.[0]?.mac ?? null))();
    this.message = encodeRouterAdvertisement(harmlessAdvertisement(mac));
    this.source = linkLocal;
    this.state = 'starting';
    this.reason = null;
    this.bindThenAdvertise(0);
    this.poll();
    return Promise.resolve();
  }

  stop(): Promise<void> {
    for (const t of this.timers) this.clock.clearTimeout(t);
    this.timers.clear();
    this.socket?.close();
    this.socket = null;
    if (this.state !== 'failed') this.state = 'stopped';
    return Promise.resolve();
  }

  status(): ServiceStatus {
    return {
      name: 'ra',
      state: this.state,
      address: this.source ? `[${this.source}%${this.opts.iface}]` : null,
      error: this.reason,
      counters: { ...this.counters },
    };
  }

  private notRunning(state: ServiceState, reason: string): void {
    this.state = state;
    this.reason = reason;
    this.opts.bus.log('core', 'warn', 'ra.unavailable', reason);
  }

  private later(ms: number, fn: () => void): void {
    const t = this.clock.setTimeout(() => {
      this.timers.delete(t);
      if (this.socket) fn();
    }, ms);
    this.timers.add(t);
  }

  /** Binds the link-local source (retrying while duplicate address detection runs), then advertises. */
  private bindThenAdvertise(attempt: number): void {
    try {
      this.socket!.bind(this.source!);
    } catch (e) {
      if (e instanceof SyscallError && e.code === 'EADDRNOTAVAIL' && attempt < BIND_RETRIES) {
        this.reason = `waiting for ${this.source} on ${this.opts.iface} to finish duplicate address detection`;
        return this.later(BIND_RETRY_MS, () => this.bindThenAdvertise(attempt + 1));
      }
      const reason = `cannot send router advertisements from ${this.source} on ${this.opts.iface} (${(e as Error).message})`;
      void this.stop();
      return this.notRunning('failed', reason);
    }
    this.state = 'up';
    this.reason = null;
    this.opts.bus.log(
      'core',
      'info',
      'ra.started',
      `router advertisements on ${this.opts.iface} from ${this.source} (no route, no prefix: only ends iPXE's IPv6 wait)`,
    );
    this.unsolicited();
  }

  private unsolicited(): void {
    this.sendMulticast('unsolicited');
    this.initialSent += 1;
    let next = this.minMs + this.random() * (this.maxMs - this.minMs);
    if (this.initialSent < MAX_INITIAL_RTR_ADVERTISEMENTS) next = Math.min(next, MAX_INITIAL_RTR_ADVERT_INTERVAL_MS);
    this.later(next, () => this.unsolicited());
  }

  private sendMulticast(kind: 'unsolicited' | 'solicited'): void {
    this.lastMulticast = this.clock.now();
    this.send(ALL_NODES, kind);
  }

  private send(to: string, kind: 'unsolicited' | 'solicited'): void {
    try {
      this.socket?.send(this.message, to);
      this.counters.sent += 1;
      this.counters[kind] += 1;
    } catch (e) {
      this.counters.sendErrors += 1;
      if (this.counters.sendErrors === 1)
        this.opts.bus.log('core', 'warn', 'ra.send', `router advertisement to ${to} on ${this.opts.iface} failed: ${(e as Error).message}`);
    }
  }

  private poll(): void {
    this.later(this.opts.pollMs ?? 100, () => {
      this.drain();
      this.poll();
    });
  }

  /** Reads queued solicitations (bounded per tick) and schedules the answers. */
  private drain(): void {
    for (let i = 0; i < 256 && this.socket; i++) {
      let got;
      try {
        got = this.socket.receive(this.buffer);
      } catch {
        continue;
      }
      if (got === null) return;
      const rs = decodeRouterSolicitation(this.buffer.subarray(0, got.bytes));
      if (!rs) continue;
      // §6.1.1: an RS from the unspecified address must not carry a link-layer address option.
      if (got.from === '::' && rs.sourceMac !== null) continue;
      this.counters.solicitations += 1;
      if (this.state === 'up') this.answer(got.from);
    }
  }

  private answer(from: string): void {
    const delay = this.random() * MAX_RA_DELAY_TIME_MS;
    if (from === '::') {
      if (this.multicastPending) return;
      this.multicastPending = true;
      const wait = Math.max(delay, this.lastMulticast + MIN_DELAY_BETWEEN_RAS_MS - this.clock.now());
      return this.later(wait, () => {
        this.multicastPending = false;
        this.sendMulticast('solicited');
      });
    }
    // One answer per solicitor per second is plenty (iPXE and Linux retransmit RS every ~4 s).
    const now = this.clock.now();
    if ((this.answeredAt.get(from) ?? -Infinity) > now - 1000) return;
    if (this.answeredAt.size > 1024) this.answeredAt.clear();
    this.answeredAt.set(from, now);
    this.later(delay, () => this.send(from, 'solicited'));
  }
}
