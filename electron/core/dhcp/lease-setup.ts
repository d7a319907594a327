// The lease table of full-DHCP mode with its durable store and, where raw sockets are allowed, the
// address-conflict probe that runs ahead of demand.
import type { EventBus } from '../events.js';
import type { Teardown } from '../lifecycle.js';
import { createArpProber } from '../net/arp-probe.js';
import { createIcmpProber } from '../net/icmp-probe.js';
import { ConflictGuard, type AddressProber } from './conflict.js';
import type { Pool, Subnet } from './ipv4.js';
import { LeaseStore } from './lease-store.js';
import { LeaseTable, type Reservation } from './leases.js';

export interface LeaseSetup {
  iface: string;
  dataDir: string;
  pool: Pool;
  subnet: Subnet;
  serverIp: string;
  /** The interface's own MAC (ARP probes are sent from it); null: ICMP probes. */
  mac: string | null;
  reservations: Reservation[];
  leaseTimeSec: number;
  /** Probe addresses before offering them (default on). */
  conflictProbe: boolean;
  bus: EventBus;
  teardown: Teardown;
}

export async function openLeases(setup: LeaseSetup): Promise<{ table: LeaseTable; store: LeaseStore; guard: ConflictGuard | null }> {
  const { bus, teardown } = setup;
  const table = new LeaseTable({
    pool: setup.pool,
    subnet: setup.subnet,
    serverIp: setup.serverIp,
    reservations: setup.reservations,
    leaseTimeSec: setup.leaseTimeSec,
  });
  const { store, leases: saved } = await LeaseStore.open(setup.dataDir, () => table.records());
  teardown.push(async () => {
    await store.compact().catch(() => undefined);
    await store.close();
  });
  table.load(saved);
  if (!setup.conflictProbe) return { table, store, guard: null };
  try {
    const prober = await openProber(setup);
    teardown.push(() => prober.close());
    const guard = new ConflictGuard(prober, table, {
      // ICMP probes cost a kernel neighbour entry each (the table holds ~1,024); ARP probes none.
      maxInFlight: prober.kind === 'arp' ? 4096 : 256,
      onConflict: (ip) =>
        bus.log(
          'dhcp',
          'warn',
          'dhcp.conflict',
          `${ip} answered a probe: a machine uses it without a lease from Bootbench; it is set aside for 10 minutes`,
          { data: { ip } },
        ),
      onProbeError: (e) =>
        bus.log('dhcp', 'warn', 'dhcp.probe-failed', `address-conflict probe failed (${e.message}): offering without it`),
    });
    guard.prime();
    teardown.push(() => guard.stop());
    return { table, store, guard };
  } catch (e) {
    bus.log('dhcp', 'warn', 'dhcp.no-probe', `address-conflict probe unavailable (${(e as Error).message}); offering addresses without it`);
    return { table, store, guard: null };
  }
}

/**
 * ARP on Linux (RFC 5227 style: answered even by hosts whose firewall drops ping, and no kernel
 * neighbour entry per probe); ICMP echo elsewhere, or when packet sockets are not allowed.
 */
async function openProber(setup: LeaseSetup): Promise<AddressProber & { kind: 'arp' | 'icmp' }> {
  const { iface, serverIp, mac, bus } = setup;
  if (process.platform === 'linux' && mac) {
    try {
      const arp = await createArpProber({ iface, sourceIp: serverIp, sourceMac: mac });
      return { kind: 'arp', probeMany: (ips, timeoutMs) => arp.probeMany(ips, timeoutMs), close: () => arp.close() };
    } catch (e) {
      bus.log('dhcp', 'debug', 'dhcp.no-arp-probe', `ARP probe unavailable (${(e as Error).message}); trying ICMP`);
    }
  }
  const icmp = await createIcmpProber({ iface });
  return { kind: 'icmp', probeMany: (ips, timeoutMs) => icmp.probeMany(ips, timeoutMs), close: () => icmp.close() };
}
