// Composition: one chosen interface, the services on it, the state they share. This is the only
// place that knows every part; the protocol servers are handed their policy from here.
import type { Socket } from 'node:dgram';
import { mkdir } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import type { DhcpMode, ForeignDhcpServer, NicInfo, ServerStatus, ServiceStatus } from '../shared/contract.js';
import { BootbenchError } from './errors.js';
import { EventBus } from './events.js';
import { findInterface, listInterfaces } from './net/interfaces.js';
import { openBoundUdpSocket } from './net/bound-socket.js';
import { createIcmpProber } from './net/icmp-probe.js';
import { defaultPool, inSubnet, intToIp, ipToInt, parsePool, subnetOf, type Pool } from './dhcp/ipv4.js';
import { LeaseTable, type Reservation } from './dhcp/leases.js';
import { LeaseStore } from './dhcp/lease-store.js';
import { ConflictGuard } from './dhcp/conflict.js';
import { DhcpServer } from './dhcp/server.js';
import { detectForeignDhcp, describeForeign } from './dhcp/foreign.js';
import { HostRegistry } from './hosts/registry.js';
import { createBootPolicy } from './install/boot-policy.js';
import { startControlApi, type ControlApi } from './control/control-api.js';
import { removeServerInfo, writeServerInfo } from './control/server-info.js';
import { VERSION } from './version.js';
import { createTftpServer } from './tftp/server.js';
import { directoryResolver } from './files/directory.js';
import { BOOT_ASSETS_DIR } from './paths.js';

export interface ServeOptions {
  iface: string;
  mode: DhcpMode;
  pool?: string;
  dataDir: string;
  httpPort: number;
  uiPort: number;
  force: boolean;
  reservations?: Reservation[];
  leaseTimeSec?: number;
  /** Options 3, 6 and 15: none by default (an isolated lab switch has no router and no DNS). */
  router?: string | null;
  dns?: string[];
  domain?: string | null;
  /** Run the ICMP address-conflict probe before offering (default on). */
  conflictProbe?: boolean;
  /** How long to listen for another DHCP server before serving. */
  foreignWaitMs?: number;
  uiRoot?: string;
}

export interface RunningServer {
  bus: EventBus;
  status(): ServerStatus;
  uiUrl: string;
  controlUrl: string;
  stop(): Promise<void>;
}

/** Checks the interface is usable for serving and returns it with its IPv4 address. */
export async function resolveServingInterface(name: string): Promise<{ nic: NicInfo; address: string; prefix: number }> {
  const nic = await findInterface(name);
  if (!nic.up) throw new BootbenchError('INTERFACE_DOWN', { iface: name });
  const v4 = nic.ipv4[0];
  if (!v4) throw new BootbenchError('INTERFACE_NO_IPV4', { iface: name });
  return { nic, address: v4.address, prefix: v4.prefix };
}

/** Asks the segment whether another DHCP server answers (a DISCOVER from port 68). */
export async function probeForeignDhcp(iface: string, mac: string | null, ownIp: string | null, waitMs?: number): Promise<ForeignDhcpServer[]> {
  const socket = await openBoundUdpSocket({ iface, port: 68, broadcast: true, reuseAddr: true });
  try {
    return await detectForeignDhcp({ socket, mac, ownIp, ...(waitMs !== undefined ? { waitMs } : {}) });
  } finally {
    socket.close();
  }
}

function choosePool(text: string | undefined, serverIp: string, prefix: number, iface: string): Pool {
  const subnet = subnetOf(serverIp, prefix);
  const example = `${intToIp(defaultPool(serverIp, prefix).start)}-${intToIp(defaultPool(serverIp, prefix).end)}`;
  if (!text) return defaultPool(serverIp, prefix);
  const pool = parsePool(text);
  const fail = (reason: string) =>
    new BootbenchError('POOL_INVALID', { pool: text, iface, reason, subnet: `${intToIp(subnet.network)}/${prefix}`, example });
  if (typeof pool === 'string') throw fail(pool);
  if (!inSubnet(pool.start, subnet) || !inSubnet(pool.end, subnet)) throw fail('it is not inside the interface subnet');
  if (pool.start === subnet.network || pool.end === subnet.broadcast) throw fail('it includes the network or broadcast address');
  const server = ipToInt(serverIp);
  if (pool.start === server && pool.end === server) throw fail('it holds only the server address');
  return pool;
}

