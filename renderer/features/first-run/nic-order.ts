// The order and warnings of the interface picker: a wired Ethernet port with an IPv4 address is
// what a lab switch needs, so it comes first; the others are listed but marked.
import type { NicInfo, NicKind } from '../../../electron/shared/contract.js';

const RANK: Readonly<Record<NicKind, number>> = { ethernet: 0, bridge: 1, unknown: 2, virtual: 3, wifi: 4, vpn: 5, loopback: 6 };

export function orderInterfaces(nics: readonly NicInfo[]): NicInfo[] {
  return nics
    .filter((n) => n.kind !== 'loopback')
    .slice()
    .sort((a, b) => score(a) - score(b) || a.name.localeCompare(b.name));
}

function score(n: NicInfo): number {
  // Ready to use (up, with an address) before the rest of its kind.
  return RANK[n.kind] * 4 + (n.up ? 0 : 2) + (n.ipv4.length > 0 ? 0 : 1);
}

/** Why this interface is probably the wrong one, or null. */
export function caveatOf(n: NicInfo): string | null {
  switch (n.kind) {
    case 'wifi':
      return 'Wi-Fi: most firmware cannot PXE-boot over Wi-Fi, and serving DHCP on a shared network disturbs others.';
    case 'vpn':
      return 'VPN: not a lab segment.';
    case 'virtual':
      return 'Virtual adapter (container/VM bridge): only for VMs on this machine.';
    case 'loopback':
      return 'Loopback.';
    case 'bridge':
    case 'ethernet':
    case 'unknown':
      break;
  }
  if (!n.up) return 'The link is down: plug the cable into the lab switch.';
  if (n.ipv4.length === 0) return 'No IPv4 address: give it a static one (e.g. 10.0.0.1/24).';
  return null;
}

export const KIND_LABELS: Readonly<Record<NicKind, string>> = {
  ethernet: 'Ethernet',
  wifi: 'Wi-Fi',
  bridge: 'Bridge',
  virtual: 'Virtual',
  vpn: 'VPN',
  loopback: 'Loopback',
  unknown: 'Other',
};
