// Cancel gives a host back the state it had before its install was queued (★ Host states: an
// installed host boots its disk until it is queued again), and that prior state survives a restart.
// The install itself ends `failed` with code `cancelled`, and the timeline says so.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CoreEvent, Distro, LogEvent } from '../../../electron/shared/contract.js';
import { EventBus } from '../../../electron/core/events.js';
import { HostRegistry } from '../../../electron/core/hosts/registry.js';
import type { AnswerRenderer, InstallLibrary } from '../../../electron/core/install/install-media.js';
import { InstallManager } from '../../../electron/core/install/manager.js';
import { renderIpxeScript } from '../../../electron/core/boot/ipxe-script.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const distro: Distro = {
  id: 'tiny-1-x86_64',
  family: 'generic',
  name: 'Tiny',
  version: '1',
  arch: 'x86_64',
  variant: null,
  kernel: 'vmlinuz',
  initrd: 'initrd.img',
  kernelArgs: '',
  iso: '/nowhere/tiny.iso',
  isoSize: 1,
  isoMtime: '2026-01-01T00:00:00.000Z',
  volumeId: 'TINY',
  status: 'ok',
  evidence: [],
  importedAt: '2026-01-01T00:00:00.000Z',
  sha256: null,
  secureBoot: false,
  secureBootReason: null,
  boot: 'installer',
  bootReason: null,
};

const library: InstallLibrary = {
  get: (id) => (id === distro.id ? distro : undefined),
  // The installer files only need to open: the manager checks they are there before it queues.
  openInside: async () => ({ ok: true, file: { close: async () => undefined } }) as never,
};
const answers = {
  render: async () => assert.fail('a generic distro has no answer file'),
  hostname: (_host: unknown, overrides: Record<string, string>, n: number) => ({
    hostname: overrides.hostnamePattern ?? `node-${n}`,
    domain: 'lab',
  }),
} as unknown as AnswerRenderer;

async function start(dir: string) {
  const bus = new EventBus();
  const hosts = await HostRegistry.open(dir, bus, { saveDelayMs: 0 });
  const installs = await InstallManager.open({
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
  const lines: LogEvent[] = [];
  bus.subscribe((e: CoreEvent) => {
    if (e.type === 'log') lines.push(e);
  });
  return {
    bus,
    hosts,
    installs,
    lines,
    async stop() {
      await installs.close();
      await hosts.flush();
    },
  };
}

const script = (hosts: HostRegistry, mac: string) =>
  renderIpxeScript({
    mac,
    host: hosts.get(mac),
    serverBase: 'http://10.0.0.1',
    pollSeconds: 5,
    poll: false,
    biosChainUrl: null,
    installer: null,
  });

async function installedHost(dir: string, mac: string) {
  const s = await start(dir);
  s.hosts.expect(mac);
  await s.installs.queue(mac, { distro: distro.id });
  s.installs.observe(mac, { type: 'report', event: 'installed' });
  assert.equal(s.hosts.get(mac)?.state, 'installed');
  return s;
}

test('Cancel of a reinstall: the host stays installed and its next script boots the local disk', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'bootbench-cancel-'));
  dirs.push(dir);
  const mac = '52:54:00:aa:cc:01';
  const s = await installedHost(dir, mac);
  await s.installs.queue(mac, { distro: distro.id });
  assert.equal(s.hosts.get(mac)?.state, 'queued');
  assert.doesNotMatch(script(s.hosts, mac), /sanboot|^exit/m, 'queued: no local boot');

  const host = s.installs.cancel(mac);
  assert.equal(host.state, 'installed');
  assert.equal(host.failureCode, undefined, 'not marked failed');
  assert.equal(host.failureReason, undefined);
  assert.equal(host.install?.stage, 'failed', "the install's result");
  assert.equal(host.install?.failure?.code, 'cancelled');
  assert.match(script(s.hosts, mac), /state: installed\): boot the local disk/);
  const said = s.lines.filter((l) => l.mac === mac).map((l) => l.message);
  assert.ok(said.includes('install cancelled'), JSON.stringify(said));
  assert.ok(
    said.some((m) => /installed again: its next network boot boots its local disk/.test(m)),
    JSON.stringify(said),
  );
  await s.stop();
});

