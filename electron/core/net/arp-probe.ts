// The DHCP address-conflict probe (RFC 2131 §2.2) done with ARP on the wire, RFC 5227 style: an
// ARP request for the address goes out of the chosen NIC through an AF_PACKET socket, and any ARP
// packet claiming that address counts as "in use". Unlike an ICMP echo, this creates no kernel
// neighbour entry (an echo to a silent address leaves an INCOMPLETE one for ~3 s, and gc_thresh3 =
// 1024 of them overflow the table at ~300 probes/s), and firewalled hosts that drop ICMP still
// answer ARP, because without ARP they could not talk IPv4 at all. Linux only (packet(7)).
//
// Node cannot watch a packet socket (dgram adopts SOCK_DGRAM fds only), so, as in icmp-probe.ts,
// a short timer drains it with recvfrom(MSG_DONTWAIT) while probes are outstanding. Sends run in
// a tight loop; when the kernel pushes back (EAGAIN: socket send buffer; ENOBUFS: qdisc full) the
// rest waits for the next tick instead of being dropped. A probe whose request never left, or left
// too late to be answered, is reported IN USE: offering an unchecked address is exactly what the
// probe exists to prevent, and the DHCP server simply tries that address again later.
import { performance } from 'node:perf_hooks';
import type { ProbeClock } from './icmp-probe.js';
import { ipToBuffer } from './ipv4-bytes.js';
import { libc, PACKET_OUTGOING, SyscallError, type SocketApi } from './libc.js';
import { formatMac, macBytes } from './ra-codec.js';

export const ETH_P_ARP = 0x0806;
const ETH_P_IP = 0x0800;
const ARP_REQUEST = 1;
const ARP_REPLY = 2;
/** 14-byte Ethernet header + 28-byte ARP body; drivers pad to the 60-byte minimum, as for the kernel's own ARP. */
export const ARP_FRAME_LENGTH = 42;
const BROADCAST = 'ff:ff:ff:ff:ff:ff';
const ZERO_MAC = '00:00:00:00:00:00';
/** Second request for each address, to survive one lost frame (RFC 5227 sends PROBE_NUM = 3, 1-2 s apart; a DHCP offer cannot wait that long). */
const RESEND_MS = 100;
/** Sends per flush: a burst of thousands goes out over a few ticks instead of stalling the event loop (TFTP, HTTP) for a quarter second. */
const MAX_BURST = 1024;

export interface ArpPacket {
  op: number;
  senderMac: string;
  senderIp: string;
  targetMac: string;
  targetIp: string;
}

const formatIp = (b: Buffer): string => [...b].join('.');

/** An Ethernet II frame carrying an Ethernet/IPv4 ARP packet. Throws on malformed addresses (caller input). */
export function encodeArpFrame(dstMac: string, srcMac: string, arp: ArpPacket): Buffer {
  const b = Buffer.alloc(ARP_FRAME_LENGTH);
  macBytes(dstMac).copy(b, 0);
  macBytes(srcMac).copy(b, 6);
  b.writeUInt16BE(ETH_P_ARP, 12);
  b.writeUInt16BE(1, 14); // htype: Ethernet
  b.writeUInt16BE(ETH_P_IP, 16); // ptype: IPv4
  b.writeUInt8(6, 18); // hlen
  b.writeUInt8(4, 19); // plen
  b.writeUInt16BE(arp.op, 20);
  macBytes(arp.senderMac).copy(b, 22);
  ipToBuffer(arp.senderIp).copy(b, 28);
  macBytes(arp.targetMac).copy(b, 32);
  ipToBuffer(arp.targetIp).copy(b, 38);
  return b;
}

/** The broadcast "who has targetIp?" this prober sends. */
export function encodeArpRequest(o: { sourceMac: string; sourceIp: string; targetIp: string }): Buffer {
  return encodeArpFrame(BROADCAST, o.sourceMac, {
    op: ARP_REQUEST,
    senderMac: o.sourceMac,
    senderIp: o.sourceIp,
    targetMac: ZERO_MAC,
    targetIp: o.targetIp,
  });
}

