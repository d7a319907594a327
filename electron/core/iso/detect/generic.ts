// Anything else with a findable kernel and initrd, searched in the places boot loaders use
// (casper/, live/, images/pxeboot/, isolinux/, boot/…, arch/boot/<arch>/, install/), so the user
// can boot it with their own kernel arguments. Names: vmlinuz*, vmlinux, linux, bzImage, kernel;
// initrd*, initramfs*. A kernel pairs with the initrd that shares its suffix
// (vmlinuz-6.1.0-25-amd64 ↔ initrd.img-6.1.0-25-amd64, vmlinuz-lts ↔ initramfs-lts).

import type { Arch } from '../../../shared/contract.js';
import type { DistroDetection } from './types.js';
import { archFromEfiLoader, archInText, normalizeArch } from './arch.js';
import { debianRelease, parseDiskInfo } from './disk-info.js';
import type { Probe } from './probe.js';

const KERNEL = /^(vmlinuz|vmlinux|linux|bzimage|kernel)(?:64)?(?<suffix>[-._].*)?$/i;
const INITRD = /^(initrd|initramfs)(?:64)?(?<suffix>[-._].*)?$/i;
const NOT_BOOTABLE = /\.(sig|asc|sha\d*|md5|cfg|conf|c32|txt|bin|msg|html?|sdi|efi\.signed)$/i;

const SEARCH = [
  '/casper',
  '/live',
  '/images/pxeboot',
  '/isolinux',
  '/boot',
  '/boot/x86_64/loader',
  '/boot/aarch64',
  '/boot/x86_64',
  '/arch/boot/x86_64',
  '/arch/boot/aarch64',
  '/install',
  '/syslinux',
  '/kernels',
  '/',
];

// The part of the name after the kind word, without the usual initrd extensions, to pair on.
function stem(suffix: string | undefined): string {
  return (suffix ?? '')
    .replace(/\.(img|gz|xz|lz|lz4|zst|cpio)$/i, '')
    .replace(/^[-._]/, '')
    .replace(/^img[-._]?/i, '');
}

export function pairInDir(names: readonly string[]): { kernel: string; initrd: string } | null {
  const kernels = names.filter((n) => KERNEL.test(n) && !NOT_BOOTABLE.test(n));
  const initrds = names.filter((n) => INITRD.test(n) && !NOT_BOOTABLE.test(n));
  if (kernels.length === 0 || initrds.length === 0) return null;
  for (const k of kernels) {
    const ks = stem(KERNEL.exec(k)?.groups?.suffix);
    const match = initrds.find((i) => stem(INITRD.exec(i)?.groups?.suffix) === ks);
    if (match) return { kernel: k, initrd: match };
  }
  const [kernel] = kernels;
  const [initrd] = initrds;
  return kernel && initrd ? { kernel, initrd } : null;
}

function guessArch(probe: Probe, kernel: string | null): Arch {
  const fromKernel = kernel ? archInText(kernel.split('/').pop() ?? '') : null;
  if (fromKernel) return fromKernel;
  const loader = probe
    .list('/efi/boot')
    .map((e) => archFromEfiLoader(e.name))
    .find((a) => a !== null);
  if (loader) return loader;
  for (const dir of ['/boot', '/arch/boot', '/apks']) {
    const a = probe
      .list(dir)
      .map((e) => normalizeArch(e.name))
      .find((x) => x !== null);
    if (a) return a;
  }
  return archInText(probe.fileName ?? '') ?? 'unknown';
}

export async function detectGeneric(probe: Probe): Promise<DistroDetection> {
  const evidence: string[] = [];
  let found: { kernel: string; initrd: string } | null = null;
  for (const dir of SEARCH) {
    const real = probe.dir(dir);
    if (real === null) continue;
    const files = probe
      .list(real)
      .filter((e) => e.kind === 'file')
      .map((e) => e.name);
    const pair = pairInDir(files);
    if (pair) {
      const at = (n: string): string => (real === '/' ? `/${n}` : `${real}/${n}`);
      found = { kernel: at(pair.kernel), initrd: at(pair.initrd) };
      evidence.push(`kernel ${found.kernel}, initrd ${found.initrd} (searched ${SEARCH.slice(0, SEARCH.indexOf(dir) + 1).join(', ')})`);
      break;
    }
  }

  if (!found) evidence.push(`no kernel and initrd pair in ${SEARCH.join(', ')}`);
  let name = probe.fileName ? probe.fileName.replace(/^.*[\\/]/, '').replace(/\.iso$/i, '') : 'Unknown Linux';
  let version = '';
  let variant: string | undefined;
  const infoPath = probe.file('/.disk/info');
  const info = infoPath ? parseDiskInfo((await probe.readText(infoPath, 4096)) ?? '') : null;
  if (info) {
    name = info.product;
    version = /debian/i.test(info.product) ? debianRelease(info.version) : info.version;
    variant = info.shape === 'live' ? `live${info.flavour ? `-${info.flavour}` : ''}` : undefined;
    evidence.unshift(`${infoPath}: "${info.detail}"`);
  }
  const arch = info?.arch ?? guessArch(probe, found?.kernel ?? null);
  return {
    family: 'generic',
    name,
    version,
    arch,
    kernel: found?.kernel ?? null,
    initrd: found?.initrd ?? null,
    ...(variant ? { variant } : {}),
    supported: found !== null,
    ...(found
      ? {}
      : {
          reason: `No Linux kernel and initrd found where boot loaders keep them (${SEARCH.join(', ')}); this is not install media Bootbench knows`,
        }),
    evidence,
  };
}
