// What distribution detection reads and answers, shared by detect.ts and every detector under
// detect/: declared here, below both, so that imports run one way (detect.ts → detect/*).
import type { Arch, DistroBoot, DistroFamily, LiveFamily } from '../../../shared/contract.js';

/** The part of an opened ISO that detection needs (IsoImage from iso9660.ts satisfies it). */
export interface IsoTree {
  stat(path: string): { kind: 'file' | 'dir' | 'symlink'; size: number } | null; // absolute paths like '/images/pxeboot/vmlinuz'
  list(dir: string): { name: string; kind: 'file' | 'dir' | 'symlink' }[];
  readFile(path: string, maxBytes?: number): Promise<Buffer>;
  /** Optional hints a reader may offer: UDF descriptors beside ISO 9660 (Windows media), the volume label. */
  readonly udf?: boolean;
  readonly volumeId?: string;
  /** The firmware the image's El Torito catalog boots ('bios', 'uefi'); absent or empty: not bootable whole. */
  readonly bootPlatforms?: readonly ('bios' | 'uefi')[];
}

/** The contract's families, plus Windows: recognised on media so that it can be refused with a reason. */
export type DetectedFamily = DistroFamily | 'windows';

/** Another kernel+initrd pair on the same media (Ubuntu's HWE kernel, Debian's graphical installer). */
export interface BootAlternative {
  label: string;
  kernel: string;
  initrd: string;
}

export interface DistroDetection {
  family: DetectedFamily;
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
  /** How a machine boots it (detect/boot-kind.ts decides); absent only on a detector's raw answer. */
  boot?: DistroBoot;
  bootReason?: string;
  /** The live family, for `live` (and for an installer that is also a live system: Ubuntu desktop). */
  liveFamily?: LiveFamily;
  /** Size of the root file system a live family fetches (live-boot copies it to RAM). */
  liveRootSize?: number;
}
