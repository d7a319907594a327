import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  claimedAddress,
  createArpProberOnLink,
  decodeArpFrame,
  encodeArpFrame,
  encodeArpRequest,
  type ArpClock,
  type ArpLink,
  type ArpPacket,
} from '../../../electron/core/net/arp-probe.js';

// tcpdump -xx of the Linux kernel's own request (ping from 10.231.99.1, 52:54:00:12:34:56, to a
// silent 10.231.99.7 over a veth): 42 bytes, no padding.
const KERNEL_REQUEST = Buffer.from('ffffffffffff525400123456080600010800060400015254001234560ae763010000000000000ae76307', 'hex');

describe('ARP frame codec', () => {
  test('encodes the same bytes as the kernel’s own request', () => {
    assert.deepEqual(
      encodeArpRequest({ sourceMac: '52:54:00:12:34:56', sourceIp: '10.231.99.1', targetIp: '10.231.99.7' }),
      KERNEL_REQUEST,
    );
  });

  test('decodes the captured request', () => {
    assert.deepEqual(decodeArpFrame(KERNEL_REQUEST), {
      op: 1,
      senderMac: '52:54:00:12:34:56',
      senderIp: '10.231.99.1',
      targetMac: '00:00:00:00:00:00',
      targetIp: '10.231.99.7',
    });
  });

  test('round-trips a reply, and ignores the padding to the 60-byte Ethernet minimum', () => {
    const reply: ArpPacket = {
      op: 2,
      senderMac: 'aa:bb:cc:dd:ee:0f',
      senderIp: '10.231.64.9',
      targetMac: '52:54:00:12:34:56',
      targetIp: '10.231.64.1',
    };
    const frame = encodeArpFrame('52:54:00:12:34:56', 'aa:bb:cc:dd:ee:0f', reply);
    assert.deepEqual(decodeArpFrame(frame), reply);
    assert.deepEqual(decodeArpFrame(Buffer.concat([frame, Buffer.alloc(18)])), reply);
  });

  test('malformed and short frames are null, never an exception', () => {
    for (let n = 0; n < KERNEL_REQUEST.length; n++) assert.equal(decodeArpFrame(KERNEL_REQUEST.subarray(0, n)), null, `${n} bytes`);
    const mutate = (offset: number, value: number) => {
      const b = Buffer.from(KERNEL_REQUEST);
      b[offset] = value;
      return b;
    };
    assert.equal(decodeArpFrame(mutate(13, 0x00)), null, 'ethertype IPv4');
    assert.equal(decodeArpFrame(mutate(15, 6)), null, 'htype IEEE 802');
    assert.equal(decodeArpFrame(mutate(17, 0xdd)), null, 'ptype IPv6');
    assert.equal(decodeArpFrame(mutate(18, 8)), null, 'hlen 8');
    assert.equal(decodeArpFrame(mutate(19, 16)), null, 'plen 16');
    assert.equal(decodeArpFrame(mutate(21, 3)), null, 'RARP request');
    for (let i = 0; i < 2000; i++) {
      const random = Buffer.from(Array.from({ length: Math.floor(Math.random() * 80) }, () => Math.floor(Math.random() * 256)));
      decodeArpFrame(random); // must not throw
    }
  });

  test('rejects malformed addresses when encoding (caller input, not wire data)', () => {
    assert.throws(() => encodeArpRequest({ sourceMac: '52:54:00:12:34', sourceIp: '10.0.0.1', targetIp: '10.0.0.2' }), /MAC/);
    assert.throws(() => encodeArpRequest({ sourceMac: '52:54:00:12:34:56', sourceIp: '10.0.0.1', targetIp: '10.0.0.256' }), /IPv4/);
    assert.throws(() => encodeArpRequest({ sourceMac: '52:54:00:12:34:56', sourceIp: '10.0.0.1', targetIp: '10.0.0' }), /IPv4/);
  });

  test('what a packet claims (RFC 5227 §2.1.1)', () => {
    const own = '52:54:00:12:34:56';
    const base = { senderMac: 'aa:bb:cc:dd:ee:ff', targetMac: '00:00:00:00:00:00' };
    assert.equal(claimedAddress({ ...base, op: 2, senderIp: '10.0.0.9', targetIp: '10.0.0.1' }, own), '10.0.0.9', 'a reply');
    assert.equal(
      claimedAddress({ ...base, op: 1, senderIp: '10.0.0.9', targetIp: '10.0.0.1' }, own),
      '10.0.0.9',
      'a request from the holder',
    );
    assert.equal(
      claimedAddress({ ...base, op: 1, senderIp: '0.0.0.0', targetIp: '10.0.0.9' }, own),
      '10.0.0.9',
      'another host’s ARP Probe',
    );
    assert.equal(
      claimedAddress({ ...base, senderMac: own, op: 1, senderIp: '0.0.0.0', targetIp: '10.0.0.9' }, own.toUpperCase()),
      null,
      'our own ARP Probe',
    );
    assert.equal(claimedAddress({ ...base, op: 2, senderIp: '0.0.0.0', targetIp: '10.0.0.9' }, own), null);
  });
});

/** A manual clock: timers fire only when the test advances time. */
function fakeClock(): ArpClock & { advance(ms: number): void } {
  let now = 0;
  let nextId = 1;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = nextId++;
      timers.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimeout: (h) => void timers.delete(h as number),
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].fn();
      }
      now = end;
    },
  };
}

const SOURCE = { sourceIp: '10.231.64.1', sourceMac: '52:54:00:12:34:56' };

