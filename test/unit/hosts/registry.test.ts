import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CoreEvent } from '../../../electron/shared/contract.js';
import { EventBus } from '../../../electron/core/events.js';
import { HostRegistry, type ClientSighting, type Schedule } from '../../../electron/core/hosts/registry.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'bootbench-hosts-'));
  dirs.push(d);
  return d;
}

const ovmf: ClientSighting = {
  mac: '52:54:00:aa:bb:20',
  firmware: 'uefi',
  arch: 'x86_64',
  clientArch: 7,
  uuid: '12345678-9abc-def0-1122-334455667788',
  vendorClass: 'PXEClient:Arch:00007:UNDI:003000',
  userClass: null,
};

function clock() {
  let t = Date.parse('2026-01-01T10:00:00.000Z');
  return { now: () => new Date(t), advance: (ms: number) => (t += ms) };
}

/** The registry's save timer, fired by the test instead of by the wall clock. */
function manualTimer() {
  const pending: { run: () => void; ms: number }[] = [];
  let scheduled = 0;
  const schedule: Schedule = (run, ms) => {
    const timer = { run, ms };
    pending.push(timer);
    scheduled += 1;
    return () => pending.splice(pending.indexOf(timer), 1);
  };
  return {
    schedule,
    pending,
    scheduled: () => scheduled,
    /** Runs the save that is due; returns the delay it was scheduled with. */
    fire(): number {
      const timer = pending.shift();
      assert.ok(timer, 'a save is scheduled');
      timer.run();
      return timer.ms;
    },
  };
}

async function open(
  dir: string,
  options: { saveDelayMs?: number; c?: ReturnType<typeof clock>; timer?: ReturnType<typeof manualTimer> } = {},
) {
  const bus = new EventBus();
  const events: CoreEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const c = options.c ?? clock();
  const registry = await HostRegistry.open(dir, bus, {
    clock: c.now,
    saveDelayMs: options.saveDelayMs ?? 20,
    ...(options.timer ? { schedule: options.timer.schedule } : {}),
  });
  return { registry, events, c, bus };
}

async function readHosts(dir: string) {
  return JSON.parse(await readFile(join(dir, 'hosts.json'), 'utf8')) as { version: number; hosts: { mac: string }[] };
}

