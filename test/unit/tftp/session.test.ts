import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  backoffDelay,
  blksizeForMtu,
  bytesAcked,
  createSession,
  negotiate,
  step,
  type Session,
  type SessionAction,
} from '../../../electron/core/tftp/session.js';

const opt = (pairs: Record<string, string>) => Object.entries(pairs).map(([name, value]) => ({ name, value }));

function session(size: number, options: Record<string, string> = {}, maxTries = 3): Session {
  return createSession({ ...negotiate(opt(options), { size, mtu: 1500, timeoutMs: 1000 }), size, maxTries });
}

/** Steps and returns [next, actions] with the arm-timer actions left out for readability. */
function go(s: Session, event: Parameters<typeof step>[1], now = 0): [Session, SessionAction[]] {
  const [next, actions] = step(s, event, now);
  return [next, actions.filter((a) => a.kind !== 'arm-timer')];
}

describe('option negotiation', () => {
  test('blksize is clamped to the MTU (1500 → 1468, 9000 → 8968) and to RFC 2348 bounds', () => {
    assert.equal(blksizeForMtu(1500), 1468);
    assert.equal(negotiate(opt({ blksize: '65464' }), { size: 1, mtu: 1500, timeoutMs: 1000 }).blksize, 1468);
    assert.equal(negotiate(opt({ blksize: '65464' }), { size: 1, mtu: 9000, timeoutMs: 1000 }).blksize, 8968);
    assert.equal(negotiate(opt({ blksize: '99999' }), { size: 1, mtu: 70000, timeoutMs: 1000 }).blksize, 65464);
    assert.equal(negotiate(opt({ blksize: '1432' }), { size: 1, mtu: 1500, timeoutMs: 1000 }).blksize, 1432);
    const tiny = negotiate(opt({ blksize: '7' }), { size: 1, mtu: 1500, timeoutMs: 1000 });
    assert.equal(tiny.blksize, 512, 'below 8 the option is ignored');
    assert.equal(tiny.oack, null);
  });

  test('tsize only when asked, answering the real size; iPXE and OVMF requests', () => {
    assert.deepEqual(
      negotiate(opt({ blksize: '1432', tsize: '0' }), { size: 70912, mtu: 1500, timeoutMs: 1000 }).oack,
      opt({ blksize: '1432', tsize: '70912' }),
    );
    const ovmf = negotiate(opt({ tsize: '0', blksize: '1468', windowsize: '4' }), { size: 1234567, mtu: 1500, timeoutMs: 1000 });
    assert.deepEqual(ovmf.oack, opt({ blksize: '1468', tsize: '1234567', windowsize: '4' }));
    assert.equal(ovmf.windowsize, 4);
    assert.equal(negotiate([], { size: 5, mtu: 1500, timeoutMs: 1000 }).oack, null, 'no options, no OACK');
  });

  test('timeout is honoured and echoed; out-of-range values and unknown options are ignored', () => {
    const n = negotiate(opt({ timeout: '3', multicast: '', foo: '1' }), { size: 1, mtu: 1500, timeoutMs: 1000 });
    assert.equal(n.timeoutMs, 3000);
    assert.deepEqual(n.oack, opt({ timeout: '3' }));
    assert.equal(negotiate(opt({ timeout: '0' }), { size: 1, mtu: 1500, timeoutMs: 1000 }).oack, null);
    assert.equal(negotiate(opt({ timeout: '256' }), { size: 1, mtu: 1500, timeoutMs: 1000 }).oack, null);
  });

  test('windowsize is capped; names are case-insensitive and echoed as sent; first occurrence wins', () => {
    const n = negotiate(opt({ WindowSize: '1000', BLKSIZE: 'x' }), { size: 1, mtu: 1500, timeoutMs: 1000 });
    assert.equal(n.windowsize, 64);
    assert.deepEqual(n.oack, opt({ WindowSize: '64' }));
    const twice = negotiate(
      [
        { name: 'blksize', value: '1024' },
        { name: 'blksize', value: '8' },
      ],
      { size: 1, mtu: 1500, timeoutMs: 1000 },
    );
    assert.equal(twice.blksize, 1024);
  });
});

