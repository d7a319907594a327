// `auto`, the boot-chain setting that notices Secure Boot (issue 17, "Choosing the chain"), as a
// pure step over what one host did. Secure Boot firmware fetches Bootbench's unsigned iPXE loader,
// refuses to run it ("Access Denied") and moves on: all the server ever sees is a finished TFTP
// transfer, then, at the next attempt, the same PXE ROM asking DHCP again, where a running iPXE
// would have asked with user class "iPXE" or fetched its script. That sequence switches the host to
// the signed chain (shim → GRUB) for that very DHCP request. On the signed chain the proof of life
// is GRUB fetching its configuration; a host that fetched the shim and comes back without it has
// refused both chains: it fails once, stays on the signed chain, and is never switched back.
import type { Arch, BootChain, Firmware } from '../../shared/contract.js';

/**
 * Where a host is, as `auto` sees it. `*-pending`: it fetched that chain's first loader and has not
 * shown yet that the loader runs.
 */
export type AutoPhase = 'ipxe' | 'ipxe-pending' | 'signed' | 'signed-pending' | 'failed';

export interface AutoState {
  phase: AutoPhase;
  /** The loader files fetched in the pending attempt, in order, and when the first one was. */
  fetched: string[];
  fetchedAt: string | null;
  /** What happened on iPXE, in words (kept for the failure message once the signed chain fails too). */
  ipxeAttempt: string | null;
}

/** What `auto` learns from one host. */
export type AutoInput =
  /** A DHCP DISCOVER or REQUEST from the host's firmware (not from iPXE). */
  | { kind: 'pxe-dhcp'; firmware: Firmware; arch: Arch }
  /** A DHCP request from iPXE (user class "iPXE"): the iPXE loader runs. */
  | { kind: 'ipxe-dhcp' }
  /** A completed fetch (TFTP or HTTP) of one of the chains' files. */
  | { kind: 'fetched'; file: ChainFile; name: string };

/** The files that tell the chains apart and prove a loader ran. */
export type ChainFile = 'ipxe-loader' | 'ipxe-script' | 'shim' | 'grub' | 'grub-config';

export type AutoAction =
  /** Switch the host to the signed chain (its timeline says `message`, a warning unless `level` says; `reason` is Host.chainReason). */
  | { kind: 'switch'; message: string; reason: string; level?: 'info' | 'warn' }
  /** Both chains refused: the host fails with this explanation. */
  | { kind: 'fail'; message: string };

export interface AutoStep {
  state: AutoState;
  action: AutoAction | null;
}

/** CPUs whose UEFI has the signed chain only: Bootbench bundles no iPXE for them (assets/boot/PROVENANCE). */
const SIGNED_ONLY: ReadonlySet<Arch> = new Set<Arch>(['arm64']);

export const SIGNED_ONLY_REASON =
  'auto: ARM64 UEFI; Bootbench bundles no iPXE for ARM64, so the signed chain (shim → GRUB) is its only chain';

export const SWITCH_MESSAGE =
  'the firmware refused the iPXE loader: Secure Boot is probably on; switching this machine to the signed chain';

/** Where a host starts, from its chain (a host `auto` already switched starts on the signed chain). */
export function initialAutoState(chain: BootChain, failed = false, ipxeAttempt: string | null = null): AutoState {
  const phase: AutoPhase = failed ? 'failed' : chain;
  return { phase, fetched: [], fetchedAt: null, ipxeAttempt };
}

/** The chain a host in this phase gets. */
export function chainOfPhase(phase: AutoPhase): BootChain {
  return phase === 'ipxe' || phase === 'ipxe-pending' ? 'ipxe' : 'signed';
}

/** One step: the next state, and what to do about it (at most one thing). */
export function stepAuto(state: AutoState, input: AutoInput, now: Date): AutoStep {
  const none = (next: AutoState): AutoStep => ({ state: next, action: null });
  switch (input.kind) {
    case 'ipxe-dhcp':
      // iPXE runs: whatever was pending on iPXE is proven (a host on the signed chain is not
      // switched back: it would flap).
      return state.phase === 'ipxe-pending' ? none(settled('ipxe', state)) : none(state);
    case 'fetched':
      return fetched(state, input.file, input.name, now);
    case 'pxe-dhcp':
      // An ARM64 UEFI PXE client has no iPXE to try: the signed chain at once. Not an HTTP-boot one:
      // Debian's signed GRUB cannot start from UEFI HTTP boot (docs/design/boot.md), so it stays unserved.
      if (SIGNED_ONLY.has(input.arch) && input.firmware === 'uefi') return signedOnly(state, now);
      // Otherwise only a UEFI x86-64 PXE ROM can be given the signed chain.
      if (input.firmware !== 'uefi' || input.arch !== 'x86_64') return none(state);
      return cameBack(state, now);
  }
}

