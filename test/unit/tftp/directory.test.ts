// The folder FileResolver TFTP reads through: confinement to its root, positional reads.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { directoryResolver, parseRelative } from '../../../electron/core/files/directory.js';
import type { OpenResult } from '../../../electron/core/files/file-source.js';

describe('directoryResolver', () => {
  let base: string;
  let root: string;
  const kind = (r: OpenResult) => (r.ok ? 'ok' : r.failure.kind);

  before(() => {
    base = mkdtempSync(join(tmpdir(), 'bootbench-dir-'));
    root = join(base, 'root');
    mkdirSync(join(root, 'sub'), { recursive: true });
    writeFileSync(join(root, 'a.bin'), Buffer.from('0123456789'));
    writeFileSync(join(root, 'sub', 'b.txt'), 'b');
    writeFileSync(join(base, 'secret'), 'outside');
    symlinkSync(join(base, 'secret'), join(root, 'out-link'));
    symlinkSync(base, join(root, 'out-dir'));
    symlinkSync('sub/b.txt', join(root, 'in-link'));
    writeFileSync(join(root, '%2e%2e%2fsecret'), 'literal name');
    spawnSync('mkfifo', [join(root, 'fifo')]);
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  test('opens files, reads at positions, reports size', async () => {
    const r = await directoryResolver(root)('a.bin');
    assert.ok(r.ok);
    assert.equal(r.file.size, 10);
    const buf = Buffer.alloc(8, 0x2e);
    assert.equal(await r.file.read(buf, 2, 4, 3), 4);
    assert.equal(buf.toString(), '..3456..');
    assert.equal(await r.file.read(buf, 0, 4, 10), 0, 'at the end');
    await r.file.close();
  });

  test('paths inside the root, with ./ and doubled slashes, and symlinks that stay inside', async () => {
    const resolve = directoryResolver(root);
    for (const p of ['sub/b.txt', './sub//b.txt', 'in-link', '%2e%2e%2fsecret']) {
      const r = await resolve(p);
      assert.equal(kind(r), 'ok', p);
      if (r.ok) await r.file.close();
    }
  });

  test('refuses traversal, absolute paths, backslashes, NUL, outside symlinks, directories, FIFOs', async () => {
    const resolve = directoryResolver(root);
    const cases: [string, string][] = [
      ['../secret', 'forbidden'],
      ['sub/../../secret', 'forbidden'],
      ['/etc/passwd', 'forbidden'],
      ['..\\secret', 'forbidden'],
      ['a.bin\0.txt', 'forbidden'],
      ['C:/Windows/win.ini', 'forbidden'],
      ['out-link', 'forbidden'],
      ['out-dir/secret', 'forbidden'],
      ['sub', 'forbidden'],
      ['fifo', 'forbidden'],
      ['missing.bin', 'not-found'],
      ['a.bin/x', 'not-found'],
      ['', 'not-found'],
    ];
    for (const [p, expected] of cases) assert.equal(kind(await resolve(p)), expected, JSON.stringify(p));
  });

  test('parseRelative is the pure part', () => {
    assert.deepEqual(parseRelative('a/./b//c'), { ok: true, segments: ['a', 'b', 'c'] });
    assert.equal(parseRelative('a/../b').ok, false);
    assert.equal(parseRelative('..').ok, false);
    assert.deepEqual(parseRelative('...'), { ok: true, segments: ['...'] }, 'three dots is a name');
  });

  test('a missing root folder is an error, not a crash', async () => {
    const r = await directoryResolver(join(base, 'nope'))('a.bin');
    assert.equal(kind(r), 'error');
  });
});
