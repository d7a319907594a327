// A small typed facade over the libc socket calls that Node's own `dgram` does not expose
// (SO_BINDTODEVICE, IP_BOUND_IF, raw ICMP sockets), loaded through koffi's prebuilt FFI.
// Every call throws a SyscallError carrying the errno name on failure, so callers map errors by
// name ('EADDRINUSE'), not by a number that differs between Linux and macOS.
// libc is loaded on first use only: importing this module on Windows (no libc) costs nothing.
import koffi from 'koffi';

export interface SocketConstants {
  readonly AF_INET: number;
  readonly SOCK_DGRAM: number;
  readonly SOCK_RAW: number;
  /** Flags OR-ed into the socket type (SOCK_NONBLOCK|SOCK_CLOEXEC on Linux; 0 where unsupported). */
  readonly SOCK_FLAGS: number;
  readonly SOL_SOCKET: number;
  readonly SO_REUSEADDR: number;
  readonly SO_BROADCAST: number;
  readonly SO_REUSEPORT: number;
  readonly SO_BINDTODEVICE: number | null; // Linux
  readonly IPPROTO_IP: number;
  readonly IP_BOUND_IF: number | null; // macOS
  readonly IPPROTO_ICMP: number;
  readonly SOL_RAW: number | null; // Linux: level of ICMP_FILTER
  readonly ICMP_FILTER: number | null;
  readonly MSG_DONTWAIT: number;
  readonly AF_PACKET: number | null; // Linux link-layer sockets (packet(7)); macOS has BPF instead
  /** SOCK_CLOEXEC alone (a blocking socket that does not leak into child processes); 0 where unsupported. */
  readonly SOCK_CLOEXEC: number;
  readonly SO_RCVTIMEO: number;
}

const LINUX: SocketConstants = {
  AF_INET: 2,
  SOCK_DGRAM: 2,
  SOCK_RAW: 3,
  SOCK_FLAGS: 0o4000 | 0o2000000,
  SOL_SOCKET: 1,
  SO_REUSEADDR: 2,
  SO_BROADCAST: 6,
  SO_REUSEPORT: 15,
  SO_BINDTODEVICE: 25,
  IPPROTO_IP: 0,
  IP_BOUND_IF: null,
  IPPROTO_ICMP: 1,
  SOL_RAW: 255,
  ICMP_FILTER: 1,
  MSG_DONTWAIT: 0x40,
  AF_PACKET: 17,
  SOCK_CLOEXEC: 0o2000000,
  SO_RCVTIMEO: 20,
};

// <sys/socket.h> and <netinet/in.h> of macOS; no SOCK_NONBLOCK there (libuv sets O_NONBLOCK itself).
const DARWIN: SocketConstants = {
  AF_INET: 2,
  SOCK_DGRAM: 2,
  SOCK_RAW: 3,
  SOCK_FLAGS: 0,
  SOL_SOCKET: 0xffff,
  SO_REUSEADDR: 0x4,
  SO_BROADCAST: 0x20,
  SO_REUSEPORT: 0x200,
  SO_BINDTODEVICE: null,
  IPPROTO_IP: 0,
  IP_BOUND_IF: 25,
  IPPROTO_ICMP: 1,
  SOL_RAW: null,
  ICMP_FILTER: null,
  MSG_DONTWAIT: 0x80,
  AF_PACKET: null,
  SOCK_CLOEXEC: 0,
  SO_RCVTIMEO: 0x1006,
};

/** A failed system call, named by its errno ('EACCES', 'EADDRINUSE', …). */
export class SyscallError extends Error {
  readonly syscall: string;
  readonly errno: number;
  readonly code: string;

  constructor(syscall: string, errno: number) {
    const code = errnoName(errno);
    super(`${syscall} failed: ${code} (errno ${errno})`);
    this.name = 'SyscallError';
    this.syscall = syscall;
    this.errno = errno;
    this.code = code;
  }
}

export interface RecvResult {
  bytes: number;
  address: string;
}

/** What recvfrom on an AF_PACKET socket read, with sll_pkttype (PACKET_HOST, …, PACKET_OUTGOING = 4). */
export interface PacketRecvResult {
  bytes: number;
  pkttype: number;
}

