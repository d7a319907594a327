// Debian and Ubuntu (and d-i based derivatives) from /.disk/info plus the installer's layout.
// Debian (debian-cd): install.<amd|a64|386>/vmlinuz + initrd.gz, a graphical twin under gtk/; the DVD
// and BD images use the same layout as the netinst. Ubuntu live media (casper): casper/vmlinuz +
// casper/initrd, with an HWE pair casper/hwe-vmlinuz + casper/hwe-initrd on later point releases;
// older casper used vmlinuz.efi and initrd.lz; pre-20.04 server media used d-i under install/.
// Live images made by live-build ('Official Debian GNU/Linux Live …') are left to the generic detector:
// they boot a live system, not the installer that Debian's recipe drives.

import type { Arch } from '../../../shared/contract.js';
import type { BootAlternative, DistroDetection } from './types.js';
import { normalizeArch } from './arch.js';
import { debianRelease, isUbuntuProduct, parseDiskInfo, type DiskInfo } from './disk-info.js';
import type { Probe } from './probe.js';

type Pair = { kernel: string; initrd: string };

function pair(probe: Probe, kernels: readonly string[], initrds: readonly string[]): Pair | null {
  const kernel = kernels.map((k) => probe.file(k)).find((k) => k !== null);
  const initrd = initrds.map((i) => probe.file(i)).find((i) => i !== null);
  return kernel && initrd ? { kernel, initrd } : null;
}

// debian-cd's install directory per architecture (tools/boot/<codename>/boot-<arch>).
const debianInstallDir: Partial<Record<Arch, string>> = {
  x86_64: 'install.amd',
  arm64: 'install.a64',
  i386: 'install.386',
  ppc64le: 'install',
  s390x: 'install',
};
const installDirArch: Readonly<Record<string, Arch>> = { 'install.amd': 'x86_64', 'install.a64': 'arm64', 'install.386': 'i386' };

function debianInstaller(probe: Probe, arch: Arch | null): { boot: Pair; gtk: Pair | null; arch: Arch | null } | null {
  const preferred = arch ? debianInstallDir[arch] : undefined;
  const dirs = [...new Set([...(preferred ? [preferred] : []), 'install.amd', 'install.a64', 'install.386', 'install'])];
  for (const dir of dirs) {
    const boot = pair(probe, [`/${dir}/vmlinuz`, `/${dir}/vmlinux`, `/${dir}/linux`], [`/${dir}/initrd.gz`]);
    if (!boot) continue;
    const gtk = pair(probe, [`/${dir}/gtk/vmlinuz`], [`/${dir}/gtk/initrd.gz`]);
    const dirArch = installDirArch[dir] ?? null;
    return { boot, gtk, arch: arch ?? dirArch };
  }
  return null;
}

function debianVariant(info: DiskInfo): string | undefined {
  const d = info.detail;
  if (/\bNETINST\b/i.test(d)) return 'netinst';
  if (/\bDVD\b/.test(d)) return 'DVD';
  if (/\bBD\b/.test(d)) return 'BD';
  if (/\bCD\b/.test(d)) return 'CD';
  return undefined;
}

function ubuntuBoot(probe: Probe, arch: Arch | null): { boot: Pair; hwe: Pair | null; variant: string } | null {
  const casper = pair(probe, ['/casper/vmlinuz', '/casper/vmlinuz.efi'], ['/casper/initrd', '/casper/initrd.lz', '/casper/initrd.gz']);
  if (casper) {
    const hwe = pair(probe, ['/casper/hwe-vmlinuz'], ['/casper/hwe-initrd', '/casper/hwe-initrd.lz']);
    return { boot: casper, hwe, variant: 'casper' };
  }
  // Legacy server media (18.04 and the 20.04 'legacy' image): debian-installer under install/.
  const debArch = arch === null || arch === 'x86_64' ? 'amd64' : arch; // Ubuntu says arm64, i386, s390x as we do
  const di = pair(
    probe,
    [`/install/netboot/ubuntu-installer/${debArch}/linux`, '/install/vmlinuz'],
    [`/install/netboot/ubuntu-installer/${debArch}/initrd.gz`, '/install/initrd.gz'],
  );
  if (di)
    return {
      boot: di,
      hwe: pair(
        probe,
        ['/install/hwe-vmlinuz', `/install/hwe-netboot/ubuntu-installer/${debArch}/linux`],
        ['/install/hwe-initrd.gz', `/install/hwe-netboot/ubuntu-installer/${debArch}/initrd.gz`],
      ),
      variant: 'server',
    };
  return null;
}

