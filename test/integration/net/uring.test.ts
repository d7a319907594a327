// The io_uring wrapper the TFTP lanes use (net/uring.ts), against the real kernel on loopback: a
// raw UDP socket driven by the ring talks to a Node dgram socket in this process. Sends are
// submitted in one call and arrive in order (also past a full submission queue, which submits by
// itself); a queued receive completes with the datagram under its tag; cancelAll ends a pending
// receive with ECANCELED, cancel by tag only the one it names; a wait with nothing due ends with
// ETIME. Where the kernel (or a seccomp filter) refuses io_uring, the tests are skipped with the
// reason: the lanes then fall back to direct system calls, which the TFTP worker tests prove.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { hotCalls, libc } from '../../../electron/core/net/libc.js';
import { ECANCELED, ETIME, Uring } from '../../../electron/core/net/uring.js';

let refused: string | null = null;
try {
  Uring.open(8, 16).close();
} catch (e) {
  refused = (e as Error).message;
}

describe('io_uring on loopback', { timeout: 60_000, skip: refused ? `io_uring unavailable here: ${refused}` : false }, () => {
  let ring: Uring;
  let fd = -1;
  let peer: dgram.Socket;
  let ringPort = 0;
  const got: Array<{ text: string; port: number }> = [];
  const calls = hotCalls();

  /** Every completion of one enter() with a wait of up to `ms`. */
  const round = (ms: number): { failed: number; completions: Array<[number, number]> } => {
    const completions: Array<[number, number]> = [];
    const failed = ring.enter(ms);
    ring.reap((tag, result) => completions.push([tag, result]));
    return { failed, completions };
  };
  const until = async (what: string, ok: () => boolean) => {
    const end = Date.now() + 10_000;
    // Bounded: 10 s.
    while (!ok()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  before(async () => {
    // 16 entries: the 100 sends below overflow the submission queue several times.
    ring = Uring.open(16, 256);
    peer = dgram.createSocket('udp4');
    peer.on('message', (m, rinfo) => got.push({ text: m.toString(), port: rinfo.port }));
    await new Promise<void>((resolve) => peer.bind(0, '127.0.0.1', resolve));
    const api = libc();
    fd = api.socket(api.consts.AF_INET, api.consts.SOCK_DGRAM, 0);
    api.bindInet4(fd, '127.0.0.1', 0);
    api.connectInet4(fd, '127.0.0.1', peer.address().port);
  });

  after(() => {
    ring?.close();
    if (fd >= 0) calls.close(fd);
    peer?.close();
  });

  test('100 queued sends go out in order, each completing under its tag with its length', async () => {
    const owned = Array.from({ length: 100 }, (_, i) => {
      const text = `datagram ${i}`;
      const b = Buffer.allocUnsafeSlow(text.length); // owns its memory: its address is stable
      b.write(text, 'latin1');
      return b;
    });
    owned.forEach((b, i) => ring.send(fd, calls.address(b), b.length, 1000 + i));
    const completions: Array<[number, number]> = [];
    // Bounded: 50 rounds of at most 200 ms.
    for (let r = 0; r < 50 && completions.length < 100; r += 1) completions.push(...round(200).completions);
    assert.equal(completions.length, 100);
    for (const [i, [tag, result]] of completions.sort((a, b) => a[0] - b[0]).entries()) {
      assert.equal(tag, 1000 + i);
      assert.equal(result, owned[i]!.length);
    }
    await until('100 datagrams at the peer', () => got.length === 100);
    assert.deepEqual(
      got.map((g) => g.text),
      owned.map((b) => b.toString()),
    );
    ringPort = got[0]!.port;
  });

  test('a queued receive completes with the datagram under its tag', async () => {
    const inbox = Buffer.allocUnsafeSlow(2048);
    ring.recv(fd, calls.address(inbox), inbox.length, 7);
    assert.equal(round(0).completions.length, 0, 'nothing yet: the receive waits for a datagram');
    await new Promise<void>((resolve, reject) => peer.send('hello ring', ringPort, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
    const { completions } = round(5000);
    assert.deepEqual(completions, [[7, 10]]);
    assert.equal(inbox.toString('latin1', 0, 10), 'hello ring');
  });

  test('cancelAll ends a pending receive with ECANCELED', () => {
    const inbox = Buffer.allocUnsafeSlow(2048);
    ring.recv(fd, calls.address(inbox), inbox.length, 8);
    assert.equal(round(0).completions.length, 0);
    ring.cancelAll(fd, 9);
    const completions: Array<[number, number]> = [];
    // Bounded: 10 rounds of at most 500 ms.
    for (let r = 0; r < 10 && completions.length < 2; r += 1) completions.push(...round(500).completions);
    const byTag = new Map(completions);
    assert.equal(byTag.get(8), -ECANCELED, 'the receive was cancelled');
    assert.equal(byTag.get(9), 1, 'the cancellation found one request');
  });

  test('cancel by tag ends that receive only', () => {
    const inboxes = [Buffer.allocUnsafeSlow(2048), Buffer.allocUnsafeSlow(2048)];
    ring.recv(fd, calls.address(inboxes[0]!), 2048, 10);
    ring.recv(fd, calls.address(inboxes[1]!), 2048, 11);
    ring.cancel(10, 12);
    const completions: Array<[number, number]> = [];
    // Bounded: 10 rounds of at most 200 ms.
    for (let r = 0; r < 10 && completions.length < 2; r += 1) completions.push(...round(200).completions);
    assert.deepEqual(
      new Map(completions),
      new Map([
        [10, -ECANCELED],
        [12, 0],
      ]),
      'the receive tagged 10 and the cancellation completed; 11 still waits',
    );
    ring.cancelAll(fd, 13);
    const rest = new Map(round(1000).completions);
    assert.equal(rest.get(11), -ECANCELED);
  });

  test('a wait with nothing due ends with ETIME after about the time asked', () => {
    const started = performance.now();
    const { failed, completions } = round(50);
    const took = performance.now() - started;
    assert.equal(failed, ETIME);
    assert.equal(completions.length, 0);
    assert.ok(took >= 40 && took < 5000, `waited ${took.toFixed(1)} ms`);
  });
});
