// The transfer pool's own behaviour (no network): where the worker entry is found when running
// from source, that a transfer is handed only to a worker that has loaded, and that a worker that
// cannot load marks the pool broken, so the server falls back to in-thread transfers instead of
// failing every request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TransferPool, workerEntry } from '../../../electron/core/tftp/pool.js';
import { createSession } from '../../../electron/core/tftp/session.js';
import type { TransferEnd } from '../../../electron/core/tftp/worker-protocol.js';

test('from source, the worker entry is lane.ts on Linux and worker.ts elsewhere, next to pool.ts', () => {
  const lane = workerEntry('linux');
  assert.ok(lane);
  assert.equal(lane.kind, 'lane');
  assert.match(lane.url.pathname, /electron\/core\/tftp\/lane\.ts$/);
  for (const platform of ['darwin', 'win32'] as const) {
    const portable = workerEntry(platform);
    assert.ok(portable);
    assert.equal(portable.kind, 'portable');
    assert.match(portable.url.pathname, /electron\/core\/tftp\/worker\.ts$/);
  }
});

test('a worker that cannot load marks the pool broken, and run() refuses while no worker has loaded', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bootbench-pool-'));
  try {
    const bad = join(dir, 'bad-worker.mjs');
    writeFileSync(bad, "throw new Error('cannot load here');\n");
    const pool = new TransferPool({ url: pathToFileURL(bad), kind: 'lane' }, 2);
    const session = createSession({ size: 10, maxTries: 1, blksize: 512, windowsize: 1, timeoutMs: 1000, oack: null });
    const job = { iface: 'lo', address: '127.0.0.1', clientAddress: '127.0.0.1', clientPort: 9, fd: -1, position: 0, session };
    const events = { started: () => undefined, openFailed: () => undefined, ended: (_: TransferEnd) => undefined };
    // A transfer handed to a worker still loading would wait for it (seconds on a loaded machine):
    // the server asks `loaded` first and serves in its own thread until then.
    pool.warm();
    assert.equal(pool.loaded, false);
    assert.throws(() => pool.run(job, events), /no transfer worker has loaded/);
    await pool.ready(10_000);
    assert.match(pool.broken ?? '', /cannot load here/);
    assert.equal(pool.loaded, false);
    assert.equal(pool.workers, 0);
    await pool.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ready() settles once every worker has loaded, and for a worker that cannot load', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bootbench-pool-'));
  try {
    // A stand-in worker that says it has loaded after 300 ms, as a lane does once its module ran.
    const slow = join(dir, 'slow-worker.mjs');
    writeFileSync(
      slow,
      "import { parentPort } from 'node:worker_threads';\nsetTimeout(() => parentPort.postMessage({ type: 'ready' }), 300);\nsetInterval(() => {}, 1000);\n",
    );
    const pool = new TransferPool({ url: pathToFileURL(slow), kind: 'portable' }, 2);
    const started = performance.now();
    pool.warm();
    assert.equal(pool.loaded, false, 'not before a worker said it has loaded');
    await pool.ready(10_000);
    const took = performance.now() - started;
    assert.ok(took >= 250, `waited for the workers to load (${took.toFixed(0)} ms)`);
    assert.ok(took < 9_000, 'and not for the timeout');
    assert.equal(pool.workers, 2);
    assert.equal(pool.loaded, true);
    assert.equal(pool.leastLoad, 0);
    await pool.stop();

    const bad = join(dir, 'bad-worker.mjs');
    writeFileSync(bad, "throw new Error('cannot load here');\n");
    const broken = new TransferPool({ url: pathToFileURL(bad), kind: 'lane' }, 1);
    const before = performance.now();
    broken.warm();
    await broken.ready(10_000);
    assert.ok(performance.now() - before < 9_000, 'settled when the worker died, not at the timeout');
    assert.match(broken.broken ?? '', /cannot load here/);
    await broken.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