/** An Ethernet/IPv4 ARP request or reply, else null; never throws (frames come off the wire). Trailing padding is ignored. */
export function decodeArpFrame(frame: Buffer): ArpPacket | null {
  if (frame.length < ARP_FRAME_LENGTH) return null;
  if (frame.readUInt16BE(12) !== ETH_P_ARP || frame.readUInt16BE(14) !== 1 || frame.readUInt16BE(16) !== ETH_P_IP) return null;
  if (frame[18] !== 6 || frame[19] !== 4) return null;
  const op = frame.readUInt16BE(20);
  if (op !== ARP_REQUEST && op !== ARP_REPLY) return null;
  return {
    op,
    senderMac: formatMac(frame.subarray(22, 28)),
    senderIp: formatIp(frame.subarray(28, 32)),
    targetMac: formatMac(frame.subarray(32, 38)),
    targetIp: formatIp(frame.subarray(38, 42)),
  };
}

/**
 * The address an ARP packet shows to be in use, else null. RFC 5227 §2.1.1: any ARP packet, request
 * or reply, whose sender IP is the probed address means a host holds it; and an ARP Probe (sender
 * IP 0.0.0.0) for that address from another machine means a host is about to take it.
 */
export function claimedAddress(p: ArpPacket, ownMac: string): string | null {
  if (p.senderIp !== '0.0.0.0') return p.senderIp;
  if (p.op === ARP_REQUEST && p.senderMac !== ownMac.toLowerCase()) return p.targetIp;
  return null;
}

/** One Ethernet port for ARP: what the prober needs from a socket (a fake in unit tests). */
export interface ArpLink {
  /** Sends one frame; throws when the kernel refuses it (EAGAIN, ENOBUFS, ENETDOWN, …). */
  send(frame: Buffer): void;
  /** Reads one received frame into `into`: its length, 0 for a frame to skip, null when none is queued. */
  receive(into: Buffer): number | null;
  close(): void;
}

export interface ArpProberStats {
  /** Requests that left (each address is asked twice when the timeout allows). */
  sent: number;
  /** Sends the kernel refused, each retried on a later tick. */
  sendFailures: number;
  /** Probes reported in use because no request could be sent in time. */
  unverified: number;
}

export interface ArpProber {
  /** true when `ip` is in use: a host claimed it within `timeoutMs`, or it could not be checked. */
  probe(ip: string, timeoutMs: number): Promise<boolean>;
  /** The addresses among `ips` that are in use (answered or unchecked), all probed at once. */
  probeMany(ips: readonly string[], timeoutMs: number): Promise<Set<string>>;
  stats(): ArpProberStats;
  close(): void;
}

export type ArpClock = ProbeClock & { now?(): number };

/** AF_PACKET sockets need Linux and root or CAP_NET_RAW; callers then fall back (ICMP) or run without a probe. */
export class ArpProbeUnavailable extends Error {
  readonly code = 'ARP_PROBE_UNAVAILABLE';
}

export interface ArpProberOptions {
  iface: string;
  /** The server's address on `iface`: the sender of our requests (hosts answer it, and it is itself always in use). */
  sourceIp: string;
  /** `iface`'s own MAC, so that replies are addressed to this machine. */
  sourceMac: string;
  clock?: ArpClock;
  pollMs?: number;
}

