// Which kernel and initrd install Debian from an imported ISO over the network.
//
// The installer in a Debian ISO's install.<arch>/ is the CD flavour: its initrd loads the rest of
// the installer (udebs) from a CD it looks for (cdrom-detect, cdrom-retriever), and a PXE-booted
// machine has no such CD. The netboot flavour (net-retriever) loads them from an HTTP mirror, and
// the ISO *is* a mirror: dists/<suite>/…/debian-installer/binary-<arch>/Packages and pool/ hold
// the udebs of that release. So Bootbench boots the netboot installer of the same release and hands
// it the ISO's tree as its mirror (mirror/http/* in the preseed). The netboot kernel must be the
// one the ISO's kernel-module udebs were built for, i.e. the same point release. Sources, in order:
//   1. the ISO's own install.<arch>/ initrd when it is the netboot flavour (custom media);
//   2. <data>/netboot/debian-<major>-<arch>/{linux,initrd.gz} (the release's netboot.tar.gz);
//   3. Debian's debian-installer-<major>-netboot-<arch> package on this machine
//      (/usr/lib/debian-installer/images/<major>/<arch>/text/debian-installer/<arch>/).
// Details and the alternatives rejected are in docs/decisions.md.
import { createGunzip } from 'node:zlib';
import { join } from 'node:path';
import type { Arch, Distro } from '../../shared/contract.js';
import type { FileSource, OpenResult } from '../files/file-source.js';
import { openFileSource } from '../files/plain-file.js';

export type Flavour = 'netboot' | 'cdrom' | 'unknown';

export interface DebianBootFiles {
  /** Where they come from, in words ("the ISO's install.amd/", a folder). */
  source: string;
  openKernel(): Promise<OpenResult>;
  openInitrd(): Promise<OpenResult>;
}

export interface DebianSources {
  openInside(id: string, path: string): Promise<OpenResult>;
  dataDir: string;
  /** Root of Debian's installed netboot images (tests point it elsewhere). */
  systemImages?: string;
}

const SYSTEM_IMAGES = '/usr/lib/debian-installer/images';
const NET_RETRIEVER = Buffer.from('usr/lib/debian-installer/retriever/net-retriever');
const CDROM_RETRIEVER = Buffer.from('usr/lib/debian-installer/retriever/cdrom-retriever');

// Debian's names (dpkg --print-architecture) where they differ from the contract's.
const DEBIAN_ARCH: Partial<Record<Arch, string>> = { x86_64: 'amd64', arm32: 'armhf', ppc64le: 'ppc64el', loongarch64: 'loong64' };

/** Debian's name for an architecture (amd64, arm64, …), from the distro record's. */
export function debianArch(arch: Arch): string {
  return DEBIAN_ARCH[arch] ?? arch;
}

const CODENAMES: Record<string, string> = { '10': 'buster', '11': 'bullseye', '12': 'bookworm', '13': 'trixie', '14': 'forky' };

/** The suite (codename) of a Debian release, from its version ("12.7.0" → bookworm). */
export function debianSuite(version: string): string | null {
  return CODENAMES[version.split('.')[0] ?? ''] ?? null;
}

const flavourCache = new Map<string, Promise<Flavour>>();

