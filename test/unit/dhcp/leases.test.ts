import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ipToInt, subnetOf } from '../../../electron/core/dhcp/ipv4.js';
import { LeaseTable, type LeaseTableOptions } from '../../../electron/core/dhcp/leases.js';

const SERVER = '10.231.77.1';
const HOUR = 3600;

function clock(start = 1_700_000_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

function table(overrides: Partial<LeaseTableOptions> = {}, c = clock()) {
  const t = new LeaseTable({
    pool: { start: ipToInt('10.231.77.100'), end: ipToInt('10.231.77.109') },
    subnet: subnetOf(SERVER, 24),
    serverIp: SERVER,
    leaseTimeSec: HOUR,
    offerHoldMs: 60_000,
    declineHoldMs: 600_000,
    clock: c.now,
    ...overrides,
  });
  return { t, c };
}

const mac = (n: number) => `52:54:00:00:00:${n.toString(16).padStart(2, '0')}`;

/** DISCOVER + REQUEST as the server does them. */
function dora(t: LeaseTable, m: string, requested: string | null = null): string {
  const ip = t.candidateFor(m, requested);
  assert.ok(ip, `an address for ${m}`);
  t.hold(m, ip);
  const ack = t.ack(m, ip);
  assert.ok(ack.ok, ack.ok ? '' : ack.reason);
  return ip;
}

describe('allocation order', () => {
  test('next free address from the start of the pool, in order', () => {
    const { t } = table();
    assert.equal(dora(t, mac(1)), '10.231.77.100');
    assert.equal(dora(t, mac(2)), '10.231.77.101');
    assert.equal(dora(t, mac(3)), '10.231.77.102');
  });

  test('reservation first, even over a requested address and the pool order', () => {
    const { t } = table({ reservations: [{ mac: mac(9), ip: '10.231.77.50' }] });
    assert.equal(t.candidateFor(mac(9), '10.231.77.105'), '10.231.77.50');
    const ack = t.ack(mac(9), '10.231.77.50');
    assert.ok(ack.ok);
    // another client cannot take the reserved address, nor can the reserved client take another
    assert.equal(t.ack(mac(9), '10.231.77.105').ok, false);
    const r2 = table({ reservations: [{ mac: mac(9), ip: '10.231.77.100' }] }).t;
    assert.equal(r2.candidateFor(mac(1), '10.231.77.100'), '10.231.77.101', 'reserved address is not offered to others');
    assert.equal(r2.ack(mac(1), '10.231.77.100').ok, false);
  });

  test('preferredFor says which address applies and why, or that a reserved client must get none', () => {
    const { t } = table({ reservations: [{ mac: mac(9), ip: '10.231.77.50' }] });
    assert.deepEqual(t.preferredFor(mac(9), '10.231.77.105'), { kind: 'address', ip: '10.231.77.50', source: 'reservation' });
    assert.deepEqual(t.preferredFor(mac(1), '10.231.77.105'), { kind: 'address', ip: '10.231.77.105', source: 'requested' });
    assert.deepEqual(t.preferredFor(mac(1), null), { kind: 'none' });
    const ip = dora(t, mac(1));
    assert.deepEqual(t.preferredFor(mac(1), '10.231.77.107'), { kind: 'address', ip, source: 'lease' });
    // the reserved address found in use (a conflict probe or a DECLINE): no address at all for it
    t.block('10.231.77.50');
    assert.deepEqual(t.preferredFor(mac(9), null), { kind: 'reservation-unusable', ip: '10.231.77.50' });
    assert.equal(t.candidateFor(mac(9), '10.231.77.105'), null, 'never a pool address instead of its reservation');
  });

  test('the current lease beats a requested address', () => {
    const { t } = table();
    const ip = dora(t, mac(1));
    assert.equal(t.candidateFor(mac(1), '10.231.77.107'), ip);
  });

  test('an expired lease stays with its MAC (the machine comes back to the same address)', () => {
    const { t, c } = table();
    const ip = dora(t, mac(1));
    c.advance(HOUR * 1000 * 5);
    dora(t, mac(2)); // others are served from fresh addresses first
    assert.notEqual(t.leaseOf(mac(2))?.ip, ip);
    assert.equal(t.candidateFor(mac(1), null), ip);
  });

  test('the requested address when free; ignored when outside the pool or taken', () => {
    // (each case on a fresh table: the rotating cursor moves on with every candidate)
    assert.equal(table().t.candidateFor(mac(1), '10.231.77.105'), '10.231.77.105');
    assert.equal(table().t.candidateFor(mac(1), '10.231.77.20'), '10.231.77.100', 'outside the pool');
    assert.equal(table().t.candidateFor(mac(1), SERVER), '10.231.77.100', 'the server address');
    const { t } = table();
    dora(t, mac(2), '10.231.77.105');
    assert.equal(t.candidateFor(mac(1), '10.231.77.105'), '10.231.77.100', 'leased to another MAC');
  });

  test('the server address is never offered, even inside the pool', () => {
    const { t } = table({ pool: { start: ipToInt('10.231.77.1'), end: ipToInt('10.231.77.3') } });
    const got = [dora(t, mac(1)), dora(t, mac(2))];
    assert.deepEqual(got, ['10.231.77.2', '10.231.77.3']);
    assert.equal(t.candidateFor(mac(3), null), null);
    assert.equal(t.ack(mac(3), SERVER).ok, false);
  });

  test('excluded addresses are never offered', () => {
    const { t } = table({ excluded: ['10.231.77.100', '10.231.77.101'] });
    assert.equal(dora(t, mac(1)), '10.231.77.102');
  });

  test('a lease loaded from another subnet (the NIC moved) is not offered again', () => {
    // Offering it would loop: the REQUEST for it is NAKed as "not on this network".
    const { t } = table();
    t.load([{ mac: mac(1), ip: '192.168.1.50', expiresAt: Date.now() + 10_000_000 }]);
    const ip = t.candidateFor(mac(1), null);
    assert.ok(ip && t.inSubnet(ip), `offered ${ip}`);
    assert.equal(ip, '10.231.77.100');
  });
});

describe('offers and acks', () => {
  test('an offer holds the address for others, and the hold expires', () => {
    const { t, c } = table({ pool: { start: ipToInt('10.231.77.100'), end: ipToInt('10.231.77.100') } });
    const ip = t.candidateFor(mac(1), null);
    assert.equal(ip, '10.231.77.100');
    t.hold(mac(1), ip);
    assert.equal(t.candidateFor(mac(2), null), null, 'held for the first client');
    assert.equal(t.ack(mac(2), ip).ok, false, 'another MAC cannot ack a held address');
    assert.equal(t.leaseOf(mac(1)), null, 'an offer is not a lease');
    assert.deepEqual(t.records(), []);
    c.advance(60_001);
    assert.equal(t.candidateFor(mac(2), null), ip, 'reusable once the hold lapsed');
    t.hold(mac(2), ip);
    assert.equal(t.ack(mac(2), ip).ok, true);
    assert.equal(t.ack(mac(1), ip).ok, false);
  });

  test('ack binds with the lease time', () => {
    const { t, c } = table();
    const ack = t.ack(mac(1), '10.231.77.103', 'node1');
    assert.ok(ack.ok);
    assert.deepEqual(ack.lease, { mac: mac(1), ip: '10.231.77.103', expiresAt: c.now() + HOUR * 1000, hostname: 'node1' });
    assert.deepEqual(t.records(), [ack.lease]);
  });

  test('ack outside the pool, of a non-address, or of a bound address of another MAC is refused', () => {
    const { t } = table();
    assert.equal(t.ack(mac(1), '10.231.77.20').ok, false);
    assert.equal(t.ack(mac(1), '10.9.9.9').ok, false);
    assert.equal(t.ack(mac(1), 'nonsense').ok, false);
    dora(t, mac(2), '10.231.77.104');
    const refused = t.ack(mac(1), '10.231.77.104');
    assert.equal(refused.ok, false);
    assert.equal(t.leaseOf(mac(2))?.ip, '10.231.77.104');
    assert.equal(t.inSubnet('10.231.77.20'), true);
    assert.equal(t.inSubnet('10.231.78.20'), false);
  });

  test('renewal extends the same lease', () => {
    const { t, c } = table();
    const ip = dora(t, mac(1));
    c.advance(1_800_000);
    const again = t.ack(mac(1), ip);
    assert.ok(again.ok);
    assert.equal(again.lease.expiresAt, c.now() + HOUR * 1000);
    assert.equal(t.records().length, 1);
  });
});

describe('release and block', () => {
  test('release keeps the MAC→IP pairing: the same address comes back', () => {
    const { t } = table();
    const ip = dora(t, mac(1));
    dora(t, mac(2));
    const rec = t.release(mac(1), ip);
    assert.deepEqual(rec, { mac: mac(1), ip, expiresAt: 0 });
    assert.equal(t.release(mac(1), '10.231.77.109'), null, 'not its address');
    assert.equal(t.release(mac(3), ip), null, 'not its lease');
    dora(t, mac(3)); // a new client does not get the released address while others are free
    assert.notEqual(t.leaseOf(mac(3))?.ip, ip);
    assert.equal(t.candidateFor(mac(1), null), ip);
  });

  test('block (DECLINE / conflict) sets the address aside for the hold time, then it comes back', () => {
    const { t, c } = table({ pool: { start: ipToInt('10.231.77.100'), end: ipToInt('10.231.77.101') } });
    const ip = dora(t, mac(1));
    t.block(ip);
    assert.equal(t.leaseOf(mac(1)), null, 'the declined lease is gone');
    const next = t.candidateFor(mac(1), ip);
    assert.equal(next, '10.231.77.101', 'a different address, even when asked for the blocked one');
    t.hold(mac(1), next);
    assert.equal(t.candidateFor(mac(2), null), null, 'blocked and held: nothing left');
    assert.equal(t.ack(mac(2), ip).ok, false, 'a blocked address cannot be acked');
    assert.deepEqual(t.peekFree(10), []);
    c.advance(600_001);
    assert.equal(t.candidateFor(mac(2), null), ip, 'back after the decline hold');
  });

  test('pool exhaustion returns null, and reuses long-expired leases of others before that', () => {
    const { t, c } = table({ pool: { start: ipToInt('10.231.77.100'), end: ipToInt('10.231.77.102') } });
    for (let i = 1; i <= 3; i += 1) dora(t, mac(i));
    assert.equal(t.candidateFor(mac(4), null), null);
    c.advance(HOUR * 1000 + 1);
    const ip = t.candidateFor(mac(4), null);
    assert.ok(ip, 'an expired lease of another MAC is reused when nothing else is left');
    dora(t, mac(4));
    const ips = t.records().map((r) => r.ip);
    assert.equal(new Set(ips).size, ips.length);
  });
});

describe('peekFree', () => {
  test('skips held, leased, blocked, reserved, excluded and skip-listed addresses, without taking them', () => {
    const { t } = table({ reservations: [{ mac: mac(9), ip: '10.231.77.103' }], excluded: ['10.231.77.104'] });
    t.hold(mac(1), '10.231.77.100');
    dora(t, mac(2)); // takes .101
    t.block('10.231.77.102');
    const free = t.peekFree(3, new Set(['10.231.77.105']));
    assert.deepEqual(free, ['10.231.77.106', '10.231.77.107', '10.231.77.108']);
    assert.deepEqual(t.peekFree(1), ['10.231.77.109'], 'a second look-ahead moves on instead of returning the same addresses');
    assert.equal(t.peekFree(100).length, 5, 'peeking takes nothing: 105..109 are all still free');
    assert.equal(t.candidateFor(mac(3), null), '10.231.77.105', 'allocation is not moved by peeking');
  });
});

describe('invariant: two MACs never share an address', () => {
  function rng(seed: number) {
    let s = seed >>> 0;
    return () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
  }

  for (const seed of [1, 2, 3, 42, 1234]) {
    test(`random workload, seed ${seed}`, () => {
      const random = rng(seed);
      const c = clock();
      const { t } = table(
        {
          pool: { start: ipToInt('10.231.77.100'), end: ipToInt('10.231.77.131') },
          reservations: [{ mac: mac(200), ip: '10.231.77.110' }],
          offerHoldMs: 5_000,
          declineHoldMs: 20_000,
          leaseTimeSec: 60,
        },
        c,
      );
      const macs = Array.from({ length: 48 }, (_, i) => mac(i + 1)).concat(mac(200));
      const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)] as T;
      const poolIp = () => `10.231.77.${95 + Math.floor(random() * 45)}`;
      for (let step = 0; step < 5000; step += 1) {
        const m = pick(macs);
        const action = random();
        if (action < 0.35) {
          const ip = t.candidateFor(m, random() < 0.3 ? poolIp() : null);
          if (ip) t.hold(m, ip);
        } else if (action < 0.65) {
          const wanted = random() < 0.6 ? (t.candidateFor(m, null) ?? poolIp()) : poolIp();
          const held = t.records().find((r) => r.ip === wanted && r.mac !== m && r.expiresAt > c.now());
          const res = t.ack(m, wanted);
          if (held) assert.equal(res.ok, false, `ack of ${wanted}, bound to ${held.mac}, by ${m}`);
        } else if (action < 0.75) {
          const own = t.leaseOf(m);
          if (own) t.release(m, own.ip);
        } else if (action < 0.8) {
          const own = t.leaseOf(m);
          if (own) t.block(own.ip);
        } else if (action < 0.85) {
          t.peekFree(4);
        } else {
          c.advance(Math.floor(random() * 10_000));
        }
        const records = t.records();
        const ips = records.map((r) => r.ip);
        assert.equal(new Set(ips).size, ips.length, `step ${step}: an address leased twice: ${ips.join(',')}`);
        assert.equal(new Set(records.map((r) => r.mac)).size, records.length, `step ${step}: a MAC twice`);
        for (const r of records) {
          assert.notEqual(r.ip, SERVER);
          if (r.ip === '10.231.77.110') assert.equal(r.mac, mac(200), 'reserved address given to another MAC');
        }
      }
    });
  }
});
