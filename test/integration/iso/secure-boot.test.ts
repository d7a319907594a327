// The Secure Boot verdict of imported ISOs, through the real library, the real ISO reader and
// xorriso-built images carrying Debian's real signed and unsigned binaries (shim-signed,
// shim-unsigned, grub-efi-amd64-signed, debian-installer-12-netboot-amd64) where the distributions
// carry theirs. Also: distros.json files written before the verdict existed keep loading.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Distro } from '../../../electron/shared/contract.js';
import { EventBus } from '../../../electron/core/events.js';
import { isBootbenchError } from '../../../electron/core/errors.js';
import { IsoLibrary } from '../../../electron/core/iso/library.js';
import { debianNetbootKernel } from '../../../electron/core/install/debian-netboot.js';
import { buildIso } from '../../helpers/iso-build.js';
import { loadManifest, writeTree } from '../../fixtures/iso-layouts/manifest.js';

const SIGNED_SHIM = '/usr/lib/shim/shimx64.efi.signed';
const UNSIGNED_SHIM = '/usr/lib/shim/shimx64.efi';
const SIGNED_GRUB = '/usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed';
const SIGNED_KERNEL = '/usr/lib/debian-installer/images/12/amd64/text/debian-installer/amd64/linux';
const UNSIGNED_EFI = '/usr/lib/shim/fbx64.efi'; // any unsigned PE: shim-unsigned's fallback

let work: string;
const libraries: IsoLibrary[] = [];

before(async () => {
  for (const f of [SIGNED_SHIM, UNSIGNED_SHIM, SIGNED_GRUB, SIGNED_KERNEL, UNSIGNED_EFI])
    if (!existsSync(f))
      throw new Error(
        `${f} is missing: apt-get install -y shim-signed shim-unsigned grub-efi-amd64-signed debian-installer-12-netboot-amd64`,
      );
  work = await mkdtemp(join(tmpdir(), 'bootbench-secureboot-'));
});
after(async () => {
  for (const l of libraries) await l.close();
  rmSync(work, { recursive: true, force: true });
});

type Files = Record<string, string | Buffer | null>; // path in the ISO → a file to copy, bytes, or absent

async function iso(name: string, files: Files): Promise<string> {
  const tree = join(work, `${name}.tree`);
  for (const [path, what] of Object.entries(files)) {
    if (what === null) continue;
    const target = join(tree, path);
    mkdirSync(dirname(target), { recursive: true });
    if (Buffer.isBuffer(what)) writeFileSync(target, what);
    else if (what.startsWith('/')) copyFileSync(what, target);
    else writeFileSync(target, what);
  }
  const out = join(work, `${name}.iso`);
  await buildIso(tree, out, {
    volid: name
      .slice(0, 32)
      .toUpperCase()
      .replace(/[^A-Z0-9_]/g, '_'),
    joliet: true,
  });
  return out;
}

const TREEINFO = `[general]
family = Rocky Linux
version = 9.4
arch = x86_64
[images-x86_64]
kernel = images/pxeboot/vmlinuz
initrd = images/pxeboot/initrd.img
`;

function rhel(over: Files = {}): Files {
  return {
    '.treeinfo': TREEINFO,
    'images/pxeboot/vmlinuz': SIGNED_KERNEL,
    'images/pxeboot/initrd.img': Buffer.alloc(4096, 7),
    'EFI/BOOT/BOOTX64.EFI': SIGNED_SHIM,
    'EFI/BOOT/grubx64.efi': SIGNED_GRUB,
    ...over,
  };
}

async function library(options: Parameters<typeof IsoLibrary.open>[2] = {}): Promise<{ lib: IsoLibrary; data: string }> {
  const data = await mkdtemp(join(work, 'data-'));
  const lib = await IsoLibrary.open(data, new EventBus(), options);
  libraries.push(lib);
  return { lib, data };
}

async function importOne(name: string, files: Files): Promise<Distro> {
  const { lib } = await library();
  return lib.import(await iso(name, files));
}