export async function createArpProber(opts: ArpProberOptions): Promise<ArpProber> {
  const { iface } = opts;
  macBytes(opts.sourceMac);
  ipToBuffer(opts.sourceIp);
  let api: SocketApi;
  let fd: number;
  try {
    api = libc();
    const family = api.consts.AF_PACKET;
    if (family === null) throw new Error(`no AF_PACKET sockets on ${process.platform}`);
    // Protocol 0 receives nothing until bind() names the interface and ETH_P_ARP (packet(7)), so
    // no ARP from another NIC slips in between socket() and bind().
    fd = api.socket(family, api.consts.SOCK_RAW | api.consts.SOCK_FLAGS, 0);
  } catch (e) {
    const why =
      e instanceof SyscallError && (e.code === 'EPERM' || e.code === 'EACCES')
        ? 'AF_PACKET sockets need root or CAP_NET_RAW'
        : (e as Error).message;
    throw new ArpProbeUnavailable(`Cannot probe addresses with ARP on ${iface} (${why}).`, { cause: e });
  }
  let ifindex: number;
  try {
    ifindex = api.ifNameToIndex(iface);
    api.bindPacket(fd, ETH_P_ARP, ifindex);
  } catch (e) {
    api.close(fd);
    throw new ArpProbeUnavailable(`Cannot bind the ARP probe to ${iface} (${(e as Error).message}).`, { cause: e });
  }
  const link: ArpLink = {
    send: (frame) => void api.sendtoPacket(fd, frame, ETH_P_ARP, ifindex),
    receive: (into) => {
      const got = api.recvfromPacket(fd, into);
      if (got === null) return null;
      return got.pkttype === PACKET_OUTGOING ? 0 : got.bytes; // this machine's own ARP traffic, tapped
    },
    close: () => api.close(fd),
  };
  return createArpProberOnLink(link, opts);
}

export function createArpProberOnLink(link: ArpLink, opts: Omit<ArpProberOptions, 'iface'>): ArpProber {
  return new ArpProbeEngine(link, opts);
}

interface Probe {
  ip: string;
  frame: Buffer;
  timeoutMs: number;
  timer: unknown;
  firstSentAt: number | null;
  done: boolean;
  resolve: (inUse: boolean) => void;
}

const realClock: ArpClock = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  now: () => performance.now(),
};

class ArpProbeEngine implements ArpProber {
  private readonly byIp = new Map<string, Set<Probe>>();
  private readonly buffer = Buffer.alloc(2048);
  private readonly clock: ArpClock;
  private readonly now: () => number;
  private readonly pollMs: number;
  private readonly counters: ArpProberStats = { sent: 0, sendFailures: 0, unverified: 0 };
  private readonly resendTimers = new Set<unknown>();
  private queue: Probe[] = [];
  private queueHead = 0;
  private sendBlocked = false; // the kernel refused a send: wait for the next tick
  private outstanding = 0;
  private pollTimer: unknown = null;
  private closed = false;

  constructor(
    private readonly link: ArpLink,
    private readonly opts: Omit<ArpProberOptions, 'iface'>,
  ) {
    this.clock = opts.clock ?? realClock;
    this.now = this.clock.now ? this.clock.now.bind(this.clock) : () => performance.now();
    this.pollMs = opts.pollMs ?? 5;
  }

