// Installs stored by a Bootbench from before failure codes (installs.json and hosts.json with only
// the words) load with codes: the host shows failureCode, and the files are saved in today's shape.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Host } from '../../../electron/shared/contract.js';
import { EventBus } from '../../../electron/core/events.js';
import { HostRegistry } from '../../../electron/core/hosts/registry.js';
import type { AnswerRenderer, InstallLibrary } from '../../../electron/core/install/install-media.js';
import { InstallManager } from '../../../electron/core/install/manager.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const MAC = '52:54:00:aa:bb:30';
const REASON =
  'timed out: kernel fetched 15 min ago, answer file never requested: the installer may lack a driver for this NIC, or could not get an address';
const AT = '2026-01-01T10:00:00.000Z';

// What an older version wrote: the reason in lastStep, no `failure` field, no failureCode.
const oldInstall = {
  id: 'i1',
  distro: 'rocky-9.4-x86_64',
  template: 'kickstart',
  settings: {},
  stage: 'failed',
  queuedAt: AT,
  stageSince: AT,
  lastStep: REASON,
  lastStepAt: AT,
  deadline: null,
  progress: 0.2,
  finishedAt: AT,
};
const oldHost = {
  mac: MAC,
  firmware: 'bios',
  arch: 'x86_64',
  clientArch: 0,
  ip: null,
  state: 'failed',
  distro: 'rocky-9.4-x86_64',
  uuid: null,
  vendorClass: null,
  userClass: null,
  hostname: null,
  firstSeen: AT,
  lastSeen: AT,
  failureReason: REASON,
  install: oldInstall,
};

test('an install that failed before failure codes loads with its code, and is saved with it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'bootbench-installs-'));
  dirs.push(dir);
  await writeFile(join(dir, 'hosts.json'), JSON.stringify({ version: 1, hosts: [oldHost] }));
  await writeFile(
    join(dir, 'installs.json'),
    JSON.stringify({
      version: 1,
      counter: 1,
      installs: { [MAC]: { token: 't0ken', counter: 1, run: { ...oldInstall, boots: 1, lastActivityAt: AT } } },
    }),
  );
  const bus = new EventBus();
  const hosts = await HostRegistry.open(dir, bus, { saveDelayMs: 0 });
  const library: InstallLibrary = {
    get: () => undefined,
    openInside: async () => ({ ok: false, failure: { kind: 'not-found', message: 'none' } }),
  };
  const answers = {
    render: async () => assert.fail('nothing renders'),
    hostname: () => ({ hostname: 'h', domain: 'd' }),
  } as unknown as AnswerRenderer;
  const manager = await InstallManager.open({
    dataDir: dir,
    bus,
    hosts,
    library,
    answers,
    serverIp: '10.0.0.1',
    httpBase: 'http://10.0.0.1',
    syslogPort: 514,
    macForIp: () => null,
  });

  const host = hosts.get(MAC);
  assert.equal(host?.failureCode, 'timeout-booting');
  assert.equal(host?.failureReason, REASON, 'the words are kept');
  assert.deepEqual(host?.install?.failure, { code: 'timeout-booting', message: REASON });

  await manager.close();
  await hosts.flush();
  const installs = JSON.parse(await readFile(join(dir, 'installs.json'), 'utf8')) as {
    installs: Record<string, { run: { failure: unknown } }>;
  };
  assert.deepEqual(installs.installs[MAC]?.run.failure, { code: 'timeout-booting', message: REASON });
  const saved = JSON.parse(await readFile(join(dir, 'hosts.json'), 'utf8')) as { hosts: Host[] };
  assert.equal(saved.hosts[0]?.failureCode, 'timeout-booting');
});
