// OVMF's first download right after Bootbench starts, as seen on the wire under heavy load: an RRQ
// with tsize from port P1, our OACK, ERROR 8 from P1 ~8 ms later (the size probe is over), then the
// real RRQ from port P2 ~25 ms later. The second RRQ must be answered at once (OVMF waits ~1 s, then
// reports PXE-E99), and the first transfer must end at the ERROR (no OACK re-sent to P1).
// Loading a worker thread can take seconds on a loaded machine: the server is started with workers
// that block before loading (workerLoadDelaysMs), longer than start() waits for them, so the
// requests come while some are still loading, deterministically.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { CoreEvent, LogEvent } from '../../../electron/shared/contract.js';
import type { TftpServerOptions } from '../../../electron/core/tftp/server.js';
import { NODE } from '../../helpers/bootbench.js';
import { startTftpLab, writeRandomFile, type TftpLab } from '../../helpers/tftp-lab.js';

const FILE = 'shimx64.efi';
/** Longer than the server's WORKERS_READY_MS (5 s): start() returns while these workers still load. */
const SLOW_MS = 20_000;

// Plain JavaScript (starts in ms): the sequence, with its timings, and what came back.
const PROBE = `
const dgram = require('node:dgram');
const [server, file] = process.argv.slice(1);
const rrq = (opts) => Buffer.concat([Buffer.from([0, 1]), Buffer.from(file + '\\0octet\\0' + opts.map((o) => o + '\\0').join(''), 'latin1')]);
const sock = () => new Promise((r) => { const s = dgram.createSocket('udp4'); s.bind(0, () => r(s)); });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const t0 = Date.now();
const log = (s, into) => s.on('message', (b, ri) => into.push({ op: b.readUInt16BE(0), port: ri.port, ms: Date.now() - t0 }));
(async () => {
  const p1 = await sock(); const got1 = []; log(p1, got1);
  p1.send(rrq(['tsize', '0', 'blksize', '1468', 'windowsize', '4']), 69, server);
  for (let i = 0; i < 3000 && got1.length === 0; i++) await sleep(10);
  const first = got1[0] ?? null;
  if (!first) { console.log(JSON.stringify({ first: null })); process.exit(0); }
  await sleep(8);
  const err = Buffer.concat([Buffer.from([0, 5, 0, 8]), Buffer.from('User aborted the transfer\\0', 'latin1')]);
  p1.send(err, first.port, server);
  const errorAt = Date.now() - t0;
  await sleep(25);
  const p2 = await sock(); const got2 = []; log(p2, got2);
  const askedAt = Date.now() - t0;
  p2.send(rrq(['blksize', '1468', 'windowsize', '4']), 69, server);
  for (let i = 0; i < 400 && got2.length === 0; i++) await sleep(10);
  const second = got2[0] ?? null;
  // End the real transfer too (it was only to be answered).
  if (second) p2.send(err, second.port, server);
  // The server's retransmission timeout is 1 s: a re-sent OACK would come by +1 s (and +3 s).
  while (Date.now() - t0 < errorAt + 3500) await sleep(50);
  console.log(JSON.stringify({ first, errorAt, askedAt, second, afterError: got1.filter((p) => p.ms > errorAt).length }));
  process.exit(0);
})();
`;

interface ProbeResult {
  first: { op: number; port: number; ms: number } | null;
  errorAt?: number;
  askedAt?: number;
  second?: { op: number; port: number; ms: number } | null;
  afterError?: number;
}

function logs(events: readonly CoreEvent[], kind: string): LogEvent[] {
  return events.filter((e): e is LogEvent => e.type === 'log' && e.kind === kind);
}

const variants: Array<{ name: string; subnet: number; server: Partial<TftpServerOptions> }> = [
  { name: 'lanes, the second still loading', subnet: 124, server: { workerKind: 'lane', workers: 2, workerLoadDelaysMs: [0, SLOW_MS] } },
  { name: 'lanes, none loaded yet', subnet: 125, server: { workerKind: 'lane', workers: 2, workerLoadDelaysMs: [SLOW_MS, SLOW_MS] } },
  { name: 'portable workers, none loaded yet', subnet: 126, server: { workerKind: 'portable', workers: 1, workerLoadDelaysMs: [SLOW_MS] } },
];

for (const { name, subnet, server } of variants)
  describe(`UEFI size probe right after start (${name})`, { timeout: 120_000 }, () => {
    let t: TftpLab;

    before(async () => {
      t = await startTftpLab(`tfx${subnet}`, subnet, { clients: 1, server });
      writeRandomFile(join(t.root, FILE), 1_048_504);
    });

    after(async () => {
      await t?.close();
    });

    test('the real RRQ is answered at once and the probe ends at its ERROR', async () => {
      const r = await t.exec(t.hosts[0]!, NODE, ['-e', PROBE, t.serverIp, FILE], 60_000);
      assert.equal(r.code, 0, r.stderr);
      const got = JSON.parse(r.stdout) as ProbeResult;
      const what = `client saw ${r.stdout.trim()}; server events: ${JSON.stringify(
        t.events.filter((e) => e.type === 'log' && e.source === 'tftp').map((e) => (e as LogEvent).message),
      )}`;
      assert.equal(got.first?.op, 6, `OACK to the probe: ${what}`);
      assert.ok(got.first.ms < 4000, `the probe answered late: ${what}`);
      assert.ok(got.second, `no answer to the second RRQ within 4 s: ${what}`);
      assert.equal(got.second.op, 6, `OACK to the real RRQ: ${what}`);
      assert.ok(got.second.ms - got.askedAt! < 4000, what);
      assert.equal(got.afterError, 0, `packets to P1 after its ERROR 8: ${what}`);
      const ends = logs(t.events, 'tftp.end').map((e) => (e.data as { result: string }).result);
      assert.ok(ends.includes('probe'), `the probe ends as a probe: ${what}`);
    });
  });
