// Router advertisement bytes (RFC 4861 §4.2) and the sender's schedule, with a fake socket and clock.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeRouterAdvertisement,
  decodeRouterSolicitation,
  encodeRouterAdvertisement,
  encodeRouterSolicitation,
  formatIpv6,
  harmlessAdvertisement,
  ipv6Bytes,
} from '../../../electron/core/net/ra-codec.js';
import { createRouterAdvertiser, type RaClock } from '../../../electron/core/net/router-advert.js';
import type { Icmpv6Socket } from '../../../electron/core/net/icmpv6-socket.js';
import { SyscallError } from '../../../electron/core/net/libc.js';
import { EventBus } from '../../../electron/core/events.js';

describe('router advertisement bytes', () => {
  test('the harmless RA, byte for byte', () => {
    const b = encodeRouterAdvertisement(harmlessAdvertisement('52:54:00:12:34:56'));
    assert.equal(
      b.toString('hex'),
      [
        '86',
        '00',
        '0000', // type 134, code 0, checksum (kernel)
        '00',
        '00',
        '0000', // cur hop limit unspecified, M=0 O=0, router lifetime 0
        '00000000',
        '00000000', // reachable time, retrans timer: unspecified
        '01',
        '01',
        '525400123456', // source link-layer address option
      ].join(''),
    );
    assert.deepEqual(decodeRouterAdvertisement(b), {
      curHopLimit: 0,
      managed: false,
      other: false,
      routerLifetime: 0,
      reachableTime: 0,
      retransTimer: 0,
      sourceMac: '52:54:00:12:34:56',
      prefixes: [],
      mtu: null,
    });
  });

  test('without a MAC there is no option', () => {
    assert.equal(encodeRouterAdvertisement(harmlessAdvertisement(null)).length, 16);
  });

  test('decoding an RA with a prefix and an MTU (what a real router sends) shows them', () => {
    const ra = Buffer.alloc(16 + 32 + 8);
    ra[0] = 134;
    ra.writeUInt16BE(1800, 6);
    ra[16] = 3;
    ra[17] = 4;
    ra[18] = 64; // prefix information, /64
    ipv6Bytes('fd00:77::').copy(ra, 16 + 16);
    ra[48] = 5;
    ra[49] = 1;
    ra.writeUInt32BE(1500, 52);
    const d = decodeRouterAdvertisement(ra);
    assert.deepEqual([d?.routerLifetime, d?.prefixes, d?.mtu], [1800, ['fd00:77::/64'], 1500]);
    assert.equal(
      decodeRouterAdvertisement(Buffer.concat([ra.subarray(0, 16), Buffer.from([1, 0])])),
      null,
      'an option of length 0 is invalid',
    );
  });

  test('router solicitations', () => {
    assert.deepEqual(decodeRouterSolicitation(encodeRouterSolicitation('52:54:00:aa:bb:cc')), { sourceMac: '52:54:00:aa:bb:cc' });
    assert.deepEqual(decodeRouterSolicitation(encodeRouterSolicitation(null)), { sourceMac: null });
    assert.equal(decodeRouterSolicitation(Buffer.from([133, 1, 0, 0, 0, 0, 0, 0])), null, 'code must be 0');
    assert.equal(decodeRouterSolicitation(Buffer.from([134, 0, 0, 0])), null);
  });

  test('IPv6 text forms', () => {
    assert.equal(formatIpv6(ipv6Bytes('fe80::5054:ff:fe12:3456')), 'fe80::5054:ff:fe12:3456');
    assert.equal(formatIpv6(ipv6Bytes('ff02::1')), 'ff02::1');
    assert.equal(formatIpv6(ipv6Bytes('::')), '::');
    assert.equal(formatIpv6(ipv6Bytes('1:0:0:2:0:0:0:3')), '1:0:0:2::3');
    assert.throws(() => ipv6Bytes('fe80::1::2'));
    assert.throws(() => ipv6Bytes('10.0.0.1'));
  });
});

class FakeClock implements RaClock {
  t = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private next = 0;
  now = () => this.t;
  setTimeout = (fn: () => void, ms: number) => {
    const id = ++this.next;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  };
  clearTimeout = (h: unknown) => void (this.timers = this.timers.filter((x) => x.id !== h));
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const first = this.timers[0];
      if (!first || first.at > end) break;
      this.timers.shift();
      this.t = first.at;
      first.fn();
    }
    this.t = end;
  }
}

function fakeSocket(opts: { bindFailures?: number } = {}) {
  const sent: { to: string; at: number; bytes: Buffer }[] = [];
  const inbox: { from: string; bytes: Buffer }[] = [];
  let failures = opts.bindFailures ?? 0;
  let clock: FakeClock | null = null;
  const socket: Icmpv6Socket = {
    ifindex: 7,
    bind: () => {
      if (failures-- > 0) throw new SyscallError('bind', 99); // EADDRNOTAVAIL on Linux
    },
    send: (bytes, to) => void sent.push({ to, at: clock?.t ?? 0, bytes }),
    receive: (into) => {
      const m = inbox.shift();
      if (!m) return null;
      m.bytes.copy(into);
      return { bytes: m.bytes.length, from: m.from };
    },
    close: () => undefined,
  };
  return { socket, sent, inbox, attach: (c: FakeClock) => (clock = c) };
}

