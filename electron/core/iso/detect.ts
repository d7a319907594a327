// Distribution detection: which installer is on an ISO, where its kernel and initrd are, and whether
// Bootbench can boot it. Reads a handful of small, well-known files through the IsoTree interface, so
// it runs the same over the real ISO 9660 reader and over an in-memory tree in the tests.
// Design and the facts each detector relies on: docs/design/distro-detection.md.

import type { Arch } from '../../shared/contract.js';
import { detectRhel } from './detect/rhel.js';
import { detectFromDiskInfo } from './detect/debian.js';
import { detectSuse } from './detect/suse.js';
import { detectAlpine } from './detect/alpine.js';
import { detectWindows } from './detect/windows.js';
import { detectGeneric } from './detect/generic.js';
import { createProbe, type Probe } from './detect/probe.js';

/** The part of an opened ISO that detection needs (IsoImage from iso9660.ts satisfies it). */
export interface IsoTree {
  stat(path: string): { kind: 'file' | 'dir' | 'symlink'; size: number } | null; // absolute paths like '/images/pxeboot/vmlinuz'
  list(dir: string): { name: string; kind: 'file' | 'dir' | 'symlink' }[];
  readFile(path: string, maxBytes?: number): Promise<Buffer>;
  /** Optional hints a reader may offer: UDF descriptors beside ISO 9660 (Windows media), the volume label. */
  readonly udf?: boolean;
  readonly volumeId?: string;
}

export type DistroFamily = 'rhel' | 'debian' | 'ubuntu' | 'suse' | 'alpine' | 'generic' | 'windows';

/** Another kernel+initrd pair on the same media (Ubuntu's HWE kernel, Debian's graphical installer). */
export interface BootAlternative {
  label: string;
  kernel: string;
  initrd: string;
}

export interface DistroDetection {
  family: DistroFamily;
  name: string; // 'Rocky Linux', 'Fedora', 'Ubuntu', 'Debian', 'openSUSE Leap', …
  version: string; // '9.4', '41', '24.04.1', '12.7', '15.6', '3.20.3'
  arch: Arch; // the contract's vocabulary: 'x86_64', 'arm64', 'i386', …
  kernel: string | null; // path inside the ISO
  initrd: string | null;
  variant?: string; // 'netinst' | 'DVD' | 'live-server' | 'Server' | …
  supported: boolean; // false for windows and for anything recognised that cannot be booted, with `reason`
  reason?: string;
  evidence: string[]; // which files decided it, for the UI and for debugging
  /** Other boot files a recipe needs, by role: 'stage2' (RHEL inst.stage2), 'modloop' (Alpine), 'repo'. */
  extras?: Record<string, string>;
  alternatives?: BootAlternative[];
}

/** A detector claims the media (returns a detection) or passes (null) to the next one. */
export type Detector = (probe: Probe) => Promise<DistroDetection | null>;

// Order matters only where signals could overlap: the specific markers (.treeinfo, .disk/info,
// .alpine-release, SUSE media files, Windows boot files) before the generic kernel search, which
// claims anything with a kernel and an initrd.
const detectors: readonly Detector[] = [detectRhel, detectFromDiskInfo, detectAlpine, detectSuse, detectWindows, detectGeneric];

export async function detectDistro(tree: IsoTree, isoFileName?: string): Promise<DistroDetection> {
  const probe = createProbe(tree, isoFileName);
  for (const detect of detectors) {
    const found = await detect(probe);
    if (found) return found;
  }
  // detectGeneric always answers; this is the type checker's reassurance.
  throw new Error('unreachable: the generic detector always answers');
}
