// Malformed images: each made from a real xorriso ISO by corrupting known bytes or truncating it,
// or from files that are no ISO at all. Each must give an IsoError with its code and a message
// that names the file and the reason, and none may hang (every test has a timeout).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeDirectory } from '../../../electron/core/iso/directory.js';
import { ImageFile } from '../../../electron/core/iso/image-file.js';
import { IsoError, IsoImage, type IsoErrorCode } from '../../../electron/core/iso/iso9660.js';
import { buildIso } from '../../helpers/iso-build.js';
import { writeRandom } from './reader-common.js';

const PVD = 16 * 2048;

describe('malformed ISOs give a clear IsoError', { timeout: 120_000 }, () => {
  let tmp: string;
  let base: Buffer;
  let rootPos: number;
  let subPos: number;

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'bootbench-isobad-'));
    const src = join(tmp, 'src');
    mkdirSync(join(src, 'sub/deeper/deepest'), { recursive: true });
    writeRandom(join(src, 'sub/victim.txt'), 3000);
    writeRandom(join(src, 'sub/deeper/deepest/file'), 10);
    writeFileSync(join(src, `${'x'.repeat(230)}.txt`), 'long name: its NM lives in a continuation area\n');
    symlinkSync('sub/victim.txt', join(src, 'link'));
    await buildIso(src, join(tmp, 'good.iso'));
    base = readFileSync(join(tmp, 'good.iso'));
    const img = await IsoImage.open(join(tmp, 'good.iso'));
    rootPos = img.lstat('/')!.extents[0]!.position;
    subPos = img.stat('/sub')!.extents[0]!.position;
    await img.close();
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  async function expectError(name: string, bytes: Buffer | null, code: IsoErrorCode, pattern: RegExp, options = {}): Promise<void> {
    const path = join(tmp, name);
    if (bytes !== null) writeFileSync(path, bytes);
    await assert.rejects(IsoImage.open(path, options), (e: unknown) => {
      assert.ok(e instanceof IsoError, `IsoError expected, got ${String(e)}`);
      assert.equal(e.code, code, e.message);
      assert.equal(e.file, path);
      assert.ok(e.message.startsWith(path + ' '), `message names the file: ${e.message}`);
      assert.match(e.message, pattern);
      return true;
    });
  }

  function patched(f: (b: Buffer) => void): Buffer {
    const b = Buffer.from(base);
    f(b);
    return b;
  }

  function both32(b: Buffer, at: number, n: number): void {
    b.writeUInt32LE(n, at);
    b.writeUInt32BE(n, at + 4);
  }

  /** Offset in the image of the directory record in the directory at `dirPos` whose extent is at `block`, or named `name`. */
  function recordIn(dirPos: number, match: { block?: number; name?: string }): number {
    const dir = base.subarray(dirPos, dirPos + 2048);
    for (const r of decodeDirectory(dir, 2048, 2048)) {
      if (match.block !== undefined && r.location === match.block && r.nameLength > 1) return dirPos + r.offset;
      if (match.name !== undefined && dir.toString('latin1', r.nameStart, r.nameStart + r.nameLength).startsWith(match.name))
        return dirPos + r.offset;
    }
    throw new Error('record not found');
  }

  test('1. random bytes', () =>
    expectError(
      'random.iso',
      randomBytes(1 << 20),
      'NOT_ISO',
      /is not an ISO 9660 image \(no CD001 volume descriptor at sector 16; found bytes/,
    ));
  test('2. a small text file', () =>
    expectError('notes.txt', Buffer.from('hello\n'), 'NOT_ISO', /too small to hold the volume descriptors/));
  test('3. a large text file', () =>
    expectError(
      'big.txt',
      Buffer.from('lorem ipsum dolor\n'.repeat(5000)),
      'NOT_ISO',
      /no CD001 volume descriptor at sector 16; found text "/,
    ));
  test('4. a zero-byte file', () => expectError('empty.iso', Buffer.alloc(0), 'NOT_ISO', /is empty \(0 bytes\)/));
  test('5. truncated inside the descriptor set', () =>
    expectError('cut-desc.iso', base.subarray(0, PVD + 2048 + 100), 'TRUNCATED', /ends inside its volume descriptor set/));
  test('6. truncated to half (a download that stopped)', () =>
    expectError(
      'half.iso',
      base.subarray(0, Math.floor(base.length / 2)),
      'TRUNCATED',
      /is truncated: it has \d+ bytes but its volume descriptor says \d+/,
    ));
  test('7. a descriptor sector that is no descriptor before the terminator', () =>
    expectError(
      'desc-garbage.iso',
      patched((b) => b.fill(0xaa, PVD + 2048, PVD + 4096)),
      'CORRUPT',
      /sector 17 has no CD001 identifier/,
    ));
  test('8. an impossible logical block size', () =>
    expectError(
      'blocksize.iso',
      patched((b) => {
        b.writeUInt16LE(3000, PVD + 128);
        b.writeUInt16BE(3000, PVD + 130);
      }),
      'CORRUPT',
      /impossible logical block size \(3000\)/,
    ));
  test('9. the root directory pointing outside the file', () =>
    expectError(
      'root-outside.iso',
      patched((b) => both32(b, PVD + 156 + 2, 0x7fff_0000)),
      'CORRUPT',
      /root directory pointing outside the file/,
    ));
  test('10. a directory record pointing outside the file', () =>
    expectError(
      'dir-outside.iso',
      patched((b) => both32(b, recordIn(rootPos, { block: subPos / 2048 }) + 2, 0x0100_0000)),
      'CORRUPT',
      /directory \/sub pointing outside the file/,
    ));
  test('11. a file extent running past the end of the file', () =>
    expectError(
      'file-outside.iso',
      patched((b) => both32(b, recordIn(subPos, { name: 'VICTIM' }) + 10, 0x7000_0000)),
      'CORRUPT',
      /\/sub\/victim\.txt pointing outside the file/,
    ));
  test('12. a directory pointing back at the root (a loop)', () =>
    expectError(
      'loop.iso',
      patched((b) => both32(b, recordIn(rootPos, { block: subPos / 2048 }) + 2, rootPos / 2048)),
      'CORRUPT',
      /directory loop: \/sub points at the same extent as \//,
    ));
  test('13. a record length too short for a record', () =>
    expectError(
      'reclen.iso',
      patched((b) => {
        b[recordIn(subPos, { name: 'VICTIM' })] = 20;
      }),
      'CORRUPT',
      /directory \/sub: directory record at byte \d+ is 20 bytes long/,
    ));
  test('14. records running past the end of their directory extent', () =>
    expectError(
      'reclen-past.iso',
      patched((b) => both32(b, recordIn(rootPos, { block: subPos / 2048 }) + 10, 50)),
      'CORRUPT',
      /directory \/sub: directory record at byte 0 \(\d+ bytes\) runs past the end of its block or extent/,
    ));
  test('15. a Rock Ridge name with a "/"', () =>
    expectError(
      'slash.iso',
      patched((b) => {
        const at = b.indexOf('victim.txt', subPos);
        b.write('vi/tim.txt', at, 'latin1');
      }),
      'CORRUPT',
      /entry name containing "\/"/,
    ));
  test('16. a Rock Ridge CE pointing outside the file', () =>
    expectError(
      'ce-outside.iso',
      patched((b) => {
        const at = b.indexOf(Buffer.from([0x43, 0x45, 28, 1]), rootPos);
        assert.ok(at > 0 && at < rootPos + 2048);
        both32(b, at + 4, 0x0fff_ffff);
      }),
      'CORRUPT',
      /continuation area outside the file/,
    ));
  test('17. a Rock Ridge SUSP entry whose length runs past its area', () =>
    expectError(
      'susp.iso',
      patched((b) => {
        const at = b.indexOf(Buffer.from('NM'), subPos);
        b[at + 2] = 250;
      }),
      'CORRUPT',
      /system use entry "NM" of length 250 that does not fit/,
    ));
  test('18. a tree deeper than maxDepth, larger than maxEntries', async () => {
    await expectError('deep.iso', base, 'TOO_LARGE', /nested deeper than 2 levels \(at \/sub\/deeper\/deepest\)/, { maxDepth: 2 });
    await expectError('many.iso', base, 'TOO_LARGE', /has more than 3 entries/, { maxEntries: 3 });
  });
  test('19. a file that does not exist (moved or deleted)', () =>
    expectError('gone.iso', null, 'IO', /does not exist \(was it moved or deleted\?\)/));
  test('20. a folder', async () => {
    mkdirSync(join(tmp, 'folder.iso'));
    await expectError('folder.iso', null, 'NOT_ISO', /is not a regular file/);
  });

  test('21. a file that shrinks while it is read: TRUNCATED for the index, short reads for a FileSource', async () => {
    const path = join(tmp, 'shrinks.iso');
    writeFileSync(path, base);
    const img = await IsoImage.open(path);
    const src = await img.openFile('/sub/victim.txt');
    const handle = await open(path, 'r');
    const file = new ImageFile(handle, path);
    try {
      truncateSync(path, PVD);
      await assert.rejects(
        file.read(rootPos, 2048),
        (e: unknown) => e instanceof IsoError && e.code === 'TRUNCATED' && /did it shrink/.test(e.message),
      );
      assert.equal(await src.read(Buffer.alloc(3000), 0, 3000, 0), 0, 'a source reads nothing past the new end, and does not throw');
    } finally {
      await src.close();
      await img.close();
      await file.close();
    }
  });

  test('a zero length byte at the start of a directory block ends that block (no loop)', async () => {
    const path = join(tmp, 'zero.iso');
    writeFileSync(
      path,
      patched((b) => b.fill(0, subPos, subPos + 2048)),
    );
    const img = await IsoImage.open(path);
    assert.deepEqual(img.list('/sub'), []);
    await img.close();
  });
});
