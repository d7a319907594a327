// The stored boot policy (boot-policy.json): defaults for a fresh data folder and for records written
// before it (wait, 10 s), `serve --new-hosts` stored at start, a policy naming a distro that is not
// an imported installer refused (nothing changed), and each host's own wait policy and kernel arguments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CoreEvent, Distro, LogEvent } from '../../../electron/shared/contract.js';
import { BootPolicy } from '../../../electron/core/boot/boot-policy.js';
import { BootbenchError } from '../../../electron/core/errors.js';
import { EventBus } from '../../../electron/core/events.js';
import { HostRegistry } from '../../../electron/core/hosts/registry.js';
import { withTempDir } from '../../helpers/store-fixtures.js';

const distros: Record<string, Partial<Distro>> = {
  'rocky-9.4-x86_64': { id: 'rocky-9.4-x86_64', boot: 'installer' },
  'debian-live-12': { id: 'debian-live-12', boot: 'live' },
  'gparted-1.6': { id: 'gparted-1.6', boot: 'whole-iso' },
};
const distroOf = (id: string) => distros[id] as Distro | undefined;
const MAC = '52:54:00:aa:10:01';

function busWithLog() {
  const bus = new EventBus();
  const logs: LogEvent[] = [];
  bus.subscribe((e: CoreEvent) => {
    if (e.type === 'log') logs.push(e);
  });
  return { bus, logs };
}

const stored = async (dir: string) => JSON.parse(await readFile(join(dir, 'boot-policy.json'), 'utf8')) as Record<string, unknown>;

test('a fresh data folder: new machines wait, the menu waits 10 s, and nothing is written until something is set', async () => {
  await withTempDir('policy', async (dir) => {
    const policy = await BootPolicy.open(dir, new EventBus(), distroOf);
    assert.deepEqual(policy.newHosts, { action: 'wait', distro: null });
    assert.deepEqual(policy.menu, { timeoutSeconds: 10 });
    assert.equal(policy.waitPolicyOf(undefined), 'wait');
    assert.equal(policy.menuTimeoutSeconds(), 10);
    assert.deepEqual(await readdir(dir), []);
  });
});

test('records written before the policy existed, or damaged ones, load with the defaults', async () => {
  await withTempDir('policy', async (dir) => {
    // Only the chain setting (an older data folder): no policy file at all.
    await writeFile(join(dir, 'boot-chain.json'), JSON.stringify({ version: 1, chain: 'auto' }));
    assert.deepEqual((await BootPolicy.open(dir, new EventBus(), distroOf)).menu, { timeoutSeconds: 10 });
    // A policy without menu settings: the policy is kept, the timeout defaults.
    await writeFile(join(dir, 'boot-policy.json'), JSON.stringify({ version: 1, newHosts: { action: 'menu', distro: null } }));
    let policy = await BootPolicy.open(dir, new EventBus(), distroOf);
    assert.deepEqual(policy.newHosts, { action: 'menu', distro: null });
    assert.equal(policy.menuTimeoutSeconds(), 10);
    // Nonsense (hand-edited): defaults, never a crash.
    await writeFile(
      join(dir, 'boot-policy.json'),
      JSON.stringify({ version: 1, newHosts: { action: 'install', distro: '' }, menu: { timeoutSeconds: -3 } }),
    );
    policy = await BootPolicy.open(dir, new EventBus(), distroOf);
    assert.deepEqual(policy.newHosts, { action: 'wait', distro: null });
    assert.equal(policy.menuTimeoutSeconds(), 10);
  });
});

test('serve --new-hosts is stored, and outlives a start without it', async () => {
  await withTempDir('policy', async (dir) => {
    const flagged = await BootPolicy.open(dir, new EventBus(), distroOf, { action: 'install', distro: 'rocky-9.4-x86_64' });
    assert.deepEqual(flagged.newHosts, { action: 'install', distro: 'rocky-9.4-x86_64' });
    assert.deepEqual(await stored(dir), {
      version: 1,
      newHosts: { action: 'install', distro: 'rocky-9.4-x86_64' },
      menu: { timeoutSeconds: 10 },
    });
    const again = await BootPolicy.open(dir, new EventBus(), distroOf);
    assert.deepEqual(again.newHosts, { action: 'install', distro: 'rocky-9.4-x86_64' });
    // Under `install`, a host already known waits (the policy is for new machines).
    assert.equal(again.waitPolicyOf(undefined), 'wait');
    // Written atomically: no temporary file left beside it.
    assert.deepEqual((await readdir(dir)).sort(), ['boot-policy.json']);
  });
});

