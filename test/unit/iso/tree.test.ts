// The tree walk over hand-made images held in memory: naming schemes, Rock Ridge continuation
// areas, multi-extent files, relocated directories, and every structural defect it must refuse.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { scanDescriptors } from '../../../electron/core/iso/descriptors.js';
import { IsoError } from '../../../electron/core/iso/errors.js';
import { lookup } from '../../../electron/core/iso/lookup.js';
import { walkImage, type ImageIndex } from '../../../electron/core/iso/tree.js';
import { BS, ce, cl, directory, er, MemoryImage, nm, re, record, sl, sp, terminator, volumeDescriptor } from './fixture.js';

const DIR = 2;
const ROOT = 20;

/** An image whose root directory (block 20) holds `children`; extra blocks via `more`. */
function image(children: Buffer[], opts: { rootSu?: Buffer; more?: Array<[number, Buffer]>; blocks?: number; joliet?: Buffer[] } = {}) {
  const img = new MemoryImage(opts.blocks ?? 200);
  const rootRec = record({ name: '\0', location: ROOT, length: BS, flags: DIR });
  const descriptors = [volumeDescriptor({ root: rootRec, volumeBlocks: img.totalBlocks })];
  if (opts.joliet) {
    descriptors.push(
      volumeDescriptor({ type: 2, escapes: Buffer.from('%/E'), root: record({ name: '\0', location: 30, length: BS, flags: DIR }) }),
    );
    img.put(
      30,
      directory([
        record({ name: '\0', location: 30, length: BS, flags: DIR }),
        record({ name: '\x01', location: 30, length: BS, flags: DIR }),
        ...opts.joliet,
      ]),
    );
  }
  img.put(16, Buffer.concat([...descriptors, terminator()]));
  img.put(
    ROOT,
    directory([
      record({ name: '\0', location: ROOT, length: BS, flags: DIR, su: opts.rootSu }),
      record({ name: '\x01', location: ROOT, length: BS, flags: DIR }),
      ...children,
    ]),
  );
  for (const [block, data] of opts.more ?? []) img.put(block, data);
  return img;
}

async function walk(img: MemoryImage, limits: { maxEntries?: number; maxDepth?: number } = {}): Promise<ImageIndex> {
  const scan = scanDescriptors(await img.read(16 * BS, 4 * BS));
  assert.equal(scan.kind, 'ok');
  if (scan.kind !== 'ok') throw new Error('unreachable');
  return walkImage({
    file: 'mem.iso',
    fileSize: img.size,
    set: scan.set,
    reader: img,
    maxEntries: limits.maxEntries ?? 1000,
    maxDepth: limits.maxDepth ?? 64,
  });
}

