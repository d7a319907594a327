import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { detectDistro, type DistroDetection } from '../../../electron/core/iso/detect.js';
import { loadManifest, loadManifests, memoryTree, type LayoutManifest } from '../../fixtures/iso-layouts/manifest.js';

function assertMatches(got: DistroDetection, m: LayoutManifest): void {
  for (const [key, want] of Object.entries(m.expect)) {
    assert.deepEqual(got[key as keyof DistroDetection], want, `${m.id}: ${key} (got ${JSON.stringify(got, null, 1)})`);
  }
  assert.ok(got.evidence.length > 0, `${m.id}: evidence says why`);
  if (!got.supported) assert.ok(got.reason && got.reason.length > 10, `${m.id}: unsupported needs a reason`);
  // Whatever detection names must exist on the media as a regular file.
  const tree = memoryTree(m);
  for (const path of [
    got.kernel,
    got.initrd,
    ...Object.values(got.extras ?? {}),
    ...(got.alternatives ?? []).flatMap((a) => [a.kernel, a.initrd]),
  ]) {
    if (path !== null) assert.equal(tree.stat(path)?.kind, 'file', `${m.id}: ${path} is a file on the media`);
  }
}

describe('distro detection over the real layouts (test/fixtures/iso-layouts)', () => {
  const manifests = loadManifests();

  test('the fixtures cover at least two releases of each supported family, arm64 where it exists', () => {
    const by = (family: string, arch?: string): LayoutManifest[] =>
      manifests.filter((m) => m.expect.family === family && (!arch || m.expect.arch === arch));
    for (const family of ['rhel', 'debian', 'ubuntu', 'suse', 'alpine']) {
      const versions = new Set(by(family).map((m) => `${m.expect.name} ${m.expect.version}`));
      assert.ok(versions.size >= 2, `${family}: ${[...versions].join(', ')}`);
      assert.ok(by(family, 'arm64').length >= 1, `${family}: an arm64 layout`);
    }
    assert.ok(by('windows').length >= 1 && by('generic').length >= 2);
  });

  for (const m of manifests) {
    test(`${m.id}: ${m.description}`, async () => {
      assertMatches(await detectDistro(memoryTree(m), m.isoFileName), m);
    });
  }

  test('reads only small marker files, never a kernel or an image', async () => {
    for (const m of manifests) {
      const tree = memoryTree(m);
      await detectDistro(tree, m.isoFileName);
      for (const path of tree.reads) {
        const size = tree.stat(path)?.size ?? 0;
        assert.ok(size < 64 * 1024, `${m.id}: read ${path} (${size} bytes)`);
      }
    }
  });

  test('a plain ISO 9660 tree (no Rock Ridge, no Joliet: upper case, ;1 versions) is still detected', async () => {
    for (const id of [
      'rocky-9.4-x86_64-dvd',
      'debian-12.7.0-amd64-netinst',
      'opensuse-leap-15.6-x86_64-dvd',
      'ubuntu-24.04.1-live-server-amd64',
    ]) {
      const m = loadManifest(id);
      const got = await detectDistro(memoryTree(m, { plainIso9660: true }), m.isoFileName);
      assert.equal(got.family, m.expect.family, id);
      assert.equal(got.version, m.expect.version, id);
      assert.equal(got.supported, true, id);
      assert.match(got.kernel ?? '', /;1$/, `${id}: the real on-disc name is reported (${got.kernel})`);
    }
  });

  test('the file name is only a hint: a renamed ISO is detected the same', async () => {
    const m = loadManifest('rocky-9.4-x86_64-dvd');
    const got = await detectDistro(memoryTree(m), 'whatever.iso');
    assert.equal(got.name, 'Rocky Linux');
    assert.equal(got.arch, 'x86_64');
    assert.deepEqual(await detectDistro(memoryTree(m)), got);
  });
});