export async function serve(options: ServeOptions): Promise<RunningServer> {
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 }).catch((e: Error) => {
    throw new BootbenchError('DATA_DIR', { dataDir: options.dataDir, reason: e.message });
  });
  const bus = new EventBus();
  const { nic, address: serverIp, prefix } = await resolveServingInterface(options.iface);
  const pool = choosePool(options.pool, serverIp, prefix, options.iface);

  // Port 67 first: without privileges, the message must name the port the user cares about
  // (and not 68, which the foreign-DHCP probe below binds). The server adopts this socket.
  const preopened = new Map<number, Socket>([[67, await openBoundUdpSocket({ iface: options.iface, port: 67, broadcast: true, reuseAddr: false })]]);
  const closePreopened = () => {
    for (const socket of preopened.values()) socket.close();
    preopened.clear();
  };

  // Foreign DHCP: decide the mode before serving on port 67.
  let foreign: ForeignDhcpServer[] = [];
  if (options.mode !== 'proxy') {
    foreign = await probeForeignDhcp(options.iface, nic.mac, serverIp, options.foreignWaitMs).catch((e: unknown) => {
      closePreopened();
      throw e;
    });
    if (foreign.length > 0) {
      if (options.mode === 'dhcp' && !options.force) {
        closePreopened();
        throw new BootbenchError('FOREIGN_DHCP', { iface: options.iface, servers: describeForeign(foreign) });
      }
      bus.log('dhcp', 'warn', 'dhcp.foreign', `another DHCP server answers on ${options.iface}: ${describeForeign(foreign)}`);
    }
  }
  const mode: 'dhcp' | 'proxy' = options.mode === 'auto' ? (foreign.length > 0 ? 'proxy' : 'dhcp') : options.mode;

  const hosts = await HostRegistry.open(options.dataDir, bus);
  const subnet = subnetOf(serverIp, prefix);
  let leases: { table: LeaseTable; store: LeaseStore; guard: ConflictGuard | null } | undefined;
  let closeProber: (() => void) | null = null;
  if (mode === 'dhcp') {
    const table = new LeaseTable({
      pool, subnet, serverIp,
      reservations: options.reservations ?? [],
      leaseTimeSec: options.leaseTimeSec ?? 3600,
    });
    const { store, leases: saved } = await LeaseStore.open(options.dataDir, () => table.records());
    table.load(saved);
    let guard: ConflictGuard | null = null;
    if (options.conflictProbe !== false) {
      try {
        const prober = await createIcmpProber({ iface: options.iface });
        closeProber = () => prober.close();
        guard = new ConflictGuard(prober, table, {
          onConflict: (ip) => bus.log('dhcp', 'warn', 'dhcp.conflict', `${ip} answered a ping: a machine uses it without a lease from Bootbench; it is set aside for 10 minutes`, { data: { ip } }),
          onProbeError: (e) => bus.log('dhcp', 'warn', 'dhcp.probe-failed', `address-conflict probe failed (${e instanceof Error ? e.message : String(e)}): offering without it`),
        });
        guard.prime();
      } catch (e) {
        bus.log('dhcp', 'warn', 'dhcp.no-probe', `address-conflict probe unavailable (${(e as Error).message}); offering addresses without it`);
      }
    }
    leases = { table, store, guard };
  }

  const dhcp = new DhcpServer({
    mode,
    iface: options.iface,
    net: {
      serverIp,
      subnetMask: intToIp(subnet.mask),
      broadcast: intToIp(subnet.broadcast),
      // An isolated lab switch has no router: the laptop must not become the default gateway unasked.
      router: options.router ?? null,
      dns: options.dns ?? [],
      domain: options.domain ?? null,
    },
    bus,
    bootPolicy: createBootPolicy({ serverIp, httpPort: options.httpPort, bus }),
    onClient: (client, ip) => hosts.seen(client, ip),
    ownMac: nic.mac,
    openSocket: async (port) => {
      const socket = preopened.get(port);
      preopened.delete(port);
      return socket ?? openBoundUdpSocket({ iface: options.iface, port, broadcast: true, reuseAddr: false });
    },
    ...(leases ? { leases } : {}),
  });
  try {
    await dhcp.start();
  } catch (e) {
    closePreopened();
    closeProber?.();
    await leases?.store.close();
    throw e;
  }

  // TFTP serves the first-stage boot loaders; everything after that goes over HTTP.
  const macForIp = (ip: string) => leases?.table.macForIp(ip) ?? hosts.macForIp(ip);
  const tftp = createTftpServer({
    iface: options.iface,
    address: serverIp,
    mtu: nic.mtu ?? 1500,
    resolve: directoryResolver(BOOT_ASSETS_DIR),
    bus,
    macForIp,
  });
  try {
    await tftp.start();
  } catch (e) {
    await dhcp.stop();
    closeProber?.();
    await leases?.store.close();
    throw e;
  }

  const startedAt = new Date().toISOString();
  const status = (): ServerStatus => ({
    version: VERSION,
    interface: options.iface,
    serverIp,
    requestedMode: options.mode,
    mode,
    foreignDhcp: foreign,
    services: [...dhcp.status(), tftp.status(), controlStatus()],
    startedAt,
  });
  let control: ControlApi | null = null;
  const controlStatus = (): ServiceStatus => ({ name: 'control', state: control ? 'up' : 'starting', address: control?.url ?? null, error: null, counters: {} });
  const token = randomBytes(24).toString('base64url');
  try {
    control = await startControlApi({
      port: options.uiPort,
      token,
      bus,
      handlers: {
        'GET /api/status': () => status(),
        'GET /api/hosts': () => hosts.list(),
        'GET /api/interfaces': () => listInterfaces(),
      },
      ...(options.uiRoot ? { uiRoot: options.uiRoot } : {}),
    });
  } catch (e) {
    await dhcp.stop();
    await tftp.stop();
    closeProber?.();
    await leases?.store.close();
    throw e;
  }
  await writeServerInfo(options.dataDir, {
    pid: process.pid,
    controlUrl: control.url,
    token,
    uiUrl: control.uiUrl,
    interface: options.iface,
    startedAt,
  });
  bus.log('core', 'info', 'core.started', `serving ${mode === 'dhcp' ? 'DHCP' : 'proxyDHCP'} on ${options.iface} (${serverIp}/${prefix})${mode === 'dhcp' ? `, pool ${intToIp(pool.start)}-${intToIp(pool.end)}` : ''}`);

  let stopped = false;
  return {
    bus,
    status,
    uiUrl: control.uiUrl,
    controlUrl: control.url,
    async stop() {
      if (stopped) return;
      stopped = true;
      await dhcp.stop();
      await tftp.stop();
      closeProber?.();
      await control?.close();
      await hosts.flush();
      if (leases) {
        await leases.store.compact().catch(() => undefined);
        await leases.store.close();
      }
      await removeServerInfo(options.dataDir, process.pid);
    },
  };
}
