// A UDP socket that sends and receives on ONE network interface only: the safety line that keeps
// Bootbench from ever answering DHCP on a NIC the user did not choose.
//
// Node's dgram cannot pin a socket to a device, and DHCP cannot bind to the interface's address
// instead: clients without an address broadcast to 255.255.255.255, which a socket bound to a
// unicast address does not receive on Linux. So (see docs/notes/binding.md):
//   Linux:   socket() + SO_BINDTODEVICE + bind() through libc, then the fd is handed to dgram.
//   macOS:   the same with IP_BOUND_IF (interface index).
//   Windows: no device binding exists; bind to the interface's own IPv4 address.
import dgram from 'node:dgram';
import { networkInterfaces } from 'node:os';
import { BootbenchError, errnoCode } from '../errors.js';
import { libc, SyscallError, type SocketApi } from './libc.js';
import { findPortHolder } from './port-holder.js';

export interface BoundSocketOptions {
  iface: string;
  port: number;
  /** Local address to bind; default 0.0.0.0 (needed to receive broadcasts to 255.255.255.255). */
  address?: string;
  broadcast?: boolean;
  reuseAddr?: boolean;
}

export async function openBoundUdpSocket(opts: BoundSocketOptions): Promise<dgram.Socket> {
  if (process.platform === 'linux' || process.platform === 'darwin') return openPinned(opts);
  if (process.platform === 'win32') return openOnAddress(opts);
  throw new BootbenchError('BIND_TO_DEVICE_FAILED', { iface: opts.iface, reason: `not supported on ${process.platform}` });
}

/**
 * A blocking UDP socket pinned to `iface` and bound to `address:port`, as a raw descriptor the
 * caller owns and closes (tftp/lane.ts drives it with system calls, without libuv). Linux only:
 * elsewhere the lanes are not used.
 */
export function openPinnedUdpFd(opts: { iface: string; address: string; port: number }): number {
  const api = libc();
  return pinnedFd(api, opts, api.consts.SOCK_CLOEXEC);
}

/** socket() with `typeFlags`, the options asked, pinned to the NIC and bound; closed again on any failure. */
function pinnedFd(api: SocketApi, opts: BoundSocketOptions, typeFlags: number): number {
  const c = api.consts;
  let fd: number;
  try {
    fd = api.socket(c.AF_INET, c.SOCK_DGRAM | typeFlags, 0);
  } catch (e) {
    throw new BootbenchError('BIND_TO_DEVICE_FAILED', { iface: opts.iface, reason: `socket(): ${errnoCode(e)}` }, { cause: e });
  }
  try {
    if (opts.reuseAddr) api.setsockoptInt(fd, c.SOL_SOCKET, c.SO_REUSEADDR, 1);
    if (opts.broadcast) api.setsockoptInt(fd, c.SOL_SOCKET, c.SO_BROADCAST, 1);
    pin(api, fd, opts.iface);
    bindOrExplain(api, fd, opts);
  } catch (e) {
    api.close(fd);
    throw e;
  }
  return fd;
}

/** The local port a socket is bound to (useful after binding port 0). */
export function boundPort(socket: dgram.Socket): number {
  return socket.address().port;
}

async function openPinned(opts: BoundSocketOptions): Promise<dgram.Socket> {
  const { iface, port } = opts;
  let api: SocketApi;
  try {
    api = libc();
  } catch (e) {
    throw new BootbenchError('BIND_TO_DEVICE_FAILED', { iface, reason: `libc unavailable: ${(e as Error).message}` }, { cause: e });
  }
  const c = api.consts;
  let fd: number;
  try {
    fd = pinnedFd(api, opts, c.SOCK_FLAGS);
  } catch (e) {
    if (e instanceof SyscallError && e.code === 'EADDRINUSE') {
      const holder = await findPortHolder(port, 'udp').catch(() => null);
      throw new BootbenchError('PORT_IN_USE', { port, proto: 'udp', iface, holder }, { cause: e });
    }
    throw e;
  }
  const socket = await adopt(api, fd, iface);
  // libuv's uv_udp_open() switches SO_REUSEADDR on for every adopted fd (SO_REUSEPORT on macOS),
  // which would let any later socket that also asks for reuse share our port on this interface.
  // Put back what the caller asked for, so a second Bootbench on the same NIC is refused.
  if (!opts.reuseAddr) {
    try {
      for (const name of [c.SO_REUSEADDR, c.SO_REUSEPORT]) {
        if (api.getsockoptInt(fd, c.SOL_SOCKET, name) !== 0) api.setsockoptInt(fd, c.SOL_SOCKET, name, 0);
      }
    } catch (e) {
      socket.close(); // dgram owns the fd now
      throw new BootbenchError(
        'BIND_TO_DEVICE_FAILED',
        { iface, reason: `could not make port ${port} exclusive: ${(e as Error).message}` },
        { cause: e },
      );
    }
  }
  return socket;
}