/** Finds the netboot kernel and initrd for `distro`, or throws an Error saying what to install. */
export async function debianBootFiles(distro: Distro, src: DebianSources): Promise<DebianBootFiles> {
  const arch = debianArch(distro.arch);
  const major = distro.version.split('.')[0] ?? distro.version;
  if (distro.kernel && distro.initrd) {
    const key = `${distro.id}@${distro.isoMtime}`;
    let flavour = flavourCache.get(key);
    if (!flavour)
      flavourCache.set(
        key,
        (flavour = initrdFlavour(() => src.openInside(distro.id, distro.initrd ?? '')).catch(() => 'unknown' as const)),
      );
    if ((await flavour) === 'netboot') {
      const { kernel, initrd } = distro as { kernel: string; initrd: string };
      return {
        source: `the ISO's own netboot installer (${kernel})`,
        openKernel: () => src.openInside(distro.id, kernel),
        openInitrd: () => src.openInside(distro.id, initrd),
      };
    }
  }
  const candidates = [
    join(src.dataDir, 'netboot', `debian-${major}-${arch}`),
    join(src.systemImages ?? SYSTEM_IMAGES, major, arch, 'text', 'debian-installer', arch),
  ];
  for (const dir of candidates) {
    const kernel = join(dir, 'linux');
    const initrd = join(dir, 'initrd.gz');
    if ((await openable(kernel)) && (await openable(initrd))) {
      return { source: dir, openKernel: () => openPlain(kernel), openInitrd: () => openPlain(initrd) };
    }
  }
  throw new Error(
    `${distro.id} carries the CD-flavour Debian installer, which looks for a CD and cannot install over the network. ` +
      `Install Debian's package debian-installer-${major}-netboot-${arch} on this machine, or put "linux" and "initrd.gz" from the ` +
      `same release's netboot.tar.gz into ${candidates[0]}; the ISO then serves as the installer's mirror.`,
  );
}

/**
 * The kernel Bootbench boots for a Debian distro, or why there is none: what the ISO library's
 * Secure Boot verdict needs (handed to it at composition; iso/ does not import install/).
 */
export function debianNetbootKernel(opts: { dataDir: string; systemImages?: string }) {
  return async (
    distro: Distro,
    openInside: DebianSources['openInside'],
  ): Promise<{ ok: true; where: string; open: () => Promise<OpenResult> } | { ok: false; reason: string }> => {
    try {
      const files = await debianBootFiles(distro, { openInside, ...opts });
      return { ok: true, where: files.source, open: () => files.openKernel() };
    } catch (e) {
      return { ok: false, reason: (e as Error).message };
    }
  };
}

async function openable(path: string): Promise<boolean> {
  const r = await openPlain(path);
  if (r.ok) await r.file.close();
  return r.ok;
}

async function openPlain(path: string): Promise<OpenResult> {
  try {
    return { ok: true, file: await openFileSource(path) };
  } catch (e) {
    return { ok: false, failure: { kind: 'not-found', message: (e as Error).message } };
  }
}

/**
 * Netboot or CD flavour, by the retriever inside the gzip'd cpio initrd: the names are stored
 * plainly in the cpio headers, so a byte search over the decompressed stream finds them.
 */
export async function initrdFlavour(open: () => Promise<OpenResult>): Promise<Flavour> {
  const opened = await open();
  if (!opened.ok) return 'unknown';
  const file = opened.file;
  try {
    let found: Flavour = 'unknown';
    let tail = Buffer.alloc(0);
    const keep = Math.max(NET_RETRIEVER.length, CDROM_RETRIEVER.length);
    const gunzip = createGunzip();
    const feed = readAll(file, gunzip);
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      const window = Buffer.concat([tail, chunk]);
      if (window.includes(NET_RETRIEVER)) found = 'netboot';
      else if (found === 'unknown' && window.includes(CDROM_RETRIEVER)) found = 'cdrom';
      if (found === 'netboot') break;
      tail = window.subarray(Math.max(0, window.length - keep));
    }
    gunzip.destroy();
    await feed.catch(() => undefined);
    return found;
  } finally {
    await file.close();
  }
}

async function readAll(file: FileSource, sink: NodeJS.WritableStream & { destroyed: boolean }): Promise<void> {
  const buf = Buffer.alloc(256 * 1024);
  for (let pos = 0; pos < file.size && !sink.destroyed;) {
    const n = await file.read(buf, 0, Math.min(buf.length, file.size - pos), pos);
    if (n === 0) break;
    pos += n;
    const copy = Buffer.from(buf.subarray(0, n));
    if (!sink.write(copy))
      await new Promise<void>((resolve) => (sink as NodeJS.WritableStream).once('drain', () => resolve()).once('close', () => resolve()));
  }
  if (!sink.destroyed) sink.end();
}
