// Transfers run in worker threads (pool.ts), each I/O strategy of the one engine (engine.ts): lanes
// (lane.ts, Linux, direct system calls) take every transfer; portable workers (worker.ts, libuv)
// take transfers once the main thread (libuv too) already serves one.
// For each: downloads are byte-identical and counted as such; a client that stops acknowledging
// gets retransmissions, then its transfer is given up; one that vanishes ends its transfer at
// once; stop() in the middle of transfers ends them cleanly ("aborted" end events, the clients
// told, no transfer left, the file descriptors closed, the workers gone); `workers: 0` keeps every
// transfer in the main thread.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CoreEvent, LogEvent } from '../../../electron/shared/contract.js';
import type { TftpServerOptions } from '../../../electron/core/tftp/server.js';
import { sha256File, startTftpLab, writeRandomFile, type TftpLab } from '../../helpers/tftp-lab.js';

const FILE = 'w.bin'; // 5 MiB + 7 bytes
const BIG = 'slow.bin'; // 64 MiB at blksize 512: long enough to be stopped in the middle

function logs(events: readonly CoreEvent[], kind: string): LogEvent[] {
  return events.filter((e): e is LogEvent => e.type === 'log' && e.kind === kind);
}

/** Descriptors of this process that point at `path`. */
function fdsOn(path: string): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === path) n += 1;
    } catch {
      // closed between readdir and readlink
    }
  }
  return n;
}