export async function detectFromDiskInfo(probe: Probe): Promise<DistroDetection | null> {
  const path = probe.file('/.disk/info');
  if (path === null) return detectDebianWithoutLabel(probe);
  const text = (await probe.readText(path, 4096)) ?? '';
  const info = parseDiskInfo(text);
  if (info === null || info.shape === 'live') return null;
  const evidence = [`${path}: "${text.trim()}"`];

  if (isUbuntuProduct(info.product)) {
    const found = ubuntuBoot(probe, info.arch);
    const alternatives: BootAlternative[] = found?.hwe ? [{ label: 'HWE kernel', ...found.hwe }] : [];
    if (found)
      evidence.push(
        `kernel ${found.boot.kernel}, initrd ${found.boot.initrd}`,
        ...alternatives.map((a) => `${a.label}: ${a.kernel}, ${a.initrd}`),
      );
    const server = /server/i.test(info.product);
    const variant = found?.variant === 'casper' ? (server ? 'live-server' : 'desktop') : found?.variant;
    const name = /^ubuntu(-server)?$/i.test(info.product) ? 'Ubuntu' : info.product.replace(/-/g, ' ');
    return result('ubuntu', name, info.version, info.arch, found?.boot ?? null, variant, evidence, alternatives, path);
  }

  const found = debianInstaller(probe, info.arch);
  if (found === null && (probe.dir('/live') || probe.dir('/casper'))) return null; // a live image with an installer-style label
  const alternatives: BootAlternative[] = found?.gtk ? [{ label: 'graphical installer', ...found.gtk }] : [];
  if (found)
    evidence.push(
      `kernel ${found.boot.kernel}, initrd ${found.boot.initrd}`,
      ...alternatives.map((a) => `${a.label}: ${a.kernel}, ${a.initrd}`),
    );
  const name = /^debian\b/i.test(info.product) ? 'Debian' : info.product;
  return result(
    'debian',
    name,
    debianRelease(info.version),
    info.arch ?? found?.arch ?? null,
    found?.boot ?? null,
    debianVariant(info),
    evidence,
    alternatives,
    path,
  );
}

/** A d-i tree whose .disk/info is missing (a remastered image): the version from dists/<suite>/Release. */
async function detectDebianWithoutLabel(probe: Probe): Promise<DistroDetection | null> {
  const found = debianInstaller(probe, null);
  if (found === null || probe.dir('/dists') === null) return null;
  for (const suite of probe.list('/dists').filter((e) => e.kind === 'dir')) {
    const release = await probe.readText(`${suite.path}/Release`);
    if (release === null) continue;
    const field = (key: string): string | undefined => new RegExp(`^${key}:\\s*(.+)$`, 'mi').exec(release)?.[1]?.trim();
    const origin = field('Origin') ?? 'Debian';
    const arch =
      found.arch ??
      (field('Architectures') ?? '')
        .split(/\s+/)
        .map(normalizeArch)
        .find((a) => a !== null) ??
      null;
    const evidence = [
      `${suite.path}/Release: Origin ${origin}, Version ${field('Version') ?? '?'}, Codename ${field('Codename') ?? '?'}`,
      `kernel ${found.boot.kernel}, initrd ${found.boot.initrd}`,
    ];
    const family = /ubuntu/i.test(origin) ? 'ubuntu' : 'debian';
    return result(family, family === 'ubuntu' ? 'Ubuntu' : origin, field('Version') ?? '', arch, found.boot, undefined, evidence, [], null);
  }
  return null;
}

function result(
  family: 'debian' | 'ubuntu',
  name: string,
  version: string,
  arch: Arch | null,
  boot: Pair | null,
  variant: string | undefined,
  evidence: string[],
  alternatives: BootAlternative[],
  label: string | null,
): DistroDetection {
  return {
    family,
    name,
    version,
    arch: arch ?? 'unknown',
    kernel: boot?.kernel ?? null,
    initrd: boot?.initrd ?? null,
    ...(variant ? { variant } : {}),
    supported: boot !== null,
    ...(boot
      ? {}
      : {
          reason: `${label ?? 'The media'} says ${name} ${version}, but no installer kernel and initrd were found (${family === 'ubuntu' ? 'casper/vmlinuz, casper/initrd' : 'install.amd/vmlinuz, install.amd/initrd.gz'})`,
        }),
    evidence,
    ...(alternatives.length > 0 ? { alternatives } : {}),
  };
}