/** <linux/if_packet.h> sll_pkttype of a frame this host sent (seen by packet taps). */
export const PACKET_OUTGOING = 4;

export interface SocketApi {
  readonly consts: SocketConstants;
  socket(domain: number, type: number, protocol: number): number;
  setsockoptInt(fd: number, level: number, name: number, value: number): void;
  setsockoptBuffer(fd: number, level: number, name: number, value: Buffer): void;
  getsockoptInt(fd: number, level: number, name: number): number;
  bindInet4(fd: number, address: string, port: number): void;
  /** connect(2) a datagram socket: only this peer's packets reach it, and send() needs no address. */
  connectInet4(fd: number, address: string, port: number): void;
  /** SO_RCVTIMEO: a blocking receive returns EAGAIN after this long. */
  setReceiveTimeout(fd: number, ms: number): void;
  sendtoInet4(fd: number, data: Buffer, address: string, port: number): number;
  /** Non-blocking receive; null when nothing is queued (EAGAIN). */
  recvfromInet4(fd: number, into: Buffer): RecvResult | null;
  close(fd: number): void;
  ifNameToIndex(name: string): number;
  /** Linux AF_PACKET: bind to one interface and one ethertype (`protocol` in host order). */
  bindPacket(fd: number, protocol: number, ifindex: number): void;
  /** Linux AF_PACKET SOCK_RAW: send a whole Ethernet frame out of `ifindex`. */
  sendtoPacket(fd: number, frame: Buffer, protocol: number, ifindex: number): number;
  /** Non-blocking receive of one frame; null when nothing is queued (EAGAIN). */
  recvfromPacket(fd: number, into: Buffer): PacketRecvResult | null;
  /** bind() to a sockaddr the caller built (other families, e.g. sockaddr_in6 in icmpv6-socket.ts). */
  bindAddress(fd: number, addr: Buffer): void;
  sendtoAddress(fd: number, data: Buffer, addr: Buffer): number;
  /** Non-blocking receive; the sender's sockaddr lands in `from`. Bytes read, or null when nothing is queued (EAGAIN). */
  recvfromAddress(fd: number, into: Buffer, from: Buffer): number | null;
}

/**
 * The calls a TFTP lane makes per packet (tftp/lane.ts), as koffi binds them: no wrapper, no
 * exception, a negative result means failure and errno() says which (read it right after the
 * call). A wrapper here would cost more than the call: one koffi call is ~1.4 µs on the machines
 * we measure on, and a lane makes two or three per packet.
 */
export interface HotCalls {
  send(fd: number, buf: Buffer, length: number, flags: number): number;
  recv(fd: number, buf: Buffer, length: number, flags: number): number;
  close(fd: number): number;
  errno(): number;
  /** epoll_create1(2) (Linux): a set of sockets whose wait returns only the ready ones. */
  epollCreate(flags: number): number;
  /** epoll_ctl(2): `event` is one struct epoll_event (EPOLL_EVENT_BYTES). */
  epollCtl(epfd: number, op: number, fd: number, event: Buffer): number;
  /** epoll_wait(2): up to `max` struct epoll_event land in `events`. */
  epollWait(epfd: number, events: Buffer, max: number, timeoutMs: number): number;
}

/** <sys/epoll.h> (Linux). */
export const EPOLLIN = 0x1;
export const EPOLL_CTL_ADD = 1;
export const EPOLL_CLOEXEC = 0o2000000;
/** struct epoll_event: uint32 events, then a 64-bit data field; packed on x86-64 only. */
export const EPOLL_EVENT_BYTES = process.arch === 'x64' ? 12 : 16;
export const EPOLL_DATA_OFFSET = process.arch === 'x64' ? 4 : 8;

let hot: HotCalls | null = null;

