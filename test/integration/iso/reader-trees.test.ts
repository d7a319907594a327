// Real ISOs built with xorriso from source trees, read back and compared with their sources file by
// file: Rock Ridge (symlinks, long and non-ASCII names, deep trees), Joliet only, plain ISO 9660
// (levels 1 and 2), and hybrid images (isohybrid MBR; GPT with a partition offset).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IsoError, IsoImage } from '../../../electron/core/iso/iso9660.js';
import { buildIso } from '../../helpers/iso-build.js';
import { assertFilesIdentical, imageTree, sourceTree, writeRandom } from './reader-common.js';

const LONG_NAME = `${'long-name-'.repeat(20)}end.txt`; // 207 bytes: NM beyond one record's room
const UNICODE = 'ünïcødé-名前.txt';

describe('ISO reader on images built by xorriso', { timeout: 300_000 }, () => {
  let tmp: string;

  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'bootbench-iso-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  function tree(name: string, withLinks: boolean): string {
    const src = join(tmp, name);
    mkdirSync(join(src, 'images/pxeboot'), { recursive: true });
    mkdirSync(join(src, 'empty'));
    writeRandom(join(src, 'images/pxeboot/vmlinuz'), 1_048_576 + 13);
    writeRandom(join(src, 'images/pxeboot/initrd.img'), 2 * 1_048_576 + 4097);
    for (const size of [0, 1, 2047, 2048, 2049]) writeRandom(join(src, `size-${size}.bin`), size);
    writeFileSync(join(src, '.treeinfo'), '[general]\nname = Test\n');
    let deep = src;
    for (let i = 0; i < 10; i++) deep = join(deep, `level${i}`);
    mkdirSync(deep, { recursive: true }); // deeper than ISO 9660's 8 levels
    writeFileSync(join(deep, 'bottom.txt'), 'the bottom\n');
    if (withLinks) {
      writeFileSync(join(src, LONG_NAME), 'long\n');
      writeFileSync(join(src, UNICODE), 'unicode\n');
      symlinkSync('../../.treeinfo', join(src, 'images/pxeboot/rel-link'));
      symlinkSync('/images/pxeboot', join(src, 'abs-dir-link'));
      symlinkSync('images', join(src, 'dir-link'));
      symlinkSync(`${'a'.repeat(120)}/${'b'.repeat(120)}/${'c'.repeat(120)}`, join(src, 'long-target')); // SL over several entries
      symlinkSync('loop2', join(src, 'loop1'));
      symlinkSync('loop1', join(src, 'loop2'));
      symlinkSync('nowhere', join(src, 'dangling'));
    }
    return src;
  }

  test('Rock Ridge: the tree, symlinks and every file byte-identical', async () => {
    const src = tree('rr', true);
    const iso = join(tmp, 'rr.iso');
    await buildIso(src, iso, { volid: 'RR_TEST', joliet: true });
    const img = await IsoImage.open(iso);
    try {
      assert.equal(img.names, 'rockridge');
      assert.equal(img.volumeId, 'RR_TEST');
      const source = sourceTree(src);
      assert.deepEqual(
        imageTree(img),
        source.map(({ sha: _sha, ...e }) => e),
      );
      assert.equal(await assertFilesIdentical(img, source), 11);
      assert.equal(img.stat('/images/pxeboot/rel-link')?.path, '/.treeinfo');
      assert.equal(img.lstat('/images/pxeboot/rel-link')?.kind, 'symlink');
      assert.equal(img.stat('/abs-dir-link/vmlinuz')?.path, '/images/pxeboot/vmlinuz');
      assert.equal(img.stat('/dir-link/pxeboot/rel-link')?.path, '/.treeinfo');
      assert.deepEqual(
        img
          .list('/dir-link/pxeboot')
          .map((e) => e.name)
          .sort(),
        ['initrd.img', 'rel-link', 'vmlinuz'],
      );
      assert.equal(img.stat('/loop1'), null);
      assert.equal(img.stat('/dangling'), null);
      await assert.rejects(
        img.readFile('/loop1'),
        (e: unknown) => e instanceof IsoError && e.code === 'CORRUPT' && /symlink loop/.test(e.message),
      );
      await assert.rejects(img.readFile('/images'), (e: unknown) => e instanceof IsoError && e.code === 'NOT_FOUND');
      await assert.rejects(
        img.readFile('/images/pxeboot/initrd.img', 1000),
        (e: unknown) => e instanceof IsoError && e.code === 'TOO_LARGE',
      );
      // Cross-check with genisoimage's isoinfo when present: the same set of paths.
      const isoinfo = tryIsoinfo(['-R', '-f', '-i', iso]);
      if (isoinfo !== null)
        assert.deepEqual(
          isoinfo.sort(),
          imageTree(img)
            .map((e) => e.path)
            .sort(),
        );
    } finally {
      await img.close();
    }
  });

  test('Rock Ridge deep directory relocation (CL/RE): the tree reads as on disk', async () => {
    const src = join(tmp, 'reloc');
    let deep = src;
    for (let i = 0; i < 12; i++) deep = join(deep, `level${i}`);
    mkdirSync(deep, { recursive: true });
    writeRandom(join(deep, 'bottom.bin'), 5000);
    writeRandom(join(src, 'level0/level1/level2/level3/level4/level5/level6/level7/mid.bin'), 3000);
    const iso = join(tmp, 'reloc.iso');
    await buildIso(src, iso, { extraArgs: ['-rr_reloc_dir', 'RR_MOVED'] });
    const plainListing = tryIsoinfo(['-f', '-i', iso]);
    if (plainListing !== null)
      assert.ok(
        plainListing.some((p) => p.startsWith('/RR_MOVED/')),
        'xorriso relocated the deep directories',
      );
    const img = await IsoImage.open(iso);
    try {
      const source = sourceTree(src);
      const got = imageTree(img);
      assert.deepEqual(
        got.filter((e) => e.path !== '/RR_MOVED'),
        source.map(({ sha: _sha, ...e }) => e),
      );
      assert.deepEqual(img.list('/RR_MOVED'), [], 'relocated directories are hidden where RE marks them');
      assert.equal(await assertFilesIdentical(img, source), 2);
    } finally {
      await img.close();
    }
  });

  test('Joliet only (no Rock Ridge): UCS-2 names, every file byte-identical', async () => {
    const src = tree('joliet', false);
    writeFileSync(join(src, 'Mixed Case ü.txt'), 'joliet keeps case\n');
    const iso = join(tmp, 'joliet.iso');
    await buildIso(src, iso, { rockRidge: false, joliet: true });
    const img = await IsoImage.open(iso);
    try {
      assert.equal(img.names, 'joliet');
      const source = sourceTree(src);
      assert.deepEqual(
        imageTree(img),
        source.map(({ sha: _sha, ...e }) => e),
      );
      assert.equal(await assertFilesIdentical(img, source), 10);
      assert.equal(img.stat('/mixed case ü.txt'), null, 'Joliet lookups are exact');
    } finally {
      await img.close();
    }
  });

  for (const level of [1, 2]) {
    test(`plain ISO 9660 level ${level}: upper-case names, case-insensitive lookup, byte-identical`, async () => {
      const src = join(tmp, `plain${level}`);
      mkdirSync(join(src, 'boot/x86'), { recursive: true });
      writeRandom(join(src, 'boot/x86/vmlinuz'), 300_000);
      writeRandom(join(src, 'boot/x86/initrd.img'), 500_001);
      writeRandom(join(src, 'readme.txt'), 10);
      writeRandom(join(src, level === 1 ? 'noext' : 'longer_name_here.conf'), 77);
      const iso = join(tmp, `plain${level}.iso`);
      await buildIso(src, iso, { rockRidge: false, extraArgs: ['-iso-level', String(level)] });
      const img = await IsoImage.open(iso);
      try {
        assert.equal(img.names, 'iso9660');
        const source = sourceTree(src);
        assert.deepEqual(
          imageTree(img, (p) => p.toLowerCase()),
          source.map(({ sha: _sha, ...e }) => e),
        );
        assert.ok(img.entries().every((e) => e.name === e.name.toUpperCase() && !e.name.includes(';')));
        assert.equal(await assertFilesIdentical(img, source), 4);
      } finally {
        await img.close();
      }
    });
  }

  test('hybrid images: isohybrid MBR with El Torito, and GPT + partition offset + appended partition', async () => {
    const src = join(tmp, 'hybrid');
    mkdirSync(join(src, 'isolinux'), { recursive: true });
    mkdirSync(join(src, 'casper'));
    writeRandom(join(src, 'casper/vmlinuz'), 700_000);
    writeRandom(join(src, 'casper/initrd'), 1_300_000);
    copyFileSync('/usr/lib/ISOLINUX/isolinux.bin', join(src, 'isolinux/isolinux.bin'));
    const efi = join(tmp, 'efi.img');
    writeRandom(efi, 1_048_576);
    const variants: Record<string, string[]> = {
      mbr: [
        '-b',
        'isolinux/isolinux.bin',
        '-c',
        'isolinux/boot.cat',
        '-no-emul-boot',
        '-boot-load-size',
        '4',
        '-boot-info-table',
        '-isohybrid-mbr',
        '/usr/lib/ISOLINUX/isohdpfx.bin',
      ],
      gpt: ['-partition_offset', '16', '-append_partition', '2', '0xef', efi, '-appended_part_as_gpt', '--protective-msdos-label'],
    };
    // isolinux.bin is patched by -boot-info-table and boot.cat is generated: compare the rest.
    const source = sourceTree(src).filter((e) => e.path !== '/isolinux/isolinux.bin');
    for (const [name, args] of Object.entries(variants)) {
      const iso = join(tmp, `hybrid-${name}.iso`);
      await buildIso(src, iso, { extraArgs: args });
      const head = readFileSync(iso).subarray(0, 1024);
      assert.equal(head.readUInt16BE(510), 0x55aa, `${name}: an MBR in front`);
      if (name === 'gpt') assert.equal(head.toString('latin1', 512, 520), 'EFI PART');
      const img = await IsoImage.open(iso);
      try {
        const got = imageTree(img).filter((e) => e.path !== '/isolinux/isolinux.bin' && e.path !== '/isolinux/boot.cat');
        assert.deepEqual(
          got,
          source.map(({ sha: _sha, ...e }) => e),
          name,
        );
        assert.equal(await assertFilesIdentical(img, source), 2, name);
      } finally {
        await img.close();
      }
    }
  });
});

function tryIsoinfo(args: string[]): string[] | null {
  try {
    return execFileSync('isoinfo', args, { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l !== '');
  } catch {
    return null;
  }
}