describe("RHEL family: the ISO's own EFI/BOOT shim and GRUB, and its kernel", () => {
  test('signed shim, GRUB and kernel: boots under Secure Boot, through its own chain, naming the issuers', async () => {
    const d = await importOne('rhel-signed', rhel());
    assert.equal(d.family, 'rhel');
    assert.equal(d.secureBoot, true, d.secureBootReason ?? '');
    assert.match(d.secureBootReason ?? '', /ISO's own signed chain/);
    assert.match(d.secureBootReason ?? '', /EFI\/BOOT\/BOOTX64\.EFI \(signed by Microsoft Corporation UEFI CA 2011\)/);
    assert.match(d.secureBootReason ?? '', /grubx64\.efi \(signed by Debian Secure Boot CA\)/);
    assert.deepEqual(
      d.secureBootLoaders,
      { shim: '/EFI/BOOT/BOOTX64.EFI', grub: '/EFI/BOOT/grubx64.efi' },
      'what its hosts get, by real path',
    );
  });

  test('lower-case efi/boot names (Joliet, case-insensitive lookups) are found', async () => {
    const d = await importOne(
      'rhel-lowercase',
      rhel({
        'EFI/BOOT/BOOTX64.EFI': null,
        'EFI/BOOT/grubx64.efi': null,
        'efi/boot/bootx64.efi': SIGNED_SHIM,
        'efi/boot/grubx64.efi': SIGNED_GRUB,
      }),
    );
    assert.equal(d.secureBoot, true, d.secureBootReason ?? '');
    assert.deepEqual(d.secureBootLoaders, { shim: '/efi/boot/bootx64.efi', grub: '/efi/boot/grubx64.efi' });
  });

  const refusals: [string, Files, RegExp][] = [
    [
      'unsigned shim',
      { 'EFI/BOOT/BOOTX64.EFI': UNSIGNED_SHIM },
      /first-stage loader EFI\/BOOT\/BOOTX64\.EFI is not signed \(it has no certificate table\)/,
    ],
    ['unsigned GRUB', { 'EFI/BOOT/grubx64.efi': UNSIGNED_EFI }, /GRUB EFI\/BOOT\/grubx64\.efi is not signed/],
    ['no shim', { 'EFI/BOOT/BOOTX64.EFI': null }, /The ISO has no EFI\/BOOT\/BOOTX64\.EFI/],
    ['no GRUB', { 'EFI/BOOT/grubx64.efi': null }, /The ISO has no EFI\/BOOT\/grubx64\.efi, the GRUB its shim/],
    ['no EFI folder at all', { 'EFI/BOOT/BOOTX64.EFI': null, 'EFI/BOOT/grubx64.efi': null }, /The ISO has no EFI\/BOOT\/BOOTX64\.EFI/],
    [
      'unsigned kernel',
      { 'images/pxeboot/vmlinuz': Buffer.alloc(8192, 1) },
      /installer kernel images\/pxeboot\/vmlinuz is not signed \(not a PE/,
    ],
    ['a shim cut short', { 'EFI/BOOT/BOOTX64.EFI': readFileSync(SIGNED_SHIM).subarray(0, 600_000) }, /truncated/],
    ['garbage where the shim should be', { 'EFI/BOOT/BOOTX64.EFI': Buffer.from('MZ'.padEnd(5000, '\u00ff'), 'latin1') }, /not signed/],
    ['a GRUB signed by Debian as the shim', { 'EFI/BOOT/BOOTX64.EFI': SIGNED_GRUB }, /signed by "Debian Secure Boot CA", not by Microsoft/],
  ];
  for (const [what, over, reason] of refusals) {
    test(`${what}: imported, marked "no Secure Boot" with the reason`, async () => {
      const d = await importOne(`rhel-${what.replace(/\W+/g, '-')}`, rhel(over));
      assert.equal(d.status, 'ok', 'still imported: it boots without Secure Boot');
      assert.equal(d.secureBoot, false);
      assert.match(d.secureBootReason ?? '', reason);
      assert.equal(d.secureBootLoaders, undefined);
    });
  }
});

describe('Debian: the netboot installer kernel Bootbench boots for it', () => {
  const diskInfo = 'Debian GNU/Linux 12.7.0 "Bookworm" - Official amd64 NETINST with firmware 20240831-10:38';
  // The CD flavour's initrd names cdrom-retriever; a gzip'd stub is enough for the flavour check.
  const cdInitrd = gzipSync(Buffer.from('usr/lib/debian-installer/retriever/cdrom-retriever\0'));
  const debian: Files = { '.disk/info': diskInfo, 'install.amd/vmlinuz': SIGNED_KERNEL, 'install.amd/initrd.gz': cdInitrd };

  test('no netboot installer anywhere: no Secure Boot, saying what to install and where to put it', async () => {
    const empty = join(work, 'no-system-images');
    mkdirSync(empty, { recursive: true });
    const { lib } = await library({ netbootKernel: debianNetbootKernel({ dataDir: join(work, 'nowhere'), systemImages: empty }) });
    const d = await lib.import(await iso('debian-cd', debian));
    assert.equal(d.family, 'debian');
    assert.equal(d.secureBoot, false);
    assert.match(d.secureBootReason ?? '', /debian-installer-12-netboot-amd64/);
    assert.match(d.secureBootReason ?? '', /netboot\/debian-12-amd64/);
  });

  test("the netboot installer put into the data folder: importing again says it boots, through Debian's signed chain", async () => {
    const empty = join(work, 'no-system-images-2');
    mkdirSync(empty, { recursive: true });
    const data = await mkdtemp(join(work, 'data-'));
    const lib = await IsoLibrary.open(data, new EventBus(), { netbootKernel: debianNetbootKernel({ dataDir: data, systemImages: empty }) });
    libraries.push(lib);
    const file = join(work, 'debian-cd.iso');
    assert.equal((await lib.import(file)).secureBoot, false);
    const netboot = join(data, 'netboot', 'debian-12-amd64');
    mkdirSync(netboot, { recursive: true });
    copyFileSync(SIGNED_KERNEL, join(netboot, 'linux'));
    writeFileSync(join(netboot, 'initrd.gz'), gzipSync(Buffer.from('net-retriever')));
    const d = await lib.import(file);
    assert.equal(d.secureBoot, true, d.secureBootReason ?? '');
    assert.match(d.secureBootReason ?? '', /Debian's signed chain/);
    assert.ok(d.secureBootReason?.includes(netboot), d.secureBootReason ?? '');
    assert.match(d.secureBootReason ?? '', /signed by Debian Secure Boot CA/);
    assert.equal(d.secureBootLoaders, undefined, 'Debian boots through the bundled chain');
  });

  test('an unsigned netboot kernel: no Secure Boot, naming the file', async () => {
    const empty = join(work, 'no-system-images-3');
    mkdirSync(empty, { recursive: true });
    const data = await mkdtemp(join(work, 'data-'));
    const netboot = join(data, 'netboot', 'debian-12-amd64');
    mkdirSync(netboot, { recursive: true });
    copyFileSync(UNSIGNED_EFI, join(netboot, 'linux'));
    writeFileSync(join(netboot, 'initrd.gz'), gzipSync(Buffer.from('net-retriever')));
    const lib = await IsoLibrary.open(data, new EventBus(), { netbootKernel: debianNetbootKernel({ dataDir: data, systemImages: empty }) });
    libraries.push(lib);
    const d = await lib.import(join(work, 'debian-cd.iso'));
    assert.equal(d.secureBoot, false);
    assert.match(d.secureBootReason ?? '', /netboot installer kernel .* is not signed/);
  });

  test("with this machine's debian-installer-12-netboot-amd64 (as `serve` wires it): boots under Secure Boot", async () => {
    const { lib } = await library();
    const wired = await IsoLibrary.open(await mkdtemp(join(work, 'data-')), new EventBus(), {
      netbootKernel: debianNetbootKernel({ dataDir: join(work, 'nowhere') }),
    });
    libraries.push(wired);
    const d = await wired.import(join(work, 'debian-cd.iso'));
    assert.equal(d.secureBoot, true, d.secureBootReason ?? '');
    assert.match(d.secureBootReason ?? '', /\/usr\/lib\/debian-installer\/images\/12\/amd64/);
    // Without the finder (a library opened without composition), the verdict says it was not checked.
    const bare = await lib.import(join(work, 'debian-cd.iso'));
    assert.equal(bare.secureBoot, false);
    assert.match(bare.secureBootReason ?? '', /could not be checked/);
  });
});

describe('Ubuntu, SUSE, Alpine and generic media', () => {
  function layout(id: string, over: Files): Files {
    const m = loadManifest(id);
    const files: Files = {};
    const root = join(work, `${id}.layout`);
    writeTree(m, root);
    for (const f of m.files) if (f.symlink === undefined) files[f.path.replace(/^\//, '')] = join(root, f.path);
    return { ...files, ...over };
  }

  test('Ubuntu: refused clearly, saying why and what to do', async () => {
    const d = await importOne(
      'ubuntu',
      layout('ubuntu-24.04.1-live-server-amd64', { 'EFI/boot/bootx64.efi': SIGNED_SHIM, 'EFI/boot/grubx64.efi': SIGNED_GRUB }),
    );
    assert.equal(d.family, 'ubuntu');
    assert.equal(d.secureBoot, false);
    assert.match(d.secureBootReason ?? '', /GRUB built for CDs/);
    assert.match(d.secureBootReason ?? '', /Turn Secure Boot off/);
  });

  test('openSUSE: its shim loads grub.efi; all signed → boots through its own chain', async () => {
    const d = await importOne(
      'opensuse',
      layout('opensuse-leap-15.6-x86_64-dvd', {
        'EFI/BOOT/bootx64.efi': SIGNED_SHIM,
        'EFI/BOOT/grub.efi': SIGNED_GRUB,
        'boot/x86_64/loader/linux': SIGNED_KERNEL,
      }),
    );
    assert.equal(d.family, 'suse');
    assert.equal(d.secureBoot, true, d.secureBootReason ?? '');
    assert.match(d.secureBootReason ?? '', /GRUB EFI\/BOOT\/grub\.efi/);
    assert.deepEqual(d.secureBootLoaders, { shim: '/EFI/BOOT/bootx64.efi', grub: '/EFI/BOOT/grub.efi' });
  });

  test('openSUSE with its placeholder (unsigned) loaders: no Secure Boot', async () => {
    const d = await importOne('opensuse-unsigned', layout('opensuse-leap-15.6-x86_64-dvd', {}));
    assert.equal(d.secureBoot, false);
    assert.match(d.secureBootReason ?? '', /bootx64\.efi is not signed \(not a PE/);
  });

  test('Alpine: its EFI loader is not signed → no Secure Boot, with that reason', async () => {
    const d = await importOne('alpine', layout('alpine-virt-3.20.3-x86_64', { 'efi/boot/bootx64.efi': UNSIGNED_EFI }));
    assert.equal(d.family, 'alpine');
    assert.equal(d.secureBoot, false);
    assert.match(d.secureBootReason ?? '', /efi\/boot\/bootx64\.efi is not signed \(it has no certificate table\)/);
  });

  test('generic media without any EFI loader: no Secure Boot, with the reason', async () => {
    const d = await importOne('generic', { 'boot/vmlinuz': SIGNED_KERNEL, 'boot/initrd.img': Buffer.alloc(4096, 3) });
    assert.equal(d.family, 'generic');
    assert.equal(d.secureBoot, false);
    assert.match(d.secureBootReason ?? '', /no EFI\/BOOT\/BOOTX64\.EFI/);
  });
});

describe('distros.json written before the Secure Boot verdict', () => {
  test('loads: readable ISOs get the verdict computed, missing ones say they were not checked; the file is saved with both', async () => {
    const file = join(work, 'rhel-signed.iso');
    const unsigned = join(work, 'rhel-unsigned-shim.iso');
    const st = statSync(file);
    const st2 = statSync(unsigned);
    const old = (id: string, iso: string, size: number, mtime: string) => ({
      id,
      family: 'rhel',
      name: 'Rocky Linux',
      version: '9.4',
      arch: 'x86_64',
      variant: 'boot',
      kernel: '/images/pxeboot/vmlinuz',
      initrd: '/images/pxeboot/initrd.img',
      kernelArgs: '',
      iso,
      isoSize: size,
      isoMtime: mtime,
      volumeId: 'X',
      status: 'ok',
      evidence: [],
      importedAt: '2026-01-01T00:00:00.000Z',
      sha256: null,
    });
    const data = await mkdtemp(join(work, 'data-'));
    await writeFile(
      join(data, 'distros.json'),
      JSON.stringify({
        version: 1,
        distros: [
          old('rocky-signed', file, st.size, st.mtime.toISOString()),
          old('rocky-unsigned', unsigned, st2.size, st2.mtime.toISOString()),
          old('rocky-gone', join(work, 'gone.iso'), 5, '2026-01-01T00:00:00.000Z'),
        ],
      }),
    );
    const lib = await IsoLibrary.open(data, new EventBus());
    libraries.push(lib);
    assert.equal(lib.get('rocky-signed')?.secureBoot, true, lib.get('rocky-signed')?.secureBootReason ?? '');
    assert.equal(lib.get('rocky-unsigned')?.secureBoot, false);
    assert.match(lib.get('rocky-unsigned')?.secureBootReason ?? '', /not signed/);
    assert.equal(lib.get('rocky-gone')?.status, 'missing');
    assert.equal(lib.get('rocky-gone')?.secureBoot, false);
    assert.match(lib.get('rocky-gone')?.secureBootReason ?? '', /Not checked: the ISO is missing .* Import it again/);
    const saved = JSON.parse(await readFile(join(data, 'distros.json'), 'utf8')) as { distros: Distro[] };
    for (const d of saved.distros) {
      assert.equal(typeof d.secureBoot, 'boolean', d.id);
      assert.equal(typeof d.secureBootReason, 'string', d.id);
    }
    // Reopened, the stored verdict is kept as it is (nothing to compute again).
    await lib.close();
    const again = await IsoLibrary.open(data, new EventBus());
    libraries.push(again);
    assert.deepEqual(
      again.list().map((d) => [d.id, d.secureBoot]),
      saved.distros.map((d) => [d.id, d.secureBoot]),
    );
  });

  test('the missing ISO found again by Locate… is checked then', async () => {
    const data = await mkdtemp(join(work, 'data-'));
    const lib = await IsoLibrary.open(data, new EventBus());
    libraries.push(lib);
    const d = await lib.import(join(work, 'rhel-signed.iso'));
    const { secureBootLoaders: _, ...unchecked } = d;
    await lib.replace({ ...unchecked, status: 'missing', secureBoot: false, secureBootReason: 'Not checked: the ISO is missing' });
    assert.equal(lib.get(d.id)?.secureBootLoaders, undefined);
    await lib.replace({ ...unchecked, status: 'ok' });
    assert.equal(lib.get(d.id)?.secureBoot, true);
    assert.deepEqual(lib.get(d.id)?.secureBootLoaders, d.secureBootLoaders);
  });

  test('an ISO that is not an ISO is still refused at import, as before', async () => {
    const bad = join(work, 'bad.iso');
    await writeFile(bad, Buffer.alloc(70_000, 0x41));
    const { lib } = await library();
    await assert.rejects(lib.import(bad), (e) => isBootbenchError(e));
  });
});
