// Applying an inventory: the order that cannot half-fail (reservations.json, then power.json, then
// memory only), the rollback when the second write fails, the merge of --reserve flags with stored
// reservations (the flag wins), and a reservation applied to a running lease table.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBus } from '../../../electron/core/events.js';
import { HostRegistry } from '../../../electron/core/hosts/registry.js';
import { PowerSettingsStore } from '../../../electron/core/power/settings-store.js';
import { mergeReservations, ReservationStore, toLeaseReservations } from '../../../electron/core/dhcp/reservation-store.js';
import { LeaseTable } from '../../../electron/core/dhcp/leases.js';
import { ipToInt, subnetOf } from '../../../electron/core/dhcp/ipv4.js';
import { importInventory, type InventoryDeps } from '../../../electron/core/inventory/import.js';
import { isBootbenchError } from '../../../electron/core/errors.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function setup() {
  const dir = await mkdtemp(join(tmpdir(), 'bb-inventory-'));
  dirs.push(dir);
  const bus = new EventBus();
  const hosts = await HostRegistry.open(dir, bus, { saveDelayMs: 0 });
  const reservations = await ReservationStore.open(dir);
  const power = await PowerSettingsStore.open(dir);
  const table = new LeaseTable({
    pool: { start: ipToInt('10.9.0.100'), end: ipToInt('10.9.0.200') },
    subnet: subnetOf('10.9.0.1', 24),
    serverIp: '10.9.0.1',
    leaseTimeSec: 3600,
  });
  // What the session does: a stored reservation applies to the running lease table at once.
  reservations.onChange(() => table.setReservations(toLeaseReservations(mergeReservations([], reservations.all()).records)));
  const deps: InventoryDeps = {
    hosts,
    library: { get: () => undefined },
    reservations,
    reservationsInForce: () => mergeReservations([], reservations.all()).records,
    power,
    bus,
    serving: () => ({ installs: null as never, leases: table }),
  };
  return { dir, hosts, reservations, power, table, deps };
}

const CSV =
  'mac,hostname,ip,power,bmc,bmc_user,bmc_password\n52:54:00:00:00:01,a,10.9.0.51,ipmi,10.9.0.250,admin,pw\n52:54:00:00:00:02,b,10.9.0.52,,,,\n';

