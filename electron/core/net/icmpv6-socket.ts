// A raw ICMPv6 socket pinned to one interface (Linux), for Neighbor Discovery: what the router
// advertisement sender needs and Node cannot do (dgram has no raw sockets). The calls are libc.ts's;
// only the IPv6 constants and struct sockaddr_in6 live here, because only IPv6 ND uses them.
//
// RFC 4861 asks for hop limit 255 on every ND message (receivers drop anything less: it proves the
// packet never crossed a router), so both unicast and multicast hops are set to 255. The kernel
// fills in the ICMPv6 checksum (RFC 3542 §3.1). Node cannot watch a raw fd, so the owner drains it
// with receive() (non-blocking) on a timer, as icmp-probe.ts does.
import { libc } from './libc.js';
import { ipv6Bytes, formatIpv6 } from './ra-codec.js';

// <linux/in6.h>, <linux/icmpv6.h>
const AF_INET6 = 10;
const IPPROTO_IPV6 = 41;
const IPPROTO_ICMPV6 = 58;
const IPV6_UNICAST_HOPS = 16;
const IPV6_MULTICAST_IF = 17;
const IPV6_MULTICAST_HOPS = 18;
const IPV6_MULTICAST_LOOP = 19;
const IPV6_ADD_MEMBERSHIP = 20;
const ICMPV6_FILTER = 1;
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

/** struct sockaddr_in6: family, port, flowinfo, address, scope id (the interface of a link-local). */
export function sockaddrIn6(address: string, scopeId: number): Buffer {
  const b = Buffer.alloc(SOCKADDR_IN6);
  b.writeUInt16LE(AF_INET6, 0); // host order (little-endian hosts only, as in libc.ts)
  ipv6Bytes(address).copy(b, 8);
  b.writeUInt32LE(scopeId, 24);
  return b;
}

export function openIcmpv6Socket(opts: Icmpv6SocketOptions): Icmpv6Socket {
  if (process.platform !== 'linux') throw new Error(`raw ICMPv6 sockets are used on Linux only (not ${process.platform})`);
  const api = libc();
  const { SOCK_RAW, SOCK_FLAGS, SOL_SOCKET, SO_BINDTODEVICE } = api.consts;
  const ifindex = api.ifNameToIndex(opts.iface);
  const fd = api.socket(AF_INET6, SOCK_RAW | SOCK_FLAGS, IPPROTO_ICMPV6);
  try {
    api.setsockoptBuffer(fd, SOL_SOCKET, SO_BINDTODEVICE!, Buffer.from(`${opts.iface}\0`));
    // struct icmp6_filter: a bit SET blocks that type (the kernel's icmpv6_filter()).
    const filter = Buffer.alloc(32, 0xff);
    for (const type of opts.accept) filter[type >> 3]! &= ~(1 << (type & 7)) & 0xff;
    api.setsockoptBuffer(fd, IPPROTO_ICMPV6, ICMPV6_FILTER, filter);
    api.setsockoptInt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 255);
    api.setsockoptInt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 255);
    api.setsockoptInt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, ifindex);
    api.setsockoptInt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, opts.loop ? 1 : 0);
    for (const group of opts.join ?? []) {
      const mreq = Buffer.alloc(20); // struct ipv6_mreq { in6_addr; int ifindex }
      ipv6Bytes(group).copy(mreq, 0);
      mreq.writeInt32LE(ifindex, 16);
      api.setsockoptBuffer(fd, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, mreq);
    }
  } catch (e) {
    api.close(fd);
    throw e;
  }
  let closed = false;
  return {
    ifindex,
    bind: (address) => api.bindAddress(fd, sockaddrIn6(address, ifindex)),
    send: (message, to) => void api.sendtoAddress(fd, message, sockaddrIn6(to, ifindex)),
    receive: (into) => {
      const addr = Buffer.alloc(SOCKADDR_IN6);
      const n = api.recvfromAddress(fd, into, addr);
      return n === null ? null : { bytes: n, from: formatIpv6(addr.subarray(8, 24)) };
    },
    close: () => {
      if (closed) return;
      closed = true;
      api.close(fd);
    },
  };
}
