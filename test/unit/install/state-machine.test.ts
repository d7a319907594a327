// Every transition and timeout of the install state machine (★ Host states), on a fake clock.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { failureFromLegacyText, migrateRun } from '../../../electron/core/install/legacy-failure.js';
import { advance, DEFAULT_LIMITS, newRun, type InstallRun, type Observation } from '../../../electron/core/install/state-machine.js';

const t0 = Date.parse('2026-01-01T10:00:00.000Z');
const at = (ms: number) => new Date(t0 + ms);
const MIN = 60_000;

function run(): InstallRun {
  return newRun({ id: 'i1', distro: 'rocky-9.4-x86_64', template: 'kickstart', settings: {} }, at(0));
}

function walk(steps: [number, Observation][]): InstallRun {
  let r = run();
  for (const [ms, obs] of steps) r = advance(r, obs, at(ms)).run;
  return r;
}

describe('transitions driven by what the host fetches and reports', () => {
  test('queued → booting (kernel) → installing (answer file) → installed (report)', () => {
    let r = run();
    assert.equal(r.stage, 'queued');
    assert.equal(r.deadline, at(DEFAULT_LIMITS.queuedMs).toISOString());
    r = advance(r, { type: 'kernel-fetched', via: 'HTTP' }, at(MIN)).run;
    assert.equal(r.stage, 'booting');
    assert.equal(r.deadline, at(MIN + DEFAULT_LIMITS.bootingMs).toISOString());
    r = advance(r, { type: 'initrd-fetched', via: 'HTTP' }, at(MIN + 1000)).run;
    assert.equal(r.stage, 'booting');
    assert.equal(r.lastStep, 'initrd fetched (HTTP)');
    r = advance(r, { type: 'answer-fetched' }, at(2 * MIN)).run;
    assert.equal(r.stage, 'installing');
    const before = r.progress;
    r = advance(r, { type: 'activity', summary: 'syslog: anaconda: installing packages' }, at(3 * MIN)).run;
    assert.ok(r.progress > before && r.progress < 1);
    r = advance(r, { type: 'report', event: 'installed' }, at(20 * MIN)).run;
    assert.equal(r.stage, 'installed');
    assert.equal(r.failure, null);
    assert.equal(r.progress, 1);
    assert.equal(r.deadline, null);
    assert.equal(r.finishedAt, at(20 * MIN).toISOString());
  });

  test('an installer that reports start or logs before fetching an answer file is installing', () => {
    assert.equal(
      walk([
        [MIN, { type: 'kernel-fetched', via: 'HTTP' }],
        [2 * MIN, { type: 'report', event: 'start' }],
      ]).stage,
      'installing',
    );
    assert.equal(
      walk([
        [MIN, { type: 'kernel-fetched', via: 'HTTP' }],
        [2 * MIN, { type: 'activity', summary: 'syslog' }],
      ]).stage,
      'installing',
    );
  });

  test("a reported failure fails the install with the installer's words", () => {
    const r = walk([
      [MIN, { type: 'kernel-fetched', via: 'HTTP' }],
      [2 * MIN, { type: 'answer-fetched' }],
      [3 * MIN, { type: 'report', event: 'failed', message: 'no disk found' }],
    ]);
    assert.equal(r.stage, 'failed');
    assert.equal(r.failure?.code, 'installer-error');
    assert.match(r.failure?.message ?? '', /no disk found/);
    assert.equal(r.lastStep, 'answer file fetched', 'the last step stays what the host last did');
  });

  test('Bootbench unable to boot the installer any more fails it with its own code, not as an installer error', () => {
    const r = walk([[MIN, { type: 'unbootable', code: 'distro-removed', message: 'distro rocky-9.4-x86_64 is no longer imported' }]]);
    assert.deepEqual(r.failure, { code: 'distro-removed', message: 'distro rocky-9.4-x86_64 is no longer imported' });
  });

  test('cancel fails the install with code cancelled from any unfinished stage', () => {
    for (const prefix of [
      [],
      [[MIN, { type: 'kernel-fetched', via: 'HTTP' }]],
      [
        [MIN, { type: 'kernel-fetched', via: 'HTTP' }],
        [2 * MIN, { type: 'answer-fetched' }],
      ],
    ] as [number, Observation][][]) {
      const r = walk([...prefix, [5 * MIN, { type: 'cancel' }]]);
      assert.equal(r.stage, 'failed');
      assert.deepEqual(r.failure, { code: 'cancelled', message: 'cancelled' });
    }
  });

  test('a finished install ignores everything after (a late or forged report changes nothing)', () => {
    const done = walk([
      [MIN, { type: 'kernel-fetched', via: 'HTTP' }],
      [2 * MIN, { type: 'report', event: 'installed' }],
    ]);
    for (const obs of [
      { type: 'report', event: 'failed' },
      { type: 'cancel' },
      { type: 'tick' },
      { type: 'kernel-fetched', via: 'HTTP' },
    ] as Observation[]) {
      const step = advance(done, obs, at(3 * MIN));
      assert.equal(step.changed, false);
      assert.equal(step.run, done);
    }
  });

  test('a host that boots the installer again and again is given up with a reason', () => {
    let r = run();
    for (let i = 0; i < DEFAULT_LIMITS.maxBoots; i += 1) r = advance(r, { type: 'kernel-fetched', via: 'HTTP' }, at((i + 1) * MIN)).run;
    assert.equal(r.stage, 'booting');
    r = advance(r, { type: 'kernel-fetched', via: 'HTTP' }, at(10 * MIN)).run;
    assert.equal(r.stage, 'failed');
    assert.equal(r.failure?.code, 'boot-loop');
    assert.match(r.failure?.message ?? '', /started the installer 4 times/);
  });
});