function fakeLink(refuse: (n: number) => boolean): ArpLink & { sent: string[]; inbox: Buffer[] } {
  let attempts = 0;
  const sent: string[] = [];
  const inbox: Buffer[] = [];
  return {
    sent,
    inbox,
    send(frame) {
      if (refuse(attempts++)) throw Object.assign(new Error('sendto failed: ENOBUFS'), { code: 'ENOBUFS' });
      sent.push(decodeArpFrame(frame)!.targetIp);
    },
    receive(into) {
      const f = inbox.shift();
      if (!f) return null;
      f.copy(into);
      return f.length;
    },
    close() {},
  };
}

const settled = async <T>(p: Promise<T>): Promise<T | 'pending'> =>
  Promise.race([p, new Promise<'pending'>((r) => setImmediate(() => r('pending')))]);

describe('ARP prober scheduling (fake link and clock)', () => {
  test('asks twice, 100 ms apart, and a silent address is free at the timeout', async () => {
    const clock = fakeClock();
    const link = fakeLink(() => false);
    const prober = createArpProberOnLink(link, { ...SOURCE, clock });
    const answer = prober.probe('10.231.64.7', 1_000);
    assert.deepEqual(link.sent, ['10.231.64.7']);
    clock.advance(99);
    assert.equal(link.sent.length, 1);
    clock.advance(1);
    assert.deepEqual(link.sent, ['10.231.64.7', '10.231.64.7']);
    assert.equal(await settled(answer), 'pending');
    clock.advance(900);
    assert.equal(await answer, false);
    assert.deepEqual(prober.stats(), { sent: 2, sendFailures: 0, unverified: 0 });
    prober.close();
  });

  test('a reply settles only the probes of its sender address, before the timeout', async () => {
    const clock = fakeClock();
    const link = fakeLink(() => false);
    const prober = createArpProberOnLink(link, { ...SOURCE, clock });
    const many = prober.probeMany(['10.231.64.7', '10.231.64.8'], 1_000);
    link.inbox.push(
      encodeArpFrame(SOURCE.sourceMac, 'aa:bb:cc:dd:ee:ff', {
        op: 2,
        senderMac: 'aa:bb:cc:dd:ee:ff',
        senderIp: '10.231.64.8',
        targetMac: SOURCE.sourceMac,
        targetIp: SOURCE.sourceIp,
      }),
    );
    link.inbox.push(Buffer.from('garbage'));
    clock.advance(1_000);
    assert.deepEqual([...(await many)], ['10.231.64.8']);
    prober.close();
  });

  test('refused sends are retried on the next tick, in order, and nothing is dropped', async () => {
    const clock = fakeClock();
    const link = fakeLink((n) => n % 3 === 2); // every third send: ENOBUFS
    const prober = createArpProberOnLink(link, { ...SOURCE, clock, pollMs: 5 });
    const ips = Array.from({ length: 30 }, (_, i) => `10.231.64.${10 + i}`);
    const many = prober.probeMany(ips, 1_000);
    assert.equal(link.sent.length, 2, 'the tight loop stops at the first refusal');
    clock.advance(1_000);
    assert.deepEqual([...(await many)], []);
    assert.deepEqual(new Set(link.sent.slice(0, 30)), new Set(ips));
    assert.equal(link.sent.length, 60, 'every address asked twice');
    assert.equal(prober.stats().unverified, 0);
    prober.close();
  });

  test('a large batch goes out in bursts, one per tick, so the event loop keeps running', async () => {
    const clock = fakeClock();
    const link = fakeLink(() => false);
    const prober = createArpProberOnLink(link, { ...SOURCE, clock, pollMs: 5 });
    const many = prober.probeMany(
      Array.from({ length: 3_000 }, (_, i) => `10.231.${80 + (i >> 8)}.${i & 255}`),
      1_000,
    );
    assert.equal(link.sent.length, 1_024);
    clock.advance(5);
    assert.equal(link.sent.length, 2_048);
    clock.advance(5);
    assert.equal(link.sent.length, 3_000);
    clock.advance(1_000);
    assert.equal((await many).size, 0);
    assert.equal(link.sent.length, 6_000);
    prober.close();
  });

  test('an address whose request never leaves is reported in use, not free', async () => {
    const clock = fakeClock();
    const link = fakeLink(() => true); // the interface refuses everything (e.g. ENETDOWN)
    const prober = createArpProberOnLink(link, { ...SOURCE, clock });
    const answer = prober.probe('10.231.64.7', 500);
    clock.advance(500);
    assert.equal(await answer, true);
    assert.equal(prober.stats().unverified, 1);
    assert.ok(prober.stats().sendFailures > 50, 'retried on every tick');
    prober.close();
  });

  test('a request that leaves too late to be answered does not make the address free', async () => {
    const clock = fakeClock();
    const link = fakeLink((n) => n < 190); // refused for the first ~950 ms of a 1 s probe
    const prober = createArpProberOnLink(link, { ...SOURCE, clock });
    const answer = prober.probe('10.231.64.7', 1_000);
    clock.advance(1_000);
    assert.deepEqual(link.sent, ['10.231.64.7']);
    assert.equal(await answer, true);
    prober.close();
  });

  test('our own address is in use; close() settles what is outstanding as in use', async () => {
    const clock = fakeClock();
    const prober = createArpProberOnLink(
      fakeLink(() => false),
      { ...SOURCE, clock },
    );
    assert.equal(await prober.probe(SOURCE.sourceIp, 1_000), true);
    const pending = prober.probe('10.231.64.7', 1_000);
    prober.close();
    assert.equal(await pending, true);
    await assert.rejects(prober.probe('10.231.64.8', 1_000), /closed/);
  });
});
