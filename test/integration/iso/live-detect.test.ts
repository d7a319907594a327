// Live, rescue and whole-ISO detection at import, through the real reader and IsoLibrary, on small
// ISOs built with xorriso in each live family's layout (casper, Debian live-boot, dracut live,
// archiso and SystemRescue), an El Torito-bootable ISO that is neither installer nor live (→
// whole-iso, with the reason), the same without a boot catalog and a truncated and a foreign file
// (→ refused with a clear error), a hostile volume label (kept as data), and the memory warning.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Distro } from '../../../electron/shared/contract.js';
import { EventBus } from '../../../electron/core/events.js';
import { isBootbenchError } from '../../../electron/core/errors.js';
import { IsoLibrary } from '../../../electron/core/iso/library.js';
import { memoryWarningOf } from '../../../electron/core/iso/detect/boot-kind.js';
import { buildIso } from '../../helpers/iso-build.js';

type Tree = Record<string, string | number>; // path → text, or a size in bytes (zeros)

function writeTree(root: string, tree: Tree): void {
  for (const [path, content] of Object.entries(tree)) {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, typeof content === 'number' ? Buffer.alloc(content) : content);
  }
}

// El Torito: a BIOS no-emulation image and an EFI System Partition image (content does not matter to detection).
const BIOS_BOOT = ['-b', 'boot/bios.img', '-no-emul-boot', '-boot-load-size', '4'];
const EFI_BOOT = ['-eltorito-alt-boot', '-e', 'boot/efi.img', '-no-emul-boot'];
const BOOT_FILES: Tree = { 'boot/bios.img': 2048, 'boot/efi.img': 64 * 1024 };

const layouts: { name: string; tree: Tree; args?: string[]; volid?: string; expect: Partial<Distro> }[] = [
  {
    name: 'casper (Ubuntu-style live without an installer label)',
    tree: { 'casper/vmlinuz': 4096, 'casper/initrd': 4096, 'casper/filesystem.squashfs': 8192 },
    expect: { boot: 'live', liveFamily: 'casper', kernel: '/casper/vmlinuz', initrd: '/casper/initrd' },
  },
  {
    name: 'Debian live-boot (live-build)',
    tree: {
      '.disk/info': 'Debian GNU/Linux 12 "Bookworm" - Official Snapshot amd64 LIVE Binary 20250520-00:00\n',
      'live/vmlinuz-6.1.0-50-amd64': 4096,
      'live/initrd.img-6.1.0-50-amd64': 4096,
      'live/filesystem.squashfs': 8192,
    },
    expect: { boot: 'live', liveFamily: 'live-boot', kernel: '/live/vmlinuz-6.1.0-50-amd64', initrd: '/live/initrd.img-6.1.0-50-amd64' },
  },
  {
    name: 'GParted / Clonezilla (live-boot, plain names)',
    tree: { 'live/vmlinuz': 4096, 'live/initrd.img': 4096, 'live/filesystem.squashfs': 8192, 'GParted-Live-Version': '1.6.0-3\n' },
    expect: { boot: 'live', liveFamily: 'live-boot', kernel: '/live/vmlinuz', initrd: '/live/initrd.img' },
  },
  {
    name: 'dracut live (Fedora Workstation Live: .treeinfo but no Anaconda stage2)',
    tree: {
      '.treeinfo':
        '[general]\nfamily = Fedora\nversion = 41\narch = x86_64\n[images-x86_64]\nkernel = images/pxeboot/vmlinuz\ninitrd = images/pxeboot/initrd.img\n',
      'images/pxeboot/vmlinuz': 4096,
      'images/pxeboot/initrd.img': 4096,
      'LiveOS/squashfs.img': 8192,
    },
    expect: { boot: 'live', liveFamily: 'dracut', kernel: '/images/pxeboot/vmlinuz', family: 'rhel' },
  },
  {
    name: 'archiso (Arch Linux)',
    tree: { 'arch/boot/x86_64/vmlinuz-linux': 4096, 'arch/boot/x86_64/initramfs-linux.img': 4096, 'arch/x86_64/airootfs.sfs': 8192 },
    expect: {
      boot: 'live',
      liveFamily: 'archiso',
      kernel: '/arch/boot/x86_64/vmlinuz-linux',
      initrd: '/arch/boot/x86_64/initramfs-linux.img',
    },
  },
  {
    name: 'SystemRescue (archiso, basedir sysresccd)',
    tree: { 'sysresccd/boot/x86_64/vmlinuz': 4096, 'sysresccd/boot/x86_64/sysresccd.img': 4096, 'sysresccd/x86_64/airootfs.sfs': 8192 },
    expect: { boot: 'live', liveFamily: 'archiso', kernel: '/sysresccd/boot/x86_64/vmlinuz' },
  },
  {
    name: 'Ubuntu desktop (an installer that is also a casper live system: stays an installer)',
    tree: {
      '.disk/info': 'Ubuntu 24.04.1 LTS "Noble Numbat" - Release amd64 (20240827)\n',
      'casper/vmlinuz': 4096,
      'casper/initrd': 4096,
      'casper/minimal.squashfs': 8192,
    },
    expect: { boot: 'installer', liveFamily: 'casper', family: 'ubuntu' },
  },
  {
    name: 'neither installer nor live, BIOS + UEFI bootable (→ whole ISO)',
    tree: { ...BOOT_FILES, 'README.TXT': 'a firmware updater\n', 'tools/flash.bin': 4096 },
    args: [...BIOS_BOOT, ...EFI_BOOT],
    expect: { boot: 'whole-iso', liveFamily: null, kernel: null, initrd: null, family: 'generic' },
  },
  {
    name: 'hostile volume label, UEFI-only whole ISO',
    tree: { 'boot/efi.img': 64 * 1024, 'x.txt': 'x' },
    args: ['-e', 'boot/efi.img', '-no-emul-boot'],
    volid: 'X ||shell;chain http://e/x #${a}',
    expect: { boot: 'whole-iso', volumeId: 'X ||shell;chain http://e/x #${a}' },
  },
];

