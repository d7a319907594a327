// The folder FileResolver TFTP reads through: confinement to its root, positional reads.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readlinkSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
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

  describe('files held open (holdMs)', () => {
    /** Descriptors of this process open on `path`. */
    const fdsOn = (path: string): number => {
      let n = 0;
      for (const fd of readdirSync('/proc/self/fd')) {
        try {
          if (readlinkSync(`/proc/self/fd/${fd}`) === path) n += 1;
        } catch {
          // closed between readdir and readlink
        }
      }
      return n;
    };
    const text = async (r: OpenResult): Promise<string> => {
      assert.ok(r.ok);
      const buf = Buffer.alloc(r.file.size);
      await r.file.read(buf, 0, buf.length, 0);
      return buf.toString();
    };
    const linuxOnly = { skip: process.platform !== 'linux' && 'counts descriptors in /proc/self/fd' };

    test('requests for one name share one descriptor, closed once unused for holdMs', linuxOnly, async () => {
      const path = join(root, 'held.bin');
      writeFileSync(path, 'held once');
      const resolve = directoryResolver(root, { holdMs: 50 });
      const a = await resolve('held.bin');
      const b = await resolve('./held.bin');
      assert.ok(a.ok && b.ok);
      assert.equal(a.file.handle?.fd, b.file.handle?.fd, 'the same descriptor');
      assert.equal(fdsOn(path), 1);
      assert.equal(await text(b), 'held once');
      await a.file.close();
      await a.file.close(); // twice is once
      assert.equal(await text(b), 'held once', 'still readable by the other transfer');
      await b.file.close();
      assert.equal(fdsOn(path), 1, 'kept for the next request');
      const c = await resolve('held.bin');
      assert.ok(c.ok);
      await c.file.close();
      await new Promise((r) => setTimeout(r, 150));
      assert.equal(fdsOn(path), 0, 'closed after holdMs without a request');
    });

    test('a replaced or rewritten file is opened anew; a removed one is not found', linuxOnly, async () => {
      const path = join(root, 'swap.bin');
      writeFileSync(path, 'first');
      const resolve = directoryResolver(root, { holdMs: 1000 });
      const first = await resolve('swap.bin');
      assert.equal(await text(first), 'first');
      writeFileSync(join(root, 'swap.new'), 'second!');
      renameSync(join(root, 'swap.new'), path);
      const second = await resolve('swap.bin');
      assert.equal(await text(second), 'second!', 'the new file, not the held one');
      assert.equal(await text(first), 'first', 'a running transfer keeps reading what it started with');
      assert.ok(first.ok && second.ok);
      await first.file.close();
      writeFileSync(path, 'third, in place');
      const third = await resolve('swap.bin');
      assert.equal(await text(third), 'third, in place');
      assert.ok(third.ok);
      await second.file.close();
      await third.file.close();
      unlinkSync(path);
      assert.equal(kind(await resolve('swap.bin')), 'not-found');
      assert.equal(fdsOn(path), 0);
      assert.equal(fdsOn(`${path} (deleted)`), 0, 'no descriptor left on the removed file');
    });

    test('a symlink pointed outside after its file was held is refused', async () => {
      writeFileSync(join(root, 'target.bin'), 'inside');
      symlinkSync('target.bin', join(root, 'moving-link'));
      const resolve = directoryResolver(root, { holdMs: 1000 });
      const r = await resolve('moving-link');
      assert.equal(await text(r), 'inside');
      assert.ok(r.ok);
      await r.file.close();
      unlinkSync(join(root, 'moving-link'));
      symlinkSync(join(base, 'secret'), join(root, 'moving-link'));
      assert.equal(kind(await resolve('moving-link')), 'forbidden');
    });
  });
});
