// The load of a rack powering on: N TFTP clients that fetch boot files at the same moment, as PXE
// firmware does, spread over a few processes so that the client is not the bottleneck. Run inside
// the bench's client namespace (bench/tftp/run.sh); JSON on stdout:
//   node load.mjs --server IP --root DIR --files undionly.kpxe,snponly.efi [--clients 100] [--procs 2]
//                 [--probe] [--blksize 1468] [--deadline-ms 60000]
// Client i fetches files[i % files.length]. Without --probe each sends `blksize B` and downloads in
// lock-step (a BIOS ROM asking for undionly.kpxe; iPXE adds `tsize 0`, which changes nothing for the
// server's work). With --probe each does what OVMF does: `tsize 0 blksize B windowsize 4`, ERROR 8
// after the OACK, then `blksize B windowsize 4` (a server that does not acknowledge windowsize is
// served in lock-step, as OVMF would be).
// Every download is hashed and compared with the file under --root; the parent reports the time from
// the first request to the last byte, per-transfer percentiles, and the clients that failed.
// Bounded: each client retransmits its last packet after 1 s of silence, at most 5 times in a row,
// and the whole run ends at --deadline-ms.
import dgram from 'node:dgram';
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

interface Shard {
  server: string;
  files: string[];
  /** Client indexes this process runs. */
  clients: number[];
  probe: boolean;
  blksize: number;
  deadlineMs: number;
}

interface ClientResult {
  client: number;
  file: string;
  /** Absolute ms (performance.timeOrigin + now): comparable between processes. */
  start: number;
  end: number;
  sha256: string | null;
  bytes: number;
  error: string | null;
  retransmits: number;
}

const OP_RRQ = 1;
const OP_DATA = 3;
const OP_ACK = 4;
const OP_ERROR = 5;
const OP_OACK = 6;
const RETRY_MS = 1000;
const MAX_TRIES = 5;

const clock = () => performance.timeOrigin + performance.now();

function rrq(file: string, options: [string, string][]): Buffer {
  const parts = [Buffer.from([0, OP_RRQ]), Buffer.from(`${file}\0octet\0`, 'latin1')];
  for (const [k, v] of options) parts.push(Buffer.from(`${k}\0${v}\0`, 'latin1'));
  return Buffer.concat(parts);
}
function ack(block: number): Buffer {
  return Buffer.from([0, OP_ACK, (block >> 8) & 0xff, block & 0xff]);
}
const ABORT = Buffer.concat([Buffer.from([0, OP_ERROR, 0, 8]), Buffer.from('User aborted the transfer\0', 'latin1')]);

function parseOack(buf: Buffer): Map<string, string> {
  const fields = buf.toString('latin1', 2).split('\0');
  const out = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i]) out.set(fields[i]!.toLowerCase(), fields[i + 1]!);
  return out;
}

/** One client: event-driven (no promise per packet), so a process can drive many of them. */
function runClient(shard: Shard, index: number, done: (r: ClientResult) => void): void {
  const file = shard.files[index % shard.files.length]!;
  const b = String(shard.blksize);
  const probeOptions: [string, string][] = [
    ['tsize', '0'],
    ['blksize', b],
    ['windowsize', '4'],
  ];
  const fetchOptions: [string, string][] = shard.probe
    ? [
        ['blksize', b],
        ['windowsize', '4'],
      ]
    : [['blksize', b]];
  const result: ClientResult = { client: index, file, start: clock(), end: 0, sha256: null, bytes: 0, error: null, retransmits: 0 };
  let phase: 'probe' | 'fetch' = shard.probe ? 'probe' : 'fetch';
  let socket: dgram.Socket;
  let blksize = 512;
  let windowsize = 1;
  let expected = 1; // absolute block expected next
  let inWindow = 0;
  let hash = createHash('sha256');
  let last: { buf: Buffer; port: number } = { buf: Buffer.alloc(0), port: 69 };
  let tries = 0;
  let timer: NodeJS.Timeout | null = null;
  let finished = false;

  const send = (buf: Buffer, port: number) => {
    last = { buf, port };
    socket.send(buf, port, shard.server);
  };
  const arm = () => {
    if (timer) timer.refresh();
    else timer = setTimeout(onTimer, RETRY_MS);
  };
  const onTimer = () => {
    timer = null;
    if (finished) return;
    tries += 1;
    if (tries > MAX_TRIES) return finish(`no answer after ${MAX_TRIES} retransmissions (block ${expected}, ${phase})`);
    result.retransmits += 1;
    socket.send(last.buf, last.port, shard.server);
    arm();
  };
  /** `lastAck`: the final ACK, sent before the socket closes. */
  const finish = (error: string | null, lastAck?: { buf: Buffer; port: number }) => {
    if (finished) return;
    finished = true;
    result.end = clock();
    result.error = error;
    if (timer) clearTimeout(timer);
    const s = socket;
    if (lastAck) s.send(lastAck.buf, lastAck.port, shard.server, () => s.close());
    else s.close();
    done(result);
  };
  const request = (options: [string, string][]) => {
    hash = createHash('sha256');
    expected = 1;
    inWindow = 0;
    blksize = 512;
    windowsize = 1;
    send(rrq(file, options), 69);
    arm();
  };
  const onMessage = (buf: Buffer, port: number) => {
    if (finished || buf.length < 4) return;
    const op = buf[1];
    if (op === OP_ERROR) return finish(`server error ${buf.readUInt16BE(2)}: ${buf.toString('latin1', 4).replace(/\0.*$/, '')}`);
    if (op === OP_OACK) {
      if (expected !== 1) return;
      const o = parseOack(buf);
      if (phase === 'probe') {
        // OVMF learned the size: it aborts this transfer and asks again without tsize, from a new port.
        socket.send(ABORT, port, shard.server);
        const old = socket;
        setImmediate(() => old.close());
        phase = 'fetch';
        socket = open();
        tries = 0;
        return request(fetchOptions);
      }
      blksize = Number(o.get('blksize') ?? 512);
      windowsize = Number(o.get('windowsize') ?? 1);
      tries = 0;
      send(ack(0), port);
      return arm();
    }
    if (op !== OP_DATA) return;
    if (phase === 'probe') {
      // A server that ignores every option answers with DATA 1: a probe has nothing to learn then.
      return finish('server answered the size probe with DATA instead of an OACK');
    }
    const block = buf.readUInt16BE(2);
    if (block !== (expected & 0xffff)) {
      if (((block - (expected & 0xffff)) & 0xffff) > 0x8000) return; // an old block again: the timer covers it
      send(ack((expected - 1) & 0xffff), port); // a gap: ask again from it (RFC 7440)
      inWindow = 0;
      return arm();
    }
    const data = buf.subarray(4);
    hash.update(data);
    result.bytes += data.length;
    expected += 1;
    inWindow += 1;
    tries = 0;
    if (data.length < blksize) {
      result.sha256 = hash.digest('hex');
      return finish(null, { buf: ack(block), port });
    }
    if (inWindow >= windowsize) {
      send(ack(block), port);
      inWindow = 0;
    }
    arm();
  };
  const open = () => {
    const s = dgram.createSocket('udp4');
    s.on('message', (buf, rinfo) => {
      if (s === socket) onMessage(buf, rinfo.port);
    });
    s.on('error', (e) => {
      if (s === socket) finish(`socket error: ${e.message}`);
    });
    return s;
  };
  socket = open();
  request(shard.probe ? probeOptions : fetchOptions);
}

