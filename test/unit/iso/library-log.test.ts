// What the ISO library writes to the log: a refused import is logged with its file and reason
// (path and upload alike), and an upload writes no progress lines (the browser shows its own bar).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogEvent } from '../../../electron/shared/contract.js';
import { EventBus } from '../../../electron/core/events.js';
import { IsoLibrary } from '../../../electron/core/iso/library.js';
import { receiveUpload } from '../../../electron/core/iso/upload.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function library(): Promise<{ dir: string; lib: IsoLibrary; logs: () => LogEvent[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'bootbench-isolog-'));
  dirs.push(dir);
  const bus = new EventBus();
  const lib = await IsoLibrary.open(dir, bus);
  return { dir, lib, logs: () => bus.history().filter((e): e is LogEvent => e.type === 'log') };
}

test('a refused import by path is logged as an error with the file and the reason', async () => {
  const { dir, lib, logs } = await library();
  const file = join(dir, 'notes.txt');
  await writeFile(file, 'plain text\n'.repeat(4000));
  await assert.rejects(lib.import(file), (e: Error) => /CD001/.test(e.message));
  await assert.rejects(lib.import(join(dir, 'missing.iso')));
  const failed = logs().filter((e) => e.kind === 'iso.import-failed');
  assert.equal(failed.length, 2, JSON.stringify(logs()));
  assert.equal(failed[0]?.level, 'error');
  assert.match(failed[0]?.message ?? '', /notes\.txt.*CD001/);
  assert.match(failed[1]?.message ?? '', /missing\.iso: there is no such file/);
  assert.equal(failed[0]?.data?.code, 'ISO_UNREADABLE');
  await lib.close();
});

test('an upload writes no progress lines; a refused upload is logged once', async () => {
  const { lib, logs } = await library();
  async function* chunks(): AsyncIterable<Uint8Array> {
    for (let i = 0; i < 64; i += 1) {
      yield Buffer.alloc(64 * 1024, 0x41);
      await new Promise((r) => setTimeout(r, 10)); // over 250 ms in all: the old code reported progress
    }
  }
  await assert.rejects(receiveUpload(lib, 'junk.iso', chunks(), 64 * 64 * 1024));
  const lines = logs();
  assert.deepEqual(
    lines.filter((e) => /receiving/.test(e.message)).map((e) => e.message),
    [],
  );
  assert.equal(lines.filter((e) => e.kind === 'iso.import-failed').length, 1, JSON.stringify(lines.map((e) => e.message)));
  // A truncated upload is refused and logged too.
  async function* short(): AsyncIterable<Uint8Array> {
    yield Buffer.alloc(1000);
  }
  await assert.rejects(receiveUpload(lib, 'short.iso', short(), 5000), /ended after 1000 of 5000 bytes/);
  assert.ok(logs().some((e) => e.kind === 'iso.import-failed' && /short\.iso.*ended after 1000 of 5000/.test(e.message)));
  await lib.close();
});
