// What a host boots for a live system or a whole ISO (the menu's `live:<id>` and `iso:<id>`
// entries, and `POST /api/hosts/:mac/boot`), as a BootTarget the boot scripts render. Pure.
//
// Live: the ISO's own kernel and initrd over HTTP (/iso/<id>/<path>), and the argument with which
// the family's initramfs fetches its root over the network (docs/design/live-boot.md):
//   casper     boot=casper netboot=url url=http://S/iso/<id>.iso ip=dhcp   (the whole ISO, into RAM)
//   live-boot  boot=live components fetch=http://S/iso/<id>/live/filesystem.squashfs (into RAM)
//   dracut     root=live:http://S/iso/<id>/LiveOS/squashfs.img rd.live.image ip=dhcp rd.neednet=1
//   archiso    archisobasedir=<dir> archiso_http_srv=http://S/iso/<id>/ ip=dhcp
// then the distro's kernel arguments, then the host's (Host.kernelArgs), so a host's own word wins
// where the kernel takes the last one (console=, nomodeset).
// Whole ISO: `sanboot` of http://S/iso/<id>.iso (iPXE, BIOS and EFI); a UEFI HTTP-boot client that
// is not running iPXE gets the .iso URL as its DHCP boot file instead (wholeIsoHttpBootUrl), and its
// firmware holds it as a RAM disk and boots the ISO's own EFI loader.
import type { Distro, Host } from '../../shared/contract.js';
import type { BootTarget } from './boot-target.js';
import type { LiveTargetFor } from './menu-choice.js';

export interface LiveBootContext {
  /** http://SERVER[:PORT] as the client reaches it, no trailing slash. */
  serverBase: string;
  host?: Host | undefined;
}

export class LiveBootError extends Error {}