  probe(ip: string, timeoutMs: number): Promise<boolean> {
    try {
      const answer = this.start(ip, timeoutMs);
      this.flush();
      return answer;
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  async probeMany(ips: readonly string[], timeoutMs: number): Promise<Set<string>> {
    const answers = ips.map((ip) => this.start(ip, timeoutMs)); // validates every address before sending any
    this.flush();
    const inUse = await Promise.all(answers);
    return new Set(ips.filter((_, i) => inUse[i]));
  }

  stats(): ArpProberStats {
    return { ...this.counters };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.pollTimer !== null) this.clock.clearTimeout(this.pollTimer);
    for (const t of this.resendTimers) this.clock.clearTimeout(t);
    // Probes cut short were not checked: in use, by the same rule as a request that never left.
    for (const set of [...this.byIp.values()]) for (const p of set) this.settle(p, true);
    this.link.close();
  }

  private start(ip: string, timeoutMs: number): Promise<boolean> {
    if (this.closed) throw new Error('the ARP prober is closed');
    const frame = encodeArpRequest({ sourceMac: this.opts.sourceMac, sourceIp: this.opts.sourceIp, targetIp: ip });
    // Our own address never answers our own request (our frames do not loop back to our stack).
    if (ip === this.opts.sourceIp) return Promise.resolve(true);
    return new Promise((resolve) => {
      const p: Probe = { ip, frame, timeoutMs, timer: null, firstSentAt: null, done: false, resolve };
      p.timer = this.clock.setTimeout(() => this.expire(p), timeoutMs);
      let set = this.byIp.get(ip);
      if (!set) this.byIp.set(ip, (set = new Set()));
      set.add(p);
      this.outstanding += 1;
      this.queue.push(p);
      this.schedulePoll();
    });
  }

  /** Sends queued requests until the queue is empty, the kernel pushes back, or a burst is out. */
  private flush(): void {
    const resend = new Map<number, Probe[]>();
    for (let burst = 0; burst < MAX_BURST && this.queueHead < this.queue.length && !this.sendBlocked && !this.closed; burst++) {
      const p = this.queue[this.queueHead]!;
      if (!p.done) {
        try {
          this.link.send(p.frame);
        } catch {
          this.counters.sendFailures += 1;
          this.sendBlocked = true;
          break;
        }
        this.counters.sent += 1;
        if (p.firstSentAt === null) {
          p.firstSentAt = this.now();
          const delay = Math.min(RESEND_MS, p.timeoutMs / 2);
          const batch = resend.get(delay);
          if (batch) batch.push(p);
          else resend.set(delay, [p]);
        }
      }
      this.queueHead += 1;
    }
    if (this.queueHead === this.queue.length) {
      this.queue = [];
      this.queueHead = 0;
    } else if (this.queueHead > 4096) {
      this.queue = this.queue.slice(this.queueHead);
      this.queueHead = 0;
    }
    // One timer per batch, not per address: thousands of probes sent together resend together.
    for (const [delay, batch] of resend) {
      const t = this.clock.setTimeout(() => {
        this.resendTimers.delete(t);
        for (const p of batch) if (!p.done) this.queue.push(p);
        this.flush();
      }, delay);
      this.resendTimers.add(t);
    }
  }

  private expire(p: Probe): void {
    // "Free" needs a request that left early enough to be answered: at least one resend interval
    // (a LAN answers in well under a millisecond; this covers a busy host or a slow switch port).
    const listened = p.firstSentAt === null ? -1 : this.now() - p.firstSentAt;
    const checked = listened >= Math.min(RESEND_MS, p.timeoutMs / 2);
    if (!checked) this.counters.unverified += 1;
    this.settle(p, !checked);
  }

  private settle(p: Probe, inUse: boolean): void {
    if (p.done) return;
    p.done = true;
    this.outstanding -= 1;
    this.clock.clearTimeout(p.timer);
    const set = this.byIp.get(p.ip);
    set?.delete(p);
    if (set?.size === 0) this.byIp.delete(p.ip);
    p.resolve(inUse);
  }

  private schedulePoll(): void {
    if (this.pollTimer !== null || this.closed) return;
    this.pollTimer = this.clock.setTimeout(() => {
      this.pollTimer = null;
      this.sendBlocked = false;
      this.drain();
      this.flush();
      if (this.outstanding > 0) this.schedulePoll();
    }, this.pollMs);
  }

  /** Reads everything queued, bounded per tick so an ARP storm cannot hold the event loop. */
  private drain(): void {
    for (let i = 0; i < 4096 && !this.closed; i++) {
      let bytes;
      try {
        bytes = this.link.receive(this.buffer);
      } catch {
        continue; // a pending socket error (e.g. ENETDOWN) is consumed by this read
      }
      if (bytes === null) return;
      const arp = decodeArpFrame(this.buffer.subarray(0, bytes));
      const ip = arp && claimedAddress(arp, this.opts.sourceMac);
      const set = ip === null ? undefined : this.byIp.get(ip);
      if (set) for (const p of [...set]) this.settle(p, true);
    }
  }
}
