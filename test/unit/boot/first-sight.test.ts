// Install on first sight, with the real registry and a stand-in for the install manager's queue: a
// MAC seen for the first time under `install:<id>` is queued with the current settings (no
// overrides), its timeline says the policy did it; a removed distro or a refused install leaves it
// waiting with the reason; a known host, or one with an install or a wait policy of its own, is
// never touched. And the pure pieces: the wait policy in force, the policy's spellings.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatNewHostPolicy,
  kernelArgsProblem,
  parseNewHostPolicy,
  type CoreEvent,
  type Distro,
  type Host,
  type InstallRequest,
  type LogEvent,
  type NewHostPolicy,
} from '../../../electron/shared/contract.js';
import { installOnFirstSight } from '../../../electron/core/boot/first-sight.js';
import { firstSightAction, waitPolicyOf } from '../../../electron/core/boot/new-host-policy.js';
import { parseNewHostsFlag } from '../../../electron/core/cli-policy.js';
import { BootbenchError } from '../../../electron/core/errors.js';
import { EventBus } from '../../../electron/core/events.js';
import { HostRegistry, type ClientSighting } from '../../../electron/core/hosts/registry.js';
import { withTempDir } from '../../helpers/store-fixtures.js';

const ROCKY = { id: 'rocky-9.4-x86_64', boot: 'installer' } as Distro;
const sighting = (mac: string): ClientSighting => ({
  mac,
  firmware: 'bios',
  arch: 'x86',
  clientArch: 0,
  uuid: null,
  vendorClass: 'PXEClient:Arch:00000:UNDI:002001',
  userClass: 'iPXE',
});

async function lab(dir: string, options: { policy: NewHostPolicy; distros?: Distro[]; refuse?: string }) {
  const bus = new EventBus();
  const logs: LogEvent[] = [];
  bus.subscribe((e: CoreEvent) => {
    if (e.type === 'log') logs.push(e);
  });
  const hosts = await HostRegistry.open(dir, bus);
  const queued: { mac: string; request: InstallRequest }[] = [];
  const distros = options.distros ?? [ROCKY];
  const onFirstSight = installOnFirstSight({
    policy: () => options.policy,
    hosts,
    bus,
    distroOf: (id) => distros.find((d) => d.id === id),
    queue: async (mac, request) => {
      if (options.refuse) throw new BootbenchError('INSTALL_REFUSED', { distro: request.distro, mac, reason: options.refuse });
      queued.push({ mac, request });
      return hosts.setState(mac, 'queued', { distro: request.distro }) as Host;
    },
  });
  /** What the DHCP hook in session.ts does. */
  const dhcp = async (mac: string) => {
    const first = hosts.neverSighted(mac);
    hosts.seen(sighting(mac), null);
    if (first) await onFirstSight(mac);
  };
  return { hosts, logs, queued, dhcp, timeline: (mac: string) => logs.filter((l) => l.mac === mac).map((l) => l.kind) };
}