function fetched(state: AutoState, file: ChainFile, name: string, now: Date): AutoStep {
  const none = (next: AutoState): AutoStep => ({ state: next, action: null });
  switch (file) {
    case 'ipxe-loader':
      // A fresh attempt on iPXE (a host on iPXE that reboots fetches it again).
      return state.phase === 'ipxe' || state.phase === 'ipxe-pending' ? none(pending('ipxe-pending', state, name, now)) : none(state);
    case 'ipxe-script':
      return state.phase === 'ipxe-pending' ? none(settled('ipxe', state)) : none(state);
    case 'shim':
      if (state.phase === 'signed') return none(pending('signed-pending', state, name, now));
      if (state.phase === 'signed-pending') return none({ ...state, fetched: [...state.fetched, name] });
      return none(state);
    case 'grub':
      return state.phase === 'signed-pending' ? none({ ...state, fetched: [...state.fetched, name] }) : none(state);
    case 'grub-config':
      // GRUB reads its configuration: the signed chain runs (even on a host that failed before,
      // whose keys were fixed since).
      return state.phase === 'signed-pending' || state.phase === 'failed' ? none(settled('signed', state)) : none(state);
  }
}

/** The firmware asks DHCP again: a pending attempt that never proved itself was refused. */
function cameBack(state: AutoState, now: Date): AutoStep {
  if (state.phase === 'ipxe-pending') {
    const attempt = `it fetched the iPXE loader (${state.fetched.join(', ')}) at ${clock(state.fetchedAt)} and asked DHCP again ${since(state.fetchedAt, now)} without running it`;
    return {
      state: { phase: 'signed', fetched: [], fetchedAt: null, ipxeAttempt: attempt },
      action: { kind: 'switch', message: `${SWITCH_MESSAGE} (${attempt})`, reason: `auto: ${attempt}; Secure Boot is probably on` },
    };
  }
  if (state.phase === 'signed-pending') {
    const ipxe = state.ipxeAttempt ?? 'it refused the iPXE loader';
    const signed = `it fetched the signed chain (${state.fetched.join(', ')}) at ${clock(state.fetchedAt)} and asked DHCP again ${since(state.fetchedAt, now)} without GRUB reading its configuration`;
    return {
      state: { ...state, phase: 'failed' },
      action: {
        kind: 'fail',
        message:
          `the firmware refused both boot chains. iPXE: ${ipxe}. Signed chain (shim, GRUB): ${signed}. ` +
          'Its Secure Boot keys trust neither: enrol the distribution’s key (MOK) or the Microsoft UEFI CA, or turn Secure Boot off in its firmware setup, then set its chain again (bootbench chain MAC auto).',
      },
    };
  }
  return { state, action: null };
}

/** A client of a CPU with no iPXE: a host still on iPXE moves to the signed chain (said once); then as any signed host. */
function signedOnly(state: AutoState, now: Date): AutoStep {
  if (state.phase !== 'ipxe' && state.phase !== 'ipxe-pending') return cameBack(state, now);
  const attempt = 'none: Bootbench bundles no iPXE for ARM64';
  return {
    state: { phase: 'signed', fetched: [], fetchedAt: null, ipxeAttempt: attempt },
    action: {
      kind: 'switch',
      message: 'ARM64 UEFI: this machine boots the signed chain (shim → GRUB); Bootbench has no iPXE for ARM64',
      reason: SIGNED_ONLY_REASON,
      level: 'info',
    },
  };
}

function pending(phase: 'ipxe-pending' | 'signed-pending', state: AutoState, name: string, now: Date): AutoState {
  return { ...state, phase, fetched: [name], fetchedAt: now.toISOString() };
}

function settled(phase: 'ipxe' | 'signed', state: AutoState): AutoState {
  return { ...state, phase, fetched: [], fetchedAt: null };
}

function clock(iso: string | null): string {
  return iso ? `${iso.slice(11, 19)} UTC` : 'an unknown time';
}

function since(iso: string | null, now: Date): string {
  if (!iso) return 'later';
  const s = Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 1000));
  return `${s} s later`;
}
