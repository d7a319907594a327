// Live and rescue systems, by the layout each live family's initramfs looks for (the root file
// system it mounts decides the family, not the name on the label):
//   casper    (Ubuntu desktop and flavours, Mint, Pop!_OS): casper/vmlinuz + casper/initrd and
//             casper/*.squashfs (filesystem.squashfs; 23.10+ layered minimal.squashfs …);
//   live-boot (Debian live, GParted Live, Clonezilla, Kali): live/vmlinuz* + live/initrd* and
//             live/filesystem.squashfs;
//   dracut    (Fedora and RHEL-family live media): LiveOS/squashfs.img with a kernel in
//             images/pxeboot/ (or isolinux/, boot/x86_64/loader/), and no Anaconda stage2
//             (images/install.img: that is an installer tree);
//   archiso   (Arch Linux, SystemRescue): <basedir>/boot/x86_64/vmlinuz-linux (or vmlinuz + sysresccd.img) and
//             <basedir>/x86_64/airootfs.sfs, basedir 'arch' or 'sysresccd'.
// Pure over a Probe: names and sizes only, nothing large is read.
import type { LiveFamily } from '../../../shared/contract.js';
import { pairInDir } from './generic.js';
import type { Probe } from './probe.js';

export interface LiveLayout {
  family: LiveFamily;
  kernel: string;
  initrd: string;
  /** The root file system the initramfs mounts (what the family fetches over the network, or the ISO). */
  root: string;
  /** Its size in bytes (live-boot copies it to RAM). */
  rootSize: number;
  /** archiso's archisobasedir ('arch', 'sysresccd'). */
  baseDir?: string;
  evidence: string[];
}

function pairIn(probe: Probe, dirs: readonly string[]): { kernel: string; initrd: string } | null {
  for (const dir of dirs) {
    const real = probe.dir(dir);
    if (real === null) continue;
    const pair = pairInDir(
      probe
        .list(real)
        .filter((e) => e.kind === 'file')
        .map((e) => e.name),
    );
    if (pair) return { kernel: `${real}/${pair.kernel}`, initrd: `${real}/${pair.initrd}` };
  }
  return null;
}

function casper(probe: Probe, stat: StatFn): LiveLayout | null {
  const dir = probe.dir('/casper');
  if (dir === null) return null;
  const squash = probe.list(dir).filter((e) => e.kind === 'file' && /\.squashfs$/i.test(e.name));
  const pair = pairIn(probe, ['/casper']);
  if (!pair || squash.length === 0) return null;
  // The largest layer is the system; casper itself finds them all in the ISO it downloads.
  const root = squash.map((e) => e.path).sort((a, b) => stat(b) - stat(a))[0]!;
  return {
    family: 'casper',
    ...pair,
    root,
    rootSize: stat(root),
    evidence: [`${root} (casper)`, `kernel ${pair.kernel}, initrd ${pair.initrd}`],
  };
}

function liveBoot(probe: Probe, stat: StatFn): LiveLayout | null {
  const root = probe.file('/live/filesystem.squashfs');
  const pair = root ? pairIn(probe, ['/live']) : null;
  if (!root || !pair) return null;
  return {
    family: 'live-boot',
    ...pair,
    root,
    rootSize: stat(root),
    evidence: [`${root} (Debian live-boot)`, `kernel ${pair.kernel}, initrd ${pair.initrd}`],
  };
}

function dracut(probe: Probe, stat: StatFn): LiveLayout | null {
  const root = probe.file('/LiveOS/squashfs.img') ?? probe.file('/LiveOS/rootfs.img');
  if (!root || probe.file('/images/install.img')) return null;
  const pair = pairIn(probe, ['/images/pxeboot', '/isolinux', '/boot/x86_64/loader', '/boot/x86_64', '/boot']);
  if (!pair) return null;
  return {
    family: 'dracut',
    ...pair,
    root,
    rootSize: stat(root),
    evidence: [`${root} (dracut live, no images/install.img)`, `kernel ${pair.kernel}, initrd ${pair.initrd}`],
  };
}

function archiso(probe: Probe, stat: StatFn): LiveLayout | null {
  for (const base of probe.list('/').filter((e) => e.kind === 'dir')) {
    const boot = probe.dir(`${base.path}/boot/x86_64`);
    const root = probe.file(`${base.path}/x86_64/airootfs.sfs`) ?? probe.file(`${base.path}/x86_64/airootfs.erofs`);
    if (boot === null || root === null) continue;
    const pair = pairIn(probe, [boot]) ?? archisoPair(probe, boot);
    if (!pair) continue;
    const baseDir = base.name.replace(/;\d+$/, '');
    return {
      family: 'archiso',
      ...pair,
      root,
      rootSize: stat(root),
      baseDir,
      evidence: [`${root} (archiso, archisobasedir=${baseDir})`, `kernel ${pair.kernel}, initrd ${pair.initrd}`],
    };
  }
  return null;
}

type StatFn = (path: string) => number;

/** SystemRescue names its initramfs after itself: boot/x86_64/vmlinuz + sysresccd.img (microcode images aside). */
function archisoPair(probe: Probe, dir: string): { kernel: string; initrd: string } | null {
  const files = probe.list(dir).filter((e) => e.kind === 'file');
  const kernel = files.find((e) => /^vmlinuz/i.test(e.name));
  const initrd = files.find((e) => /\.img$/i.test(e.name) && !/ucode/i.test(e.name));
  return kernel && initrd ? { kernel: kernel.path, initrd: initrd.path } : null;
}

/** The live family of the media, or null. `stat` gives a file's size (the tree's). */
export function detectLive(probe: Probe, stat: (path: string) => { size: number } | null): LiveLayout | null {
  const size: StatFn = (p) => stat(p)?.size ?? 0;
  return casper(probe, size) ?? liveBoot(probe, size) ?? dracut(probe, size) ?? archiso(probe, size);
}
