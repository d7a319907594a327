// Importing an inventory CSV (`POST /api/hosts/import`, `bootbench hosts import FILE.csv`): all rows
// or none. Every row is checked first, the installs included (InstallManager.prepare renders and
// validates each answer file without queuing anything); only then is anything applied, in an order
// that cannot leave a half-applied file behind:
//   1. reservations.json  (one atomic write: all rows' reservations or none)
//   2. power.json         (one atomic write; if it fails, reservations.json is put back as it was)
//   3. hosts, labels, power method, installs — in memory only (saved soon after), nothing can fail.
import type {
  InventoryImportRequest,
  InventoryImportResult,
  InventoryRow,
  ReservationRecord,
  ValidationProblem,
} from '../../shared/contract.js';
import { BootbenchError } from '../errors.js';
import type { EventBus } from '../events.js';
import type { LeaseTable } from '../dhcp/leases.js';
import type { ReservationStore } from '../dhcp/reservation-store.js';
import type { HostRegistry } from '../hosts/registry.js';
import type { InstallManager, PreparedInstall } from '../install/manager.js';
import type { IsoLibrary } from '../iso/library.js';
import type { PowerSettingsStore } from '../power/settings-store.js';
import { checkInventory, type InventoryContext, type PlannedRow } from './check.js';

/** What the import reads and changes, handed in at composition. */
export interface InventoryDeps {
  hosts: HostRegistry;
  library: Pick<IsoLibrary, 'get'>;
  reservations: ReservationStore;
  /** The reservations in force (flags and stored), as GET /api/reservations shows them. */
  reservationsInForce(): ReservationRecord[];
  power: PowerSettingsStore;
  bus: EventBus;
  /** The session serving an interface, or null in setup. */
  serving(): { installs: InstallManager; leases: LeaseTable | null } | null;
}

// One import at a time per data folder: two files checked against the same reservations, then both
// applied, could give one address to two machines.
const running = new WeakMap<ReservationStore, Promise<unknown>>();

export function importInventory(deps: InventoryDeps, request: InventoryImportRequest): Promise<InventoryImportResult> {
  const run = (running.get(deps.reservations) ?? Promise.resolve()).then(() => importOnce(deps, request));
  running.set(
    deps.reservations,
    run.catch(() => undefined),
  );
  return run;
}

async function importOnce(deps: InventoryDeps, request: InventoryImportRequest): Promise<InventoryImportResult> {
  const session = deps.serving();
  const { rows, problems } = checkInventory(request.csv, contextOf(deps, session));
  const prepared = new Map<string, PreparedInstall>();
  if (problems.length === 0) await prepareInstalls(rows, session, prepared, problems);
  if (problems.length > 0) throw new BootbenchError('INVENTORY_INVALID', { count: problems.length }, { problems });
  const summary = {
    rows: rows.map(rowOf),
    reservations: rows.filter((r) => r.ip).length,
    installsQueued: prepared.size,
  };
  if (request.dryRun) return { ...summary, hosts: [], applied: false };

  const previous = deps.reservations.all();
  const reserved = rows.filter((r): r is PlannedRow & { ip: string } => r.ip !== null);
  if (reserved.length > 0) await deps.reservations.upsert(reserved.map((r) => ({ mac: r.mac, ip: r.ip, hostname: r.hostname })));
  const powered = rows.filter((r) => r.power !== null);
  if (powered.length > 0) {
    try {
      await deps.power.updateMany(powered.map((r) => ({ mac: r.mac, update: r.power! })));
    } catch (e) {
      if (reserved.length > 0) await deps.reservations.restore(previous);
      throw e;
    }
  }
  // From here on, memory only: nothing below can fail half-way.
  for (const row of rows) {
    deps.hosts.expect(row.mac);
    if (row.hostname) deps.hosts.setLabel(row.mac, row.hostname);
    if (row.power) deps.hosts.setPower(row.mac, { powerMethod: row.power.method });
  }
  for (const p of prepared.values()) session!.installs.commit(p);
  deps.bus.log(
    'core',
    'info',
    'inventory.imported',
    `inventory imported: ${rows.length} machine${rows.length === 1 ? '' : 's'}, ${summary.reservations} reservation${summary.reservations === 1 ? '' : 's'}, ${summary.installsQueued} install${summary.installsQueued === 1 ? '' : 's'} queued, ${powered.length} with power settings`,
  );
  const hosts = rows.map((r) => deps.hosts.get(r.mac)).filter((h) => h !== undefined);
  return { ...summary, hosts, applied: true };
}

function contextOf(deps: InventoryDeps, session: ReturnType<InventoryDeps['serving']>): InventoryContext {
  const leases = session?.leases ?? null;
  return {
    distroProblem: (id) => {
      const distro = deps.library.get(id);
      if (!distro) return 'no such distro is imported (`bootbench distros` lists them)';
      if (distro.status !== 'ok') return `its ISO is ${distro.status} (${distro.iso}): import it again`;
      if ((distro.boot ?? 'installer') !== 'installer') return `it is a ${distro.boot} image, not an installer`;
      if (!session) return 'Bootbench serves no interface yet: installs are queued while serving';
      return null;
    },
    network: !session ? { mode: 'setup' } : leases ? { mode: 'dhcp', ...leases.network } : { mode: 'proxy' },
    reservations: deps.reservationsInForce(),
    leaseHolder: (ip) => leases?.holderOf(ip) ?? null,
  };
}

/** Checks each row's install as queuing it would (recipe, installer files, answer file), queuing nothing. */
async function prepareInstalls(
  rows: PlannedRow[],
  session: ReturnType<InventoryDeps['serving']>,
  out: Map<string, PreparedInstall>,
  problems: ValidationProblem[],
): Promise<void> {
  for (const row of rows) {
    if (!row.distro || !session) continue;
    try {
      // The row's host name is the install's own (`--set hostname=…`): it wins over the settings' pattern.
      const settings: Record<string, string> = row.hostname ? { hostname: row.hostname } : {};
      out.set(row.mac, await session.installs.prepare(row.mac, { distro: row.distro, settings }));
    } catch (e) {
      problems.push({ line: row.line, message: `distro ${row.distro}: ${(e as Error).message}` });
    }
  }
}

function rowOf(r: PlannedRow): InventoryRow {
  return { line: r.line, mac: r.mac, hostname: r.hostname, ip: r.ip, distro: r.distro, powerMethod: r.power?.method ?? null };
}
