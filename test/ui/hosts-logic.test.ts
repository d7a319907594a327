// The machine list's words and order, pure (renderer/features/hosts/host-words.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Host } from '../../electron/shared/contract.js';
import { firstBootWords, machineWords, matchesSearch, nameOf, pollWords, sortHosts } from '../../renderer/features/hosts/host-words.js';

const host = (over: Partial<Host>): Host =>
  ({
    mac: '52:54:00:00:00:01',
    firmware: 'bios',
    arch: 'x86_64',
    clientArch: 0,
    ip: null,
    state: 'discovered',
    distro: null,
    uuid: null,
    vendorClass: null,
    userClass: null,
    hostname: null,
    firstSeen: '2026-01-01T10:00:00.000Z',
    lastSeen: '2026-01-01T10:00:00.000Z',
    chain: 'ipxe',
    ...over,
  }) as Host;

test('sortHosts: newest first-seen first, by MAC on a tie; lastSeen never moves a row', () => {
  const a = host({ mac: '52:54:00:00:00:0a', firstSeen: '2026-01-01T10:00:00.000Z' });
  const b = host({ mac: '52:54:00:00:00:0b', firstSeen: '2026-01-01T10:05:00.000Z' });
  const c = host({ mac: '52:54:00:00:00:0c', firstSeen: '2026-01-01T10:05:00.000Z' });
  const order = (hs: Host[]) => sortHosts(hs).map((h) => h.mac.slice(-2));
  assert.deepEqual(order([a, b, c]), ['0b', '0c', '0a']);
  assert.deepEqual(order([{ ...a, lastSeen: '2026-01-01T11:00:00.000Z' }, c, b]), ['0b', '0c', '0a']);
});

test('nameOf and machineWords: the label, else the install host name, with the MAC', () => {
  assert.equal(nameOf(host({})), null);
  assert.equal(nameOf(host({ hostname: 'node-1' })), 'node-1');
  assert.equal(nameOf(host({ hostname: 'node-1', label: 'rack 3' })), 'rack 3');
  assert.equal(machineWords(host({ label: 'rack 3' })), 'rack 3 (52:54:00:00:00:01)');
  assert.equal(machineWords(host({})), '52:54:00:00:00:01');
});

test('matchesSearch: name, host name, MAC in any spelling, IP, vendor; every word must match', () => {
  const h = host({ label: 'Rack-3 web', hostname: 'node-7', ip: '10.0.0.105' });
  for (const q of ['rack-3', 'WEB', 'node-7', '00:00:01', '52-54-00', '525400000001', '10.0.0.105', 'qemu', 'rack qemu', ''])
    assert.ok(matchesSearch(h, q), q);
  for (const q of ['dell', '10.0.0.106', 'rack dell']) assert.ok(!matchesSearch(h, q), q);
});

test('pollWords: waiting and polled N s ago; not polling after 30 s; nothing for other states', () => {
  const now = Date.parse('2026-01-01T10:00:10.000Z');
  const polled = host({ lastPolledAt: '2026-01-01T10:00:07.000Z' });
  assert.equal(pollWords(polled, now), 'waiting — polled 3 s ago');
  assert.equal(pollWords({ ...polled, lastPolledAt: '2026-01-01T09:55:00.000Z' }, now), 'not polling — last poll 5 min ago');
  assert.equal(pollWords({ ...polled, lastPolledAt: '2026-01-01T09:59:25.000Z' }, now), 'not polling — last poll 45 s ago');
  assert.equal(pollWords({ ...polled, state: 'installed' }, now), null);
  assert.equal(pollWords(host({}), now), null);
});

test('first boot: confirmed, or a warning once overdue; nothing for a host not installed', () => {
  const at = '2026-01-01T11:00:00.000Z';
  assert.deepEqual(firstBootWords(host({ state: 'installed', firstBoot: at })), { text: 'first boot confirmed', warn: false, at });
  assert.deepEqual(firstBootWords(host({ state: 'installed', firstBoot: null, firstBootOverdue: true })), {
    text: 'no first boot reported',
    warn: true,
    at: null,
  });
  assert.equal(firstBootWords(host({ state: 'installed', firstBoot: null, firstBootOverdue: false })), null, 'still within its time');
  assert.equal(firstBootWords(host({ state: 'installed' })), null, 'installed before first boots were reported');
  assert.equal(firstBootWords(host({ state: 'queued', firstBoot: null, firstBootOverdue: false })), null);
});