async function until(what: string, ok: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  // Bounded by timeoutMs.
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const RETRIES = 3;
const variants: Array<{ name: string; kind: 'lane' | 'portable'; subnet: number; server: Partial<TftpServerOptions> }> = [
  { name: 'lanes (direct system calls)', kind: 'lane', subnet: 73, server: { workerKind: 'lane' } },
  { name: 'portable workers', kind: 'portable', subnet: 75, server: { workerKind: 'portable' } },
];

for (const { name, kind, subnet, server } of variants)
  describe(`TFTP transfers in ${name}`, { timeout: 600_000 }, () => {
    let t: TftpLab;
    let out: string;

    before(async () => {
      // Short retransmission timers, so that giving a silent client up takes seconds: 0.3 + 0.6 + 1.2 + 2.4.
      // holdMs 0: every transfer opens its own descriptor, so counting them checks that the server closes what it opened.
      t = await startTftpLab(`tftpw${subnet}`, subnet, {
        clients: 2,
        server: { workers: 2, timeoutMs: 300, retries: RETRIES, ...server },
        resolver: { holdMs: 0 },
      });
      writeRandomFile(join(t.root, FILE), 5 * 1024 * 1024 + 7);
      writeRandomFile(join(t.root, BIG), 64 * 1024 * 1024);
      out = mkdtempSync(join(tmpdir(), 'bootbench-tftp-w-'));
    });

    after(async () => {
      await t?.close();
      if (out) rmSync(out, { recursive: true, force: true });
    });

    test('concurrent downloads run in workers and arrive byte-identical', async () => {
      const script = `for i in 1 2 3 4 5 6; do curl -sS --tftp-blksize 1468 -o ${out}/$i tftp://${t.serverIp}/${FILE} & done; wait`;
      const r = await t.exec(t.hosts[0]!, 'bash', ['-c', script], 120_000);
      assert.equal(r.code, 0, r.stderr);
      for (const i of [1, 2, 3, 4, 5, 6]) assert.equal(sha256File(join(out, String(i))), t.sha(FILE), `download ${i}`);
      const c = t.server.status().counters;
      assert.equal(c.completed, 6);
      // Lanes take every transfer; with portable workers the first stays in the main thread and
      // the next ones go to the workers while it runs.
      const inWorkers = c.inWorkers ?? 0;
      if (kind === 'lane') assert.equal(inWorkers, 6, `${inWorkers} of 6 transfers ran in lanes`);
      else assert.ok(inWorkers >= 2 && inWorkers < 6, `${inWorkers} of 6 transfers ran in workers`);
      assert.equal(c.workers, 2, 'concurrent transfers spread over both workers');
      assert.equal(c.active, 0);
      const ends = logs(t.events, 'tftp.end');
      assert.equal(ends.length, 6);
      for (const e of ends) {
        const data = e.data as { result: string; bytes: number; size: number; blksize: number };
        assert.equal(data.result, 'complete');
        assert.equal(data.bytes, 5 * 1024 * 1024 + 7);
        assert.equal(data.blksize, 1468);
      }
      assert.equal(fdsOn(join(t.root, FILE)), 0, 'every file was closed');
    });

    test('a client that stops acknowledging gets retransmissions, then its transfer is given up', async () => {
      const timeoutsBefore = t.server.status().counters.timeouts ?? 0;
      const endsBefore = logs(t.events, 'tftp.end').length;
      const r = await t.scripted(t.hosts[1]!, {
        file: FILE,
        options: { blksize: '1468' },
        stopAfterBlocks: 5,
        listenMs: 9000,
        timeoutMs: 1000,
      });
      assert.equal(r.blocks, 5);
      // Block 6 once, then once per retry (0.3 s, 0.6 s, 1.2 s later); then nothing more.
      assert.equal(r.repeats, 1 + RETRIES, `block 6 arrived ${r.repeats} times`);
      await until('the end of the abandoned transfer', () => logs(t.events, 'tftp.end').length > endsBefore, 10_000);
      const end = logs(t.events, 'tftp.end').slice(endsBefore)[0]!;
      assert.equal((end.data as { result: string }).result, 'timeout', end.message);
      assert.match(end.message, /stopped answering/);
      const c = t.server.status().counters;
      assert.equal((c.timeouts ?? 0) - timeoutsBefore, 1);
      assert.equal(c.active, 0);
      assert.equal(fdsOn(join(t.root, FILE)), 0, 'the file was closed');
    });

    test('a client that vanishes ends its transfer at once (ICMP port unreachable), and the next download works', async () => {
      const endsBefore = logs(t.events, 'tftp.end').length;
      const r = await t.scripted(t.hosts[1]!, { file: FILE, options: { blksize: '1468' }, stopAfterBlocks: 3, vanish: true });
      assert.equal(r.blocks, 3);
      await until("the end of the vanished client's transfer", () => logs(t.events, 'tftp.end').length > endsBefore, 10_000);
      const end = logs(t.events, 'tftp.end').slice(endsBefore)[0]!;
      const result = (end.data as { result: string }).result;
      // The server's next DATA meets the closed port: the connected socket reports ECONNREFUSED and
      // the transfer ends there ('aborted'), instead of retrying until its timer gives up ('timeout').
      assert.equal(result, 'aborted', end.message);
      assert.match(end.message, /unreachable/);
      assert.equal(t.server.status().counters.active, 0);
      const again = await t.scripted(t.hosts[1]!, { file: FILE, options: { blksize: '1468' } });
      assert.equal(again.sha256, t.sha(FILE));
    });

    test('stop() in the middle of transfers ends them cleanly', async () => {
      const path = join(t.root, BIG);
      const endsBefore = logs(t.events, 'tftp.end').length;
      const inWorkersBefore = t.server.status().counters.inWorkers ?? 0;
      const abortedBefore = t.server.status().counters.aborted ?? 0;
      const children = [0, 1].map((i) =>
        t.lab.spawn(t.hosts[i]!.ns, 'curl', ['-sS', '--max-time', '120', '-o', join(out, `slow${i}`), `tftp://${t.serverIp}/${BIG}`]),
      );
      const exited = children.map((child) => new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code))));
      try {
        await until(
          'both big transfers to start',
          () => logs(t.events, 'tftp.start').filter((e) => (e.data as { file: string }).file === BIG).length === 2,
          30_000,
        );
        await new Promise((resolve) => setTimeout(resolve, 300)); // well inside 64 MiB at 512-byte blocks
        const running = t.server.status().counters;
        assert.equal(running.active, 2);
        if (kind === 'lane') assert.equal((running.inWorkers ?? 0) - inWorkersBefore, 2, 'both transfers run in lanes');
        else assert.equal((running.inWorkers ?? 0) - inWorkersBefore, 1, 'the second transfer runs in a worker');
        assert.equal(fdsOn(path), 2, 'the main thread holds both files open, also the one a worker reads');
        const started = Date.now();
        await t.server.stop();
        assert.ok(Date.now() - started < 5000, 'stop() did not wait for the worker timeout');
        const ends = logs(t.events, 'tftp.end').slice(endsBefore);
        assert.equal(ends.length, 2);
        for (const end of ends) {
          const data = end.data as { file: string; result: string; bytes: number; size: number };
          assert.equal(data.file, BIG);
          assert.equal(data.result, 'aborted');
          assert.ok(data.bytes > 0 && data.bytes < data.size, `stopped in the middle (${data.bytes} of ${data.size} bytes)`);
          assert.match(end.message, /server stopped/);
        }
        const c = t.server.status().counters;
        assert.equal(c.active, 0);
        assert.equal(c.workers, 0, 'workers are terminated on stop');
        assert.equal((c.aborted ?? 0) - abortedBefore, 2);
        assert.equal(fdsOn(path), 0, 'the files were closed');
        assert.equal(t.server.status().state, 'stopped');
        // The clients get our ERROR and stop at once (well before their own retries run out).
        for (const [i, code] of (await Promise.all(exited)).entries()) {
          assert.notEqual(code, 0);
          assert.ok(!existsSync(join(out, `slow${i}`)) || sha256File(join(out, `slow${i}`)) !== t.sha(BIG));
        }
        assert.ok(Date.now() - started < 10_000, 'the clients were told');
      } finally {
        for (const child of children) child.kill('SIGKILL');
      }
    });
  });

describe('TFTP with workers: 0', { timeout: 300_000 }, () => {
  let t: TftpLab;

  before(async () => {
    t = await startTftpLab('tftpz', 74, { clients: 1, server: { workers: 0 }, resolver: { holdMs: 0 } });
    writeRandomFile(join(t.root, FILE), 1024 * 1024 + 3);
  });

  after(async () => {
    await t?.close();
  });

  test('transfers run in the main thread', async () => {
    const out = mkdtempSync(join(tmpdir(), 'bootbench-tftp-z-'));
    try {
      const r = await t.exec(t.hosts[0]!, 'curl', ['-sS', '--tftp-blksize', '1468', '-o', join(out, 'f'), `tftp://${t.serverIp}/${FILE}`]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(sha256File(join(out, 'f')), t.sha(FILE));
      const c = t.server.status().counters;
      assert.equal(c.completed, 1);
      assert.equal(c.inWorkers, 0);
      assert.equal(c.workers, 0);
      assert.equal(fdsOn(join(t.root, FILE)), 0);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
