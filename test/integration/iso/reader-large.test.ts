// A 4+ GiB image: a sparse 4.5 GiB file that xorriso (-iso-level 3) splits into several extents,
// next to ~3,000 small files in ~100 folders. Checks the multi-extent file against its source at
// known offsets (the pattern near each extent boundary and near the end) and reports how long
// IsoImage.open takes (median of warm runs; the target for import is < 100 ms).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
  statfsSync,
  writeFileSync,
  writeSync,
  ftruncateSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IsoError, IsoImage } from '../../../electron/core/iso/iso9660.js';
import { buildIso } from '../../helpers/iso-build.js';
import { assertFilesIdentical, sourceTree } from './reader-common.js';

const GiB = 1024 ** 3;
const BIG = 4.5 * GiB + 12_345; // not a multiple of the block size
const MARKS = [0, 1_048_576, 4 * GiB - 2048 - 700, 4 * GiB - 1, 4 * GiB + 3, BIG - 5000];
const WINDOW = 64 * 1024;

function mark(offset: number): Buffer {
  return Buffer.from(`<mark at ${offset}>`.repeat(200), 'latin1');
}

describe('a 4+ GiB ISO with a multi-extent file and ~3,000 files', { timeout: 900_000 }, () => {
  let tmp: string;
  let src: string;
  let iso: string;
  let img: IsoImage;

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'bootbench-isobig-'));
    const free = statfsSync(tmp).bavail * statfsSync(tmp).bsize;
    assert.ok(free > 6 * GiB, `need ~5 GiB free in ${tmp} for the image, have ${(free / GiB).toFixed(1)} GiB`);
    src = join(tmp, 'src');
    mkdirSync(join(src, 'LiveOS'), { recursive: true });
    const fd = openSync(join(src, 'LiveOS/squashfs.img'), 'w');
    ftruncateSync(fd, BIG); // sparse: only the marks take disk space
    for (const at of MARKS) writeSync(fd, mark(at), 0, Math.min(mark(at).length, BIG - at), at);
    closeSync(fd);
    for (let d = 0; d < 100; d++) {
      const dir = join(src, 'Packages', `p${String(d).padStart(3, '0')}`);
      mkdirSync(dir, { recursive: true });
      for (let f = 0; f < 30; f++)
        writeFileSync(join(dir, `package-${d}-${f}.noarch.rpm`), `package ${d}/${f}\n`.repeat(1 + ((d * 30 + f) % 50)));
    }
    iso = join(tmp, 'big.iso');
    const t0 = performance.now();
    await buildIso(src, iso, { joliet: true, extraArgs: ['-iso-level', '3'] });
    process.stdout.write(`# built ${iso} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    img = await IsoImage.open(iso);
  });
  after(async () => {
    await img?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('the big file is several extents, read back exact at every mark and across the boundaries', async () => {
    const e = img.stat('/LiveOS/squashfs.img');
    assert.ok(e && e.kind === 'file');
    assert.equal(e.size, BIG);
    assert.ok(e.extents.length >= 2, `multi-extent (${e.extents.length} extents)`);
    assert.equal(
      e.extents.reduce((n, x) => n + x.length, 0),
      BIG,
    );
    const source = openSync(join(src, 'LiveOS/squashfs.img'), 'r');
    const file = await img.openFile('/LiveOS/squashfs.img');
    try {
      assert.equal(file.handle, undefined, 'no single descriptor range for a multi-extent file');
      let boundary = 0;
      const offsets = [...MARKS];
      for (const x of e.extents.slice(0, -1)) {
        boundary += x.length;
        offsets.push(boundary - WINDOW / 2); // a window straddling each extent boundary
      }
      for (const at of offsets) {
        const len = Math.min(WINDOW, BIG - at);
        const want = Buffer.alloc(len);
        readSync(source, want, 0, len, at);
        const got = Buffer.alloc(len);
        let n = 0;
        while (n < len) n += await file.read(got, n, len - n, at + n);
        assert.ok(got.equals(want), `bytes at ${at} (extents ${JSON.stringify(e.extents)})`);
        // Marks written later overlap earlier ones (4 GiB - 1 and 4 GiB + 3): check those left whole.
        if (MARKS.includes(at) && !MARKS.some((m) => m > at && m < at + 40)) {
          assert.ok(got.toString('latin1', 0, 40).startsWith(`<mark at ${at}>`), `mark at ${at}`);
        }
      }
      assert.equal(await file.read(Buffer.alloc(10), 0, 10, BIG), 0, 'nothing past the end');
    } finally {
      closeSync(source);
      await file.close();
    }
    await assert.rejects(img.readFile('/LiveOS/squashfs.img'), (err: unknown) => err instanceof IsoError && err.code === 'TOO_LARGE');
  });

  test('the ~3,000 small files are all there and byte-identical', async () => {
    const source = sourceTree(src).filter((x) => x.path.startsWith('/Packages'));
    assert.equal(source.filter((x) => x.kind === 'file').length, 3000);
    assert.equal(await assertFilesIdentical(img, source), 3000);
    assert.equal(img.entries().length, 1 + 1 + 1 + 100 + 3000);
  });

  test('IsoImage.open time (reported, warm cache)', async (t) => {
    const times: number[] = [];
    for (let i = 0; i < 21; i++) {
      const t0 = performance.now();
      const again = await IsoImage.open(iso);
      times.push(performance.now() - t0);
      await again.close();
    }
    times.sort((a, b) => a - b);
    const median = times[10]!;
    let isoinfo = '';
    try {
      const t0 = performance.now();
      execFileSync('isoinfo', ['-R', '-l', '-i', iso], { stdio: 'ignore' });
      isoinfo = `, isoinfo -R -l ${(performance.now() - t0).toFixed(1)} ms (one run, incl. process start)`;
    } catch {
      // isoinfo (genisoimage) not installed: reported without it
    }
    const line = `IsoImage.open of a ${(BIG / GiB).toFixed(1)} GiB ISO with ${img.entries().length} entries: median ${median.toFixed(2)} ms, min ${times[0]!.toFixed(2)} ms, max ${times[20]!.toFixed(2)} ms${isoinfo}`;
    t.diagnostic(line);
    process.stdout.write(`# ${line}\n`);
    assert.ok(median > 0);
  });
});