test('a policy naming a distro that is not an imported installer is refused, and nothing changes', async () => {
  await withTempDir('policy', async (dir) => {
    await assert.rejects(
      BootPolicy.open(dir, new EventBus(), distroOf, { action: 'install', distro: 'ghost-1' }),
      (e: unknown) => e instanceof BootbenchError && e.code === 'DISTRO_NOT_FOUND' && /ghost-1/.test(e.message),
    );
    assert.deepEqual(await readdir(dir), []);
    const policy = await BootPolicy.open(dir, new EventBus(), distroOf, { action: 'menu', distro: null });
    for (const [id, words] of [
      ['debian-live-12', /live system, not an installer/],
      ['gparted-1.6', /whole ISO/],
    ] as const)
      await assert.rejects(policy.update({ newHosts: { action: 'install', distro: id } }), (e: unknown) => {
        assert.ok(e instanceof BootbenchError && e.code === 'BAD_ARGUMENT', String(e));
        assert.match(e.message, words);
        return true;
      });
    await assert.rejects(policy.update({ newHosts: { action: 'install', distro: 'ghost-1' }, menu: { timeoutSeconds: 30 } }));
    assert.deepEqual(policy.newHosts, { action: 'menu', distro: null });
    assert.equal(policy.menuTimeoutSeconds(), 10, 'a refused update changes nothing, the menu part neither');
    assert.deepEqual((await stored(dir)).newHosts, { action: 'menu', distro: null });
  });
});

test('update: either part alone, stored, and said on the event stream', async () => {
  await withTempDir('policy', async (dir) => {
    const { bus, logs } = busWithLog();
    const policy = await BootPolicy.open(dir, bus, distroOf);
    await policy.update({ menu: { timeoutSeconds: 0 } });
    assert.equal(policy.menuTimeoutSeconds(), 0);
    await policy.update({ newHosts: { action: 'local', distro: null } });
    assert.equal(policy.waitPolicyOf(undefined), 'local');
    assert.deepEqual(await stored(dir), { version: 1, newHosts: { action: 'local', distro: null }, menu: { timeoutSeconds: 0 } });
    assert.deepEqual(
      logs.map((l) => l.kind),
      ['boot.menu-setting', 'boot.policy'],
    );
    assert.match(logs[1]?.message ?? '', /New machines: boot their local disk \(was: wait for a click in the app\)/);
    const reopened = await BootPolicy.open(dir, new EventBus(), distroOf);
    assert.deepEqual([reopened.newHosts.action, reopened.menuTimeoutSeconds()], ['local', 0]);
  });
});

test("a host's own wait policy and kernel arguments: checked, kept in its record, on its timeline; a MAC not seen yet gets a record", async () => {
  await withTempDir('policy', async (dir) => {
    const { bus, logs } = busWithLog();
    const hosts = await HostRegistry.open(dir, bus);
    const policy = await BootPolicy.open(dir, bus, distroOf, { action: 'install', distro: 'rocky-9.4-x86_64' });

    const prepared = policy.setHostKernelArgs(hosts, MAC, '  console=ttyS0,115200n8 acpi="off on" ');
    assert.equal(prepared.kernelArgs, 'console=ttyS0,115200n8 acpi="off on"');
    assert.equal(prepared.state, 'discovered');
    assert.equal(hosts.neverSighted(MAC), true, 'a record made ahead is still a machine never seen');
    for (const bad of ['quiet\nsplash', 'a\rb', 'title="broken']) {
      assert.throws(
        () => policy.setHostKernelArgs(hosts, MAC, bad),
        (e: unknown) => e instanceof BootbenchError && e.code === 'BAD_ARGUMENT' && e.field?.name === 'kernelArgs',
      );
    }
    assert.equal(hosts.get(MAC)?.kernelArgs, 'console=ttyS0,115200n8 acpi="off on"', 'a refused change keeps the old');
    assert.equal(policy.setHostKernelArgs(hosts, MAC, '   ').kernelArgs, null);

    assert.equal(policy.waitPolicyOf(hosts.get(MAC)), 'wait', 'global install: a known host waits');
    assert.equal(policy.setHostWaitPolicy(hosts, MAC, 'menu').waitPolicy, 'menu');
    assert.equal(policy.waitPolicyOf(hosts.get(MAC)), 'menu');
    assert.equal(policy.setHostWaitPolicy(hosts, MAC, null).waitPolicy, null);
    await policy.update({ newHosts: { action: 'local', distro: null } });
    assert.equal(policy.waitPolicyOf(hosts.get(MAC)), 'local', 'null follows the global policy');

    const mine = logs.filter((l) => l.mac === MAC).map((l) => `${l.kind}: ${l.message}`);
    assert.deepEqual(mine, [
      'boot.kernel-args: Kernel arguments for every boot of this host: console=ttyS0,115200n8 acpi="off on"',
      'boot.kernel-args: Kernel arguments of this host removed',
      'boot.wait-policy: While waiting: menu for this host (its own setting)',
      'boot.wait-policy: While waiting: the global policy (wait)',
    ]);
    await hosts.flush();
    const file = JSON.parse(await readFile(join(dir, 'hosts.json'), 'utf8')) as { hosts: { mac: string; waitPolicy: unknown }[] };
    assert.equal(file.hosts.find((h) => h.mac === MAC)?.waitPolicy, null);
  });
});