describe('router advertisement sender', () => {
  const base = { iface: 'bb0', linkLocal: () => 'fe80::1', mac: () => '52:54:00:00:00:01', random: () => 0.5 };

  test('advertises at start, then within RFC 4861 intervals (first three ≤ 16 s apart)', async () => {
    const clock = new FakeClock();
    const f = fakeSocket();
    f.attach(clock);
    const ra = createRouterAdvertiser({
      ...base,
      bus: new EventBus(),
      clock,
      openSocket: () => f.socket,
      maxIntervalS: 60,
      minIntervalS: 20,
    });
    await ra.start();
    assert.equal(ra.status().state, 'up');
    assert.deepEqual(
      f.sent.map((s) => [s.to, s.at]),
      [['ff02::1', 0]],
    );
    assert.deepEqual(decodeRouterAdvertisement(f.sent[0]!.bytes)?.routerLifetime, 0);
    clock.advance(200_000);
    const gaps = f.sent.slice(1).map((s, i) => s.at - f.sent[i]!.at);
    assert.deepEqual(gaps.slice(0, 2), [16_000, 16_000]);
    assert.ok(
      gaps.slice(2).every((g) => g === 40_000),
      `later gaps: ${gaps.join(',')}`,
    );
    await ra.stop();
    const count = f.sent.length;
    clock.advance(200_000);
    assert.equal(f.sent.length, count, 'nothing after stop');
    assert.equal(ra.status().state, 'stopped');
  });

  test('answers a solicitation by unicast within 500 ms, once per solicitor per second', async () => {
    const clock = new FakeClock();
    const f = fakeSocket();
    f.attach(clock);
    const ra = createRouterAdvertiser({ ...base, bus: new EventBus(), clock, openSocket: () => f.socket });
    await ra.start();
    f.inbox.push({ from: 'fe80::5054:ff:fe00:2', bytes: encodeRouterSolicitation('52:54:00:00:00:02') });
    f.inbox.push({ from: 'fe80::5054:ff:fe00:2', bytes: encodeRouterSolicitation('52:54:00:00:00:02') });
    clock.advance(1_000);
    const answers = f.sent.filter((s) => s.to === 'fe80::5054:ff:fe00:2');
    assert.equal(answers.length, 1);
    assert.ok(answers[0]!.at <= 100 + 500);
    assert.equal(ra.status().counters.solicitations, 2);
    assert.equal(ra.status().counters.solicited, 1);
    await ra.stop();
  });

  test('a solicitation from :: gets a multicast, no sooner than 3 s after the last one', async () => {
    const clock = new FakeClock();
    const f = fakeSocket();
    f.attach(clock);
    const ra = createRouterAdvertiser({ ...base, bus: new EventBus(), clock, openSocket: () => f.socket });
    await ra.start();
    f.inbox.push({ from: '::', bytes: encodeRouterSolicitation(null) });
    f.inbox.push({ from: '::', bytes: encodeRouterSolicitation('52:54:00:00:00:09') }); // invalid: SLLA from ::
    clock.advance(5_000);
    const multicasts = f.sent.filter((s) => s.to === 'ff02::1');
    assert.deepEqual(
      multicasts.map((s) => s.at),
      [0, 3_000],
    );
    assert.equal(ra.status().counters.solicitations, 1);
    await ra.stop();
  });

  test('waits while the link-local address is tentative, then advertises', async () => {
    const clock = new FakeClock();
    const f = fakeSocket({ bindFailures: 2 });
    f.attach(clock);
    const ra = createRouterAdvertiser({ ...base, bus: new EventBus(), clock, openSocket: () => f.socket });
    await ra.start();
    assert.equal(ra.status().state, 'starting');
    assert.match(ra.status().error ?? '', /duplicate address detection/);
    clock.advance(2_000);
    assert.equal(ra.status().state, 'up');
    assert.equal(f.sent[0]?.at, 2_000);
    await ra.stop();
  });

  test('no link-local address: not started, with a reason, and start() does not reject', async () => {
    const bus = new EventBus();
    const ra = createRouterAdvertiser({ ...base, linkLocal: () => null, bus, openSocket: () => assert.fail('no socket without IPv6') });
    await ra.start();
    const s = ra.status();
    assert.equal(s.name, 'ra');
    assert.equal(s.state, 'stopped');
    assert.match(s.error ?? '', /no IPv6 link-local address/);
    assert.ok(bus.history().some((e) => e.type === 'log' && e.kind === 'ra.unavailable'));
  });

  test('no privilege for raw sockets: failed with a reason, start() does not reject', async () => {
    const ra = createRouterAdvertiser({
      ...base,
      bus: new EventBus(),
      openSocket: () => {
        throw new SyscallError('socket', 1);
      },
    });
    await ra.start();
    assert.equal(ra.status().state, 'failed');
    assert.match(ra.status().error ?? '', /CAP_NET_RAW/);
  });
});