function pin(api: SocketApi, fd: number, iface: string): void {
  const c = api.consts;
  try {
    if (c.SO_BINDTODEVICE !== null) {
      api.setsockoptBuffer(fd, c.SOL_SOCKET, c.SO_BINDTODEVICE, Buffer.from(`${iface}\0`));
    } else if (c.IP_BOUND_IF !== null) {
      api.setsockoptInt(fd, c.IPPROTO_IP, c.IP_BOUND_IF, api.ifNameToIndex(iface));
    } else {
      throw new Error('no way to pin a socket to a device here');
    }
  } catch (e) {
    const reason =
      errnoCode(e) === 'ENODEV' || errnoCode(e) === 'ENXIO'
        ? `no interface named ${iface}`
        : errnoCode(e) === 'EPERM'
          ? 'SO_BINDTODEVICE needs CAP_NET_RAW on Linux before 5.7'
          : `${(e as Error).message}`;
    throw new BootbenchError('BIND_TO_DEVICE_FAILED', { iface, reason }, { cause: e });
  }
}

function bindOrExplain(api: SocketApi, fd: number, opts: BoundSocketOptions): void {
  const address = opts.address ?? '0.0.0.0';
  try {
    api.bindInet4(fd, address, opts.port);
  } catch (e) {
    const code = errnoCode(e);
    if (code === 'EACCES' || code === 'EPERM') {
      throw new BootbenchError('BIND_DENIED', { port: opts.port, proto: 'udp', iface: opts.iface }, { cause: e });
    }
    if (code === 'EADDRNOTAVAIL') {
      throw new BootbenchError(
        'BAD_ARGUMENT',
        { message: `Address ${address} is not an address of this machine; cannot bind port ${opts.port} on ${opts.iface}.` },
        { cause: e },
      );
    }
    throw e; // EADDRINUSE is mapped by the caller (it needs an await); anything else is unexpected
  }
}

/** Hands a bound fd to dgram. Node does not bind an adopted fd: it only starts reading it. */
function adopt(api: SocketApi, fd: number, iface: string): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket({ type: 'udp4' });
    const fail = (e: unknown) => {
      api.close(fd);
      reject(
        new BootbenchError(
          'BIND_TO_DEVICE_FAILED',
          { iface, reason: `dgram could not adopt the socket: ${(e as Error).message}` },
          { cause: e },
        ),
      );
    };
    socket.once('error', fail);
    socket.once('listening', () => {
      socket.off('error', fail);
      resolve(socket);
    });
    try {
      socket.bind({ fd });
    } catch (e) {
      fail(e);
    }
  });
}

/** Windows: bind to the interface's own IPv4 address (see docs/notes/binding.md for what that means). */
function openOnAddress(opts: BoundSocketOptions): Promise<dgram.Socket> {
  const { iface, port } = opts;
  const addrs = networkInterfaces()[iface];
  if (!addrs) throw new BootbenchError('NO_SUCH_INTERFACE', { iface, available: Object.keys(networkInterfaces()).join(', ') });
  const v4 = addrs.find((a) => a.family === 'IPv4');
  if (!v4) throw new BootbenchError('INTERFACE_NO_IPV4', { iface });
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket({ type: 'udp4', reuseAddr: opts.reuseAddr ?? false });
    socket.once('error', (e) => {
      socket.close();
      const code = errnoCode(e);
      if (code === 'EACCES' || code === 'EPERM') reject(new BootbenchError('BIND_DENIED', { port, proto: 'udp', iface }, { cause: e }));
      else if (code === 'EADDRINUSE') reject(new BootbenchError('PORT_IN_USE', { port, proto: 'udp', iface }, { cause: e }));
      else reject(e);
    });
    socket.bind({ port, address: v4.address, exclusive: true }, () => {
      if (opts.broadcast) socket.setBroadcast(true);
      resolve(socket);
    });
  });
}
