// The pure rules behind Cancel: what a host had before its install was queued, and what state a
// run gives its host (a cancelled run gives that back; every other run shows its own stage).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HostInstall } from '../../../electron/shared/contract.js';
import { hostViewOf, priorStateOf } from '../../../electron/core/install/state-machine.js';

const run = (stage: HostInstall['stage'], failure: HostInstall['failure'] = null) => ({ stage, failure }) as HostInstall;

test('priorStateOf: installed, discovered and failed are kept; a requeue keeps the first', () => {
  assert.deepEqual(priorStateOf({ state: 'installed', hostname: 'web-1' }, null), {
    state: 'installed',
    failure: null,
    hostname: 'web-1',
    firstBoot: null,
  });
  // An installed host's confirmed first boot is kept too (Cancel of a reinstall gives it back).
  assert.equal(
    priorStateOf({ state: 'installed', hostname: 'web-1', firstBoot: '2026-01-01T00:00:00.000Z' }, null).firstBoot,
    '2026-01-01T00:00:00.000Z',
  );
  assert.deepEqual(priorStateOf({ state: 'discovered', hostname: null }, null), { state: 'discovered', failure: null, hostname: null });
  assert.deepEqual(priorStateOf({ state: 'failed', hostname: null, failureCode: 'timeout-queued', failureReason: 'timed out' }, null), {
    state: 'failed',
    failure: { code: 'timeout-queued', message: 'timed out' },
    hostname: null,
  });
  const first = { state: 'installed', failure: null, hostname: 'web-1' } as const;
  assert.deepEqual(priorStateOf({ state: 'booting', hostname: 'web-2' }, first), first);
  assert.deepEqual(priorStateOf({ state: 'queued', hostname: null }, null), { state: 'discovered', failure: null, hostname: null });
});

test('hostViewOf: only a cancelled run gives back the prior state', () => {
  const installed = { state: 'installed', failure: null } as const;
  const cancelled = run('failed', { code: 'cancelled', message: 'cancelled' });
  assert.deepEqual(hostViewOf(cancelled, installed), { ...installed, restored: true });
  // Stored before the prior state was kept: the old behaviour.
  assert.deepEqual(hostViewOf(cancelled, undefined), {
    state: 'failed',
    failure: { code: 'cancelled', message: 'cancelled' },
    restored: false,
  });
  const timeout = run('failed', { code: 'timeout-booting', message: 'x' });
  assert.deepEqual(hostViewOf(timeout, installed), { state: 'failed', failure: timeout.failure, restored: false });
  assert.deepEqual(hostViewOf(run('installing'), installed), { state: 'installing', failure: null, restored: false });
  assert.deepEqual(hostViewOf(run('installed'), { state: 'discovered', failure: null }), {
    state: 'installed',
    failure: null,
    restored: false,
  });
});