describe('HostRegistry', () => {
  test('seen() records a new host as discovered, with firmware, arch and uuid', async () => {
    const { registry, events } = await open(await tempDir());
    const host = registry.seen(ovmf);
    assert.equal(host.state, 'discovered');
    assert.equal(host.firmware, 'uefi');
    assert.equal(host.arch, 'x86_64');
    assert.equal(host.clientArch, 7);
    assert.equal(host.uuid, ovmf.uuid);
    assert.equal(host.ip, null);
    assert.equal(host.distro, null);
    assert.equal(host.firstSeen, '2026-01-01T10:00:00.000Z');
    assert.equal(host.lastSeen, host.firstSeen);
    assert.deepEqual(registry.get(ovmf.mac), host);
    const hostEvents = events.filter((e) => e.type === 'host');
    assert.equal(hostEvents.length, 1);
    const discovered = events.filter((e) => e.type === 'log' && e.kind === 'host.discovered');
    assert.equal(discovered.length, 1);
    assert.equal(discovered[0]?.type === 'log' ? discovered[0].mac : null, ovmf.mac);
    await registry.flush();
  });

  test('a later sighting with less information keeps what was known; ip and lastSeen update', async () => {
    const { registry, events, c } = await open(await tempDir());
    registry.seen(ovmf);
    c.advance(5000);
    // the chainloaded iPXE: no UUID, no arch option this time
    const later = registry.seen(
      { ...ovmf, firmware: 'unknown', arch: 'unknown', clientArch: null, uuid: null, vendorClass: null, userClass: 'iPXE' },
      '10.231.77.114',
    );
    assert.equal(later.firmware, 'uefi');
    assert.equal(later.arch, 'x86_64');
    assert.equal(later.clientArch, 7);
    assert.equal(later.uuid, ovmf.uuid);
    assert.equal(later.vendorClass, ovmf.vendorClass);
    assert.equal(later.userClass, 'iPXE');
    assert.equal(later.ip, '10.231.77.114');
    assert.equal(later.firstSeen, '2026-01-01T10:00:00.000Z');
    assert.equal(later.lastSeen, '2026-01-01T10:00:05.000Z');
    assert.equal(later.state, 'discovered');
    // a sighting without an address keeps the known one
    assert.equal(registry.seen(ovmf).ip, '10.231.77.114');
    assert.equal(events.filter((e) => e.type === 'log' && e.kind === 'host.discovered').length, 1, 'discovered once');
    assert.equal(events.filter((e) => e.type === 'host').length, 3, 'every change is an event');
    await registry.flush();
  });

  test('a UEFI HTTP-boot host stays uefi-http when the iPXE it booted asks DHCP as a PXE client (type 7)', async () => {
    const { registry } = await open(await tempDir());
    const http: ClientSighting = { ...ovmf, firmware: 'uefi-http', clientArch: 16, vendorClass: 'HTTPClient:Arch:00016:UNDI:003000' };
    registry.seen(http);
    const snponly = { ...ovmf, vendorClass: 'PXEClient:Arch:00007:UNDI:003010', userClass: 'iPXE', ipxe: true };
    const later = registry.seen(snponly, '10.231.140.128');
    assert.equal(later.firmware, 'uefi-http');
    assert.equal(later.clientArch, 16);
    assert.equal(later.arch, 'x86_64');
    assert.equal(later.userClass, 'iPXE');
    assert.equal(later.ip, '10.231.140.128');
    // the firmware's own sighting still decides: the same machine set to PXE boot is uefi again
    assert.equal(registry.seen(ovmf).firmware, 'uefi');
    // and an iPXE sighting moves a PXE host as before (nothing to keep)
    assert.equal(registry.seen(snponly).firmware, 'uefi');
    await registry.flush();
  });

  test('a sighting does not reset the install state', async () => {
    const { registry } = await open(await tempDir());
    registry.seen(ovmf);
    registry.setState(ovmf.mac, 'queued', { distro: 'debian-12' });
    const again = registry.seen(ovmf, '10.231.77.114');
    assert.equal(again.state, 'queued');
    assert.equal(again.distro, 'debian-12');
    assert.equal(registry.setState('00:00:00:00:00:00', 'queued'), undefined);
    await registry.flush();
  });

  test('hosts.json: 100 sightings make few writes; flush() writes what is pending; reopen restores', async () => {
    const dir = await tempDir();
    const timer = manualTimer();
    const { registry } = await open(dir, { saveDelayMs: 50, timer });
    for (let i = 0; i < 100; i += 1) {
      registry.seen({ ...ovmf, mac: `52:54:00:00:00:${(i % 10).toString(16).padStart(2, '0')}` }, `10.231.77.${100 + i}`);
    }
    await assert.rejects(readFile(join(dir, 'hosts.json')), /ENOENT/, 'not written per sighting');
    assert.equal(timer.scheduled(), 1, 'one save for the whole burst');
    assert.equal(timer.pending[0]?.ms, 50, 'due after the save delay');
    await registry.flush();
    assert.equal(timer.pending.length, 0, 'flush() wrote the pending save in place of the timer: one write');
    const file = await readHosts(dir);
    assert.equal(file.version, 1);
    assert.equal(file.hosts.length, 10);
    const leftovers = (await readdir(dir)).filter((n) => n.endsWith('.tmp'));
    assert.deepEqual(leftovers, [], 'no temporary files left: written atomically');
    const { registry: again } = await open(dir);
    assert.equal(again.list().length, 10);
    assert.equal(again.get('52:54:00:00:00:09')?.ip, '10.231.77.199');
    assert.equal(again.get('52:54:00:00:00:09')?.firmware, 'uefi');
  });

  test('changes are saved without flush() after the save delay', async () => {
    const dir = await tempDir();
    const timer = manualTimer();
    const { registry } = await open(dir, { saveDelayMs: 10, timer });
    registry.seen(ovmf);
    await assert.rejects(readFile(join(dir, 'hosts.json')), /ENOENT/, 'not written before the delay');
    assert.equal(timer.fire(), 10, 'the save was due after the save delay');
    await registry.saved();
    assert.equal((await readHosts(dir)).hosts[0]?.mac, ovmf.mac);
    registry.setState(ovmf.mac, 'installed');
    await registry.flush();
    const { registry: again } = await open(dir);
    assert.equal(again.get(ovmf.mac)?.state, 'installed');
  });

  test('a failed save does not stop later saves', async () => {
    const dir = await tempDir();
    const timer = manualTimer();
    const { registry, events } = await open(dir, { saveDelayMs: 10, timer });
    // hosts.json is a directory: the rename of the new file over it fails
    await mkdir(join(dir, 'hosts.json'));
    registry.seen(ovmf);
    await assert.rejects(registry.flush());
    await rm(join(dir, 'hosts.json'), { recursive: true });
    registry.seen({ ...ovmf, mac: '52:54:00:aa:bb:21' });
    await registry.flush();
    const file = await readHosts(dir);
    assert.deepEqual(file.hosts.map((h) => h.mac).sort(), ['52:54:00:aa:bb:20', '52:54:00:aa:bb:21']);
    // the scheduled (not flushed) path logs instead of throwing, and recovers the same way
    await rm(join(dir, 'hosts.json'));
    await mkdir(join(dir, 'hosts.json'));
    registry.seen({ ...ovmf, mac: '52:54:00:aa:bb:22' });
    assert.ok(!events.some((e) => e.type === 'log' && e.kind === 'store.write'), 'nothing tried yet');
    timer.fire();
    await registry.saved();
    assert.ok(
      events.some((e) => e.type === 'log' && e.kind === 'store.write' && e.level === 'error'),
      'the failed save is logged',
    );
    await rm(join(dir, 'hosts.json'), { recursive: true });
    registry.seen({ ...ovmf, mac: '52:54:00:aa:bb:23' });
    await registry.flush();
    assert.equal((await readHosts(dir)).hosts.length, 4);
  });

  test('list() is ordered by first sighting', async () => {
    const { registry, c } = await open(await tempDir());
    registry.seen({ ...ovmf, mac: '52:54:00:00:00:02' });
    c.advance(1000);
    registry.seen({ ...ovmf, mac: '52:54:00:00:00:01' });
    assert.deepEqual(
      registry.list().map((h) => h.mac),
      ['52:54:00:00:00:02', '52:54:00:00:00:01'],
    );
    await registry.flush();
  });
});

describe('HostRegistry.macForIp', () => {
  test('names the host holding an address, follows an address that moves, and survives a reopen', async () => {
    const dir = await tempDir();
    const { registry } = await open(dir, { saveDelayMs: 0 });
    const other: ClientSighting = { ...ovmf, mac: '52:54:00:aa:bb:21' };
    registry.seen(ovmf, '10.231.1.150');
    assert.equal(registry.macForIp('10.231.1.150'), ovmf.mac);
    assert.equal(registry.macForIp('10.231.1.151'), null);
    registry.seen(ovmf, '10.231.1.151'); // a new lease for the same machine
    assert.equal(registry.macForIp('10.231.1.150'), null, 'the old address is no longer its');
    registry.seen(other, '10.231.1.150');
    assert.equal(registry.macForIp('10.231.1.150'), other.mac);
    await registry.flush();
    const { registry: again } = await open(dir);
    assert.equal(again.macForIp('10.231.1.151'), ovmf.mac);
    assert.equal(again.macForIp('10.231.1.150'), other.mac);
  });
});