describe('timeouts say where the install stopped', () => {
  test('queued: the host never fetched its installer', () => {
    const r = run();
    assert.equal(advance(r, { type: 'tick' }, at(DEFAULT_LIMITS.queuedMs - 1)).changed, false);
    const failed = advance(r, { type: 'tick' }, at(DEFAULT_LIMITS.queuedMs)).run;
    assert.equal(failed.stage, 'failed');
    assert.equal(failed.failure?.code, 'timeout-queued');
    assert.match(failed.failure?.message ?? '', /queued 60 min ago and the host never fetched its installer/);
  });

  test('booting: kernel fetched, answer file never requested (a missing NIC driver)', () => {
    const r = walk([[MIN, { type: 'kernel-fetched', via: 'HTTP' }]]);
    const failed = advance(r, { type: 'tick' }, at(MIN + DEFAULT_LIMITS.bootingMs)).run;
    assert.equal(failed.stage, 'failed');
    assert.equal(failed.failure?.code, 'timeout-booting');
    assert.match(
      failed.failure?.message ?? '',
      /kernel fetched 15 min ago, answer file never requested: the installer may lack a driver for this NIC/,
    );
  });

  test('installing: silence for the idle window fails it; activity pushes the deadline', () => {
    let r = walk([
      [MIN, { type: 'kernel-fetched', via: 'HTTP' }],
      [2 * MIN, { type: 'answer-fetched' }],
    ]);
    const idle = DEFAULT_LIMITS.installingIdleMs;
    r = advance(r, { type: 'activity', summary: 'syslog: anaconda: step 3' }, at(2 * MIN + idle - MIN)).run;
    assert.equal(advance(r, { type: 'tick' }, at(2 * MIN + idle)).run.stage, 'installing', 'the log line moved the deadline');
    const failed = advance(r, { type: 'tick' }, at(2 * MIN + idle - MIN + idle)).run;
    assert.equal(failed.stage, 'failed');
    assert.equal(failed.failure?.code, 'timeout-installing');
    assert.match(failed.failure?.message ?? '', /no sign of the installer for 30 min \(last step: syslog: anaconda: step 3/);
  });

  test('installing: a chatty install still ends at the whole-install cap', () => {
    let r = walk([
      [MIN, { type: 'kernel-fetched', via: 'HTTP' }],
      [2 * MIN, { type: 'answer-fetched' }],
    ]);
    for (let ms = 3 * MIN; ms < DEFAULT_LIMITS.installingMaxMs; ms += 10 * MIN)
      r = advance(r, { type: 'activity', summary: 'log' }, at(ms)).run;
    assert.equal(r.stage, 'installing');
    const failed = advance(r, { type: 'tick' }, at(DEFAULT_LIMITS.installingMaxMs)).run;
    assert.equal(failed.stage, 'failed');
    assert.equal(failed.failure?.code, 'timeout-install-total');
    assert.match(failed.failure?.message ?? '', /without reporting "installed"/);
  });
});

describe('installs stored before failure codes', () => {
  test('each old failure text gets its code; the words are kept', () => {
    const cases: [string, string][] = [
      ['cancelled', 'cancelled'],
      [
        'timed out: queued 60 min ago and the host never fetched its installer: is it powered on and set to boot from the network first?',
        'timeout-queued',
      ],
      [
        'timed out: kernel fetched 15 min ago, answer file never requested: the installer may lack a driver for this NIC, or could not get an address',
        'timeout-booting',
      ],
      [
        'timed out: no sign of the installer for 30 min (last step: log, 30 min ago): it may be waiting at a question on its console',
        'timeout-installing',
      ],
      ['timed out: installing for 238 min without reporting "installed" (last step: log)', 'timeout-install-total'],
      ['the host started the installer 4 times without reporting "installed": it may be rebooting', 'boot-loop'],
      ['the installer reported a failure: distro rocky-9.4-x86_64 is no longer imported', 'distro-removed'],
      ['the installer reported a failure: no disk found', 'installer-error'],
      ['something else', 'unknown'],
    ];
    for (const [text, code] of cases) assert.deepEqual(failureFromLegacyText(text), { code, message: text }, text);
  });

  test('a stored run without a failure field gets one (null unless it failed)', () => {
    const { failure: _f, ...old } = walk([[MIN, { type: 'cancel' }]]);
    const legacy = { ...old, lastStep: 'cancelled' } as InstallRun; // how older versions stored a cancel
    assert.deepEqual(migrateRun(legacy), { run: { ...legacy, failure: { code: 'cancelled', message: 'cancelled' } }, migrated: true });
    const { failure: _g, ...queued } = run();
    assert.deepEqual(migrateRun(queued as InstallRun).run.failure, null);
    const current = walk([[MIN, { type: 'cancel' }]]);
    assert.equal(migrateRun(current).migrated, false);
  });
});
