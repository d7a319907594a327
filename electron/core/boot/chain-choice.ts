// Which chain a host gets from the settings (pure): its own setting, else the global one; an
// explicit `ipxe` or `signed` is the chain, `auto` starts on iPXE and keeps what `auto` decided
// (Host.chain). A change of setting starts the host afresh on the new setting's chain.
import type { BootChain, ChainSetting, Host } from '../../shared/contract.js';

/** The setting in force for a host: its own, else the global one. */
export function settingOf(host: Pick<Host, 'chainOverride'> | undefined, global: ChainSetting): ChainSetting {
  return host?.chainOverride ?? global;
}

/** The chain a setting starts a host on (`auto` starts on iPXE). */
export function startingChain(setting: ChainSetting): BootChain {
  return setting === 'auto' ? 'ipxe' : setting;
}

/** The chain a host's next UEFI boot gets: an explicit setting's, else what `auto` decided. */
export function chainOf(host: Pick<Host, 'chain' | 'chainOverride'> | undefined, global: ChainSetting): BootChain {
  const setting = settingOf(host, global);
  return setting === 'auto' ? (host?.chain ?? 'ipxe') : setting;
}

export type ChainUpdate = Pick<Host, 'chain' | 'chainReason'>;

/**
 * What a host's chain becomes when its own setting is set (null: back to the global one). Choosing
 * `auto` on the host always starts afresh (a switched or failed host is tried on iPXE again);
 * returning to the global setting keeps the chain when the setting in force does not change.
 */
export function afterHostSetting(host: Host, setting: ChainSetting | null, global: ChainSetting): ChainUpdate | null {
  const next = setting ?? global;
  if (setting === null && next === settingOf(host, global)) return null;
  return { chain: startingChain(next), chainReason: null };
}

/** What a host's chain becomes when the global setting changes from `before` to `after`. */
export function afterGlobalSetting(host: Host, before: ChainSetting, after: ChainSetting): ChainUpdate | null {
  if (host.chainOverride || before === after) return null;
  return { chain: startingChain(after), chainReason: null };
}

/** A stored host whose chain contradicts its explicit setting (stored under another global one): the fix, or null. */
export function reconciled(host: Host, global: ChainSetting): ChainUpdate | null {
  const setting = settingOf(host, global);
  if (setting === 'auto' || host.chain === setting) return null;
  return { chain: setting, chainReason: null };
}