/** The per-packet calls (see HotCalls); throws where there is no libc, or no epoll (lanes run on Linux only). */
export function hotCalls(): HotCalls {
  if (hot) return hot;
  const lib = libraryHandle();
  hot = {
    send: lib.func('intptr_t send(int fd, const void *buf, size_t len, int flags)') as unknown as HotCalls['send'],
    recv: lib.func('intptr_t recv(int fd, void *buf, size_t len, int flags)') as unknown as HotCalls['recv'],
    close: lib.func('int close(int fd)') as unknown as HotCalls['close'],
    errno: () => koffi.errno(),
    epollCreate: lib.func('int epoll_create1(int flags)') as unknown as HotCalls['epollCreate'],
    epollCtl: lib.func('int epoll_ctl(int epfd, int op, int fd, void *event)') as unknown as HotCalls['epollCtl'],
    epollWait: lib.func('int epoll_wait(int epfd, void *events, int maxevents, int timeout)') as unknown as HotCalls['epollWait'],
  };
  return hot;
}

type Fn<A extends unknown[]> = (...args: A) => number | bigint;

let cached: SocketApi | null = null;

/** The socket API of this platform (Linux or macOS); throws on platforms without a libc. */
export function libc(): SocketApi {
  cached ??= load();
  return cached;
}

let errnoNames: Map<number, string> | null = null;
/** The errno name ('EAGAIN', 'ECONNREFUSED', …) of a number, for messages and comparisons off the hot path. */
export function errnoName(errno: number): string {
  if (!errnoNames) {
    errnoNames = new Map();
    // EAGAIN and EWOULDBLOCK share a number on Linux and macOS: keep the common name.
    for (const [name, value] of Object.entries(koffi.os.errno).sort(([a], [b]) => (a === 'EAGAIN' ? -1 : b === 'EAGAIN' ? 1 : 0))) {
      if (!errnoNames.has(value)) errnoNames.set(value, name);
    }
  }
  return errnoNames.get(errno) ?? `errno ${errno}`;
}

type Library = ReturnType<typeof koffi.load>;
let library: Library | null = null;

/** This platform's libc, loaded once for every set of bindings; throws where there is none. */
export function libraryHandle(): Library {
  if (process.platform !== 'linux' && process.platform !== 'darwin') throw new Error(`no libc socket bindings on ${process.platform}`);
  library ??= koffi.load(process.platform === 'darwin' ? '/usr/lib/libSystem.B.dylib' : 'libc.so.6');
  return library;
}

