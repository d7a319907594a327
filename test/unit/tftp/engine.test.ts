// The transfer engine (tftp/engine.ts) on a recording PacketIo: what a client would receive, with
// a reader that answers at once (as in a lane) and one that answers later (as through libuv), read
// failures, socket errors, the size probe, and run buffers reused by a later transfer.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Transfer, type PacketIo, type RunReader } from '../../../electron/core/tftp/engine.js';
import { createSession, negotiate, type FinishResult } from '../../../electron/core/tftp/session.js';
import { decodeTftp, encodeAck, encodeError, type TftpPacket } from '../../../electron/core/tftp/codec.js';

interface Run {
  transfer: Transfer;
  sent: TftpPacket[];
  ended: Promise<{ result: FinishResult; bytes: number; retransmits: number }>;
  closed: () => boolean;
}

function reader(file: Buffer, later: boolean, failAt = -1): RunReader {
  return (views, position, done) => {
    const go = (): void => {
      if (failAt >= 0 && position >= failAt) return done(new Error('EIO'), 0);
      let got = 0;
      for (const v of views) got += file.copy(v, 0, position + got, Math.min(file.length, position + got + v.length));
      done(null, got);
    };
    if (later) setImmediate(go);
    else go();
  };
}

function start(file: Buffer, options: Record<string, string>, read: RunReader): Run {
  const negotiated = negotiate(
    Object.entries(options).map(([name, value]) => ({ name, value })),
    { size: file.length, mtu: 1500, timeoutMs: 1000 },
  );
  const session = createSession({ ...negotiated, size: file.length, maxTries: 3 });
  const sent: TftpPacket[] = [];
  let closed = false;
  let finish: (v: { result: FinishResult; bytes: number; retransmits: number }) => void = () => undefined;
  const ended = new Promise<{ result: FinishResult; bytes: number; retransmits: number }>((resolve) => (finish = resolve));
  const io: PacketIo = {
    send: (packet) => {
      // Copied: a DATA packet is a view into the read ring, which later runs overwrite.
      const d = decodeTftp(Buffer.from(packet));
      assert.ok(d.ok, 'every packet the engine sends decodes');
      sent.push(d.packet);
    },
    whenFlushed: (then) => then(),
    armTimer: () => undefined,
    close: () => (closed = true),
  };
  const transfer = new Transfer(session, io, read, {
    clock: () => performance.now(),
    finished: (result, bytes, _ms, retransmits) => finish({ result, bytes, retransmits }),
  });
  transfer.start();
  return { transfer, sent, ended, closed: () => closed };
}

/** The transfer's end, or a failure after 5 s (a transfer that stalls must fail the test, not hang it). */
function ended(run: Run): Promise<{ result: FinishResult; bytes: number; retransmits: number }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error('the transfer did not end within 5 s')), 5000)),
  );
  return Promise.race([run.ended, late]).finally(() => clearTimeout(timer));
}

/** Acknowledges like a client until the transfer ends; returns the file it assembled. */
async function download(run: Run, windowsize: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let next = 1;
  let seen = 0;
  // Bounded: 5 s; the transfer ends on the last ACK.
  for (const end = Date.now() + 5000; !run.transfer.done && Date.now() < end;) {
    if (seen === run.sent.length) {
      await new Promise((resolve) => setImmediate(resolve));
      continue;
    }
    const p = run.sent[seen++]!;
    if (p.op === 'oack') {
      run.transfer.onPacket(encodeAck(0));
      continue;
    }
    assert.equal(p.op, 'data');
    if (p.op !== 'data') continue;
    assert.equal(p.block, next & 0xffff, 'blocks arrive in order');
    parts.push(Buffer.from(p.data));
    const last = p.data.length < 1468;
    if (last || next % windowsize === 0) run.transfer.onPacket(encodeAck(p.block));
    next += 1;
  }
  return Buffer.concat(parts);
}

describe('TFTP transfer engine', () => {
  for (const later of [false, true]) {
    const how = later ? 'a reader that answers later (libuv)' : 'a reader that answers at once (lane)';
    test(`lock-step and windowed downloads arrive whole, with ${how}`, async () => {
      // 3 runs of 44 blocks and a short last block; then an exact multiple of blksize (an empty last DATA).
      for (const size of [3 * 44 * 1468 + 100, 50 * 1468, 0]) {
        for (const windowsize of [1, 16]) {
          const file = randomBytes(size);
          const run = start(file, { blksize: '1468', ...(windowsize > 1 ? { windowsize: String(windowsize) } : {}) }, reader(file, later));
          const got = await download(run, windowsize);
          const end = await ended(run);
          assert.equal(end.result.kind, 'complete');
          assert.equal(end.bytes, size);
          assert.ok(got.equals(file), `${size} bytes, windowsize ${windowsize}: byte-identical`);
          assert.ok(run.closed(), 'the socket is closed');
        }
      }
    });
  }

  test('run buffers reused by a later transfer carry only its own data', async () => {
    for (let i = 0; i < 3; i += 1) {
      const file = randomBytes(2 * 44 * 1468 + 7);
      const run = start(file, { blksize: '1468' }, reader(file, false));
      assert.ok((await download(run, 1)).equals(file), `transfer ${i}`);
    }
  });

  test('a file that cannot be read ends the transfer with an ERROR to the client', async () => {
    const file = randomBytes(3 * 44 * 1468);
    const run = start(file, { blksize: '1468' }, reader(file, true, 44 * 1468));
    await download(run, 1);
    const end = await ended(run);
    assert.equal(end.result.kind, 'failed');
    const last = run.sent[run.sent.length - 1]!;
    assert.equal(last.op, 'error');
    if (last.op === 'error') assert.match(last.message, /read error/i);
  });

  test('socket errors: a client gone (ECONNREFUSED) aborts, anything else fails', async () => {
    const file = randomBytes(10_000);
    const gone = start(file, { blksize: '1468' }, reader(file, false));
    gone.transfer.socketError('ECONNREFUSED');
    assert.deepEqual((await ended(gone)).result, { kind: 'aborted', code: 0, message: 'client port unreachable' });
    const broken = start(file, { blksize: '1468' }, reader(file, false));
    broken.transfer.socketError('ENOBUFS');
    assert.deepEqual((await ended(broken)).result, { kind: 'failed', message: 'socket error: ENOBUFS' });
  });

  test('the UEFI size probe: ERROR 8 after the OACK ends as a probe; abort tells the client', async () => {
    const file = randomBytes(70_000);
    const probe = start(file, { tsize: '0', blksize: '1468', windowsize: '4' }, reader(file, false));
    assert.equal(probe.sent[0]?.op, 'oack');
    probe.transfer.onPacket(encodeError(8, 'User aborted the transfer'));
    const end = await ended(probe);
    assert.equal(end.result.kind, 'probe');
    const stopped = start(file, { blksize: '1468' }, reader(file, false));
    stopped.transfer.abort('server stopped');
    assert.equal((await ended(stopped)).result.kind, 'aborted');
    const last = stopped.sent[stopped.sent.length - 1]!;
    assert.ok(last.op === 'error' && last.message === 'server stopped', 'the client is told');
  });
});