test('the state before queueing survives a restart: Cancel after it still gives back installed', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'bootbench-cancel-'));
  dirs.push(dir);
  const mac = '52:54:00:aa:cc:02';
  const first = await installedHost(dir, mac);
  await first.installs.queue(mac, { distro: distro.id });
  await first.stop();

  const second = await start(dir);
  assert.equal(second.hosts.get(mac)?.state, 'queued');
  assert.equal(second.installs.cancel(mac).state, 'installed');
  await second.stop();
  const third = await start(dir);
  assert.equal(third.hosts.get(mac)?.state, 'installed', 'saved as installed');
  await third.stop();
});

test('a requeue keeps the first prior state; a discovered host goes back to discovered', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'bootbench-cancel-'));
  dirs.push(dir);
  const s = await installedHost(dir, '52:54:00:aa:cc:03');
  await s.installs.queue('52:54:00:aa:cc:03', { distro: distro.id });
  await s.installs.queue('52:54:00:aa:cc:03', { distro: distro.id }); // requeued while queued
  assert.equal(s.installs.cancel('52:54:00:aa:cc:03').state, 'installed');

  s.hosts.expect('52:54:00:aa:cc:04');
  await s.installs.queue('52:54:00:aa:cc:04', { distro: distro.id });
  s.installs.observe('52:54:00:aa:cc:04', { type: 'kernel-fetched', via: 'http' });
  const back = s.installs.cancel('52:54:00:aa:cc:04');
  assert.equal(back.state, 'discovered');
  assert.match(script(s.hosts, back.mac), /state: discovered/);
  await s.stop();
});

test('an installer failure is still a failure (only a cancel gives the state back)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'bootbench-cancel-'));
  dirs.push(dir);
  const s = await installedHost(dir, '52:54:00:aa:cc:05');
  await s.installs.queue('52:54:00:aa:cc:05', { distro: distro.id });
  s.installs.observe('52:54:00:aa:cc:05', { type: 'report', event: 'failed', message: 'disk full' });
  const host = s.hosts.get('52:54:00:aa:cc:05');
  assert.equal(host?.state, 'failed');
  assert.equal(host?.failureCode, 'installer-error');
  await s.stop();
});

test('queueing names the host with its install host name; Cancel gives back the name it had', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'bootbench-cancel-'));
  dirs.push(dir);
  const s = await start(dir);
  const mac = '52:54:00:aa:cc:06';
  s.hosts.expect(mac);
  const queued = await s.installs.queue(mac, { distro: distro.id, settings: { hostnamePattern: 'web-07' } });
  assert.equal(queued.hostname, 'web-07');
  assert.equal(s.installs.cancel(mac).hostname, null, 'never installed: no name');
  await s.installs.queue(mac, { distro: distro.id, settings: { hostnamePattern: 'web-07' } });
  s.installs.observe(mac, { type: 'report', event: 'installed' });
  await s.installs.queue(mac, { distro: distro.id, settings: { hostnamePattern: 'db-01' } });
  assert.equal(s.hosts.get(mac)?.hostname, 'db-01');
  assert.equal(s.installs.cancel(mac).hostname, 'web-07', 'the installed system keeps its name');
  await s.stop();
});

test('forget drops a finished install record, and refuses one under way', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'bootbench-cancel-'));
  dirs.push(dir);
  const s = await installedHost(dir, '52:54:00:aa:cc:07');
  await s.installs.queue('52:54:00:aa:cc:07', { distro: distro.id });
  assert.throws(() => s.hosts.forget('52:54:00:aa:cc:07'), { code: 'HOST_BUSY' });
  assert.throws(() => s.installs.forget('52:54:00:aa:cc:07'), { code: 'HOST_BUSY' });
  s.installs.cancel('52:54:00:aa:cc:07');
  s.hosts.forget('52:54:00:aa:cc:07');
  s.installs.forget('52:54:00:aa:cc:07');
  assert.equal(s.hosts.get('52:54:00:aa:cc:07'), undefined);
  assert.throws(() => s.installs.cancel('52:54:00:aa:cc:07'), { code: 'HOST_NOT_FOUND' });
  await s.stop();
});
