// Alpine Linux from /.alpine-release, which aports' scripts/mkimage.sh writes as
// '${image_name}-${RELEASE} ${build_date}', e.g. 'alpine-standard-3.20.3 240906' (image_name is
// 'alpine-<profile>': standard, extended, virt, …). Kernels are boot/vmlinuz-<flavour> with
// boot/initramfs-<flavour> and boot/modloop-<flavour> (flavour 'lts' or 'virt'; older 'vanilla');
// packages under apks/<arch>/ tell the architecture.

import type { DistroDetection } from './types.js';
import { normalizeArch } from './arch.js';
import type { Probe } from './probe.js';

export function parseAlpineRelease(text: string): { profile: string; version: string; buildDate?: string } | null {
  const m = /^alpine-(.+)-([^-\s]+)(?:\s+(\d{6}))?\s*$/.exec(text.split(/\r?\n/)[0]?.trim() ?? '');
  if (!m?.[1] || !m[2]) return null;
  return { profile: m[1], version: m[2].replace(/^v/, ''), ...(m[3] ? { buildDate: m[3] } : {}) };
}

const flavourOrder = ['lts', 'virt', 'vanilla', 'rpi', 'edge'];

export async function detectAlpine(probe: Probe): Promise<DistroDetection | null> {
  const path = probe.file('/.alpine-release');
  if (path === null) return null;
  const text = ((await probe.readText(path, 1024)) ?? '').trim();
  const release = parseAlpineRelease(text);
  const evidence = [`${path}: "${text}"`];

  const flavours = probe
    .list('/boot')
    .map((e) => /^vmlinuz-(.+)$/.exec(e.name)?.[1])
    .filter((f): f is string => f !== undefined && probe.file(`/boot/initramfs-${f}`) !== null)
    .sort((a, b) => (flavourOrder.indexOf(a) + 1 || 99) - (flavourOrder.indexOf(b) + 1 || 99));
  const flavour = flavours[0];
  const kernel = flavour ? probe.file(`/boot/vmlinuz-${flavour}`) : null;
  const initrd = flavour ? probe.file(`/boot/initramfs-${flavour}`) : null;
  const modloop = flavour ? probe.file(`/boot/modloop-${flavour}`) : null;
  if (kernel && initrd) evidence.push(`kernel ${kernel}, initrd ${initrd}${modloop ? `, modloop ${modloop}` : ''}`);

  const apkArch = probe
    .list('/apks')
    .filter((e) => e.kind === 'dir')
    .map((e) => normalizeArch(e.name))
    .find((a) => a !== null);
  if (apkArch) evidence.push(`/apks/${probe.list('/apks').find((e) => normalizeArch(e.name) === apkArch)?.name}/ (package repository)`);
  const found = kernel !== null && initrd !== null;
  return {
    family: 'alpine',
    name: 'Alpine Linux',
    version: release?.version ?? '',
    arch: apkArch ?? 'unknown',
    kernel: found ? kernel : null,
    initrd: found ? initrd : null,
    ...(release ? { variant: release.profile } : {}),
    supported: found,
    ...(found ? {} : { reason: 'Alpine media without boot/vmlinuz-<flavour> and boot/initramfs-<flavour>' }),
    evidence,
    ...(modloop ? { extras: { modloop } } : {}),
  };
}
