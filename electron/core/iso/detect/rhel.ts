// RHEL family (RHEL, Rocky, AlmaLinux, CentOS Stream, Oracle Linux, Fedora) from /.treeinfo.
// Format: productmd's treeinfo (https://productmd.readthedocs.io/en/latest/treeinfo-1.1.html):
// [release] name/short/version, [tree] arch/platforms/variants, [images-<platform>] kernel/initrd,
// [stage2] mainimage, [variant-<id>] …; productmd 1.0 called [release] [product]; media made by
// older tools (and some rebuilds) carry only the legacy [general] section (family/name/version/arch).

import type { Arch } from '../../../shared/contract.js';
import type { DistroDetection } from './types.js';
import { normalizeArch } from './arch.js';
import { iniGet, parseIni, type Ini } from './ini.js';
import type { Probe } from './probe.js';

// Release (or family) names as the vendors write them, to the names Bootbench shows.
const names: readonly [RegExp, string][] = [
  [/red\s*hat\s+enterprise\s+linux/i, 'Red Hat Enterprise Linux'],
  [/rocky/i, 'Rocky Linux'],
  [/alma/i, 'AlmaLinux'],
  [/centos\s*stream|centos-stream/i, 'CentOS Stream'],
  [/centos/i, 'CentOS Linux'],
  [/oracle/i, 'Oracle Linux'], // 'Oracle Linux Server' in older media
  [/fedora/i, 'Fedora'],
  [/scientific/i, 'Scientific Linux'],
  [/cloudlinux/i, 'CloudLinux'],
  [/eurolinux/i, 'EuroLinux'],
  [/navy/i, 'Navy Linux'],
  [/circle/i, 'CircleLinux'],
];

export function canonicalRhelName(raw: string): string {
  for (const [pattern, name] of names) if (pattern.test(raw)) return name;
  return raw.trim();
}

interface TreeinfoFacts {
  name: string;
  version: string;
  arch: Arch;
  /** The word the .treeinfo uses ('aarch64'), for its [images-<arch>] section and the evidence. */
  rawArch: string;
  variant?: string;
  images: { kernel?: string; initrd?: string; section: string };
  stage2?: string;
  variants: string[];
}

/** The facts in a .treeinfo, whichever of its three historical layouts it uses. Pure. */
export function readTreeinfo(ini: Ini): TreeinfoFacts | null {
  const generalName = iniGet(ini, 'general', 'name');
  const rawName = iniGet(ini, 'release', 'name') ?? iniGet(ini, 'product', 'name') ?? iniGet(ini, 'general', 'family') ?? generalName;
  if (!rawName) return null;
  let version = iniGet(ini, 'release', 'version') ?? iniGet(ini, 'product', 'version') ?? iniGet(ini, 'general', 'version') ?? '';
  if (!version && generalName) version = /(\d+(?:\.\d+)*)\s*$/.exec(generalName)?.[1] ?? '';
  const rawArch = iniGet(ini, 'tree', 'arch') ?? iniGet(ini, 'general', 'arch') ?? '';
  const arch = normalizeArch(rawArch) ?? 'unknown';
  const variants = (iniGet(ini, 'tree', 'variants') ?? iniGet(ini, 'general', 'variants') ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  // [images-x86_64] is the real machine; [images-xen] (same files) is a secondary platform.
  const section =
    [`images-${rawArch}`, `images-${arch}`, ...[...ini.keys()].filter((k) => k.startsWith('images-') && k !== 'images-xen')].find((s) =>
      ini.has(s),
    ) ?? 'images-xen';
  const images = { kernel: iniGet(ini, section, 'kernel'), initrd: iniGet(ini, section, 'initrd'), section };
  const variant = iniGet(ini, 'general', 'variant') ?? variants[0];
  return {
    name: canonicalRhelName(rawName),
    version,
    arch,
    rawArch,
    variants,
    images,
    ...(variant ? { variant } : {}),
    ...(iniGet(ini, 'stage2', 'mainimage') ? { stage2: iniGet(ini, 'stage2', 'mainimage') } : {}),
  };
}

// Where the kernel lives when [images-*] is missing or wrong: x86_64/aarch64 pxeboot, POWER, s390x.
const conventional: readonly [string, string][] = [
  ['/images/pxeboot/vmlinuz', '/images/pxeboot/initrd.img'],
  ['/ppc/ppc64/vmlinuz', '/ppc/ppc64/initrd.img'],
  ['/images/kernel.img', '/images/initrd.img'],
];

export async function detectRhel(probe: Probe): Promise<DistroDetection | null> {
  const path = probe.file('/.treeinfo') ?? probe.file('/treeinfo');
  if (path === null) return null;
  const facts = readTreeinfo(parseIni((await probe.readText(path)) ?? ''));
  if (facts === null) return null; // a .treeinfo without a name says nothing; let the others look
  const evidence = [`${path}: name "${facts.name}", version "${facts.version}", arch "${facts.rawArch}"`];

  let kernel: string | null = null;
  let initrd: string | null = null;
  if (facts.images.kernel && facts.images.initrd) {
    kernel = probe.file(`/${facts.images.kernel}`);
    initrd = probe.file(`/${facts.images.initrd}`);
    if (kernel && initrd) evidence.push(`${path} [${facts.images.section}]: kernel ${kernel}, initrd ${initrd}`);
  }
  if (!kernel || !initrd) {
    for (const [k, i] of conventional) {
      const [kk, ii] = [probe.file(k), probe.file(i)];
      if (kk && ii) {
        [kernel, initrd] = [kk, ii];
        evidence.push(`conventional kernel ${kk}, initrd ${ii}`);
        break;
      }
    }
  }
  const extras: Record<string, string> = {};
  const stage2 = facts.stage2 ? probe.file(`/${facts.stage2}`) : null;
  if (stage2) {
    extras.stage2 = stage2;
    evidence.push(`${path} [stage2]: ${stage2}`);
  }

  const isFedora = facts.name === 'Fedora';
  // EL media: the DVD carries BaseOS/Packages and AppStream/Packages; the boot ISO carries neither.
  const hasPackages =
    probe.dir('/BaseOS/Packages') !== null || probe.dir('/AppStream/Packages') !== null || probe.dir('/Packages') !== null;
  // Fedora names its editions in the tree ('Server', 'Everything'); the EL rebuilds all say BaseOS/AppStream.
  const variant = isFedora ? facts.variant : hasPackages ? 'DVD' : 'boot';
  if (hasPackages) evidence.push('package repository on the media (Packages/)');

  const found = kernel !== null && initrd !== null;
  return {
    family: 'rhel',
    name: facts.name,
    version: facts.version,
    arch: facts.arch,
    kernel: found ? kernel : null,
    initrd: found ? initrd : null,
    ...(variant ? { variant } : {}),
    supported: found,
    ...(found
      ? {}
      : { reason: `${path} names no kernel and initrd that exist on the media (looked in [${facts.images.section}] and images/pxeboot/)` }),
    evidence,
    ...(Object.keys(extras).length > 0 ? { extras } : {}),
  };
}
