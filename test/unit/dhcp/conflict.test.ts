import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { ConflictGuard, type AddressProber } from '../../../electron/core/dhcp/conflict.js';
import { ipToInt, subnetOf } from '../../../electron/core/dhcp/ipv4.js';
import { LeaseTable } from '../../../electron/core/dhcp/leases.js';

/** A prober whose every probeMany call waits until the test answers it. */
class FakeProber implements AddressProber {
  readonly calls: { ips: string[]; settled: boolean; answer: (inUse?: string[]) => void; fail: (e: Error) => void }[] = [];
  closed = false;

  probeMany(ips: string[]): Promise<Set<string>> {
    return new Promise((resolve, reject) => {
      const call = {
        ips: [...ips],
        settled: false,
        answer: (inUse: string[] = []) => {
          call.settled = true;
          resolve(new Set(inUse.filter((ip) => ips.includes(ip))));
        },
        fail: (e: Error) => {
          call.settled = true;
          reject(e);
        },
      };
      this.calls.push(call);
    });
  }

  close(): void {
    this.closed = true;
  }

  pending() {
    return this.calls.filter((c) => !c.settled);
  }

  last() {
    const c = this.calls.at(-1);
    assert.ok(c, 'a probe was sent');
    return c;
  }

  /** Every address currently being probed, in more than one unanswered batch or not. */
  inFlight(): string[] {
    return this.pending().flatMap((c) => c.ips);
  }
}

function setup(options: { minAhead?: number; freshMs?: number; poolEnd?: number } = {}) {
  let now = 1_000_000;
  const clock = () => now;
  const table = new LeaseTable({
    pool: { start: ipToInt('10.231.77.100'), end: ipToInt(`10.231.77.${options.poolEnd ?? 131}`) },
    subnet: subnetOf('10.231.77.1', 24),
    serverIp: '10.231.77.1',
    leaseTimeSec: 3600,
    clock,
  });
  const prober = new FakeProber();
  const conflicts: string[] = [];
  const probeErrors: string[] = [];
  const guard = new ConflictGuard(prober, table, {
    timeoutMs: 500,
    freshMs: 30_000,
    minAhead: options.minAhead ?? 4,
    maxAhead: 64,
    clock,
    onConflict: (ip) => conflicts.push(ip),
    onProbeError: (e) => probeErrors.push(e.message),
  });
  return { table, prober, guard, conflicts, probeErrors, advance: (ms: number) => (now += ms) };
}

/** Resolves to 'pending' when the promise has not settled after the queued callbacks ran. */
async function state<T>(p: Promise<T>): Promise<T | 'pending'> {
  const marker = Symbol('pending');
  const r = await Promise.race([p, tick().then(() => marker)]);
  return r === marker ? 'pending' : (r as T);
}

