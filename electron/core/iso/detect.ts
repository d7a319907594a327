// Distribution detection: which installer is on an ISO, where its kernel and initrd are, and whether
// Bootbench can boot it. Reads a handful of small, well-known files through the IsoTree interface, so
// it runs the same over the real ISO 9660 reader and over an in-memory tree in the tests.
// Design and the facts each detector relies on: docs/design/distro-detection.md.

import { detectRhel } from './detect/rhel.js';
import { detectFromDiskInfo } from './detect/debian.js';
import { detectSuse } from './detect/suse.js';
import { detectAlpine } from './detect/alpine.js';
import { detectWindows } from './detect/windows.js';
import { detectGeneric } from './detect/generic.js';
import { createProbe, type Probe } from './detect/probe.js';
import { detectLive } from './detect/live.js';
import { withBootKind } from './detect/boot-kind.js';
import type { DistroDetection, IsoTree } from './detect/types.js';

export type { BootAlternative, DetectedFamily, DistroDetection, IsoTree } from './detect/types.js';

/** A detector claims the media (returns a detection) or passes (null) to the next one. */
export type Detector = (probe: Probe) => Promise<DistroDetection | null>;

// Order matters only where signals could overlap: the specific markers (.treeinfo, .disk/info,
// .alpine-release, SUSE media files, Windows boot files) before the generic kernel search, which
// claims anything with a kernel and an initrd.
const detectors: readonly Detector[] = [detectRhel, detectFromDiskInfo, detectAlpine, detectSuse, detectWindows, detectGeneric];

export async function detectDistro(tree: IsoTree, isoFileName?: string): Promise<DistroDetection> {
  const probe = createProbe(tree, isoFileName);
  const live = detectLive(probe, (path) => tree.stat(path));
  for (const detect of detectors) {
    const found = await detect(probe);
    if (found) return withBootKind(found, live, tree.bootPlatforms ?? []);
  }
  // detectGeneric always answers; this is the type checker's reassurance.
  throw new Error('unreachable: the generic detector always answers');
}
