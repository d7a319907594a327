// What a network-booting client gets from DHCP: the first-stage boot loader over TFTP, or, once
// it runs iPXE (or is a UEFI HTTP-boot client), the URL of its own iPXE script on the boot HTTP
// server. Handing iPXE a URL instead of the loader again is what stops the chainload loop.
import type { EventBus } from '../events.js';
import type { BootAnswer } from '../dhcp/reply.js';
import { defaultBootFile, type ClientInfo } from '../dhcp/pxe.js';

export interface BootPolicyOptions {
  serverIp: string;
  httpPort: number;
  uefiLoader?: 'snponly.efi' | 'ipxe.efi';
  bus: EventBus;
}

export function httpBase(serverIp: string, httpPort: number): string {
  return httpPort === 80 ? `http://${serverIp}` : `http://${serverIp}:${httpPort}`;
}

/** The per-host iPXE script path on the boot HTTP server. */
export function ipxeScriptPath(mac: string): string {
  return `/ipxe/${mac.replace(/:/g, '-')}.ipxe`;
}

export function createBootPolicy(options: BootPolicyOptions): (client: ClientInfo) => BootAnswer | null {
  const base = httpBase(options.serverIp, options.httpPort);
  const warned = new Set<string>();
  return (client) => {
    if (client.kind === 'plain') return null;
    if (client.ipxe) return { file: `${base}${ipxeScriptPath(client.mac)}`, nextServer: options.serverIp, vendorClass: null };
    if (client.kind === 'http') {
      // UEFI HTTP boot loads an EFI binary by URL; iPXE then asks DHCP again and gets its script.
      return { file: `${base}/boot/${options.uefiLoader ?? 'snponly.efi'}`, nextServer: options.serverIp, vendorClass: 'HTTPClient' };
    }
    const choice = defaultBootFile(client, { uefiLoader: options.uefiLoader ?? 'snponly.efi' });
    if (choice.file === null) {
      if (!warned.has(client.mac)) {
        warned.add(client.mac);
        options.bus.log('dhcp', 'warn', 'dhcp.no-loader', `${client.mac}: ${choice.reason}`, { mac: client.mac });
      }
      return null;
    }
    return { file: choice.file, nextServer: options.serverIp, vendorClass: 'PXEClient' };
  };
}
