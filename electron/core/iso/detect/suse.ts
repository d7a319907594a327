// openSUSE and SUSE Linux Enterprise from their media files. libzypp reads /media.1/products
// ('<dir> <product name> <version-release>' per line: '/ openSUSE-Leap 15.6-1' on Leap, one line per
// module on the SLE 15 Full media, e.g. '/Product-SLES SLES 15.6-0'), /media.1/media (vendor and
// media name, build, media count) and, on SUSE-tags media up to SLE 12 / Leap 42, /content
// ('NAME SLES', 'VERSION 12.5', 'LABEL …', 'BASEARCHS x86_64'). The installer kernel is
// boot/<arch>/loader/linux + initrd on x86 (the isolinux 'loader' dir), boot/<arch>/linux + initrd
// on aarch64, ppc64le and s390x.

import type { Arch } from '../../../shared/contract.js';
import type { DistroDetection } from './types.js';
import { normalizeArch } from './arch.js';
import type { Probe } from './probe.js';

interface Product {
  dir: string;
  name: string;
  version: string;
}

export function parseProducts(text: string): Product[] {
  const out: Product[] = [];
  for (const line of text.split(/\r?\n/)) {
    const [dir, name, version] = line.trim().split(/\s+/);
    if (dir && name && version) out.push({ dir, name, version });
  }
  return out;
}

// Product (package) names to display names. Leap 15's product is 'openSUSE' on older media and
// 'openSUSE-Leap' later; Tumbleweed's version is a snapshot date.
export function suseDisplayName(product: string, version: string): string {
  const p = product.toLowerCase();
  if (p === 'sles' || p === 'sle-product-sles') return 'SUSE Linux Enterprise Server';
  if (p === 'sles_sap') return 'SUSE Linux Enterprise Server for SAP Applications';
  if (p === 'sled') return 'SUSE Linux Enterprise Desktop';
  if (p.startsWith('sle-micro') || p === 'sle_micro' || p === 'sl-micro') return 'SUSE Linux Micro';
  if (p.includes('leap-micro')) return 'openSUSE Leap Micro';
  if (p.includes('tumbleweed') || (p.startsWith('opensuse') && /^\d{8}/.test(version))) return 'openSUSE Tumbleweed';
  if (p.startsWith('opensuse') || p === 'leap') return 'openSUSE Leap';
  return product.replace(/[-_]/g, ' ');
}

const releaseOf = (version: string): string => version.replace(/-\d+(\.\d+)*$/, ''); // '15.6-1' → '15.6'

// SLE 15 Full media lists every product and module; the installer offers them all, and the one a
// netboot install means by default is the server product. Modules and add-ons are never the product.
const productRank = ['sles', 'sle-product-sles', 'opensuse-leap', 'opensuse', 'leap', 'sled', 'sles_sap'];
function mainProduct(products: Product[]): Product | undefined {
  const rank = (p: Product): number => {
    const i = productRank.indexOf(p.name.toLowerCase());
    if (i >= 0) return i;
    if (p.dir === '/') return productRank.length;
    return /module|^\/Module-|^sle-(ha|we)$/i.test(`${p.dir} ${p.name}`) ? Infinity : productRank.length + 1;
  };
  const best = [...products].sort((a, b) => rank(a) - rank(b))[0];
  return best && rank(best) !== Infinity ? best : undefined;
}

function parseContent(text: string): { name?: string; version?: string; arch?: string; label?: string } {
  const field = (key: string): string | undefined => new RegExp(`^${key}\\s+(.+)$`, 'm').exec(text)?.[1]?.trim();
  const name = field('NAME') ?? field('PRODUCT');
  const version = field('VERSION');
  const arch = field('BASEARCHS')?.split(/\s+/)[0];
  const label = field('LABEL');
  return { ...(name ? { name } : {}), ...(version ? { version } : {}), ...(arch ? { arch } : {}), ...(label ? { label } : {}) };
}

function bootPair(probe: Probe): { kernel: string; initrd: string; arch: Arch } | null {
  for (const entry of probe.list('/boot').filter((e) => e.kind === 'dir')) {
    const arch = normalizeArch(entry.name);
    if (!arch) continue;
    for (const dir of [`${entry.path}/loader`, entry.path]) {
      const kernel = probe.file(`${dir}/linux`) ?? probe.file(`${dir}/linux64`);
      const initrd = probe.file(`${dir}/initrd`) ?? probe.file(`${dir}/initrd64`);
      if (kernel && initrd) return { kernel, initrd, arch };
    }
  }
  return null;
}

export async function detectSuse(probe: Probe): Promise<DistroDetection | null> {
  const productsPath = probe.file('/media.1/products');
  const mediaPath = probe.file('/media.1/media');
  const contentPath = probe.file('/content');
  const content = contentPath ? parseContent((await probe.readText(contentPath)) ?? '') : {};
  if (!productsPath && !mediaPath && !content.name) return null;
  const evidence: string[] = [];

  let name: string | undefined;
  let version = '';
  const product = productsPath ? mainProduct(parseProducts((await probe.readText(productsPath)) ?? '')) : undefined;
  if (product) {
    name = suseDisplayName(product.name, product.version);
    version = releaseOf(product.version);
    evidence.push(`${productsPath}: "${product.dir} ${product.name} ${product.version}"`);
  } else if (content.name) {
    name = suseDisplayName(content.name, content.version ?? '');
    version = content.version ?? '';
    evidence.push(`${contentPath}: NAME ${content.name}, VERSION ${content.version ?? '?'}`);
  }
  if (!name && mediaPath) {
    // '<vendor> - <media name>', e.g. 'openSUSE - openSUSE-Leap-15.6-DVD-x86_64-Build710.3-Media'
    const first = ((await probe.readText(mediaPath)) ?? '').split(/\r?\n/)[0] ?? '';
    const m = /(openSUSE-Leap|openSUSE-Tumbleweed|openSUSE|SLE)-(\d+(?:\.\d+)?)(?:-SP(\d+))?/i.exec(first);
    if (m?.[1] && m[2]) {
      name = m[1].toUpperCase() === 'SLE' ? 'SUSE Linux Enterprise' : suseDisplayName(m[1], m[2]);
      version = m[3] ? `${m[2]}.${m[3]}` : m[2];
      evidence.push(`${mediaPath}: "${first.trim()}"`);
    }
  }
  if (!name) return null; // media.1 without a product we can name: not enough to claim it

  const boot = bootPair(probe);
  const arch = boot?.arch ?? (content.arch ? normalizeArch(content.arch) : null) ?? 'unknown';
  if (boot) evidence.push(`kernel ${boot.kernel}, initrd ${boot.initrd}`);
  return {
    family: 'suse',
    name,
    version,
    arch,
    kernel: boot?.kernel ?? null,
    initrd: boot?.initrd ?? null,
    supported: boot !== null,
    ...(boot ? {} : { reason: `${name} ${version} media without an installer kernel (boot/<arch>/loader/linux and initrd)` }),
    evidence,
  };
}
