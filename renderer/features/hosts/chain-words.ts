// The UEFI boot chain in words (issue 17), pure (tested in test/ui/power-logic.test.ts): what a
// host's next UEFI boot gets, what a setting means, and a distro's Secure Boot verdict.
import type { BootChain, ChainSetting, Distro, Host } from '../../../electron/shared/contract.js';

export const CHAIN_WORDS: Readonly<Record<BootChain, string>> = { ipxe: 'iPXE', signed: 'Signed (Secure Boot)' };

export const CHAIN_SETTING_WORDS: Readonly<Record<ChainSetting, string>> = {
  auto: 'Auto (iPXE; signed if the firmware refuses it)',
  ipxe: 'iPXE',
  signed: 'Signed (Secure Boot)',
};

/**
 * The chain a UEFI host's next boot gets, for the list; null for a machine not seen booting UEFI
 * (BIOS machines always boot iPXE) or when the server does not say.
 */
export function hostChainWords(host: Pick<Host, 'firmware'> & { chain?: BootChain | undefined }): string | null {
  if (!host.chain || (host.firmware !== 'uefi' && host.firmware !== 'uefi-http')) return null;
  return CHAIN_WORDS[host.chain];
}

/** Where the chain comes from: the host's own setting, else the global one. */
export function chainSourceWords(host: Pick<Host, 'chainOverride'>, global: ChainSetting | undefined): string {
  if (host.chainOverride) return `Set for this machine: ${CHAIN_SETTING_WORDS[host.chainOverride]}`;
  return global ? `Follows the global setting: ${CHAIN_SETTING_WORDS[global]}` : 'Follows the global setting';
}

/** Yes or no, with the server's words (how it boots, or why not); null when the server does not say (an older server). */
export function secureBootWords(d: Partial<Pick<Distro, 'secureBoot' | 'secureBootReason'>>): { yes: boolean; why: string | null } | null {
  if (typeof d.secureBoot !== 'boolean') return null;
  return { yes: d.secureBoot, why: d.secureBootReason ?? (d.secureBoot ? null : 'no signed boot chain found on this ISO') };
}
