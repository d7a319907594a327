// The boot menu at the machine, as data (pure): which entries a host is offered, in which order,
// with which key, and which need a confirmation. ipxe-menu.ts and grub-menu.ts render it; the
// choice routes (menu-choice.ts) take an entry id back. Entry ids are the contract's HostBoot.entry:
//   install:<distro id>   an installer, unattended: it erases the disk, so it is confirmed first;
//   live:<distro id>      a live or rescue system (no confirmation), offered once the live boots exist;
//   iso:<distro id>       a whole ISO booted as a disk (idem);
//   memtest               memtest86+ (bundled): on the signed chain only where it can run (it is unsigned);
//   local                 the local disk;
//   reboot                restart the machine;
//   shell                 iPXE's shell (GRUB: its command line, its own `c` key).
// Labels are data (distro names, ISO volume names): the renderers escape them for their syntax.
// Ids are the one thing both renderers write as a bare word, so they are kept to a safe alphabet
// here: an entry whose id would not fit (a distro id with other characters) is left out.
import type { Distro, Host } from '../../shared/contract.js';

export type MenuEntryKind = 'install' | 'live' | 'iso' | 'memtest' | 'local' | 'reboot' | 'shell';

export interface MenuEntry {
  /** HostBoot.entry: `install:<id>`, `live:<id>`, `iso:<id>`, `memtest`, `local`, `reboot`, `shell`. */
  id: string;
  kind: MenuEntryKind;
  /** Words for people (a distro's name and version, not yet escaped). */
  title: string;
  /** Asked before the choice is sent: the words of the question (installers: the disk is erased). */
  confirm: string | null;
  /** The key that picks it straight away (one character), or null. */
  key: string | null;
  /** The distro, for install/live/iso entries. */
  distro: string | null;
}

export interface BootMenu {
  /** Sections in order; each entry once. */
  sections: { title: string; entries: MenuEntry[] }[];
  /** Things the machine cannot be offered, said on its screen (e.g. memtest under Secure Boot). */
  notes: string[];
}

export interface BootMenuInput {
  distros: readonly Distro[];
  host: Host | undefined;
  /** Which program shows it: iPXE, or the signed chain's GRUB (Secure Boot: unsigned programs are refused). */
  chain: 'ipxe' | 'signed';
  /** Whether live and whole-ISO entries can be booted (the live boots are handed in); false: not listed. */
  liveBoots: boolean;
}

/** A word safe in an iPXE item, a URL path segment and a GRUB menuentry id: letters, digits, `._-:`. */
const SAFE_ID = /^(?:install|live|iso):[A-Za-z0-9][A-Za-z0-9._-]{0,99}$|^(?:memtest|local|reboot|shell)$/;

export function isMenuEntryId(id: string): boolean {
  return SAFE_ID.test(id);
}

/** The kind and distro an entry id names, or null when it is not one. */
export function parseMenuEntryId(id: string): { kind: MenuEntryKind; distro: string | null } | null {
  if (!SAFE_ID.test(id)) return null;
  const colon = id.indexOf(':');
  if (colon < 0) return { kind: id as MenuEntryKind, distro: null };
  return { kind: id.slice(0, colon) as MenuEntryKind, distro: id.slice(colon + 1) };
}

export const MEMTEST_SECURE_BOOT_NOTE = 'Memory test: not offered under Secure Boot (memtest86+ is not signed).';

/** Digits then letters for the distro entries; the fixed entries keep their own letters. */
const DISTRO_KEYS = '123456789abcefghijklopquvwxz'; // not d r s t (fixed entries), m (reopens the menu), n y (confirmation)

export function buildBootMenu(input: BootMenuInput): BootMenu {
  const arch = input.host?.arch ?? 'x86_64';
  const usable = input.distros.filter((d) => d.status === 'ok' && archFits(arch, d.arch));
  const installers = usable.filter((d) => (d.boot ?? 'installer') === 'installer' && (input.chain === 'ipxe' || d.secureBoot));
  const lives = input.liveBoots ? usable.filter((d) => d.boot === 'live' || d.boot === 'whole-iso') : [];
  const keys = [...DISTRO_KEYS];
  const distroEntry = (kind: MenuEntryKind, d: Distro): MenuEntry | null => {
    const id = `${kind}:${d.id}`;
    if (!SAFE_ID.test(id)) return null;
    const title = `${d.name} ${d.version}`.trim() + (d.variant ? ` ${d.variant}` : '');
    return {
      id,
      kind,
      title: kind === 'install' ? `Install ${title}` : kind === 'live' ? `${title} (live system)` : `${title} (whole ISO)`,
      confirm: kind === 'install' ? `Install ${title} on this machine? This ERASES its disk.` : null,
      key: keys.shift() ?? null,
      distro: d.id,
    };
  };
  const sections: BootMenu['sections'] = [];
  const notes: string[] = [];
  const installEntries = installers.map((d) => distroEntry('install', d)).filter((e): e is MenuEntry => e !== null);
  if (installEntries.length > 0) sections.push({ title: 'Install (unattended, erases the disk)', entries: installEntries });
  const liveEntries = lives.map((d) => distroEntry(d.boot === 'live' ? 'live' : 'iso', d)).filter((e): e is MenuEntry => e !== null);
  if (liveEntries.length > 0) sections.push({ title: 'Live and rescue systems', entries: liveEntries });
  const tools: MenuEntry[] = [];
  // The bundled memtest86+ is x86-64 only; the signed chain's GRUB decides at run time (its
  // `lockdown` variable): under Secure Boot it says so instead of an entry the shim would refuse.
  const x64 = arch === 'x86_64' || arch === 'x86' || arch === 'unknown';
  if (x64) tools.push(fixed('memtest', 'Memory test (memtest86+)', 't'));
  else notes.push('Memory test: memtest86+ is bundled for x86-64 machines only.');
  tools.push(fixed('local', 'Boot the local disk', 'd'), fixed('reboot', 'Reboot', 'r'));
  if (input.chain === 'ipxe') tools.push(fixed('shell', 'iPXE shell', 's'));
  sections.push({ title: 'Tools', entries: tools });
  return { sections, notes };
}

/**
 * Whether a distro built for `distro` can run on a host of `host`'s architecture. A BIOS PXE client
 * says `x86` (it cannot tell its CPU's width): both x86 builds are offered, as `unknown` offers all.
 */
export function archFits(host: Distro['arch'], distro: Distro['arch']): boolean {
  // A distro of no known architecture (a whole ISO, often) is offered: its own loader decides.
  if (host === distro || host === 'unknown' || distro === 'unknown') return true;
  return host === 'x86' && (distro === 'x86_64' || distro === 'i386');
}

function fixed(id: 'memtest' | 'local' | 'reboot' | 'shell', title: string, key: string): MenuEntry {
  return { id, kind: id, title, confirm: null, key, distro: null };
}

/** Every entry of the menu, in order. */
export function menuEntries(menu: BootMenu): MenuEntry[] {
  return menu.sections.flatMap((s) => s.entries);
}
