// Shared by the reader's integration tests: describe a source tree on disk, and check an image
// against it file by file (kinds, sizes, symlink targets, sha256 of every file's bytes read back
// through both readFile and a FileSource).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IsoEntry, IsoImage } from '../../../electron/core/iso/iso9660.js';

export interface SourceEntry {
  path: string;
  kind: IsoEntry['kind'];
  size: number;
  target?: string;
  sha?: string;
}

export function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

export function writeRandom(path: string, size: number): void {
  writeFileSync(path, randomBytes(size));
}

/** Every entry under `root` as the image should show it (paths '/a/b'), sorted by path. */
export function sourceTree(root: string, rel = ''): SourceEntry[] {
  const out: SourceEntry[] = [];
  for (const name of readdirSync(join(root, rel)).sort()) {
    const path = `${rel}/${name}`;
    const full = join(root, path);
    const st = lstatSync(full);
    if (st.isSymbolicLink()) out.push({ path, kind: 'symlink', size: Buffer.byteLength(readlinkSync(full)), target: readlinkSync(full) });
    else if (st.isDirectory()) {
      out.push({ path, kind: 'dir', size: -1 });
      out.push(...sourceTree(root, path));
    } else if (st.size > 256 * 1024 * 1024)
      out.push({ path, kind: 'file', size: st.size }); // too big to hash here: checked by window
    else out.push({ path, kind: 'file', size: st.size, sha: sha256(readFileSync(full)) });
  }
  return rel === '' ? out.sort((a, b) => (a.path < b.path ? -1 : 1)) : out;
}

/** The image's entries in the same shape (directory sizes left out: they are extent sizes). */
export function imageTree(img: IsoImage, mapPath: (p: string) => string = (p) => p): SourceEntry[] {
  return img
    .entries()
    .map((e): SourceEntry => {
      const s: SourceEntry = { path: mapPath(e.path), kind: e.kind, size: e.kind === 'dir' ? -1 : e.size };
      if (e.target !== undefined) s.target = e.target;
      return s;
    })
    .sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** Reads a whole file through a FileSource in odd-sized chunks (exercises the extent mapping). */
export async function readThroughSource(img: IsoImage, path: string, chunk = 100_003): Promise<Buffer> {
  const src = await img.openFile(path);
  try {
    const out = Buffer.alloc(src.size);
    for (let pos = 0; pos < src.size;) {
      const n = await src.read(out, pos, Math.min(chunk, src.size - pos), pos);
      assert.ok(n > 0, `read at ${pos} of ${path} returned 0`);
      pos += n;
    }
    return out;
  } finally {
    await src.close();
  }
}

/** Every source file's bytes read back from the image are identical (sha256), both ways. */
export async function assertFilesIdentical(
  img: IsoImage,
  source: SourceEntry[],
  lookupPath: (p: string) => string = (p) => p,
): Promise<number> {
  let checked = 0;
  for (const s of source) {
    if (s.kind !== 'file' || s.sha === undefined) continue;
    const p = lookupPath(s.path);
    const e = img.stat(p);
    assert.ok(e && e.kind === 'file', `${p} is a file in the image`);
    assert.equal(e.size, s.size, `${p} size`);
    assert.equal(sha256(await readThroughSource(img, p)), s.sha, `${p} read through a FileSource`);
    if (s.size <= 1024 * 1024) assert.equal(sha256(await img.readFile(p)), s.sha, `${p} read with readFile`);
    checked++;
  }
  return checked;
}