describe('edge cases', () => {
  const files = (list: [string, string | number][]): LayoutManifest['files'] =>
    list.map(([path, c]) => (typeof c === 'string' ? { path, content: c, size: Buffer.byteLength(c) } : { path, size: c }));

  test('an empty ISO: generic, no kernel, not supported, with a reason', async () => {
    const got = await detectDistro(memoryTree({ files: [] }));
    assert.equal(got.family, 'generic');
    assert.equal(got.kernel, null);
    assert.equal(got.supported, false);
    assert.match(got.reason ?? '', /No Linux kernel and initrd/);
    assert.equal(got.name, 'Unknown Linux');
  });

  test('.treeinfo whose images are missing falls back to images/pxeboot; with neither it is rhel, unsupported', async () => {
    const treeinfo =
      '[release]\nname = Rocky Linux\nversion = 9.4\n[tree]\narch = x86_64\n[images-x86_64]\nkernel = images/missing/vmlinuz\ninitrd = images/missing/initrd.img\n';
    const fallback = await detectDistro(
      memoryTree({
        files: files([
          ['/.treeinfo', treeinfo],
          ['/images/pxeboot/vmlinuz', 100],
          ['/images/pxeboot/initrd.img', 100],
        ]),
      }),
    );
    assert.equal(fallback.kernel, '/images/pxeboot/vmlinuz');
    assert.equal(fallback.supported, true);
    const none = await detectDistro(memoryTree({ files: files([['/.treeinfo', treeinfo]]) }));
    assert.equal(none.family, 'rhel');
    assert.equal(none.supported, false);
    assert.match(none.reason ?? '', /no kernel/);
  });

  test('a .treeinfo with no name is not claimed: the generic search answers', async () => {
    const got = await detectDistro(
      memoryTree({
        files: files([
          ['/.treeinfo', '[header]\ntype = productmd.treeinfo\n'],
          ['/isolinux/vmlinuz', 10],
          ['/isolinux/initrd.img', 10],
        ]),
      }),
    );
    assert.equal(got.family, 'generic');
    assert.equal(got.kernel, '/isolinux/vmlinuz');
  });

  test('productmd 1.0 [product] section and CRLF line ends', async () => {
    const treeinfo =
      '[product]\r\nname = CentOS Linux\r\nshort = CentOS\r\nversion = 7\r\n[tree]\r\narch = x86_64\r\n[images-x86_64]\r\nkernel = images/pxeboot/vmlinuz\r\ninitrd = images/pxeboot/initrd.img\r\n';
    const got = await detectDistro(
      memoryTree({
        files: files([
          ['/.treeinfo', treeinfo],
          ['/images/pxeboot/vmlinuz', 1],
          ['/images/pxeboot/initrd.img', 1],
          ['/Packages/x.rpm', 1],
        ]),
      }),
    );
    assert.deepEqual([got.name, got.version, got.arch, got.variant], ['CentOS Linux', '7', 'x86_64', 'DVD']);
  });

  test('Ubuntu legacy server media (debian-installer under install/)', async () => {
    const got = await detectDistro(
      memoryTree({
        files: files([
          ['/.disk/info', 'Ubuntu-Server 18.04.6 LTS "Bionic Beaver" - Release amd64 (20210915)'],
          ['/install/netboot/ubuntu-installer/amd64/linux', 8000000],
          ['/install/netboot/ubuntu-installer/amd64/initrd.gz', 40000000],
          ['/install/vmlinuz', 8000000],
          ['/install/initrd.gz', 20000000],
          ['/install/hwe-vmlinuz', 8000000],
          ['/install/hwe-initrd.gz', 20000000],
        ]),
      }),
    );
    assert.deepEqual(
      [got.family, got.version, got.variant, got.kernel, got.initrd],
      ['ubuntu', '18.04.6', 'server', '/install/netboot/ubuntu-installer/amd64/linux', '/install/netboot/ubuntu-installer/amd64/initrd.gz'],
    );
    assert.equal(got.alternatives?.[0]?.kernel, '/install/hwe-vmlinuz');
  });

  test('an Ubuntu flavour keeps its name; .disk/info without casper is recognised but unsupported', async () => {
    const kubuntu = await detectDistro(
      memoryTree({
        files: files([
          ['/.disk/info', 'Kubuntu 24.04.1 LTS "Noble Numbat" - Release amd64 (20240827)'],
          ['/casper/vmlinuz', 1],
          ['/casper/initrd', 1],
        ]),
      }),
    );
    assert.deepEqual([kubuntu.family, kubuntu.name, kubuntu.variant], ['ubuntu', 'Kubuntu', 'desktop']);
    const bare = await detectDistro(
      memoryTree({ files: files([['/.disk/info', 'Ubuntu-Server 24.04.1 LTS "Noble Numbat" - Release amd64 (20240827)']]) }),
    );
    assert.deepEqual([bare.family, bare.supported, bare.kernel], ['ubuntu', false, null]);
    assert.match(bare.reason ?? '', /casper/);
  });

  test('Debian without .disk/info: version from dists/<suite>/Release', async () => {
    const m = loadManifest('debian-12.7.0-amd64-netinst');
    const got = await detectDistro(memoryTree({ files: m.files.filter((f) => f.path !== '/.disk/info') }));
    assert.deepEqual(
      [got.family, got.name, got.version, got.arch, got.kernel],
      ['debian', 'Debian', '12.7', 'x86_64', '/install.amd/vmlinuz'],
    );
  });

  test('Debian derivatives on debian-cd media keep their own name (Kali)', async () => {
    const got = await detectDistro(
      memoryTree({
        files: files([
          ['/.disk/info', 'Kali GNU/Linux 2021.3a "Kali-last-snapshot" - Official amd64 BD Binary-1 with firmware 20211015-16:55'],
          ['/install.amd/vmlinuz', 1],
          ['/install.amd/initrd.gz', 1],
        ]),
      }),
    );
    assert.deepEqual([got.family, got.name, got.version, got.variant, got.arch], ['debian', 'Kali GNU/Linux', '2021.3a', 'BD', 'x86_64']);
  });

  test('Debian win32-loader (setup.exe, autorun.inf) is not Windows media', async () => {
    const m = loadManifest('debian-12.7.0-amd64-netinst');
    const got = await detectDistro(memoryTree({ files: m.files.filter((f) => !f.path.startsWith('/.disk')) }));
    assert.notEqual(got.family, 'windows');
  });

  test('Windows media without a recognisable file name is still Windows, arch from the EFI loader', async () => {
    const got = await detectDistro(
      memoryTree({
        files: files([
          ['/bootmgr', 1],
          ['/sources/boot.wim', 1],
          ['/sources/install.esd', 1],
          ['/efi/boot/bootaa64.efi', 1],
        ]),
      }),
      'image.iso',
    );
    assert.deepEqual([got.family, got.name, got.arch, got.supported, got.kernel], ['windows', 'Windows', 'arm64', false, null]);
    assert.equal(got.reason, 'Windows installation media is recognised but not supported yet');
  });

  test('a lone README that is not the UDF notice is not Windows', async () => {
    const got = await detectDistro(memoryTree({ files: files([['/README.TXT', 'hello']]) }));
    assert.equal(got.family, 'generic');
    assert.equal(got.supported, false);
  });

  test('SUSE media.1 with a products line but no kernel: recognised, unsupported', async () => {
    const got = await detectDistro(memoryTree({ files: files([['/media.1/products', '/ openSUSE-Leap 15.5-1\n']]) }));
    assert.deepEqual([got.family, got.name, got.version, got.supported], ['suse', 'openSUSE Leap', '15.5', false]);
  });

  test('openSUSE Tumbleweed: a snapshot date as its version', async () => {
    const got = await detectDistro(
      memoryTree({
        files: files([
          ['/media.1/products', '/ openSUSE 20240910-0\n'],
          ['/boot/x86_64/loader/linux', 1],
          ['/boot/x86_64/loader/initrd', 1],
        ]),
      }),
    );
    assert.deepEqual([got.name, got.version, got.arch], ['openSUSE Tumbleweed', '20240910', 'x86_64']);
  });

  test('Alpine prefers the lts kernel when several flavours are present, and without kernels is unsupported', async () => {
    const both = await detectDistro(
      memoryTree({
        files: files([
          ['/.alpine-release', 'alpine-extended-3.20.3 240906\n'],
          ['/boot/vmlinuz-virt', 1],
          ['/boot/initramfs-virt', 1],
          ['/boot/vmlinuz-lts', 1],
          ['/boot/initramfs-lts', 1],
          ['/apks/x86/APKINDEX.tar.gz', 1],
        ]),
      }),
    );
    assert.deepEqual([both.kernel, both.variant, both.arch], ['/boot/vmlinuz-lts', 'extended', 'i386']);
    const none = await detectDistro(memoryTree({ files: files([['/.alpine-release', 'alpine-standard-3.20.3 240906\n']]) }));
    assert.deepEqual([none.family, none.version, none.supported], ['alpine', '3.20.3', false]);
  });

  test('generic: a kernel pairs with the initrd that shares its suffix', async () => {
    const got = await detectDistro(
      memoryTree({
        files: files([
          ['/boot/vmlinuz-6.6.0-arm64', 1],
          ['/boot/initrd.img-6.1.0-amd64', 1],
          ['/boot/initrd.img-6.6.0-arm64', 1],
          ['/boot/vmlinuz-6.1.0-amd64', 1],
          ['/boot/grub/grub.cfg', 1],
        ]),
      }),
      'my-distro.iso',
    );
    assert.equal(got.family, 'generic');
    const suffix = (p: string | null): string => (p ?? '').replace(/^.*?(-6)/, '$1');
    assert.equal(suffix(got.kernel), suffix(got.initrd));
    assert.equal(got.name, 'my-distro');
  });

  test('a missing directory listed by a detector never throws', async () => {
    // memoryTree.list throws for a missing folder like a strict reader would; detection must not call it blindly.
    await assert.doesNotReject(
      detectDistro(
        memoryTree({
          files: files([
            ['/boot', 'not a dir'],
            ['/casper', 'also a file'],
          ]),
        }),
      ),
    );
  });
});

