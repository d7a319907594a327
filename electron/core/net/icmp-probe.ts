// The address-conflict probe of a DHCP server. RFC 2131 §2.2: "the allocating server SHOULD probe
// the reused address before allocating the address, e.g., with an ICMP echo request". A device with
// a static address inside the pool must not be given a twin.
//
// One raw ICMP socket per interface, pinned like every Bootbench socket (SO_BINDTODEVICE), shared
// by all probes: each echo request carries this prober's id and its own sequence number, and a
// reply counts only if id, sequence AND source address match. Probes never block each other or
// the event loop: Node cannot watch a raw socket (dgram adopts SOCK_DGRAM fds only: "Unsupported
// fd type"), so while probes are outstanding a short timer drains it with recvfrom(MSG_DONTWAIT).
// Hundreds of probes in flight finish in about one timeout.
import { randomInt } from 'node:crypto';
import { libc, SyscallError, type SocketApi } from './libc.js';

export interface ProbeClock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface IcmpProber {
  /** true when something answered from `ip` within `timeoutMs`: the address is in use. */
  probe(ip: string, timeoutMs: number): Promise<boolean>;
  /** The addresses among `ips` that answered, all probed at once. */
  probeMany(ips: readonly string[], timeoutMs: number): Promise<Set<string>>;
  close(): void;
}

/** Raw ICMP sockets need root or CAP_NET_RAW; callers then run without a conflict probe. */
export class IcmpProbeUnavailable extends Error {
  readonly code = 'ICMP_PROBE_UNAVAILABLE';
}

const ECHO_REQUEST = 8;
const ECHO_REPLY = 0;
const PAYLOAD = Buffer.from('bootbench-probe!');

/** RFC 1071 internet checksum. */
export function internetChecksum(b: Buffer): number {
  let sum = 0;
  for (let i = 0; i + 1 < b.length; i += 2) sum += b.readUInt16BE(i);
  if (b.length % 2) sum += (b[b.length - 1] ?? 0) << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

export function encodeEchoRequest(id: number, seq: number, payload: Buffer = PAYLOAD): Buffer {
  const b = Buffer.alloc(8 + payload.length);
  b.writeUInt8(ECHO_REQUEST, 0);
  b.writeUInt16BE(id, 4);
  b.writeUInt16BE(seq, 6);
  payload.copy(b, 8);
  b.writeUInt16BE(internetChecksum(b), 2);
  return b;
}

export interface EchoReply {
  source: string;
  id: number;
  seq: number;
}

/** An echo reply from what a raw IPv4 ICMP socket reads (IP header included), else null. */
export function parseEchoReply(packet: Buffer): EchoReply | null {
  if (packet.length < 20 || packet[0]! >> 4 !== 4) return null;
  const ihl = (packet[0]! & 0x0f) * 4;
  if (packet.length < ihl + 8 || packet[9] !== 1 || packet[ihl] !== ECHO_REPLY) return null;
  return { source: [...packet.subarray(12, 16)].join('.'), id: packet.readUInt16BE(ihl + 4), seq: packet.readUInt16BE(ihl + 6) };
}

interface Pending {
  ip: string;
  timer: unknown;
  resolve: (answered: boolean) => void;
}

const realClock: ProbeClock = { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) };