describe('inventory apply', () => {
  test('applies reservations (live in the lease table), power settings and hosts', async () => {
    const { dir, hosts, table, deps } = await setup();
    assert.equal(table.candidateFor('52:54:00:00:00:01', null), '10.9.0.100', 'a pool address before');
    const result = await importInventory(deps, { csv: CSV });
    assert.equal(result.applied, true);
    assert.equal(result.reservations, 2);
    assert.equal(table.candidateFor('52:54:00:00:00:01', null), '10.9.0.51', 'its reservation at its next DISCOVER');
    assert.equal(hosts.get('52:54:00:00:00:01')?.label, 'a');
    assert.equal(hosts.get('52:54:00:00:00:01')?.powerMethod, 'ipmi');
    assert.equal(hosts.get('52:54:00:00:00:02')?.powerMethod, undefined);
    const file = JSON.parse(await readFile(join(dir, 'reservations.json'), 'utf8')) as { reservations: unknown[] };
    assert.equal(file.reservations.length, 2);
  });

  test('a power.json write that fails puts reservations.json back, and no host is created', async () => {
    const { dir, hosts, reservations, power, table, deps } = await setup();
    await reservations.upsert([{ mac: '52:54:00:00:00:09', ip: '10.9.0.59', hostname: null }]);
    const before = await readFile(join(dir, 'reservations.json'), 'utf8');
    power.updateMany = async () => {
      throw new Error('disk full (injected)');
    };
    await assert.rejects(importInventory(deps, { csv: CSV }), /disk full/);
    assert.equal(await readFile(join(dir, 'reservations.json'), 'utf8'), before, 'reservations.json as it was');
    assert.deepEqual(
      reservations.all().map((r) => r.mac),
      ['52:54:00:00:00:09'],
    );
    assert.equal(table.candidateFor('52:54:00:00:00:01', null), '10.9.0.100', 'the lease table as it was');
    assert.deepEqual(hosts.list(), []);
    assert.equal(existsSync(join(dir, 'power.json')), false);
  });

  test('a bad row: INVENTORY_INVALID with every problem, and no file written', async () => {
    const { dir, hosts, deps } = await setup();
    await assert.rejects(importInventory(deps, { csv: `${CSV}52:54:00:00:00:01,c,10.9.0.53,,,,\nnope,,,,,,\n` }), (e) => {
      assert.ok(isBootbenchError(e, 'INVENTORY_INVALID'));
      assert.deepEqual(
        e.problems?.map((p) => p.line),
        [4, 5],
      );
      return true;
    });
    assert.equal(existsSync(join(dir, 'reservations.json')), false);
    assert.equal(existsSync(join(dir, 'power.json')), false);
    assert.deepEqual(hosts.list(), []);
  });

  test('a row with a distro while not serving is refused (installs are queued while serving)', async () => {
    const { deps } = await setup();
    const library = { get: () => ({ id: 'd-1', status: 'ok', boot: 'installer' }) } as unknown as InventoryDeps['library'];
    await assert.rejects(
      importInventory({ ...deps, library, serving: () => null }, { csv: 'mac,distro\n52:54:00:00:00:01,d-1\n' }),
      (e) => {
        assert.ok(isBootbenchError(e, 'INVENTORY_INVALID'));
        assert.match(e.problems?.[0]?.message ?? '', /serves no interface yet/);
        return true;
      },
    );
  });
});

describe('reservations: flags and stored', () => {
  test('a flag wins over a stored reservation of the same MAC, or of the same address; each disagreement said', () => {
    const { records, conflicts } = mergeReservations(
      [
        { mac: '52:54:00:00:00:01', ip: '10.9.0.70' },
        { mac: '52:54:00:00:00:02', ip: '10.9.0.72' },
      ],
      [
        { mac: '52:54:00:00:00:01', ip: '10.9.0.51', hostname: 'a' },
        { mac: '52:54:00:00:00:03', ip: '10.9.0.72', hostname: null },
        { mac: '52:54:00:00:00:04', ip: '10.9.0.54', hostname: 'd' },
      ],
    );
    assert.deepEqual(
      records.map((r) => [r.mac, r.ip, r.source]),
      [
        ['52:54:00:00:00:01', '10.9.0.70', 'flag'],
        ['52:54:00:00:00:02', '10.9.0.72', 'flag'],
        ['52:54:00:00:00:04', '10.9.0.54', 'inventory'],
      ],
    );
    assert.equal(conflicts.length, 2);
    assert.match(conflicts[0]!.message, /the flag wins/);
    assert.match(conflicts[1]!.message, /52:54:00:00:00:03 gets a pool address/);
  });
});

describe('imports at once', () => {
  test('two imports giving one address to two machines: the second is refused, not both applied', async () => {
    const { deps, reservations } = await setup();
    const [a, b] = await Promise.allSettled([
      importInventory(deps, { csv: 'mac,ip\n52:54:00:00:00:01,10.9.0.80\n' }),
      importInventory(deps, { csv: 'mac,ip\n52:54:00:00:00:02,10.9.0.80\n' }),
    ]);
    assert.equal(a.status, 'fulfilled');
    assert.equal(b.status, 'rejected');
    assert.match(String((b as PromiseRejectedResult).reason.problems?.[0]?.message), /reserved for 52:54:00:00:00:01 already/);
    assert.deepEqual(
      reservations.all().map((r) => [r.mac, r.ip]),
      [['52:54:00:00:00:01', '10.9.0.80']],
    );
  });
});