describe('reader hints (IsoImage offers udf and volumeId)', () => {
  test('a UDF image whose ISO 9660 side is empty, with a Microsoft volume label, is Windows', async () => {
    const tree = Object.assign(memoryTree({ files: [] }), { udf: true, volumeId: 'CPBA_A64FRE_EN-US_DV9' });
    const got = await detectDistro(tree, 'Win11_24H2_English_Arm64.iso');
    assert.deepEqual([got.family, got.arch, got.variant, got.supported], ['windows', 'arm64', 'UDF', false]);
  });

  test('a UDF DVD-Video style image without the label is not called Windows', async () => {
    const tree = Object.assign(memoryTree({ files: [{ path: '/VIDEO_TS/VIDEO_TS.IFO', size: 12288 }] }), {
      udf: true,
      volumeId: 'MY_MOVIE',
    });
    assert.equal((await detectDistro(tree)).family, 'generic');
  });

  test('an oversized marker file is skipped, not read', async () => {
    const tree = memoryTree({
      files: [
        { path: '/.disk/info', size: 50 * 1024 * 1024 },
        { path: '/casper/vmlinuz', size: 1 },
        { path: '/casper/initrd', size: 1 },
      ],
    });
    const got = await detectDistro(tree);
    assert.equal(got.family, 'generic');
    assert.deepEqual(tree.reads, []);
  });
});