async function rejects(img: MemoryImage, code: IsoError['code'], pattern: RegExp, limits = {}) {
  await assert.rejects(walk(img, limits), (e: unknown) => {
    assert.ok(e instanceof IsoError, `IsoError expected, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.match(e.message, /^mem\.iso /);
    assert.match(e.message, pattern);
    return true;
  });
}

const RR = Buffer.concat([sp(0), er()]);
const subdir = (block: number, name: string, self = block) =>
  directory([
    record({ name: '\0', location: self, length: BS, flags: DIR }),
    record({ name: '\x01', location: ROOT, length: BS, flags: DIR }),
    ...(name ? [record({ name, location: 60, length: 3 })] : []),
  ]);

describe('tree walk', () => {
  test('plain ISO 9660 names; lookups are case-insensitive', async () => {
    const idx = await walk(
      image([record({ name: 'BOOT', location: 40, length: BS, flags: DIR }), record({ name: 'README.;1', location: 50, length: 10 })], {
        more: [[40, subdir(40, 'VMLINUZ.;1')]],
      }),
    );
    assert.equal(idx.names, 'iso9660');
    assert.deepEqual(
      idx.entries().map((e) => `${e.kind} ${e.path} ${e.size}`),
      ['dir /BOOT 2048', 'file /README 10', 'file /BOOT/VMLINUZ 3'],
    );
    assert.deepEqual(idx.entries()[1]!.extents, [{ position: 50 * BS, length: 10 }]);
    const found = lookup(idx.root, '/boot/vmlinuz', { followLast: true, caseInsensitive: true });
    assert.ok(found.ok && found.node.entry.path === '/BOOT/VMLINUZ');
    assert.equal(lookup(idx.root, '/boot/vmlinuz', { followLast: true, caseInsensitive: false }).ok, false);
  });

  test('Joliet is used when there is no Rock Ridge', async () => {
    const jname = Buffer.from('\0v\0m\0l\0i\0n\0u\0z\0-\x006\0.\x001\0;\x001', 'latin1');
    const idx = await walk(
      image([record({ name: 'VMLINUZ_.;1', location: 50, length: 4 })], { joliet: [record({ name: jname, location: 50, length: 4 })] }),
    );
    assert.equal(idx.names, 'joliet');
    assert.deepEqual(
      idx.entries().map((e) => e.path),
      ['/vmlinuz-6.1'],
    );
  });

  test('Rock Ridge: SP skip length, NM names, SL symlinks, a name in a continuation area', async () => {
    const skip = Buffer.from('XXXX'); // LEN_SKP = 4 bytes skipped at the start of every system use area
    const idx = await walk(
      image(
        [
          record({ name: 'VMLINUZ.;1', location: 50, length: 7, su: Buffer.concat([skip, nm('vmlinuz')]) }),
          record({ name: 'LINK.;1', su: Buffer.concat([skip, nm('link'), sl([[0, 'vmlinuz']])]) }),
          record({ name: 'LONG.;1', location: 51, length: 1, su: Buffer.concat([skip, nm('long-', 1), ce(70, 100, 40)]) }),
        ],
        { rootSu: Buffer.concat([sp(4), er()]), more: [[70, Buffer.concat([Buffer.alloc(100), nm('name-in-ce'), Buffer.alloc(40)])]] },
      ),
    );
    assert.equal(idx.names, 'rockridge');
    assert.deepEqual(
      idx.entries().map((e) => `${e.kind} ${e.path}${e.target ? ` -> ${e.target}` : ''}`),
      ['file /vmlinuz', 'symlink /link -> vmlinuz', 'file /long-name-in-ce'],
    );
    const viaLink = lookup(idx.root, '/link', { followLast: true, caseInsensitive: false });
    assert.ok(viaLink.ok && viaLink.node.entry.path === '/vmlinuz');
  });

  test('multi-extent files are concatenated in order', async () => {
    const idx = await walk(
      image([
        record({ name: 'BIG.;1', location: 100, length: 4 * BS, flags: 0x80 }),
        record({ name: 'BIG.;1', location: 120, length: 2 * BS, flags: 0x80 }),
        record({ name: 'BIG.;1', location: 150, length: 5 }),
        record({ name: 'NEXT.;1', location: 160, length: 1 }),
      ]),
    );
    assert.deepEqual(
      idx.entries().map((e) => e.path),
      ['/BIG', '/NEXT'],
    );
    assert.equal(idx.entries()[0]!.size, 6 * BS + 5);
    assert.deepEqual(idx.entries()[0]!.extents, [
      { position: 100 * BS, length: 4 * BS },
      { position: 120 * BS, length: 2 * BS },
      { position: 150 * BS, length: 5 },
    ]);
  });

  test('relocated directories: shown where their CL record is, hidden where RE marks them', async () => {
    const moved = directory([
      record({ name: '\0', location: 45, length: BS, flags: DIR, su: nm('', 2) }),
      record({ name: '\x01', location: 41, length: BS, flags: DIR }),
      record({ name: 'F.;1', location: 60, length: 3, su: nm('deep-file') }),
    ]);
    const rrMoved = directory([
      record({ name: '\0', location: 41, length: BS, flags: DIR }),
      record({ name: '\x01', location: ROOT, length: BS, flags: DIR }),
      record({ name: 'D9', location: 45, length: BS, flags: DIR, su: Buffer.concat([nm('d9'), re()]) }),
    ]);
    const idx = await walk(
      image(
        [
          record({ name: 'RR_MOVED', location: 41, length: BS, flags: DIR, su: nm('rr_moved') }),
          record({ name: 'D9', location: 0, length: 0, su: Buffer.concat([nm('d9'), cl(45)]) }),
        ],
        {
          rootSu: RR,
          more: [
            [41, rrMoved],
            [45, moved],
          ],
        },
      ),
    );
    assert.deepEqual(
      idx.entries().map((e) => `${e.kind} ${e.path}`),
      ['dir /rr_moved', 'dir /d9', 'file /d9/deep-file'],
    );
    assert.deepEqual(idx.entries()[1]!.extents, [{ position: 45 * BS, length: BS }]);
  });

  test('a directory that points back at an ancestor is a loop', async () => {
    await rejects(
      image([record({ name: 'A', location: 40, length: BS, flags: DIR })], {
        more: [
          [
            40,
            directory([
              record({ name: '\0', location: 40, length: BS, flags: DIR }),
              record({ name: '\x01', location: ROOT, length: BS, flags: DIR }),
              record({ name: 'UP', location: ROOT, length: BS, flags: DIR }),
            ]),
          ],
        ],
      }),
      'CORRUPT',
      /directory loop: \/A\/UP points at the same extent as \//,
    );
  });

  test('a directory or file outside the file', async () => {
    await rejects(
      image([record({ name: 'D', location: 5000, length: BS, flags: DIR })]),
      'CORRUPT',
      /directory \/D pointing outside the file/,
    );
    await rejects(image([record({ name: 'F.;1', location: 199, length: 3 * BS })]), 'CORRUPT', /\/F pointing outside the file/);
  });

  test('continuation areas that loop, or lie outside the file', async () => {
    const loop = Buffer.concat([Buffer.alloc(10), nm('a', 1), ce(70, 10, 34)]); // the area points at itself
    await rejects(
      image([record({ name: 'X', su: Buffer.concat([nm('x', 1), ce(70, 10, 34)]) })], { rootSu: RR, more: [[70, loop]] }),
      'CORRUPT',
      /continuation areas that loop/,
    );
    await rejects(
      image([record({ name: 'X', su: Buffer.concat([nm('x'), ce(9999, 0, 20)]) })], { rootSu: RR }),
      'CORRUPT',
      /continuation area outside the file/,
    );
    await rejects(
      image([record({ name: 'X', su: Buffer.concat([nm('x'), ce(70, 0, 1 << 30)]) })], { rootSu: RR }),
      'CORRUPT',
      /cannot be right/,
    );
  });

  test('a multi-extent file without its last part', async () => {
    await rejects(
      image([record({ name: 'BIG.;1', location: 100, length: BS, flags: 0x80 }), record({ name: 'OTHER.;1', location: 120, length: 1 })]),
      'CORRUPT',
      /BIG whose last part is missing/,
    );
  });

  test('bad names and bad records', async () => {
    await rejects(image([record({ name: 'X', su: nm('../etc') })], { rootSu: RR }), 'CORRUPT', /containing "\/"/);
    const dir = directory([record({ name: '\0', location: ROOT, length: BS, flags: DIR })]);
    dir[34] = 7;
    const img = image([]);
    img.put(ROOT, dir);
    await rejects(img, 'CORRUPT', /directory \/: directory record at byte 34 is 7 bytes long/);
  });

  test('too deep, too many entries', async () => {
    const more: Array<[number, Buffer]> = [];
    for (let i = 0; i < 6; i++) {
      more.push([
        40 + i,
        directory([
          record({ name: '\0', location: 40 + i, length: BS, flags: DIR }),
          record({ name: '\x01', location: ROOT, length: BS, flags: DIR }),
          record({ name: `D${i + 1}`, location: 41 + i, length: BS, flags: DIR }),
        ]),
      ]);
    }
    more.push([46, subdir(46, '')]);
    const deep = image([record({ name: 'D0', location: 40, length: BS, flags: DIR })], { more });
    await rejects(deep, 'TOO_LARGE', /nested deeper than 4 levels \(at \/D0\/D1\/D2\/D3\/D4\)/, { maxDepth: 4 });
    assert.equal((await walk(deep, { maxDepth: 7 })).entries().length, 7);
    const many = image(Array.from({ length: 30 }, (_, i) => record({ name: `F${i}.;1`, location: 60, length: 1 })));
    await rejects(many, 'TOO_LARGE', /more than 20 entries/, { maxEntries: 20 });
  });
});

describe('lookup', () => {
  async function tree() {
    // /a/b/file, /a/up -> .., /abs -> /a/b, /loop1 -> loop2, /loop2 -> loop1, /a/rel -> b/file, /dots -> ./a/../a/b
    const b = directory([
      record({ name: '\0', location: 42, length: BS, flags: DIR }),
      record({ name: '\x01', location: 41, length: BS, flags: DIR }),
      record({ name: 'F', location: 60, length: 3, su: nm('file') }),
    ]);
    const a = directory([
      record({ name: '\0', location: 41, length: BS, flags: DIR }),
      record({ name: '\x01', location: ROOT, length: BS, flags: DIR }),
      record({ name: 'B', location: 42, length: BS, flags: DIR, su: nm('b') }),
      record({ name: 'UP', su: Buffer.concat([nm('up'), sl([[4, '']])]) }),
      record({
        name: 'REL',
        su: Buffer.concat([
          nm('rel'),
          sl([
            [0, 'b'],
            [0, 'file'],
          ]),
        ]),
      }),
    ]);
    return walk(
      image(
        [
          record({ name: 'A', location: 41, length: BS, flags: DIR, su: nm('a') }),
          record({
            name: 'ABS',
            su: Buffer.concat([
              nm('abs'),
              sl([
                [8, ''],
                [0, 'a'],
                [0, 'b'],
              ]),
            ]),
          }),
          record({ name: 'L1', su: Buffer.concat([nm('loop1'), sl([[0, 'loop2']])]) }),
          record({ name: 'L2', su: Buffer.concat([nm('loop2'), sl([[0, 'loop1']])]) }),
          record({
            name: 'DOTS',
            su: Buffer.concat([
              nm('dots'),
              sl([
                [2, ''],
                [0, 'a'],
                [4, ''],
                [0, 'a'],
                [0, 'b'],
              ]),
            ]),
          }),
        ],
        {
          rootSu: RR,
          more: [
            [41, a],
            [42, b],
          ],
        },
      ),
    );
  }
  const at = (idx: ImageIndex, p: string, followLast = true) => {
    const r = lookup(idx.root, p, { followLast, caseInsensitive: false });
    return r.ok ? r.node.entry.path : r.reason;
  };

  test('relative, absolute and dotted targets; ".." after a link', async () => {
    const idx = await tree();
    assert.equal(at(idx, '/a/b/file'), '/a/b/file');
    assert.equal(at(idx, 'a/b/file'), '/a/b/file');
    assert.equal(at(idx, '/abs/file'), '/a/b/file');
    assert.equal(at(idx, '/a/rel'), '/a/b/file');
    assert.equal(at(idx, '/a/up/a/up/abs/file'), '/a/b/file');
    assert.equal(at(idx, '/dots/file'), '/a/b/file');
    assert.equal(at(idx, '/abs/../b/file'), '/a/b/file'); // ".." of where the link led: /a
    assert.equal(at(idx, '/../../a/./b'), '/a/b');
    assert.equal(at(idx, '/'), '/');
  });

  test('lstat semantics, loops, misses', async () => {
    const idx = await tree();
    assert.equal(at(idx, '/abs', false), '/abs');
    assert.equal(at(idx, '/abs', true), '/a/b');
    assert.equal(at(idx, '/loop1'), 'loop');
    assert.equal(at(idx, '/loop1', false), '/loop1');
    assert.equal(at(idx, '/nothing'), 'not-found');
    assert.equal(at(idx, '/a/b/file/x'), 'not-a-directory');
  });
});