function load(): SocketApi {
  const lib = libraryHandle();
  const consts = process.platform === 'darwin' ? DARWIN : LINUX;
  const fn = <A extends unknown[]>(decl: string) => lib.func(decl) as unknown as Fn<A>;

  const socket = fn<[number, number, number]>('int socket(int domain, int type, int protocol)');
  const setsockopt = fn<[number, number, number, Buffer, number]>(
    'int setsockopt(int fd, int level, int name, const void *val, uint32_t len)',
  );
  const getsockopt = fn<[number, number, number, Buffer, number[]]>(
    'int getsockopt(int fd, int level, int name, void *val, _Inout_ uint32_t *len)',
  );
  const bind = fn<[number, Buffer, number]>('int bind(int fd, const void *addr, uint32_t len)');
  const sendto = fn<[number, Buffer, number, number, Buffer, number]>(
    'intptr_t sendto(int fd, const void *buf, size_t len, int flags, const void *addr, uint32_t alen)',
  );
  const recvfrom = fn<[number, Buffer, number, number, Buffer, number[]]>(
    'intptr_t recvfrom(int fd, void *buf, size_t len, int flags, void *addr, _Inout_ uint32_t *alen)',
  );
  const close = fn<[number]>('int close(int fd)');
  const ifNameToIndex = fn<[string]>('unsigned int if_nametoindex(const char *name)');

  // Reads errno right after the call returned -1 (koffi saves it per call).
  const check = (syscall: string, result: number | bigint): number => {
    const n = Number(result);
    if (n < 0) throw new SyscallError(syscall, koffi.errno());
    return n;
  };
  const bindAddress = (fd: number, addr: Buffer): void => void check('bind', bind(fd, addr, addr.length));
  const connect = fn<[number, Buffer, number]>('int connect(int fd, const void *addr, uint32_t len)');
  const sendtoAddress = (fd: number, data: Buffer, addr: Buffer): number =>
    check('sendto', sendto(fd, data, data.length, 0, addr, addr.length));
  const recvfromAddress = (fd: number, into: Buffer, from: Buffer): number | null => {
    const n = Number(recvfrom(fd, into, into.length, consts.MSG_DONTWAIT, from, [from.length]));
    if (n < 0) {
      const errno = koffi.errno();
      if (errnoName(errno) === 'EAGAIN') return null;
      throw new SyscallError('recvfrom', errno);
    }
    return n;
  };

  return {
    consts,
    socket: (d, t, p) => check('socket', socket(d, t, p)),
    setsockoptInt: (fd, level, name, value) => {
      const b = Buffer.alloc(4);
      b.writeInt32LE(value); // little-endian hosts only: x86-64 and arm64 (all we ship)
      check('setsockopt', setsockopt(fd, level, name, b, 4));
    },
    setsockoptBuffer: (fd, level, name, value) => void check('setsockopt', setsockopt(fd, level, name, value, value.length)),
    getsockoptInt: (fd, level, name) => {
      const b = Buffer.alloc(4);
      check('getsockopt', getsockopt(fd, level, name, b, [4]));
      return b.readInt32LE();
    },
    bindInet4: (fd, address, port) => bindAddress(fd, sockaddrIn(address, port)),
    connectInet4: (fd, address, port) => {
      const addr = sockaddrIn(address, port);
      check('connect', connect(fd, addr, addr.length));
    },
    setReceiveTimeout: (fd, ms) => {
      const tv = Buffer.alloc(16); // struct timeval on 64-bit Linux and macOS: seconds, then microseconds
      tv.writeBigInt64LE(BigInt(Math.floor(ms / 1000)), 0);
      tv.writeBigInt64LE(BigInt((ms % 1000) * 1000), 8);
      check('setsockopt', setsockopt(fd, consts.SOL_SOCKET, consts.SO_RCVTIMEO, tv, tv.length));
    },
    sendtoInet4: (fd, data, address, port) => sendtoAddress(fd, data, sockaddrIn(address, port)),
    recvfromInet4: (fd, into) => {
      const addr = Buffer.alloc(16);
      const n = recvfromAddress(fd, into, addr);
      return n === null ? null : { bytes: n, address: [...addr.subarray(4, 8)].join('.') };
    },
    close: (fd) => void close(fd),
    bindPacket: (fd, protocol, ifindex) => bindAddress(fd, sockaddrLl(protocol, ifindex)),
    sendtoPacket: (fd, frame, protocol, ifindex) => sendtoAddress(fd, frame, sockaddrLl(protocol, ifindex)),
    recvfromPacket: (fd, into) => {
      const addr = Buffer.alloc(SOCKADDR_LL_SIZE);
      const n = recvfromAddress(fd, into, addr);
      return n === null ? null : { bytes: n, pkttype: addr.readUInt8(10) };
    },
    bindAddress,
    sendtoAddress,
    recvfromAddress,
    ifNameToIndex: (name) => {
      const index = Number(ifNameToIndex(name));
      if (index === 0) throw new SyscallError('if_nametoindex', koffi.errno());
      return index;
    },
  };
}

/** struct sockaddr_in: Linux has a 16-bit family; BSDs a length byte then a family byte. */
export function sockaddrIn(address: string, port: number): Buffer {
  const b = Buffer.alloc(16);
  if (process.platform === 'darwin') {
    b.writeUInt8(16, 0);
    b.writeUInt8(2, 1);
  } else {
    b.writeUInt16LE(2, 0);
  }
  b.writeUInt16BE(port, 2);
  const octets = address.split('.').map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) {
    throw new Error(`not an IPv4 address: ${address}`);
  }
  b.set(octets, 4);
  return b;
}

const SOCKADDR_LL_SIZE = 20;

/**
 * struct sockaddr_ll (Linux packet(7)): family, protocol (network order), ifindex, hatype, pkttype,
 * halen, addr[8]. For SOCK_RAW sends the frame carries its own Ethernet header, so only family,
 * protocol and ifindex matter; the address fields stay zero.
 */
export function sockaddrLl(protocol: number, ifindex: number): Buffer {
  const b = Buffer.alloc(SOCKADDR_LL_SIZE);
  b.writeUInt16LE(17, 0); // AF_PACKET, host order (little-endian hosts only, as above)
  b.writeUInt16BE(protocol, 2);
  b.writeInt32LE(ifindex, 4);
  return b;
}