export async function createIcmpProber(opts: { iface: string; clock?: ProbeClock; pollMs?: number }): Promise<IcmpProber> {
  const { iface } = opts;
  const clock = opts.clock ?? realClock;
  const pollMs = opts.pollMs ?? 5;
  let api: SocketApi;
  let fd: number;
  try {
    api = libc();
    const c = api.consts;
    fd = api.socket(c.AF_INET, c.SOCK_RAW | c.SOCK_FLAGS, c.IPPROTO_ICMP);
  } catch (e) {
    const why =
      e instanceof SyscallError && (e.code === 'EPERM' || e.code === 'EACCES')
        ? 'raw ICMP sockets need root or CAP_NET_RAW'
        : (e as Error).message;
    throw new IcmpProbeUnavailable(
      `Cannot probe addresses with ICMP on ${iface} (${why}); DHCP will offer addresses without a conflict check.`,
      { cause: e },
    );
  }
  try {
    const c = api.consts;
    if (c.SO_BINDTODEVICE !== null) api.setsockoptBuffer(fd, c.SOL_SOCKET, c.SO_BINDTODEVICE, Buffer.from(`${iface}\0`));
    else if (c.IP_BOUND_IF !== null) api.setsockoptInt(fd, c.IPPROTO_IP, c.IP_BOUND_IF, api.ifNameToIndex(iface));
    // Linux ICMP_FILTER is a mask of types to DROP: keep echo replies only, so the busy-segment
    // noise (unreachables, other pings' requests) never reaches our reads.
    if (c.SOL_RAW !== null && c.ICMP_FILTER !== null) api.setsockoptInt(fd, c.SOL_RAW, c.ICMP_FILTER, ~(1 << ECHO_REPLY));
  } catch (e) {
    api.close(fd);
    throw new IcmpProbeUnavailable(`Cannot pin the ICMP probe to ${iface} (${(e as Error).message}).`, { cause: e });
  }
  return new RawProber(api, fd, clock, pollMs);
}

class RawProber implements IcmpProber {
  private readonly id = randomInt(0, 0x10000);
  private readonly pending = new Map<number, Pending>();
  private readonly buffer = Buffer.alloc(2048);
  private nextSeq = randomInt(0, 0x10000);
  private pollTimer: unknown = null;
  private closed = false;

  constructor(
    private readonly api: SocketApi,
    private readonly fd: number,
    private readonly clock: ProbeClock,
    private readonly pollMs: number,
  ) {}

  probe(ip: string, timeoutMs: number): Promise<boolean> {
    if (this.closed) return Promise.reject(new Error('the ICMP prober is closed'));
    const seq = this.allocateSeq();
    if (seq === null) return Promise.resolve(false); // 65536 in flight: cannot tell, do not block
    return new Promise((resolve) => {
      const timer = this.clock.setTimeout(() => this.settle(seq, false), timeoutMs);
      this.pending.set(seq, { ip, timer, resolve });
      try {
        this.api.sendtoInet4(this.fd, encodeEchoRequest(this.id, seq), ip, 0);
      } catch {
        // ENOBUFS, EHOSTUNREACH, …: nothing can answer a request that never left.
        this.settle(seq, false);
        return;
      }
      this.schedulePoll();
    });
  }

  async probeMany(ips: readonly string[], timeoutMs: number): Promise<Set<string>> {
    const answers = await Promise.all(ips.map((ip) => this.probe(ip, timeoutMs)));
    return new Set(ips.filter((_, i) => answers[i]));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.pollTimer !== null) this.clock.clearTimeout(this.pollTimer);
    for (const seq of [...this.pending.keys()]) this.settle(seq, false);
    this.api.close(this.fd);
  }

  private allocateSeq(): number | null {
    for (let tries = 0; tries < 0x10000; tries++) {
      const seq = this.nextSeq;
      this.nextSeq = (this.nextSeq + 1) & 0xffff;
      if (!this.pending.has(seq)) return seq;
    }
    return null;
  }

  private settle(seq: number, answered: boolean): void {
    const p = this.pending.get(seq);
    if (!p) return;
    this.pending.delete(seq);
    this.clock.clearTimeout(p.timer);
    p.resolve(answered);
  }

  private schedulePoll(): void {
    if (this.pollTimer !== null || this.closed) return;
    this.pollTimer = this.clock.setTimeout(() => {
      this.pollTimer = null;
      this.drain();
      if (this.pending.size > 0) this.schedulePoll();
    }, this.pollMs);
  }

  /** Reads everything queued, bounded per tick so a flood cannot hold the event loop. */
  private drain(): void {
    for (let i = 0; i < 4096 && !this.closed; i++) {
      let got;
      try {
        got = this.api.recvfromInet4(this.fd, this.buffer);
      } catch {
        continue; // a pending socket error (e.g. a reported unreachable) is consumed by this read
      }
      if (got === null) return;
      const reply = parseEchoReply(this.buffer.subarray(0, got.bytes));
      if (!reply || reply.id !== this.id) continue;
      if (this.pending.get(reply.seq)?.ip === reply.source) this.settle(reply.seq, true);
    }
  }
}