describe('install on first sight', () => {
  test('a new MAC is queued at once with the current settings; its timeline says the policy did it; later sightings queue nothing', async () => {
    await withTempDir('sight', async (dir) => {
      const l = await lab(dir, { policy: { action: 'install', distro: ROCKY.id } });
      await l.dhcp('52:54:00:aa:11:01');
      assert.deepEqual(l.queued, [{ mac: '52:54:00:aa:11:01', request: { distro: ROCKY.id } }]);
      assert.deepEqual(l.timeline('52:54:00:aa:11:01'), ['host.discovered', 'boot.policy-install']);
      assert.match(
        l.logs.find((e) => e.kind === 'boot.policy-install')?.message ?? '',
        /queued by the policy for new machines \(install rocky-9\.4-x86_64\)/,
      );
      await l.dhcp('52:54:00:aa:11:01'); // its REQUEST, iPXE's DHCP, a reboot…
      assert.equal(l.queued.length, 1);
    });
  });

  test('a host known before the policy, or cancelled back to discovered, is never queued by it', async () => {
    await withTempDir('sight', async (dir) => {
      const l = await lab(dir, { policy: { action: 'install', distro: ROCKY.id } });
      l.hosts.seen(sighting('52:54:00:aa:11:02'), null); // seen while the policy was `wait`
      await l.dhcp('52:54:00:aa:11:02');
      assert.deepEqual(l.queued, []);
    });
  });

  test('a record made ahead (kernel arguments, power settings) is a new machine at its first DHCP; one with its own wait policy or install keeps it', async () => {
    await withTempDir('sight', async (dir) => {
      const l = await lab(dir, { policy: { action: 'install', distro: ROCKY.id } });
      l.hosts.expect('52:54:00:aa:11:03');
      l.hosts.setBootPrefs('52:54:00:aa:11:03', { kernelArgs: 'console=ttyS0' });
      l.hosts.expect('52:54:00:aa:11:04');
      l.hosts.setBootPrefs('52:54:00:aa:11:04', { waitPolicy: 'local' });
      l.hosts.expect('52:54:00:aa:11:05');
      l.hosts.setState('52:54:00:aa:11:05', 'queued', { distro: 'other' });
      for (const mac of ['52:54:00:aa:11:03', '52:54:00:aa:11:04', '52:54:00:aa:11:05']) await l.dhcp(mac);
      assert.deepEqual(
        l.queued.map((q) => q.mac),
        ['52:54:00:aa:11:03'],
      );
    });
  });

  test('a removed distro: the machine waits, and its timeline says why (no crash, no queue)', async () => {
    await withTempDir('sight', async (dir) => {
      const l = await lab(dir, { policy: { action: 'install', distro: ROCKY.id }, distros: [] });
      await l.dhcp('52:54:00:aa:11:06');
      assert.deepEqual(l.queued, []);
      assert.equal(l.hosts.get('52:54:00:aa:11:06')?.state, 'discovered');
      const why = l.logs.find((e) => e.kind === 'boot.policy-waits');
      assert.equal(why?.mac, '52:54:00:aa:11:06');
      assert.equal(why?.level, 'warn');
      assert.match(
        why?.message ?? '',
        /installs rocky-9\.4-x86_64, but the distro "rocky-9\.4-x86_64" is not imported; it waits for a click instead/,
      );
    });
  });

  test('an install the manager refuses (its ISO went missing): the machine waits, with the reason', async () => {
    await withTempDir('sight', async (dir) => {
      const l = await lab(dir, {
        policy: { action: 'install', distro: ROCKY.id },
        refuse: 'its ISO is missing (/isos/rocky.iso): import it again',
      });
      await l.dhcp('52:54:00:aa:11:07');
      assert.deepEqual(l.timeline('52:54:00:aa:11:07'), ['host.discovered', 'boot.policy-install', 'boot.policy-waits']);
      assert.match(
        l.logs.at(-1)?.message ?? '',
        /could not be queued: its ISO is missing \(\/isos\/rocky\.iso\): import it again; it waits/,
      );
    });
  });

  test('wait, menu, local: a new machine is left alone', async () => {
    await withTempDir('sight', async (dir) => {
      for (const action of ['wait', 'menu', 'local'] as const) {
        const l = await lab(dir, { policy: { action, distro: null } });
        await l.dhcp(`52:54:00:aa:12:0${action.length}`);
        assert.deepEqual(l.queued, []);
      }
    });
  });
});

describe('the pure pieces', () => {
  const host = (patch: Partial<Host> = {}) => ({ mac: '52:54:00:aa:13:01', state: 'discovered', ...patch }) as Host;

  test("waitPolicyOf: the host's own, else the global; global install waits", () => {
    assert.equal(waitPolicyOf(undefined, { action: 'menu', distro: null }), 'menu');
    assert.equal(waitPolicyOf(host(), { action: 'install', distro: 'x' }), 'wait');
    assert.equal(waitPolicyOf(host({ waitPolicy: null }), { action: 'local', distro: null }), 'local');
    assert.equal(waitPolicyOf(host({ waitPolicy: 'menu' }), { action: 'local', distro: null }), 'menu');
  });

  test('firstSightAction: only discovered hosts without an install or a wait policy of their own', () => {
    const p: NewHostPolicy = { action: 'install', distro: 'x' };
    assert.deepEqual(firstSightAction(host(), p), { kind: 'install', distro: 'x' });
    assert.deepEqual(firstSightAction(host(), { action: 'menu', distro: null }), { kind: 'none' });
    assert.deepEqual(firstSightAction(host({ state: 'installed' }), p), { kind: 'none' });
    assert.deepEqual(firstSightAction(host({ waitPolicy: 'wait' }), p), { kind: 'none' });
  });

  test('the policy spelled as the CLI spells it, and refused when it is not one', () => {
    for (const text of ['wait', 'menu', 'local', 'install:rocky-9.4-x86_64'])
      assert.equal(formatNewHostPolicy(parseNewHostsFlag(text)), text);
    assert.deepEqual(parseNewHostPolicy('install:a'), { action: 'install', distro: 'a' });
    for (const bad of ['', 'install', 'install:', 'install:Rocky 9', 'install:../x', 'wiat', 'menu:x', 'lokal'])
      assert.throws(
        () => parseNewHostsFlag(bad),
        (e: unknown) =>
          e instanceof BootbenchError &&
          e.code === 'BAD_ARGUMENT' &&
          /--new-hosts must be wait, menu, local or install:DISTRO_ID/.test(e.message),
        bad,
      );
  });

  test('kernel arguments: one line, double quotes in pairs', () => {
    assert.equal(kernelArgsProblem('console=ttyS0,115200n8 nomodeset'), null);
    assert.equal(kernelArgsProblem('acpi="a b" x=1'), null);
    assert.match(kernelArgsProblem('a\nb') ?? '', /one line/);
    assert.match(kernelArgsProblem('a="b') ?? '', /in pairs/);
  });
});