describe('transfer state machine', () => {
  test('lock-step without options: DATA 1 first, one block per ACK, complete on the last', () => {
    let s = session(512 * 2 + 100);
    let a: SessionAction[];
    [s, a] = go(s, { kind: 'start' });
    assert.deepEqual(a, [{ kind: 'send-data', from: 1, to: 1 }]);
    [s, a] = go(s, { kind: 'ack', block: 1 });
    assert.deepEqual(a, [{ kind: 'send-data', from: 2, to: 2 }]);
    [s, a] = go(s, { kind: 'ack', block: 2 });
    assert.deepEqual(a, [{ kind: 'send-data', from: 3, to: 3 }]);
    [s, a] = go(s, { kind: 'ack', block: 3 });
    assert.deepEqual(a, [{ kind: 'finish', result: { kind: 'complete' } }]);
    assert.equal(s.phase, 'done');
    assert.equal(bytesAcked(s), 512 * 2 + 100);
  });

  test('a size that is a multiple of blksize ends with an empty block; an empty file is one empty block', () => {
    assert.equal(session(1024).lastBlock, 3);
    assert.equal(session(0).lastBlock, 1);
  });

  test("duplicate ACK does not resend (Sorcerer's Apprentice); stray ACKs are ignored", () => {
    let s = session(5000);
    [s] = go(s, { kind: 'start' });
    [s] = go(s, { kind: 'ack', block: 1 });
    let a: SessionAction[];
    [s, a] = go(s, { kind: 'ack', block: 1 });
    assert.deepEqual(a, []);
    [s, a] = go(s, { kind: 'ack', block: 9 });
    assert.deepEqual(a, [], 'an ACK for a block never sent');
    [, a] = go(s, { kind: 'ack', block: 2 });
    assert.deepEqual(a, [{ kind: 'send-data', from: 3, to: 3 }]);
  });

  test('OACK first; ACK 0 starts the data; an ERROR right after the OACK is a size probe', () => {
    let s = session(100_000, { tsize: '0', blksize: '1468', windowsize: '4' });
    let a: SessionAction[];
    [s, a] = go(s, { kind: 'start' });
    assert.deepEqual(a, [{ kind: 'send-oack', options: opt({ blksize: '1468', tsize: '100000', windowsize: '4' }) }]);
    [, a] = go(s, { kind: 'error', code: 8, message: 'User aborted' });
    assert.deepEqual(a, [{ kind: 'finish', result: { kind: 'probe', code: 8, message: 'User aborted' } }]);
    [s, a] = go(s, { kind: 'ack', block: 0 });
    assert.deepEqual(a, [{ kind: 'send-data', from: 1, to: 4 }]);
    [, a] = go(s, { kind: 'error', code: 0, message: 'cancelled' });
    assert.deepEqual(a, [{ kind: 'finish', result: { kind: 'aborted', code: 0, message: 'cancelled' } }]);
  });

  test('windowsize: a full window ACK sends the next window; a partial ACK resends from there', () => {
    let s = session(1468 * 20, { blksize: '1468', windowsize: '4' });
    let a: SessionAction[];
    [s] = go(s, { kind: 'start' });
    [s, a] = go(s, { kind: 'ack', block: 0 });
    assert.deepEqual(a, [{ kind: 'send-data', from: 1, to: 4 }]);
    [s, a] = go(s, { kind: 'ack', block: 4 });
    assert.deepEqual(a, [{ kind: 'send-data', from: 5, to: 8 }]);
    [s, a] = go(s, { kind: 'ack', block: 6 }); // 7 was lost
    assert.deepEqual(a, [{ kind: 'send-data', from: 7, to: 10 }]);
    [s, a] = go(s, { kind: 'ack', block: 6 });
    assert.deepEqual(a, [], 'the same ACK again is a duplicate');
    [s, a] = go(s, { kind: 'ack', block: 10 });
    assert.deepEqual(a, [{ kind: 'send-data', from: 11, to: 14 }]);
    [s] = go(s, { kind: 'ack', block: 14 });
    [s, a] = go(s, { kind: 'ack', block: 18 });
    assert.deepEqual(a, [{ kind: 'send-data', from: 19, to: 21 }], 'the last window is short (21 blocks: 20 full + 1 empty)');
    [, a] = go(s, { kind: 'ack', block: 21 });
    assert.deepEqual(a, [{ kind: 'finish', result: { kind: 'complete' } }]);
  });

  test('retransmits on timeout with exponential backoff, then gives up after maxTries', () => {
    let s = session(5000, {}, 3);
    let actions: readonly SessionAction[];
    [s, actions] = step(s, { kind: 'start' }, 0);
    assert.deepEqual(actions[1], { kind: 'arm-timer', at: 1000 });
    [s, actions] = step(s, { kind: 'timeout' }, 500);
    assert.deepEqual(actions, [], 'a timer that fires before the deadline does nothing');
    const delays: number[] = [];
    let now = 1000;
    for (let i = 0; i < 3; i += 1) {
      [s, actions] = step(s, { kind: 'timeout' }, now);
      assert.deepEqual(actions[0], { kind: 'send-data', from: 1, to: 1 });
      const at = (actions[1] as { at: number }).at;
      delays.push(at - now);
      now = at;
    }
    assert.deepEqual(delays, [2000, 4000, 8000]);
    [s, actions] = step(s, { kind: 'timeout' }, now);
    assert.deepEqual(actions, [{ kind: 'finish', result: { kind: 'timeout' } }]);
    assert.equal(backoffDelay(1000, 10), 8000, 'capped');
    assert.equal(backoffDelay(20_000, 2), 20_000, 'a long client timeout is not shortened');
  });

  test('progress resets the retry count', () => {
    let s = session(5000, {}, 1);
    [s] = step(s, { kind: 'start' }, 0);
    [s] = step(s, { kind: 'timeout' }, 1000);
    assert.equal(s.tries, 1);
    [s] = step(s, { kind: 'ack', block: 1 }, 1100);
    assert.equal(s.tries, 0);
    assert.equal(s.deadline, 2100);
  });

  test('block numbers roll over to 0 after 65535 (files over 32 MiB at 512-byte blocks)', () => {
    const size = 70_000 * 512 + 17;
    let s = session(size);
    [s] = go(s, { kind: 'start' });
    let sent = 0;
    // Bounded by the block count.
    for (let b = 1; b <= 70_001; b += 1) {
      const [next, a] = go(s, { kind: 'ack', block: b & 0xffff });
      s = next;
      if (b === 70_001) {
        assert.deepEqual(a, [{ kind: 'finish', result: { kind: 'complete' } }]);
      } else {
        assert.deepEqual(a, [{ kind: 'send-data', from: b + 1, to: b + 1 }], `after ACK ${b}`);
        sent += 1;
      }
    }
    assert.equal(sent, 70_000);
    assert.equal(bytesAcked(s), size);
  });

  test('after rollover a stale ACK from the previous cycle is not mistaken for progress', () => {
    let s = session(70_000 * 512);
    [s] = go(s, { kind: 'start' });
    for (let b = 1; b <= 65_540; b += 1) [s] = go(s, { kind: 'ack', block: b & 0xffff });
    assert.equal(s.base, 65_541);
    const [, a] = go(s, { kind: 'ack', block: 65_530 }); // block 65530 of the first cycle, arriving late
    assert.deepEqual(a, []);
  });

  test('a read failure sends ERROR 0 and finishes', () => {
    let s = session(5000);
    [s] = go(s, { kind: 'start' });
    const [next, a] = go(s, { kind: 'fail', message: 'EIO' });
    assert.deepEqual(a, [
      { kind: 'send-error', code: 0, message: 'Read error on the server' },
      { kind: 'finish', result: { kind: 'failed', message: 'EIO' } },
    ]);
    assert.deepEqual(step(next, { kind: 'ack', block: 1 }, 0)[1], [], 'nothing after the end');
  });
});
