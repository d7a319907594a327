// Which of the chains' files a completed fetch was, from the TFTP and HTTP servers' own events
// (`tftp.end`, `http.request`): what `auto` (chain-auto.ts) learns a host's firmware did. Pure.
import type { LogEvent } from '../../shared/contract.js';
import type { ChainFile } from './chain-auto.js';

export interface ChainFetch {
  mac: string;
  file: ChainFile;
  /** The name as the host asked for it (for the timeline). */
  name: string;
}

const IPXE_LOADERS = new Set(['snponly.efi', 'ipxe.efi']);
// The shims: the bundled one, Debian's netboot name for it, and a RHEL-layout ISO's EFI/BOOT/BOOTX64.EFI.
const SHIMS = new Set(['shimx64.efi', 'shimaa64.efi', 'bootnetx64.efi', 'bootnetaa64.efi', 'bootx64.efi', 'bootaa64.efi']);
const GRUBS = new Set(['grubx64.efi', 'grubaa64.efi', 'grubnetx64.efi', 'grubnetaa64.efi']);
// GRUB's own reads: the per-host configs under grub/ (grub-config.ts), or a grub.cfg anywhere.
const GRUB_CONFIG = /^\/?grub\/.+|(?:^|\/)grub\.cfg$/i;
const IPXE_SCRIPT = /^\/ipxe\/[^/]+\.ipxe$/;

/** The chain file a log event reports a complete fetch of, or null. */
export function chainFetchOf(event: LogEvent): ChainFetch | null {
  if (!event.mac || !event.data) return null;
  const data = event.data;
  if (event.kind === 'tftp.end' && data.result === 'complete' && typeof data.file === 'string') {
    const file = classify(data.file);
    return file ? { mac: event.mac, file, name: data.file.replace(/^\//, '') } : null;
  }
  if (event.kind === 'http.request' && typeof data.path === 'string' && data.status === 200 && data.complete !== false) {
    if (IPXE_SCRIPT.test(data.path)) return { mac: event.mac, file: 'ipxe-script', name: data.path };
    const file = classify(data.path);
    // A shim or GRUB fetched by URL (UEFI HTTP boot) proves nothing about the firmware: Debian's
    // signed GRUB cannot read its config over HTTP, so that attempt stops in GRUB whatever the keys.
    // Only the PXE (TFTP) attempt of the signed chain is judged.
    if (file === 'shim' || file === 'grub') return null;
    return file ? { mac: event.mac, file, name: data.path } : null;
  }
  return null;
}

function classify(path: string): ChainFile | null {
  if (GRUB_CONFIG.test(path)) return 'grub-config';
  const base = (path.split('/').pop() ?? '').toLowerCase();
  if (IPXE_LOADERS.has(base)) return 'ipxe-loader';
  if (SHIMS.has(base)) return 'shim';
  if (GRUBS.has(base)) return 'grub';
  return null;
}
