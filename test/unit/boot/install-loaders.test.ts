// The signed loaders per host by what it installs (install-loaders.ts), and what the TFTP tree
// serves for them (tftp-files.ts): a host installing a distro that boots through its ISO's own
// chain gets that ISO's shim from DHCP, its GRUB where the shim asks (grubx64.efi at the root) and
// the generated GRUB configs where its GRUB asks; every other host keeps the bundled pair.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Distro, Host } from '../../../electron/shared/contract.js';
import type { FileResolver, OpenResult } from '../../../electron/core/files/file-source.js';
import { isoLoaderFile, ownChainOf, signedLoadersByInstall } from '../../../electron/core/boot/install-loaders.js';
import { bundledSignedLoaders } from '../../../electron/core/boot/signed-loaders.js';
import { tftpBootFiles } from '../../../electron/core/boot/tftp-files.js';
import { chooseBoot } from '../../../electron/core/boot/dhcp-boot.js';
import type { ClientInfo } from '../../../electron/core/dhcp/pxe.js';

const MAC = '52:54:00:5b:d0:01';
const OTHER = '52:54:00:5b:d0:02';

function distro(over: Partial<Distro>): Distro {
  return {
    id: 'rocky-9.4-x86_64',
    family: 'rhel',
    name: 'Rocky Linux',
    version: '9.4',
    arch: 'x86_64',
    variant: 'DVD',
    kernel: '/images/pxeboot/vmlinuz',
    initrd: '/images/pxeboot/initrd.img',
    kernelArgs: '',
    iso: '/isos/rocky.iso',
    isoSize: 1,
    isoMtime: '2026-01-01T00:00:00.000Z',
    volumeId: 'ROCKY',
    status: 'ok',
    evidence: [],
    importedAt: '2026-01-01T00:00:00.000Z',
    sha256: null,
    secureBoot: true,
    secureBootReason: "Boots through the ISO's own signed chain",
    secureBootLoaders: { shim: '/EFI/BOOT/BOOTX64.EFI', grub: '/EFI/BOOT/grubx64.efi' },
    boot: 'installer',
    bootReason: null,
    ...over,
  };
}

function host(mac: string, state: Host['state'], distroId: string | null): Host {
  return { mac, state, distro: distroId, arch: 'x86_64', firmware: 'uefi' } as Host;
}

function world(hosts: Host[], distros: Distro[]) {
  return signedLoadersByInstall({
    hosts: { get: (mac) => hosts.find((h) => h.mac === mac) },
    distros: { get: (id) => distros.find((d) => d.id === id) },
  });
}

const rocky = distro({});
const ownRocky = {
  shim: { tftp: 'iso/rocky-9.4-x86_64/EFI/BOOT/BOOTX64.EFI', http: '/iso/rocky-9.4-x86_64/EFI/BOOT/BOOTX64.EFI' },
  grub: { tftp: 'iso/rocky-9.4-x86_64/EFI/BOOT/grubx64.efi', http: '/iso/rocky-9.4-x86_64/EFI/BOOT/grubx64.efi' },
};

test('a host queued, booting or installing a distro with its own signed chain gets that chain', () => {
  for (const state of ['queued', 'booting', 'installing'] as const) {
    assert.deepEqual(world([host(MAC, state, rocky.id)], [rocky])(MAC, 'x86_64'), ownRocky, state);
  }
});

test('everyone else gets the bundled pair: nothing queued, installed, failed, Debian, no Secure Boot, missing ISO, another CPU', () => {
  const debian = distro({ id: 'debian-12.7-x86_64', family: 'debian', secureBootLoaders: undefined });
  const unsigned = distro({ id: 'alma', secureBoot: false, secureBootReason: 'not signed', secureBootLoaders: undefined });
  const missing = distro({ id: 'gone', status: 'missing' });
  const arm = distro({
    id: 'rocky-arm',
    arch: 'arm64',
    secureBootLoaders: { shim: '/EFI/BOOT/BOOTAA64.EFI', grub: '/EFI/BOOT/grubaa64.efi' },
  });
  const cases: [string, Host][] = [
    ['discovered', host(MAC, 'discovered', null)],
    ['installed', host(MAC, 'installed', rocky.id)],
    ['failed', host(MAC, 'failed', rocky.id)],
    ['debian', host(MAC, 'queued', debian.id)],
    ['unsigned', host(MAC, 'queued', unsigned.id)],
    ['missing', host(MAC, 'queued', missing.id)],
    ['removed distro', host(MAC, 'queued', 'no-such-distro')],
    ['arm64 distro on an x86-64 host', host(MAC, 'queued', arm.id)],
  ];
  for (const [what, h] of cases)
    assert.deepEqual(world([h], [rocky, debian, unsigned, missing, arm])(MAC, 'x86_64'), bundledSignedLoaders(MAC, 'x86_64'), what);
  assert.deepEqual(world([], [rocky])(OTHER, 'x86_64'), bundledSignedLoaders(OTHER, 'x86_64'), 'an unknown host');
});

test('ISO paths are named as TFTP and the ★ /iso/<id>/<path> route name them, URL-escaped for HTTP', () => {
  assert.deepEqual(isoLoaderFile('odd id', '/EFI/BOOT/a b.efi'), {
    tftp: 'iso/odd id/EFI/BOOT/a b.efi',
    http: '/iso/odd%20id/EFI/BOOT/a%20b.efi',
  });
  assert.equal(ownChainOf(distro({ secureBoot: false })), null);
  assert.equal(ownChainOf(distro({ secureBootLoaders: undefined })), null);
});

