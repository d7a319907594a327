// Wake-on-LAN as a power method: `on` sends the magic packet (wol.ts) on the served interface only,
// through a socket pinned to it (net/bound-socket.ts), to the limited broadcast 255.255.255.255 and
// to the subnet's directed broadcast (some switches and NICs in deep sleep see only one of them),
// UDP port 9 (discard), the port ether-wake and most tools use. It can do nothing else: no off, no
// state, no PXE-once (the NIC wakes the machine; its firmware boot order decides what it boots).
import type dgram from 'node:dgram';
import { intToIp, subnetOf } from '../dhcp/ipv4.js';
import { openBoundUdpSocket } from '../net/bound-socket.js';
import { PowerFailure, unsupported, type PowerDriver } from './driver.js';
import type { StoredWol } from './settings-store.js';
import { encodeMagicPacket } from './wol.js';

export const WOL_PORT = 9;

/** The interface being served, or null in setup (no interface chosen yet). */
export interface WolLink {
  iface: string;
  address: string;
  prefix: number;
}

export interface WolDriverOptions {
  settings: StoredWol;
  link: () => WolLink | null;
  /** Opens the pinned sending socket (tests may hand in their own). */
  openSocket?: (iface: string) => Promise<dgram.Socket>;
}

/** Where the magic packet goes on a link: the limited broadcast, then the subnet's directed broadcast. */
export function wolDestinations(link: WolLink): string[] {
  const directed = intToIp(subnetOf(link.address, link.prefix).broadcast);
  return directed === '255.255.255.255' ? [directed] : ['255.255.255.255', directed];
}

export function createWolDriver(o: WolDriverOptions): PowerDriver {
  const open = o.openSocket ?? ((iface: string) => openBoundUdpSocket({ iface, port: 0, broadcast: true }));
  const cannot = (what: string) => async (): Promise<never> => {
    throw unsupported(`Wake-on-LAN can only wake a machine; it cannot ${what}`);
  };
  return {
    method: 'wol',
    target: o.settings.mac,
    async on(): Promise<void> {
      const link = o.link();
      if (!link)
        throw new PowerFailure(
          'unavailable',
          'Bootbench is not serving an interface yet, and the magic packet goes out on the served one only: choose the lab interface first',
        );
      const packet = encodeMagicPacket(o.settings.mac, o.settings.secureOn);
      const socket = await open(link.iface);
      try {
        for (const to of wolDestinations(link)) await send(socket, packet, to);
      } finally {
        socket.close();
      }
    },
    off: cannot('switch it off'),
    cycle: cannot('power-cycle it (it can wake it when it is off)'),
    status: async () => 'unknown',
    pxeOnce: cannot('set its next boot to the network (its firmware boot order decides)'),
  };
}

function send(socket: dgram.Socket, packet: Buffer, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.send(packet, WOL_PORT, address, (e) =>
      e ? reject(new PowerFailure('failed', `sending to ${address}: ${e.message}`)) : resolve(),
    );
  });
}