describe('ConflictGuard', () => {
  test('prime() probes the next free addresses ahead of demand', () => {
    const { prober, guard } = setup();
    guard.prime();
    assert.equal(prober.calls.length, 1);
    assert.deepEqual(prober.last().ips, ['10.231.77.100', '10.231.77.101', '10.231.77.102', '10.231.77.103']);
  });

  test('an address probed ahead and silent is offered without waiting and without a new probe', async () => {
    const { prober, guard } = setup();
    guard.prime();
    prober.last().answer([]);
    await tick();
    const before = prober.calls.length;
    assert.equal(await state(guard.isFree('10.231.77.100')), true);
    assert.equal(prober.calls.filter((c) => c.ips.includes('10.231.77.100')).length, 1, 'not probed again');
    assert.ok(prober.calls.length >= before);
  });

  test('one probe, one offer: a cleared address is probed again before a second offer', async () => {
    const { prober, guard } = setup();
    guard.prime();
    prober.last().answer([]);
    await tick();
    assert.equal(await guard.isFree('10.231.77.101'), true);
    const second = guard.isFree('10.231.77.101');
    assert.equal(await state(second), 'pending');
    const call = prober.calls.find((c) => !c.settled && c.ips.includes('10.231.77.101'));
    assert.ok(call);
    call.answer([]);
    assert.equal(await second, true);
  });

  test('a stale clearance (older than freshMs) is not trusted', async () => {
    const { prober, guard, advance } = setup();
    guard.prime();
    prober.last().answer([]);
    await tick();
    advance(30_001);
    const p = guard.isFree('10.231.77.100');
    assert.equal(await state(p), 'pending', 'probed again');
    for (const c of prober.pending()) c.answer(['10.231.77.100']);
    assert.equal(await p, false);
  });

  test('an address that answers is blocked in the table and reported through onConflict', async () => {
    const { prober, guard, table, conflicts } = setup();
    guard.prime();
    prober.last().answer(['10.231.77.102']);
    await tick();
    assert.deepEqual(conflicts, ['10.231.77.102']);
    assert.ok(!table.peekFree(32).includes('10.231.77.102'), 'blocked: not free any more');
    assert.equal(table.candidateFor('52:54:00:00:00:01', '10.231.77.102'), '10.231.77.100', 'not offered even when asked for');
    const p = guard.isFree('10.231.77.110');
    for (const c of prober.pending()) c.answer(['10.231.77.110']);
    assert.equal(await p, false);
    assert.deepEqual(conflicts, ['10.231.77.102', '10.231.77.110']);
  });

  test('a client that needs an unprobed address waits for its probe only; another client is not delayed', async () => {
    const { prober, guard } = setup();
    guard.prime();
    prober.last().answer([]);
    await tick();
    const slow = guard.isFree('10.231.77.120'); // requested, never probed
    assert.equal(await state(slow), 'pending');
    const slowCall = prober.calls.find((c) => c.ips.includes('10.231.77.120'));
    assert.ok(slowCall && !slowCall.settled);
    assert.deepEqual(slowCall.ips, ['10.231.77.120'], 'its own probe, not a batch');
    // meanwhile another client's offer of a probed-ahead address goes out at once
    assert.equal(await state(guard.isFree('10.231.77.101')), true);
    assert.equal(await state(slow), 'pending');
    slowCall.answer([]);
    assert.equal(await slow, true);
  });

  test('an address already being probed is not probed twice; both askers get the answer', async () => {
    const { prober, guard, conflicts } = setup();
    guard.prime(); // .100-.103 in flight
    const a = guard.isFree('10.231.77.102');
    const b = guard.isFree('10.231.77.102');
    await tick();
    assert.equal(prober.calls.filter((c) => c.ips.includes('10.231.77.102')).length, 1);
    prober.calls[0]?.answer(['10.231.77.102']);
    assert.deepEqual([await a, await b], [false, false]);
    assert.ok(conflicts.includes('10.231.77.102'));
  });

  test('refill keeps probing ahead as addresses are used, never one address in two batches at once', async () => {
    const { prober, guard, table } = setup({ minAhead: 4 });
    guard.prime();
    const used = new Set<string>();
    for (let round = 0; round < 12; round += 1) {
      // answer whatever is pending, then hand out two addresses as the server would
      for (const c of prober.pending()) c.answer([]);
      await tick();
      for (let k = 0; k < 2; k += 1) {
        const ip = table.candidateFor(`52:54:00:00:01:${(round * 2 + k).toString(16).padStart(2, '0')}`, null);
        assert.ok(ip);
        table.hold(`52:54:00:00:01:${(round * 2 + k).toString(16).padStart(2, '0')}`, ip);
        const free = guard.isFree(ip);
        const inFlight = prober.inFlight();
        assert.equal(new Set(inFlight).size, inFlight.length, `round ${round}: an address in two probes at once: ${inFlight.join(',')}`);
        for (const c of prober.pending()) if (c.ips.includes(ip)) c.answer([]);
        assert.equal(await free, true);
        used.add(ip);
      }
    }
    const probed = new Set(prober.calls.flatMap((c) => c.ips));
    for (const ip of used) assert.ok(probed.has(ip), `${ip} was probed before it was offered`);
    assert.ok(prober.calls.length > 3, 'refill probed more than the first batch');
    for (const c of prober.pending()) {
      for (const ip of c.ips) assert.ok(!used.has(ip), `${ip} is held by a client but probed ahead again`);
    }
  });

  test('addresses handed out while their look-ahead probe was in flight do not count as probed ahead', async () => {
    // A PXE boot storm right after start: the first clients take the addresses of the first
    // look-ahead batch before it answers. Those must not be kept as "cleared", or refill thinks
    // enough is probed ahead and every later client waits for its own probe.
    const { prober, guard, table } = setup({ minAhead: 4 });
    guard.prime();
    const first = prober.last();
    const offers: Promise<boolean>[] = [];
    for (let k = 0; k < 4; k += 1) {
      const m = `52:54:00:00:02:0${k}`;
      const ip = table.candidateFor(m, null);
      assert.ok(ip);
      table.hold(m, ip);
      offers.push(guard.isFree(ip));
    }
    first.answer([]);
    assert.deepEqual(await Promise.all(offers), [true, true, true, true]);
    await tick();
    const ahead = prober.calls.slice(1).flatMap((c) => c.ips);
    assert.ok(
      ahead.includes('10.231.77.104'),
      `the next free addresses are probed ahead (probes after the first: ${JSON.stringify(ahead)})`,
    );
  });

  test('a prober that fails counts as "free" (as dnsmasq does) but is reported', async () => {
    const { prober, guard, probeErrors, conflicts } = setup();
    const p = guard.isFree('10.231.77.120');
    prober.calls.find((c) => c.ips.includes('10.231.77.120'))?.fail(new Error('EPERM: raw socket'));
    assert.equal(await p, true);
    assert.deepEqual(conflicts, []);
    assert.ok(
      probeErrors.some((m) => m.includes('EPERM')),
      'the failure is visible',
    );
  });
});

describe('ConflictGuard under demand (the server path: takeReady first)', () => {
  test('after priming, sequential clients are served from the ready queue without ever waiting', async () => {
    const { prober, guard, table } = setup();
    guard.prime();
    prober.last().answer([]);
    await tick();
    const taken = new Set<string>();
    for (let i = 0; i < 3; i += 1) {
      const ip = guard.takeReady();
      assert.ok(ip, `client ${i} found a probed address ready`);
      assert.ok(!taken.has(ip), 'each ready address is handed out once');
      taken.add(ip);
      table.hold(`02:00:00:00:00:0${i}`, ip);
    }
  });

  test('a miss (nothing ready) makes the next look-ahead batch larger, in overlapping batches', async () => {
    const { prober, guard } = setup({ poolEnd: 250 });
    guard.prime();
    const first = prober.calls.length;
    for (let i = 0; i < 6; i += 1) assert.equal(guard.takeReady(), null, 'nothing answered yet: nothing ready');
    assert.ok(prober.calls.length > first, 'a new batch was started while the first is still out');
    const sizes = prober.calls.map((c) => c.ips.length);
    assert.ok((sizes.at(-1) ?? 0) >= (sizes[0] ?? 0), `batch sizes ${sizes}`);
  });
});