/** A child process: runs its clients when told 'go', reports their results, exits. */
function child(): void {
  process.once('message', (m: { shard: Shard }) => {
    const { shard } = m;
    const results: ClientResult[] = [];
    const deadline = setTimeout(() => {
      process.send!({ results, timedOut: true }, () => process.exit(0));
    }, shard.deadlineMs);
    process.send!({ ready: true });
    process.once('message', () => {
      for (const i of shard.clients) {
        runClient(shard, i, (r) => {
          results.push(r);
          if (results.length === shard.clients.length) {
            clearTimeout(deadline);
            process.send!({ results, timedOut: false }, () => process.exit(0));
          }
        });
      }
    });
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function parent(): Promise<void> {
  const { values } = parseArgs({
    options: {
      server: { type: 'string' },
      root: { type: 'string' },
      files: { type: 'string', default: 'undionly.kpxe,snponly.efi' },
      clients: { type: 'string', default: '100' },
      procs: { type: 'string', default: '2' },
      probe: { type: 'boolean', default: false },
      blksize: { type: 'string', default: '1468' },
      'deadline-ms': { type: 'string', default: '60000' },
    },
  });
  if (!values.server || !values.root)
    throw new Error('usage: load --server IP --root DIR [--files a,b] [--clients N] [--procs N] [--probe]');
  const files = values.files.split(',');
  const expected = new Map(
    files.map((f) => [
      f,
      createHash('sha256')
        .update(readFileSync(join(values.root!, f)))
        .digest('hex'),
    ]),
  );
  const clients = Math.max(1, Math.min(1000, Number(values.clients)));
  const procs = Math.max(1, Math.min(16, Number(values.procs)));
  const deadlineMs = Number(values['deadline-ms']);
  const base = { server: values.server, files, probe: values.probe, blksize: Number(values.blksize), deadlineMs };
  const children = Array.from({ length: procs }, (_, p) => {
    const c = fork(process.argv[1]!, ['--child'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: process.execArgv });
    const shard: Shard = { ...base, clients: Array.from({ length: clients }, (_, i) => i).filter((i) => i % procs === p) };
    const ready = new Promise<void>((resolve) => c.once('message', () => resolve()));
    const report = ready.then(() => new Promise<{ results: ClientResult[]; timedOut: boolean }>((resolve) => c.once('message', resolve)));
    c.send({ shard });
    return { c, ready, report };
  });
  const guard = setTimeout(() => {
    for (const { c } of children) c.kill('SIGKILL');
    process.stderr.write('load: children did not report in time\n');
    process.exit(1);
  }, deadlineMs + 15_000);
  await Promise.all(children.map((x) => x.ready));
  for (const { c } of children) c.send('go');
  const reports = await Promise.all(children.map((x) => x.report));
  clearTimeout(guard);
  const results = reports.flatMap((r) => r.results);
  const failures: string[] = [];
  for (const r of results) {
    if (r.error) failures.push(`client ${r.client} (${r.file}): ${r.error}`);
    else if (r.sha256 !== expected.get(r.file)) failures.push(`client ${r.client} (${r.file}): sha256 mismatch`);
  }
  if (results.length < clients) failures.push(`${clients - results.length} clients did not finish within ${deadlineMs} ms`);
  const durations = results.map((r) => r.end - r.start).sort((a, b) => a - b);
  const first = Math.min(...results.map((r) => r.start));
  const lastEnd = Math.max(...results.map((r) => r.end));
  process.stdout.write(
    `${JSON.stringify({
      clients,
      ok: clients - failures.length,
      wallMs: lastEnd - first,
      p50Ms: percentile(durations, 50),
      p99Ms: percentile(durations, 99),
      maxMs: durations[durations.length - 1],
      retransmits: results.reduce((n, r) => n + r.retransmits, 0),
      failures: failures.slice(0, 5),
    })}\n`,
  );
  process.exit(failures.length > 0 ? 1 : 0);
}

if (process.argv.includes('--child')) child();
else await parent();
