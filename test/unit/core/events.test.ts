import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus, Ring } from '../../../electron/core/events.js';

test('a ring keeps the last N items in order', () => {
  const ring = new Ring<number>(3);
  assert.deepEqual(ring.toArray(), []);
  for (let i = 1; i <= 7; i += 1) ring.push(i);
  assert.deepEqual(ring.toArray(), [5, 6, 7]);
});

test('the bus stamps seq and time, keeps bounded backlogs overall and per host', () => {
  const bus = new EventBus({ backlog: 4, perHostBacklog: 2, clock: () => new Date('2026-01-01T00:00:00Z') });
  for (let i = 0; i < 6; i += 1) bus.log('dhcp', 'info', 'x', `m${i}`, { mac: i % 2 ? 'aa:aa:aa:aa:aa:aa' : null });
  assert.deepEqual(
    bus.history().map((e) => e.seq),
    [3, 4, 5, 6],
  );
  assert.deepEqual(
    bus.history({ since: 4 }).map((e) => e.seq),
    [5, 6],
  );
  assert.deepEqual(
    bus.history({ mac: 'aa:aa:aa:aa:aa:aa' }).map((e) => e.seq),
    [4, 6],
  );
  assert.deepEqual(bus.history({ mac: 'bb:bb:bb:bb:bb:bb' }), []);
  assert.equal(bus.history()[0]?.time, '2026-01-01T00:00:00.000Z');
});

test('a throwing subscriber does not stop the others', () => {
  const bus = new EventBus();
  const seen: number[] = [];
  bus.subscribe(() => {
    throw new Error('boom');
  });
  bus.subscribe((e) => seen.push(e.seq));
  const stop = bus.subscribe((e) => seen.push(e.seq * 10));
  bus.log('core', 'info', 'a', 'one');
  stop();
  bus.log('core', 'info', 'b', 'two');
  assert.deepEqual(seen, [1, 10, 2]);
});

test('an event emitted by a listener reaches every listener after the one that caused it (seq order)', () => {
  const bus = new EventBus();
  // The first subscriber reacts to a log line with another event, as the host registry's "last seen" does.
  bus.subscribe((e) => {
    if (e.type === 'log' && e.kind === 'x.contact') bus.log('core', 'info', 'x.reaction', 'reaction');
  });
  const seen: number[] = [];
  bus.subscribe((e) => seen.push(e.seq));
  bus.log('core', 'info', 'x.contact', 'first');
  bus.log('core', 'info', 'x.other', 'second');
  assert.equal(seen.length, 3);
  assert.deepEqual(
    seen,
    [...seen].sort((a, b) => a - b),
    'a later subscriber sees seq N before N+1',
  );
});