test('DHCP: the queued host on the signed chain gets the ISO shim by TFTP, or by URL for UEFI HTTP boot', () => {
  const signedLoadersFor = world([host(MAC, 'queued', rocky.id)], [rocky]);
  const client = { kind: 'pxe', mac: MAC, ipxe: false, firmware: 'uefi', arch: 'x86_64', clientArch: 7 } as unknown as ClientInfo;
  const options = { serverIp: '10.231.130.1', httpPort: 8080, chainFor: () => 'signed' as const, signedLoadersFor };
  const pxe = chooseBoot(client, options);
  assert.equal(pxe.kind === 'boot' && pxe.answer.file, 'iso/rocky-9.4-x86_64/EFI/BOOT/BOOTX64.EFI');
  const http = chooseBoot({ ...client, kind: 'http', firmware: 'uefi-http' } as unknown as ClientInfo, options);
  assert.equal(http.kind === 'boot' && http.answer.file, 'http://10.231.130.1:8080/iso/rocky-9.4-x86_64/EFI/BOOT/BOOTX64.EFI');
  // On iPXE the chain does not matter.
  const ipxe = chooseBoot(client, { ...options, chainFor: () => 'ipxe' as const });
  assert.equal(ipxe.kind === 'boot' && ipxe.answer.file, 'snponly.efi');
});

test("TFTP: grubx64.efi at the root is the asking host's GRUB; its configs are generated wherever its GRUB looks", async () => {
  const calls: string[] = [];
  const record =
    (tag: string): FileResolver =>
    async (name) => {
      calls.push(`${tag}:${name}`);
      return { ok: false, failure: { kind: 'not-found', message: name } } as OpenResult;
    };
  const resolve = tftpBootFiles({
    loaders: record('assets'),
    openInsideIso: (id, path) => record('iso')(`${id}|${path}`),
    grubFiles: record('grub'),
    signedLoadersFor: world([host(MAC, 'queued', rocky.id)], [rocky]),
    archOf: () => 'x86_64',
  });
  const asks: [string, string | null, string][] = [
    ['grubx64.efi', MAC, 'iso:rocky-9.4-x86_64|EFI/BOOT/grubx64.efi'],
    ['/grubx64.efi', MAC, 'iso:rocky-9.4-x86_64|EFI/BOOT/grubx64.efi'],
    ['grubx64.efi', OTHER, 'assets:grubx64.efi'],
    ['grubx64.efi', null, 'assets:grubx64.efi'],
    ['iso/rocky-9.4-x86_64/EFI/BOOT/BOOTX64.EFI', MAC, 'iso:rocky-9.4-x86_64|EFI/BOOT/BOOTX64.EFI'],
    // Debian's GRUB reads grub/ (its prefix); Red Hat's reads beside its boot file; the root too.
    ['grub/grub.cfg', MAC, 'grub:grub/grub.cfg'],
    [`iso/rocky-9.4-x86_64/EFI/BOOT/grub.cfg-01-${MAC.replace(/:/g, '-')}`, MAC, `grub:grub.cfg-01-${MAC.replace(/:/g, '-')}`],
    ['iso/rocky-9.4-x86_64/EFI/BOOT/grub.cfg', MAC, 'grub:grub.cfg'],
    ['/grub.cfg', OTHER, 'grub:grub.cfg'],
    // The ISO's own grub.cfg stays the ISO's for anyone else, and elsewhere in the ISO.
    ['iso/rocky-9.4-x86_64/EFI/BOOT/grub.cfg', OTHER, 'iso:rocky-9.4-x86_64|EFI/BOOT/grub.cfg'],
    ['iso/rocky-9.4-x86_64/boot/grub2/grub.cfg', MAC, 'iso:rocky-9.4-x86_64|boot/grub2/grub.cfg'],
    ['iso/other-distro/EFI/BOOT/grub.cfg', MAC, 'iso:other-distro|EFI/BOOT/grub.cfg'],
  ];
  for (const [name, mac, want] of asks) {
    calls.length = 0;
    await resolve(name, mac ? { ip: '10.231.130.100', mac } : undefined);
    assert.deepEqual(calls, [want], `${name} asked by ${mac ?? 'an unknown address'}`);
  }
});

test('TFTP: a shim served out of an ISO asks for its optional files beside itself: not found, quietly', async () => {
  const resolve = tftpBootFiles({
    loaders: async (name) => ({ ok: false, failure: { kind: 'not-found', message: name } }),
    openInsideIso: async (id, path) => ({ ok: false, failure: { kind: 'not-found', message: `${id}/${path}` } }),
  });
  for (const name of ['revocations_sku.efi', 'revocations_sbat.efi', 'shim_certificate_0.efi']) {
    const r = await resolve(`iso/rocky-9.4-x86_64/EFI/BOOT/${name}`, { ip: '10.231.130.100', mac: MAC });
    assert.ok(!r.ok && r.failure.kind === 'not-found' && r.failure.quiet === true, name);
  }
  const other = await resolve('iso/rocky-9.4-x86_64/EFI/BOOT/other.efi', { ip: '10.231.130.100', mac: MAC });
  assert.ok(!other.ok && other.failure.kind === 'not-found' && other.failure.quiet !== true, 'any other missing file is said');
});
