// The path table as a read-ahead hint for the tree walk: decoded leniently, used to read every
// directory extent at once, and never a reason to refuse (or to misread) an image.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { scanDescriptors } from '../../../electron/core/iso/descriptors.js';
import { pathTableLocations } from '../../../electron/core/iso/path-table.js';
import { walkImage } from '../../../electron/core/iso/tree.js';
import { BS, directory, MemoryImage, nm, pathTable, record, sp, er, terminator, volumeDescriptor } from './fixture.js';

const DIR = 2;
const RR = Buffer.concat([sp(0), er()]);

describe('pathTableLocations', () => {
  test('reads every record, odd-length identifiers padded', () => {
    const table = pathTable([
      ['\0', 20, 1],
      ['BOOT', 21, 1],
      ['EFI', 22, 1],
      ['GRUB', 23, 3],
    ]);
    assert.deepEqual(pathTableLocations(table), [20, 21, 22, 23]);
  });

  test('stops quietly at padding or at a record that runs past the end', () => {
    const table = pathTable([
      ['\0', 20, 1],
      ['BOOT', 21, 1],
    ]);
    assert.deepEqual(pathTableLocations(Buffer.concat([table, Buffer.alloc(10)])), [20, 21]);
    assert.deepEqual(pathTableLocations(Buffer.concat([table, Buffer.from([200, 0, 1, 0, 0, 0, 1, 0])])), [20, 21]);
    assert.deepEqual(pathTableLocations(Buffer.alloc(0)), []);
  });
});

/**
 * / (block 20) → /a (21) → /a/b (22) → /a/b/c (23), each holding one file, Rock Ridge names; the
 * path table at block 18 (or `table`, to lie).
 */
function deepImage(table?: { location: number; size: number; bytes?: Buffer }) {
  const img = new MemoryImage(100);
  const real = pathTable([
    ['\0', 20, 1],
    ['A', 21, 1],
    ['B', 22, 2],
    ['C', 23, 3],
  ]);
  const pt = table ?? { location: 18, size: real.length };
  const root = record({ name: '\0', location: 20, length: BS, flags: DIR });
  img.put(16, Buffer.concat([volumeDescriptor({ root, volumeBlocks: 100, pathTable: pt }), terminator()]));
  if (!table) img.put(18, real);
  else if (table.bytes) img.put(table.location, table.bytes);
  const dir = (self: number, parent: number, children: Buffer[], su?: Buffer) =>
    directory([
      record({ name: '\0', location: self, length: BS, flags: DIR, su }),
      record({ name: '\x01', location: parent, length: BS, flags: DIR }),
      ...children,
    ]);
  const file = (name: string, at: number) => record({ name: `${name.toUpperCase()}.;1`, location: at, length: 5, su: nm(name) });
  const sub = (name: string, at: number) => record({ name: name.toUpperCase(), location: at, length: BS, flags: DIR, su: nm(name) });
  img.put(20, dir(20, 20, [sub('a', 21), file('root-file', 60)], RR));
  img.put(21, dir(21, 20, [sub('b', 22), file('a-file', 61)]));
  img.put(22, dir(22, 21, [sub('c', 23), file('b-file', 62)]));
  img.put(23, dir(23, 22, [file('c-file', 63)]));
  return img;
}

async function walk(img: MemoryImage) {
  const scan = scanDescriptors(await img.read(16 * BS, 2 * BS));
  if (scan.kind !== 'ok') throw new Error('descriptors expected');
  img.reads.length = 0;
  const index = await walkImage({ file: 'mem.iso', fileSize: img.size, set: scan.set, reader: img, maxEntries: 100, maxDepth: 64 });
  return { index, reads: img.reads.length, paths: index.entries().map((e) => `${e.kind} ${e.path}`) };
}

const EXPECTED = ['dir /a', 'file /root-file', 'dir /a/b', 'file /a/a-file', 'dir /a/b/c', 'file /a/b/b-file', 'file /a/b/c/c-file'];

describe('directory read-ahead through the path table', () => {
  test('one read of all directories instead of one per level, same tree', async () => {
    const withTable = await walk(deepImage());
    const without = await walk(deepImage({ location: 0, size: 0 }));
    assert.deepEqual(withTable.paths, EXPECTED);
    assert.deepEqual(without.paths, EXPECTED);
    // With: the path table, the last directory's first block, the span of all four. Without: the
    // root's first block, then each of the four levels.
    assert.equal(withTable.reads, 3);
    assert.equal(without.reads, 5);
  });

  test('a path table that lies (garbage, outside the file, absurd size) changes nothing but the reads', async () => {
    for (const table of [
      { location: 18, size: 64, bytes: Buffer.alloc(64, 0xff) },
      { location: 5000, size: 64 },
      { location: 18, size: 1 << 30 },
      { location: 18, size: 10, bytes: pathTable([['\0', 99, 1]]) }, // a "directory" at the last block
    ]) {
      assert.deepEqual((await walk(deepImage(table))).paths, EXPECTED, JSON.stringify({ ...table, bytes: undefined }));
    }
  });

  test('a directory is listed when first looked at, from the bytes the walk checked', async () => {
    const img = deepImage();
    const { index } = await walk(img);
    const reads = img.reads.length;
    const a = index.root.children!.get('a')!;
    assert.deepEqual([...a.children!.keys()], ['b', 'a-file']);
    assert.equal(a.children!.get('a-file')!.entry.path, '/a/a-file');
    assert.equal(a.children!.get('a-file')!.parent, a);
    assert.equal(a.children, a.children, 'built once');
    assert.equal(img.reads.length, reads, 'no I/O to list a directory');
  });
});
