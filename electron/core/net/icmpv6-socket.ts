// A raw ICMPv6 socket pinned to one interface (Linux), for Neighbor Discovery: what the router
// advertisement sender needs and Node cannot do (dgram has no raw sockets). Bound through koffi's
// FFI like libc.ts; these bindings are kept here because only IPv6 ND uses them.
//
// RFC 4861 asks for hop limit 255 on every ND message (receivers drop anything less: it proves the
// packet never crossed a router), so both unicast and multicast hops are set to 255. The kernel
// fills in the ICMPv6 checksum (RFC 3542 §3.1). Node cannot watch a raw fd, so the owner drains it
// with receive() (non-blocking) on a timer, as icmp-probe.ts does.
import koffi from 'koffi';
import { SyscallError } from './libc.js';
import { ipv6Bytes, formatIpv6 } from './ra-codec.js';

// <linux/in6.h>, <linux/icmpv6.h>, <asm-generic/socket.h>
const AF_INET6 = 10;
const SOCK_RAW = 3;
const SOCK_NONBLOCK_CLOEXEC = 0o4000 | 0o2000000;
const SOL_SOCKET = 1;
const SO_BINDTODEVICE = 25;
const IPPROTO_IPV6 = 41;
const IPPROTO_ICMPV6 = 58;
const IPV6_UNICAST_HOPS = 16;
const IPV6_MULTICAST_IF = 17;
const IPV6_MULTICAST_HOPS = 18;
const IPV6_MULTICAST_LOOP = 19;
const IPV6_ADD_MEMBERSHIP = 20;
const ICMPV6_FILTER = 1;
const MSG_DONTWAIT = 0x40;
const SOCKADDR_IN6 = 28;

export interface Icmpv6Socket {
  readonly ifindex: number;
  /** Binds the source address (a link-local one for ND); throws SyscallError (EADDRNOTAVAIL while it is tentative). */
  bind(address: string): void;
  /** Sends one ICMPv6 message to `to` on this interface. */
  send(message: Buffer, to: string): void;
  /** One received ICMPv6 message (no IPv6 header) and its source, or null when none is queued. */
  receive(into: Buffer): { bytes: number; from: string } | null;
  close(): void;
}

export interface Icmpv6SocketOptions {
  iface: string;
  /** ICMPv6 types to receive; everything else is filtered out in the kernel. */
  accept: readonly number[];
  /** Multicast groups to join on the interface (ff02::2 to hear Router Solicitations). */
  join?: readonly string[];
  /** Let this host's own stack see what we multicast (default false). */
  loop?: boolean;
}

type Fn<A extends unknown[]> = (...args: A) => number | bigint;
interface Calls {
  socket: Fn<[number, number, number]>;
  setsockopt: Fn<[number, number, number, Buffer, number]>;
  bind: Fn<[number, Buffer, number]>;
  sendto: Fn<[number, Buffer, number, number, Buffer, number]>;
  recvfrom: Fn<[number, Buffer, number, number, Buffer, number[]]>;
  close: Fn<[number]>;
  ifNameToIndex: Fn<[string]>;
}
let calls: Calls | null = null;

function load(): Calls {
  if (process.platform !== 'linux') throw new Error(`raw ICMPv6 sockets are used on Linux only (not ${process.platform})`);
  const lib = koffi.load('libc.so.6');
  const fn = <A extends unknown[]>(decl: string) => lib.func(decl) as unknown as Fn<A>;
  return {
    socket: fn('int socket(int domain, int type, int protocol)'),
    setsockopt: fn('int setsockopt(int fd, int level, int name, const void *val, uint32_t len)'),
    bind: fn('int bind(int fd, const void *addr, uint32_t len)'),
    sendto: fn('intptr_t sendto(int fd, const void *buf, size_t len, int flags, const void *addr, uint32_t alen)'),
    recvfrom: fn('intptr_t recvfrom(int fd, void *buf, size_t len, int flags, void *addr, _Inout_ uint32_t *alen)'),
    close: fn('int close(int fd)'),
    ifNameToIndex: fn('unsigned int if_nametoindex(const char *name)'),
  };
}

const check = (syscall: string, result: number | bigint): number => {
  const n = Number(result);
  if (n < 0) throw new SyscallError(syscall, koffi.errno());
  return n;
};

/** struct sockaddr_in6: family, port, flowinfo, address, scope id (the interface of a link-local). */
export function sockaddrIn6(address: string, scopeId: number): Buffer {
  const b = Buffer.alloc(SOCKADDR_IN6);
  b.writeUInt16LE(AF_INET6, 0); // host order (little-endian hosts only, as in libc.ts)
  ipv6Bytes(address).copy(b, 8);
  b.writeUInt32LE(scopeId, 24);
  return b;
}

export function openIcmpv6Socket(opts: Icmpv6SocketOptions): Icmpv6Socket {
  calls ??= load();
  const c = calls;
  const ifindex = Number(c.ifNameToIndex(opts.iface));
  if (ifindex === 0) throw new SyscallError('if_nametoindex', koffi.errno());
  const fd = check('socket', c.socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK_CLOEXEC, IPPROTO_ICMPV6));
  const int = (level: number, name: number, value: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32LE(value);
    check('setsockopt', c.setsockopt(fd, level, name, b, 4));
  };
  try {
    const dev = Buffer.from(`${opts.iface}\0`);
    check('setsockopt', c.setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, dev, dev.length));
    // struct icmp6_filter: a bit SET blocks that type (the kernel's icmpv6_filter()).
    const filter = Buffer.alloc(32, 0xff);
    for (const type of opts.accept) filter[type >> 3]! &= ~(1 << (type & 7)) & 0xff;
    check('setsockopt', c.setsockopt(fd, IPPROTO_ICMPV6, ICMPV6_FILTER, filter, 32));
    int(IPPROTO_IPV6, IPV6_UNICAST_HOPS, 255);
    int(IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 255);
    int(IPPROTO_IPV6, IPV6_MULTICAST_IF, ifindex);
    int(IPPROTO_IPV6, IPV6_MULTICAST_LOOP, opts.loop ? 1 : 0);
    for (const group of opts.join ?? []) {
      const mreq = Buffer.alloc(20); // struct ipv6_mreq { in6_addr; int ifindex }
      ipv6Bytes(group).copy(mreq, 0);
      mreq.writeInt32LE(ifindex, 16);
      check('setsockopt', c.setsockopt(fd, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, mreq, 20));
    }
  } catch (e) {
    c.close(fd);
    throw e;
  }
  let closed = false;
  return {
    ifindex,
    bind: (address) => void check('bind', c.bind(fd, sockaddrIn6(address, ifindex), SOCKADDR_IN6)),
    send: (message, to) => void check('sendto', c.sendto(fd, message, message.length, 0, sockaddrIn6(to, ifindex), SOCKADDR_IN6)),
    receive: (into) => {
      const addr = Buffer.alloc(SOCKADDR_IN6);
      const n = Number(c.recvfrom(fd, into, into.length, MSG_DONTWAIT, addr, [SOCKADDR_IN6]));
      if (n < 0) {
        const e = new SyscallError('recvfrom', koffi.errno());
        if (e.code === 'EAGAIN') return null;
        throw e;
      }
      return { bytes: n, from: formatIpv6(addr.subarray(8, 24)) };
    },
    close: () => {
      if (closed) return;
      closed = true;
      c.close(fd);
    },
  };
}
