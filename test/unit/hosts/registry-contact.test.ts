// The registry's side of the machine list: every contact moves lastSeen (cheaply: at most once a
// second per host, saves coalesced), script fetches count as polls, a technician's label is kept,
// and Forget deletes a record but never one whose install is under way.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CoreEvent, Host, HostInstall } from '../../../electron/shared/contract.js';
import { EventBus } from '../../../electron/core/events.js';
import { HostRegistry, type ClientSighting, type Schedule } from '../../../electron/core/hosts/registry.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const pc: ClientSighting = {
  mac: '52:54:00:aa:dd:01',
  firmware: 'bios',
  arch: 'x86_64',
  clientArch: 0,
  uuid: null,
  vendorClass: 'PXEClient:Arch:00000:UNDI:002001',
  userClass: null,
};

async function open() {
  const dir = await mkdtemp(join(tmpdir(), 'bootbench-contact-'));
  dirs.push(dir);
  let t = Date.parse('2026-01-01T10:00:00.000Z');
  const saves: (() => void)[] = [];
  const schedule: Schedule = (run) => {
    saves.push(run);
    return () => saves.splice(saves.indexOf(run), 1);
  };
  const bus = new EventBus();
  const events: CoreEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const registry = await HostRegistry.open(dir, bus, { clock: () => new Date(t), schedule });
  return { dir, registry, events, saves, advance: (ms: number) => (t += ms) };
}

test('a contact moves lastSeen, at most once a second, with one save for a burst', async () => {
  const { registry, events, saves, advance } = await open();
  registry.seen(pc);
  for (const run of saves.splice(0)) run(); // the sighting's save
  const hostEvents = () => events.filter((e) => e.type === 'host').length;
  const before = hostEvents();
  advance(400);
  registry.touch(pc.mac);
  assert.equal(registry.get(pc.mac)?.lastSeen, '2026-01-01T10:00:00.000Z', 'within a second: unchanged');
  advance(700);
  for (let i = 0; i < 50; i += 1) registry.touch(pc.mac); // a burst of requests
  assert.equal(registry.get(pc.mac)?.lastSeen, '2026-01-01T10:00:01.100Z');
  assert.equal(hostEvents() - before, 1, 'one host event for the burst');
  assert.equal(saves.length, 1, 'one save scheduled');
  registry.touch('52:54:00:00:00:99'); // unknown hosts are not created by traffic alone
  assert.equal(registry.get('52:54:00:00:00:99'), undefined);
});

test('a script fetch is a poll: lastPolledAt', async () => {
  const { registry, advance } = await open();
  registry.seen(pc);
  assert.equal(registry.get(pc.mac)?.lastPolledAt, undefined);
  advance(5000);
  registry.touch(pc.mac); // a DHCP line just before the fetch
  registry.touch(pc.mac, { polled: true }); // the same second: still a poll
  assert.equal(registry.get(pc.mac)?.lastPolledAt, '2026-01-01T10:00:05.000Z');
  advance(5000);
  registry.touch(pc.mac);
  assert.equal(registry.get(pc.mac)?.lastPolledAt, '2026-01-01T10:00:05.000Z', 'other contacts are not polls');
});

test('a label is trimmed, kept across a restart, and removed when blank', async () => {
  const { dir, registry, saves } = await open();
  registry.seen(pc);
  assert.equal(registry.setLabel(pc.mac, '  rack 3, web  ').label, 'rack 3, web');
  for (const run of saves.splice(0)) run();
  await registry.saved();
  const file = JSON.parse(await readFile(join(dir, 'hosts.json'), 'utf8')) as { hosts: Host[] };
  assert.equal(file.hosts[0]?.label, 'rack 3, web');
  assert.equal(registry.setLabel(pc.mac, '   ').label, null);
  assert.throws(() => registry.setLabel('52:54:00:00:00:99', 'x'), { code: 'HOST_NOT_FOUND' });
});

test('forget deletes the record and says so; refused while an install is under way', async () => {
  const { registry, events } = await open();
  registry.seen(pc, '10.0.0.5');
  const install = { stage: 'queued', distro: 'd', failure: null } as unknown as HostInstall;
  registry.setInstall(pc.mac, install);
  assert.throws(
    () => registry.forget(pc.mac),
    (e: Error & { code?: string }) => e.code === 'HOST_BUSY' && /Cancel the install first/.test(e.message),
  );
  registry.setInstall(
    pc.mac,
    { ...install, stage: 'failed', failure: { code: 'cancelled', message: 'cancelled' } },
    {
      state: 'discovered',
      failure: null,
    },
  );
  assert.equal(registry.get(pc.mac)?.state, 'discovered');
  assert.equal(registry.get(pc.mac)?.failureCode, undefined, 'a cancelled install does not mark the host failed');
  registry.forget(pc.mac);
  assert.equal(registry.get(pc.mac), undefined);
  assert.equal(registry.macForIp('10.0.0.5'), null);
  assert.deepEqual(registry.list(), []);
  const last = events.filter((e) => e.type === 'host').at(-1);
  assert.ok(last?.type === 'host' && last.forgotten === true && last.host.mac === pc.mac);
  assert.throws(() => registry.forget(pc.mac), { code: 'HOST_NOT_FOUND' });
});
