// The host panel's pure parts, in Node: durations, an install's progress in words, which installs
// finished between two views of the hosts (and the title they give the window), and the service
// chips' accessible names.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Host, HostInstall, ServiceStatus } from '../../electron/shared/contract.js';
import { activeCount, finishedInstalls, windowTitle } from '../../renderer/app/announce.js';
import { formatDuration } from '../../renderer/components/format.js';
import { deadlineWords, elapsedWords, progressValueText } from '../../renderer/components/install-words.js';
import { serviceLabel } from '../../renderer/features/status/ServiceBar.js';

const T0 = Date.parse('2026-12-07T10:00:00Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

function install(over: Partial<HostInstall> = {}): HostInstall {
  return {
    id: 'i1',
    distro: 'rocky-9.4-x86_64',
    template: 'kickstart',
    settings: {},
    stage: 'installing',
    queuedAt: at(0),
    stageSince: at(60_000),
    lastStep: 'syslog: Installing packages',
    lastStepAt: at(90_000),
    deadline: at(90_000 + 30 * 60_000),
    progress: 0.41,
    finishedAt: null,
    failure: null,
    ...over,
  };
}

function host(mac: string, state: Host['state'], over: Partial<Host> = {}): Host {
  return {
    mac,
    firmware: 'bios',
    arch: 'x86',
    clientArch: 0,
    ip: null,
    state,
    distro: null,
    uuid: null,
    vendorClass: null,
    userClass: null,
    hostname: null,
    firstSeen: at(0),
    lastSeen: at(0),
    chain: 'ipxe',
    ...over,
  };
}

describe('durations', () => {
  test('the two largest units', () => {
    assert.equal(formatDuration(0), '0 s');
    assert.equal(formatDuration(45_900), '45 s');
    assert.equal(formatDuration(3 * 60_000 + 12_000), '3 min 12 s');
    assert.equal(formatDuration(5 * 60_000), '5 min');
    assert.equal(formatDuration(64 * 60_000 + 30_000), '1 h 4 min');
    assert.equal(formatDuration(-5), '0 s', 'a clock a little ahead of the server is not negative time');
  });
});

describe('an install in words', () => {
  test('the progress bar says the stage and a percentage, not a fraction', () => {
    assert.equal(progressValueText(install()), 'Installing, 41%');
    assert.equal(progressValueText(install({ stage: 'queued', progress: 0.05 })), 'Waiting for the machine to boot from the network, 5%');
  });

  test('elapsed since queued, and in the stage', () => {
    assert.equal(elapsedWords(install(), T0 + 3 * 60_000 + 12_000), '3 min 12 s elapsed (2 min 12 s in this stage)');
    assert.equal(elapsedWords(install({ stage: 'queued', stageSince: at(0) }), T0 + 30_000), '30 s elapsed');
  });

  test('the deadline says when and what a stall fails it for, per stage', () => {
    const now = T0 + 90_000;
    assert.match(deadlineWords(install(), now) ?? '', /^Fails at .+ \(in 30 min\) if the installer stays silent/);
    assert.match(deadlineWords(install({ stage: 'booting', deadline: at(90_000 + 15 * 60_000) }), now) ?? '', /in 15 min.*answer file/);
    assert.match(deadlineWords(install({ stage: 'queued', deadline: at(90_000 + 60_000) }), now) ?? '', /in 1 min.*started the installer/);
    assert.match(deadlineWords(install(), T0 + 90_000 + 30 * 60_000) ?? '', /Time limit reached/);
    assert.equal(deadlineWords(install({ stage: 'installed', deadline: null }), now), null);
  });
});

describe('finished installs', () => {
  const a = 'aa:00:00:00:00:01';
  const b = 'aa:00:00:00:00:02';

  test('installing → installed, failed or cancelled is news; anything else is not', () => {
    const before = new Map([
      [a, host(a, 'installing')],
      [b, host(b, 'queued')],
    ]);
    const after = new Map([
      [a, host(a, 'installed', { hostname: 'web-01' })],
      [b, host(b, 'failed', { failureCode: 'timeout-queued', failureReason: 'timed out: queued 60 min ago' })],
      ['aa:00:00:00:00:03', host('aa:00:00:00:00:03', 'installed')],
    ]);
    const done = finishedInstalls(before, after);
    assert.deepEqual(
      done.map((f) => [f.mac, f.outcome, f.title]),
      [
        [a, 'installed', `Installed: web-01 (${a})`],
        [b, 'failed', `Install failed: ${b}`],
      ],
    );
    assert.match(done[1]?.message ?? '', /failed: timed out: queued 60 min ago/);
    assert.deepEqual(finishedInstalls(after, after), [], 'the same view twice says nothing');
    const cancelled = finishedInstalls(new Map([[a, host(a, 'booting')]]), new Map([[a, host(a, 'failed', { failureCode: 'cancelled' })]]));
    assert.equal(cancelled[0]?.outcome, 'cancelled');
  });

  test('the window title: the last finish, then how many are installing', () => {
    const hosts = new Map([
      [a, host(a, 'installing')],
      [b, host(b, 'queued')],
    ]);
    assert.equal(activeCount(hosts), 2);
    assert.equal(windowTitle(null, 0), 'Bootbench');
    assert.equal(windowTitle(null, 2), '2 installing · Bootbench');
    const [f] = finishedInstalls(new Map([[a, host(a, 'installing')]]), new Map([[a, host(a, 'installed')]]));
    assert.equal(windowTitle(f ?? null, 1), `Installed: ${a} · 1 installing · Bootbench`);
  });
});

describe('service chips', () => {
  test('named with state, address and non-zero counters in words', () => {
    const s: ServiceStatus = {
      name: 'dhcp',
      state: 'up',
      address: '10.0.0.1:67',
      error: null,
      counters: { received: 30, offers: 12, acks: 10, naks: 0, proxyOffers: 2 },
    };
    assert.equal(serviceLabel(s), 'DHCP: up, on 10.0.0.1:67, 30 received, 12 offers, 10 acks, 2 proxy offers');
    const failed: ServiceStatus = { name: 'tftp', state: 'failed', address: null, error: 'port 69 is in use', counters: {} };
    assert.equal(serviceLabel(failed), 'TFTP: failed, port 69 is in use');
  });
});