describe('live, rescue and whole-ISO detection at import (xorriso-built ISOs, IsoLibrary)', () => {
  let work = '';
  let library: IsoLibrary;
  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'bootbench-live-detect-'));
    mkdirSync(join(work, 'data'));
    library = await IsoLibrary.open(join(work, 'data'), new EventBus());
  });
  after(async () => {
    await library?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  let n = 0;
  async function isoOf(tree: Tree, args: string[] = [], volid = 'BOOTBENCH_LIVE_TEST'): Promise<string> {
    n += 1;
    const root = join(work, `tree-${n}`);
    writeTree(root, tree);
    const iso = join(work, `image-${n}.iso`);
    await buildIso(root, iso, { volid, joliet: true, extraArgs: args });
    return iso;
  }

  for (const l of layouts) {
    test(l.name, async () => {
      const d = await library.import(await isoOf(l.tree, l.args, l.volid));
      for (const [key, want] of Object.entries(l.expect))
        assert.deepEqual(d[key as keyof Distro], want, `${key}: ${JSON.stringify(d, null, 1)}`);
      assert.ok(d.bootReason && d.bootReason.length > 10, `a reason says how it boots: ${d.bootReason}`);
      assert.equal(d.status, 'ok');
      if (d.boot === 'whole-iso') {
        assert.match(d.bootReason!, /Whole ISO/);
        assert.match(d.bootReason!, /no installer or live system recognised|No Linux kernel/);
      }
      if (d.boot === 'live')
        assert.match(d.bootReason!, new RegExp(`Live system: ${d.liveFamily === 'live-boot' ? 'Debian live-boot' : d.liveFamily}`));
    });
  }

  test('the whole-ISO reason names the firmware its El Torito catalog boots', async () => {
    const both = await library.import(await isoOf({ ...BOOT_FILES, 'a.txt': 'a' }, [...BIOS_BOOT, ...EFI_BOOT]));
    assert.match(both.bootReason!, /BIOS: iPXE sanboot over HTTP; UEFI: the firmware HTTP-boots the \.iso as a RAM disk/);
    const bios = await library.import(await isoOf({ ...BOOT_FILES, 'b.txt': 'b' }, BIOS_BOOT));
    assert.match(bios.bootReason!, /^Whole ISO \(BIOS: iPXE sanboot over HTTP\)/);
  });

  test('an ISO with no installer, no live system and no boot catalog is refused, with the reason', async () => {
    const iso = await isoOf({ 'docs/readme.txt': 'just files\n' });
    await assert.rejects(library.import(iso), (e: unknown) => {
      assert.ok(isBootbenchError(e) && e.code === 'ISO_UNSUPPORTED', String(e));
      assert.match(e.message, /no El Torito boot catalog/);
      return true;
    });
  });

  test('a truncated ISO and a foreign file are still refused with a clear error', async () => {
    const iso = await isoOf({ ...BOOT_FILES, 'big.bin': 512 * 1024 }, BIOS_BOOT);
    truncateSync(iso, Math.floor(statSync(iso).size / 2));
    await assert.rejects(library.import(iso), (e: unknown) => {
      assert.ok(isBootbenchError(e) && e.code === 'ISO_UNREADABLE', String(e));
      assert.match(e.message, /truncated/);
      return true;
    });
    const foreign = join(work, 'photo.iso');
    writeFileSync(foreign, Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n'), Buffer.alloc(64 * 1024, 7)]));
    await assert.rejects(library.import(foreign), (e: unknown) => {
      assert.ok(isBootbenchError(e) && e.code === 'ISO_UNREADABLE', String(e));
      assert.match(e.message, /not an ISO 9660 image/);
      return true;
    });
    assert.ok(!library.list().some((d) => d.iso === iso || d.iso === foreign), 'nothing registered');
  });

  test('a small live system carries no memory warning', async () => {
    const live = library.list().find((d) => d.boot === 'live');
    assert.ok(live);
    assert.equal(live.memoryWarning, null, 'a small live system needs no memory warning');
  });

  test('memory warning: casper and whole ISOs above a typical client RAM, live-boot by its root file system', () => {
    const GiB = 1024 ** 3;
    assert.match(
      memoryWarningOf({ boot: 'live', liveFamily: 'casper' }, 5.8 * GiB) ?? '',
      /casper downloads the whole ISO \(5\.8 GiB\) in RAM/,
    );
    assert.match(
      memoryWarningOf({ boot: 'whole-iso' }, 4 * GiB) ?? '',
      /UEFI HTTP boot holds the whole ISO.*BIOS sanboot reads it on demand/,
    );
    assert.equal(memoryWarningOf({ boot: 'live', liveFamily: 'live-boot', liveRootSize: 0.4 * GiB }, 3 * GiB), null);
    assert.match(
      memoryWarningOf({ boot: 'live', liveFamily: 'dracut', liveRootSize: 2.5 * GiB }, 2.6 * GiB) ?? '',
      /dracut copies its root/,
    );
    assert.equal(memoryWarningOf({ boot: 'installer' }, 10 * GiB), null);
  });
});