/** A kernel-argument string as arguments, key="a b" kept together (as install/recipes.ts splits it; boot/ may not import install/). */
function splitArgs(text: string): string[] {
  return [...text.matchAll(/(?:[^\s"]+|"[^"]*")+/g)].map((m) => m[0]);
}

const isoUrl = (base: string, d: Distro) => `${base}/iso/${d.id}.iso`;
const insideUrl = (base: string, d: Distro, path: string) => `${base}/iso/${d.id}/${path.replace(/^\/+/, '')}`;
const dirOf = (path: string) => path.replace(/\/[^/]*$/, '');

/** The family's network-root arguments. */
export function liveRootArgs(d: Distro, base: string): string[] {
  const kernel = d.kernel ?? '';
  switch (d.liveFamily) {
    case 'casper':
      return ['boot=casper', 'netboot=url', `url=${isoUrl(base, d)}`, 'ip=dhcp'];
    case 'live-boot':
      return ['boot=live', 'components', `fetch=${insideUrl(base, d, `${dirOf(kernel)}/filesystem.squashfs`)}`];
    case 'dracut':
      return ['root=live:' + insideUrl(base, d, '/LiveOS/squashfs.img'), 'rd.live.image', 'ip=dhcp', 'rd.neednet=1'];
    case 'archiso': {
      // <basedir>/boot/x86_64/vmlinuz-linux: the base directory is the kernel path's first part.
      const baseDir = kernel.split('/').filter(Boolean)[0] ?? 'arch';
      return [`archisobasedir=${baseDir}`, `archiso_http_srv=${base}/iso/${d.id}/`, 'ip=dhcp'];
    }
    default:
      throw new LiveBootError(`${d.id} is not a live system Bootbench knows (no live family)`);
  }
}

/** The BootTarget of `live:<id>`: the live system, booted from its own kernel and initrd. */
export function liveBootTarget(d: Distro, ctx: LiveBootContext): BootTarget {
  if (d.status !== 'ok') throw new LiveBootError(`the ISO of ${d.id} is ${d.status} (${d.iso}): import it again`);
  if (!d.liveFamily || !d.kernel || !d.initrd) throw new LiveBootError(`${d.id} has no live system (${d.bootReason ?? d.boot})`);
  const args = [
    'initrd=initrd', // the EFI stub's name for the initrd iPXE loads (`initrd --name initrd`)
    ...liveRootArgs(d, ctx.serverBase),
    ...splitArgs(d.kernelArgs),
    ...splitArgs(ctx.host?.kernelArgs ?? ''),
  ];
  return {
    kind: 'kernel',
    boot: {
      title: `live ${d.name} ${d.version} (${d.id})`.replace(/\s+/g, ' '),
      kernelUrl: insideUrl(ctx.serverBase, d, d.kernel),
      initrds: [{ url: insideUrl(ctx.serverBase, d, d.initrd), name: 'initrd' }],
      args,
    },
  };
}

/** The BootTarget of `iso:<id>`: the whole ISO over HTTP. */
export function wholeIsoBootTarget(d: Distro, ctx: LiveBootContext): BootTarget {
  if (d.status !== 'ok') throw new LiveBootError(`the ISO of ${d.id} is ${d.status} (${d.iso}): import it again`);
  return { kind: 'sanboot', title: `whole ISO ${d.name} (${d.id})`, url: isoUrl(ctx.serverBase, d) };
}

/** The .iso URL a UEFI HTTP-boot client gets as its boot file for `iso:<id>` (its firmware makes it a RAM disk). */
export function wholeIsoHttpBootUrl(d: Distro, serverBase: string): string {
  return isoUrl(serverBase, d);
}

/** The menu entries a distro offers besides its installer: `live:<id>` for a live system, `iso:<id>` for a whole ISO. */
export function liveEntriesOf(d: Distro): string[] {
  if (d.status !== 'ok') return [];
  const entries: string[] = [];
  if (d.liveFamily && d.kernel && d.initrd) entries.push(`live:${d.id}`);
  if (d.boot === 'whole-iso') entries.push(`iso:${d.id}`);
  return entries;
}

/**
 * Whether an entry can boot on the signed chain (Secure Boot: shim → Debian's signed GRUB). That
 * GRUB hands a kernel to shim for verification, so only kernels signed by a key in Debian's shim
 * boot: a Debian live system's (live-boot) kernel. Other live kernels (Ubuntu's, Fedora's: signed
 * by their own vendors; archiso's: unsigned) and a whole ISO (GRUB has no sanboot) are not offered.
 */
export function bootsOnSignedChain(d: Distro, entry: 'live' | 'iso'): boolean {
  return entry === 'live' && d.liveFamily === 'live-boot' && /debian/i.test(`${d.name} ${d.evidence.join(' ')}`);
}

/**
 * The composition's `targetFor(entry, host, clientIp)` for `live:<id>` and `iso:<id>`: null for an
 * entry it does not own; throws LiveBootError (a message for the timeline) when it cannot boot.
 */
export function liveTargets(opts: {
  distro(id: string): Distro | undefined;
  serverBaseFor(clientIp: string): string;
}): (entry: string, host: Host | undefined, clientIp: string) => BootTarget | null {
  return (entry, host, clientIp) => {
    const m = /^(live|iso):(.+)$/.exec(entry);
    if (!m?.[1] || !m[2]) return null;
    const d = opts.distro(m[2]);
    if (!d) throw new LiveBootError(`no distro ${m[2]}`);
    const ctx = { serverBase: opts.serverBaseFor(clientIp), host };
    return m[1] === 'live' ? liveBootTarget(d, ctx) : wholeIsoBootTarget(d, ctx);
  };
}

/**
 * The boot menu's `targetFor` (menu-choice.ts) for `live:<id>` and `iso:<id>`: what boots the entry
 * on this client, or null when it cannot (no such distro, its ISO gone, or the signed chain, whose
 * GRUB verifies what it boots: only Debian's own live kernels pass there).
 */
export function menuLiveTargets(distro: (id: string) => Distro | undefined): LiveTargetFor {
  return (entry, host, client) => {
    const m = /^(live|iso):(.+)$/.exec(entry);
    const d = m?.[2] ? distro(m[2]) : undefined;
    if (!m || !d || d.status !== 'ok') return null;
    const kind = m[1] === 'live' ? 'live' : 'iso';
    if (client.chain === 'signed' && !bootsOnSignedChain(d, kind)) return null;
    try {
      return liveTargets({ distro, serverBaseFor: () => client.serverBase })(entry, host, client.ip);
    } catch (e) {
      if (e instanceof LiveBootError) return null;
      throw e;
    }
  };
}
