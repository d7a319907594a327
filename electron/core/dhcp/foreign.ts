// Is another DHCP server answering on this segment? Bootbench asks like a client would: a
// DISCOVER broadcast from port 68 on the chosen interface, and every OFFER that comes back (other
// than our own) names a server. Full DHCP beside another server hands out conflicting addresses.
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:dgram';
import type { ForeignDhcpServer } from '../../shared/contract.js';
import { openBoundUdpSocket } from '../net/bound-socket.js';
import { decodeDhcp, encodeDhcp } from './codec.js';
import { BOOTREQUEST, BROADCAST_FLAG, MessageType, Opt, ZERO_IP, type DhcpMessage } from './message.js';
import { messageType, serverId, stringOption, u8Option } from './options.js';

export interface ForeignProbeOptions {
  /** A socket on port 68 pinned to the interface, with broadcast enabled. */
  socket: Socket;
  /** The interface's MAC (the DISCOVER's chaddr); a random locally administered one if null. */
  mac: string | null;
  /** Our own address: offers from it are our own server's. */
  ownIp: string | null;
  waitMs?: number;
}

export function probeDiscover(mac: Buffer, xid: number): DhcpMessage {
  const chaddr = Buffer.alloc(16);
  mac.copy(chaddr);
  return {
    op: BOOTREQUEST,
    htype: 1,
    hlen: 6,
    hops: 0,
    xid,
    secs: 0,
    flags: BROADCAST_FLAG,
    ciaddr: ZERO_IP,
    yiaddr: ZERO_IP,
    siaddr: ZERO_IP,
    giaddr: ZERO_IP,
    chaddr,
    sname: '',
    file: '',
    options: new Map([
      [Opt.MessageType, u8Option(MessageType.Discover)],
      [Opt.VendorClass, stringOption('bootbench-check')],
      [Opt.ParameterList, Buffer.from([Opt.SubnetMask, Opt.Router, Opt.DnsServers])],
    ]),
  };
}

export async function detectForeignDhcp(options: ForeignProbeOptions): Promise<ForeignDhcpServer[]> {
  const { socket } = options;
  const mac = options.mac ? Buffer.from(options.mac.split(':').map((h) => parseInt(h, 16))) : randomLocalMac();
  const xid = randomBytes(4).readUInt32BE(0);
  const found = new Map<string, ForeignDhcpServer>();
  const onMessage = (buf: Buffer, rinfo: { address: string }) => {
    const decoded = decodeDhcp(buf);
    if (!decoded.ok) return;
    const reply = decoded.message;
    if (reply.op !== 2 || reply.xid !== xid || messageType(reply) !== MessageType.Offer) return;
    const id = serverId(reply) ?? rinfo.address;
    if (id === options.ownIp || rinfo.address === options.ownIp) return;
    found.set(id, { serverId: id, from: rinfo.address, offeredIp: reply.yiaddr === ZERO_IP ? null : reply.yiaddr, mac: null });
  };
  socket.on('message', onMessage);
  const packet = encodeDhcp(probeDiscover(mac, xid));
  const send = () => socket.send(packet, 67, '255.255.255.255', () => undefined);
  const waitMs = options.waitMs ?? 2500;
  try {
    send();
    await sleep(Math.min(1000, waitMs / 2));
    send(); // one retry: a lost first broadcast must not hide a server
    await sleep(waitMs - Math.min(1000, waitMs / 2));
  } finally {
    socket.off('message', onMessage);
  }
  return [...found.values()];
}

function randomLocalMac(): Buffer {
  const mac = randomBytes(6);
  mac[0] = ((mac[0] ?? 0) & 0xfe) | 0x02;
  return mac;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function describeForeign(servers: ForeignDhcpServer[]): string {
  return servers.map((s) => `${s.serverId}${s.offeredIp ? ` (offered ${s.offeredIp})` : ''}`).join(', ');
}

/** Asks the segment on `iface` whether another DHCP server answers (a DISCOVER from port 68). */
export async function probeForeignDhcp(opts: {
  iface: string;
  mac: string | null;
  ownIp: string | null;
  waitMs?: number;
}): Promise<ForeignDhcpServer[]> {
  const socket = await openBoundUdpSocket({ iface: opts.iface, port: 68, broadcast: true, reuseAddr: true });
  try {
    return await detectForeignDhcp({
      socket,
      mac: opts.mac,
      ownIp: opts.ownIp,
      ...(opts.waitMs !== undefined ? { waitMs: opts.waitMs } : {}),
    });
  } finally {
    socket.close();
  }
}
