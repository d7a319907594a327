// Composition: one chosen interface, the services on it, the state they share. This is the only
// place that knows every part; the protocol servers are handed their policy from here.
import { mkdir } from 'node:fs/promises';
import type { DhcpMode, ForeignDhcpServer, NicInfo, ServerStatus, ServiceStatus } from '../shared/contract.js';
import { BootbenchError } from './errors.js';
import { EventBus } from './events.js';
import { findInterface, listInterfaces } from './net/interfaces.js';
import { openBoundUdpSocket } from './net/bound-socket.js';
import { createIcmpProber } from './net/icmp-probe.js';
import { createArpProber } from './net/arp-probe.js';
import { defaultPool, inSubnet, intToIp, ipToInt, parsePool, subnetOf, type Pool, type Subnet } from './dhcp/ipv4.js';
import { LeaseTable, type Reservation } from './dhcp/leases.js';
import { LeaseStore } from './dhcp/lease-store.js';
import { ConflictGuard, type AddressProber } from './dhcp/conflict.js';
import { DhcpServer } from './dhcp/server.js';
import { detectForeignDhcp, describeForeign } from './dhcp/foreign.js';
import { HostRegistry } from './hosts/registry.js';
import { createBootPolicy } from './install/boot-policy.js';
import { startControlApi, type ControlApi } from './control/control-api.js';
import { removeServerInfo, writeServerInfo } from './control/server-info.js';
import { newToken } from './control/auth.js';
import { createBootHttpServer } from './http/server.js';
import { mountBootRoutes } from './http/routes-boot.js';
import { IsoLibrary } from './iso/library.js';
import { mountIsoRoutes } from './iso/http-routes.js';
import { VERSION } from './version.js';
import type { ServeRequest } from '../shared/contract.js';
import { httpBase } from './install/boot-policy.js';
import { InstallManager } from './install/manager.js';
import { DEFAULT_LIMITS } from './install/state-machine.js';
import { mountInstallRoutes } from './install/http-routes.js';
import { createAnswerRenderer } from './install/answers.js';
import { SettingsStore } from './install/settings-store.js';
import { TemplateStore } from './install/template-store.js';
import { TimelineStore } from './hosts/timeline.js';
import { createSyslogReceiver } from './syslog/receiver.js';
import { createDnsResponder } from './dns/responder.js';
import { createRouterAdvertiser } from './net/router-advert.js';
import { createTftpServer } from './tftp/server.js';
import { directoryResolver } from './files/directory.js';
import type { FileResolver } from './files/file-source.js';
import { BOOT_ASSETS_DIR } from './paths.js';

export interface ServeOptions {
  /** The interface to serve on; absent: start in setup, the UI picks it. */
  iface?: string;
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
  /** UDP/TCP port of the syslog receiver (default 514). */
  syslogPort?: number;
  /** Answer DNS for the lab on the NIC address in DHCP mode (default on, unless --dns is given). */
  dnsResponder?: boolean;
  /** Send IPv6 router advertisements that end iPXE's router-discovery wait (default on). */
  routerAdvert?: boolean;
  /** Emulate a vendor BIOS PXE ROM on QEMU's iPXE ROM (tests; see ipxe-script.ts). */
  biosChain?: boolean;
  /** Debian netboot images root (tests). */
  debianImages?: string;
  /** Stage timeouts of installs, ms (the rest keep their defaults). */
  installTimeouts?: Partial<Record<'queued' | 'booting' | 'installing', number>>;
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

/**
 * Starts Bootbench: the state every interface shares (hosts, ISO library, timelines, settings,
 * templates) and the control API with the UI; then, when `options.iface` is set, the network
 * services on it. Without one the server waits in `setup` until the UI picks the interface
 * (`POST /api/serve`), the first-run flow.
 */
export async function serve(options: ServeOptions): Promise<RunningServer> {
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 }).catch((e: Error) => {
    throw new BootbenchError('DATA_DIR', { dataDir: options.dataDir, reason: e.message });
  });
  const bus = new EventBus({ firstSeq: Date.now() * 1000 });
  return withUndo((teardown, undo) => composeApp(options, bus, teardown, undo));
}

type Teardown = (() => unknown)[];

/**
 * Runs `build` with a teardown list it pushes a step to for everything it starts. Everything started
 * is undone in reverse order, on a failed start (here) as on a later stop (`undo`, handed to build).
 */
async function withUndo<T>(build: (teardown: Teardown, undo: () => Promise<void>) => Promise<T>): Promise<T> {
  const teardown: Teardown = [];
  const undo = async () => {
    for (const step of teardown.splice(0).reverse()) await Promise.resolve(step()).catch(() => undefined);
  };
  try {
    return await build(teardown, undo);
  } catch (e) {
    await undo();
    throw e;
  }
}

/** What serving one interface consists of; stopped as a whole. */
interface Session {
  iface: string;
  serverIp: string;
  requestedMode: DhcpMode;
  mode: 'dhcp' | 'proxy';
  foreign: ForeignDhcpServer[];
  services(): ServiceStatus[];
  installs: InstallManager;
  stop(): Promise<void>;
}

async function composeApp(options: ServeOptions, bus: EventBus, teardown: Teardown, undo: () => Promise<void>): Promise<RunningServer> {
  const shared: SharedState = {
    hosts: await HostRegistry.open(options.dataDir, bus),
    library: await IsoLibrary.open(options.dataDir, bus),
    timeline: new TimelineStore(options.dataDir, bus),
    settings: await SettingsStore.open(options.dataDir),
    templates: await TemplateStore.open(options.dataDir),
  };
  teardown.push(() => shared.hosts.flush());
  teardown.push(() => shared.library.close());
  shared.timeline.start();
  teardown.push(() => shared.timeline.close());

  let session: Session | null = null;
  // server.json follows the session (its interface); set once the control API is up.
  let writeInfo: () => Promise<void> = async () => undefined;
  let starting: Promise<Session> | null = null;
  const startSession = async (request: ServeRequest): Promise<Session> => {
    if (session) throw new BootbenchError('ALREADY_SERVING', { iface: session.iface });
    if (starting) throw new BootbenchError('ALREADY_SERVING', { iface: request.interface });
    starting = composeSession({ ...options, iface: request.interface, mode: request.mode ?? options.mode, ...(request.pool !== undefined ? { pool: request.pool } : {}) }, bus, shared);
    try {
      session = await starting;
    } finally {
      starting = null;
    }
    await writeInfo();
    return session;
  };
  const stopSession = async () => {
    const s = session;
    session = null;
    if (s) {
      await s.stop();
      bus.log('core', 'info', 'core.stopped', `stopped serving ${s.iface}`);
    }
    await writeInfo();
  };
  teardown.push(() => stopSession());
  const need = (): Session => {
    if (!session) throw new BootbenchError('NOT_SERVING');
    return session;
  };

  // With an interface on the command line, serve before anything else: a port in use or missing
  // privileges fail the command itself.
  if (options.iface) await startSession({ interface: options.iface, mode: options.mode, ...(options.pool !== undefined ? { pool: options.pool } : {}) });

  const startedAt = new Date().toISOString();
  let control: ControlApi | null = null;
  const controlStatus = (): ServiceStatus => ({ name: 'control', state: control ? 'up' : 'starting', address: control?.url ?? null, error: null, counters: {} });
  const status = (): ServerStatus => ({
    version: VERSION,
    state: session ? 'serving' : 'setup',
    interface: session?.iface ?? null,
    serverIp: session?.serverIp ?? null,
    requestedMode: session?.requestedMode ?? options.mode,
    mode: session?.mode ?? null,
    foreignDhcp: session?.foreign ?? [],
    services: [...(session?.services() ?? []), controlStatus()],
    startedAt,
  });
  const token = newToken();
  control = await startControlApi({
    port: options.uiPort,
    token,
    bus,
    handlers: {
      'GET /api/status': () => status(),
      'GET /api/hosts': () => shared.hosts.list(),
      'GET /api/interfaces': () => listInterfaces(),
      'GET /api/distros': async () => {
        await shared.library.refresh(); // a few stat calls: moved or deleted ISOs show as such at once
        return shared.library.list();
      },
      'POST /api/distros/import': ({ body }) => shared.library.import(body.path, { verify: body.verify ?? false }),
      'PUT /api/distros/upload/:name': ({ params, body }) => shared.library.importUpload(params.name, body.stream, body.length),
      'PUT /api/distros/:id': ({ params, body }) => shared.library.configure(params.id, body),
      'POST /api/hosts/:mac/install': ({ params, body }) => need().installs.queue(params.mac, body),
      'POST /api/hosts/:mac/cancel': ({ params }) => need().installs.cancel(params.mac),
      'GET /api/hosts/:mac/answer-file': ({ params, query }) => need().installs.preview(params.mac, query.distro),
      'GET /api/hosts/:mac/timeline': ({ params, query }) => shared.timeline.read(params.mac, query),
      'GET /api/settings': () => shared.settings.view(),
      'PUT /api/settings': ({ body }) => shared.settings.update(body),
      'GET /api/templates': () => shared.templates.list(),
      'PUT /api/templates/:name': ({ params, body }) => shared.templates.save(params.name, body.text),
      'GET /api/check': async ({ query }) => {
        const { runChecks } = await import('./check.js');
        return runChecks({ iface: query.interface, assetsDir: BOOT_ASSETS_DIR, httpPort: options.httpPort });
      },
      'POST /api/serve': async ({ body }) => {
        await startSession(body);
        return status();
      },
      'POST /api/stop': async () => {
        await stopSession();
        return status();
      },
    },
    ...(options.uiRoot ? { uiRoot: options.uiRoot } : {}),
  });
  const api = control;
  teardown.push(() => api.close());
  writeInfo = () =>
    control ? writeServerInfo(options.dataDir, { pid: process.pid, controlUrl: api.url, token, uiUrl: api.uiUrl, interface: session?.iface ?? null, startedAt }) : Promise.resolve();
  await writeInfo();
  teardown.push(() => removeServerInfo(options.dataDir, process.pid));
  if (!session) bus.log('core', 'info', 'core.setup', 'waiting for an interface to serve: choose one in the UI, or start with --interface');

  return { bus, status, uiUrl: api.uiUrl, controlUrl: api.url, stop: undo };
}

interface SharedState {
  hosts: HostRegistry;
  library: IsoLibrary;
  timeline: TimelineStore;
  settings: SettingsStore;
  templates: TemplateStore;
}

/** Every network service on one interface, composed; a failed start undoes what it started. */
async function composeSession(options: ServeOptions & { iface: string }, bus: EventBus, shared: SharedState): Promise<Session> {
  const { nic, address: serverIp, prefix } = await resolveServingInterface(options.iface);
  const pool = choosePool(options.pool, serverIp, prefix, options.iface);
  return withUndo((teardown, undo) => compose(options, bus, shared, nic, serverIp, prefix, pool, teardown, undo));
}

async function compose(
  options: ServeOptions & { iface: string },
  bus: EventBus,
  shared: SharedState,
  nic: NicInfo,
  serverIp: string,
  prefix: number,
  pool: Pool,
  teardown: Teardown,
  undo: () => Promise<void>,
): Promise<Session> {
  const { hosts, library } = shared;
  // Port 67 first: without privileges, the message must name the port the user cares about
  // (and not 68, which the foreign-DHCP probe below binds). The DHCP server adopts this socket.
  const port67 = await openBoundUdpSocket({ iface: options.iface, port: 67, broadcast: true, reuseAddr: false });
  let port67Adopted = false;
  teardown.push(() => port67Adopted || port67.close());

  // Foreign DHCP: decide the mode before serving on port 67.
  let foreign: ForeignDhcpServer[] = [];
  if (options.mode !== 'proxy') {
    foreign = await probeForeignDhcp(options.iface, nic.mac, serverIp, options.foreignWaitMs);
    if (foreign.length > 0) {
      if (options.mode === 'dhcp' && !options.force) throw new BootbenchError('FOREIGN_DHCP', { iface: options.iface, servers: describeForeign(foreign) });
      bus.log('dhcp', 'warn', 'dhcp.foreign', `another DHCP server answers on ${options.iface}: ${describeForeign(foreign)}`);
    }
  }
  const mode: 'dhcp' | 'proxy' = options.mode === 'auto' ? (foreign.length > 0 ? 'proxy' : 'dhcp') : options.mode;

  const subnet = subnetOf(serverIp, prefix);
  const leases = mode === 'dhcp' ? await openLeases(options, bus, pool, subnet, serverIp, nic.mac, teardown) : undefined;
  const macForIp = (ip: string) => leases?.table.macForIp(ip) ?? hosts.macForIp(ip);

  // TFTP serves the first-stage loaders; everything after that goes over HTTP. Both are up
  // before DHCP, so that the first client sent to them finds them.
  const loaders = directoryResolver(BOOT_ASSETS_DIR);
  // TFTP names: the loaders by name, and "iso/<distro id>/<path>" for files inside an ISO (for
  // firmware or loaders that cannot speak HTTP).
  const tftpFiles: FileResolver = (name) => {
    const m = /^\/?iso\/([^/]+)\/(.+)$/.exec(name);
    return m ? library.openInside(m[1] as string, m[2] as string) : loaders(name);
  };
  const tftp = createTftpServer({ iface: options.iface, address: serverIp, mtu: nic.mtu ?? 1500, resolve: tftpFiles, bus, macForIp });
  await tftp.start();
  teardown.push(() => tftp.stop());

  // Services the lab is better with but can run without (their failures show on their status).
  const optional: { status(): ServiceStatus }[] = [];
  let installsRef: InstallManager | null = null;
  const dhcpExtras: { dns: string[]; domain: string | null } = { dns: options.dns ?? [], domain: options.domain ?? null };
  if (mode === 'dhcp' && options.dnsResponder !== false && (options.dns ?? []).length === 0) {
    // Installers want a name server (the Debian installer stops and asks without one) and quick
    // answers: the lab's own small DNS, handed out by DHCP when the user gave no other.
    const domain = options.domain ?? 'lab';
    const names = labNames(hosts, () => installsRef, serverIp);
    const dns = createDnsResponder({ iface: options.iface, address: serverIp, domain, lookup: names.lookup, reverse: names.reverse, bus });
    if (await startOptional('dns', dns, bus, teardown, optional)) {
      dhcpExtras.dns = [serverIp];
      dhcpExtras.domain = domain;
    }
  }

  const syslogPort = options.syslogPort ?? 514;
  const base = httpBase(serverIp, options.httpPort);
  const installs = await InstallManager.open({
    dataDir: options.dataDir,
    bus,
    hosts,
    library,
    answers: createAnswerRenderer({ settings: shared.settings, templates: shared.templates }),
    serverIp,
    httpBase: base,
    syslogPort,
    macForIp,
    labDns: dhcpExtras.dns[0] ?? null,
    ...(options.debianImages ? { debianImages: options.debianImages } : {}),
    limits: {
      ...DEFAULT_LIMITS,
      ...(options.installTimeouts?.queued ? { queuedMs: options.installTimeouts.queued } : {}),
      ...(options.installTimeouts?.booting ? { bootingMs: options.installTimeouts.booting } : {}),
      ...(options.installTimeouts?.installing ? { installingIdleMs: options.installTimeouts.installing } : {}),
    },
    // Deadlines are checked every few seconds; short test timeouts want a finer tick.
    tickMs: Math.min(5000, Math.max(250, Math.min(...Object.values(options.installTimeouts ?? {}).filter((v): v is number => !!v)) / 4 || 5000)),
  });
  teardown.push(() => installs.close());
  installsRef = installs;

  const http = createBootHttpServer({ address: serverIp, port: options.httpPort, bus, macForIp });
  mountBootRoutes(http, { loaders, hosts, serverIp, httpPort: options.httpPort, biosChain: options.biosChain ?? false, installerLines: (mac, ip) => installs.installerLines(mac, ip) });
  mountIsoRoutes(http, library);
  mountInstallRoutes(http, installs, bus);
  await http.start();
  teardown.push(() => http.stop());

  // Installer logs: syslog lines become the sending host's timeline (by its address).
  const syslog = createSyslogReceiver({
    iface: options.iface,
    address: serverIp,
    port: syslogPort,
    bus,
    onMessage: (fromIp, record) => {
      const mac = macForIp(fromIp);
      const level = record.severity === 'emerg' || record.severity === 'alert' || record.severity === 'crit' || record.severity === 'err' ? 'error' : record.severity === 'warning' ? 'warn' : record.severity === 'debug' ? 'debug' : 'info';
      bus.log('syslog', level, 'syslog.line', `${record.app ? `${record.app}: ` : ''}${record.message}`, {
        mac,
        data: { from: fromIp, facility: record.facility, severity: record.severity, ...(record.hostname ? { hostname: record.hostname } : {}) },
      });
      if (mac) installs.observe(mac, { type: 'activity', summary: `syslog: ${record.app ? `${record.app}: ` : ''}${record.message.slice(0, 100)}` });
    },
  });
  await startOptional('syslog', syslog, bus, teardown, optional);

  const dhcp = new DhcpServer({
    mode,
    iface: options.iface,
    net: {
      serverIp,
      subnetMask: intToIp(subnet.mask),
      broadcast: intToIp(subnet.broadcast),
      // An isolated lab switch has no router: the laptop must not become the default gateway unasked.
      router: options.router ?? null,
      dns: dhcpExtras.dns,
      domain: dhcpExtras.domain,
    },
    bus,
    bootPolicy: createBootPolicy({ serverIp, httpPort: options.httpPort, bus }),
    onClient: (client, ip) => hosts.seen(client, ip),
    ownMac: nic.mac,
    openSocket: async (port) => {
      if (port === 67 && !port67Adopted) {
        port67Adopted = true;
        return port67;
      }
      return openBoundUdpSocket({ iface: options.iface, port, broadcast: true, reuseAddr: false });
    },
    ...(leases ? { leases } : {}),
  });
  teardown.push(() => dhcp.stop());
  await dhcp.start();

  if (options.routerAdvert !== false) {
    // iPXE waits ~13 s for IPv6 router discovery at every start unless an RA arrives.
    await startOptional('ra', createRouterAdvertiser({ iface: options.iface, bus }), bus, teardown, optional);
  }

  bus.log('core', 'info', 'core.started', `serving ${mode === 'dhcp' ? 'DHCP' : 'proxyDHCP'} on ${options.iface} (${serverIp}/${prefix})${mode === 'dhcp' ? `, pool ${intToIp(pool.start)}-${intToIp(pool.end)}` : ''}, TFTP, HTTP on port ${options.httpPort}`);
  return {
    iface: options.iface,
    serverIp,
    requestedMode: options.mode,
    mode,
    foreign,
    installs,
    services: () => [...dhcp.status(), tftp.status(), http.status(), ...optional.map((o) => o.status())],
    stop: undo,
  };
}

/**
 * A helper service (syslog, DNS, RA) that the lab is better with but can run without: a failure to
 * start is shown on its status and in the log, not a reason to refuse serving.
 */
async function startOptional(
  name: string,
  service: { start(): Promise<void>; stop(): Promise<void>; status(): ServiceStatus },
  bus: EventBus,
  teardown: Teardown,
  list: { status(): ServiceStatus }[],
): Promise<boolean> {
  try {
    await service.start();
    teardown.push(() => service.stop());
    list.push(service);
    return true;
  } catch (e) {
    const error = (e as Error).message;
    bus.log('core', 'warn', `${name}.unavailable`, `${name} not started: ${error}`);
    list.push({ status: () => ({ ...service.status(), state: 'failed', error }) });
    return false;
  }
}

/** The lab's names for DNS: the laptop ("bootbench") and each host with an address and a name. */
function labNames(hosts: HostRegistry, installs: () => InstallManager | null, serverIp: string) {
  const nameOf = (mac: string) => installs()?.hostnameFor(mac) ?? mac.replace(/:/g, '');
  return {
    lookup: (name: string): string | null => {
      const short = name.toLowerCase();
      if (short === 'bootbench') return serverIp;
      for (const h of hosts.list()) if (h.ip && nameOf(h.mac).toLowerCase() === short) return h.ip;
      return null;
    },
    reverse: (ip: string): string | null => {
      if (ip === serverIp) return 'bootbench';
      const mac = hosts.macForIp(ip);
      return mac ? nameOf(mac) : null;
    },
  };
}

/** The lease table, its durable store and (when raw sockets are allowed) the conflict probe. */
async function openLeases(options: ServeOptions & { iface: string }, bus: EventBus, pool: Pool, subnet: Subnet, serverIp: string, mac: string | null, teardown: Teardown) {
  const table = new LeaseTable({ pool, subnet, serverIp, reservations: options.reservations ?? [], leaseTimeSec: options.leaseTimeSec ?? 3600 });
  const { store, leases: saved } = await LeaseStore.open(options.dataDir, () => table.records());
  teardown.push(async () => {
    await store.compact().catch(() => undefined);
    await store.close();
  });
  table.load(saved);
  let guard: ConflictGuard | null = null;
  if (options.conflictProbe !== false) {
    try {
      const prober = await openProber(options.iface, serverIp, mac, bus);
      teardown.push(() => prober.close());
      guard = new ConflictGuard(prober, table, {
        // ICMP probes cost a kernel neighbour entry each (the table holds ~1,024); ARP probes none.
        maxInFlight: prober.kind === 'arp' ? 4096 : 256,
        onConflict: (ip) => bus.log('dhcp', 'warn', 'dhcp.conflict', `${ip} answered a probe: a machine uses it without a lease from Bootbench; it is set aside for 10 minutes`, { data: { ip } }),
        onProbeError: (e) => bus.log('dhcp', 'warn', 'dhcp.probe-failed', `address-conflict probe failed (${e.message}): offering without it`),
      });
      guard.prime();
      const started = guard;
      teardown.push(() => started.stop());
    } catch (e) {
      bus.log('dhcp', 'warn', 'dhcp.no-probe', `address-conflict probe unavailable (${(e as Error).message}); offering addresses without it`);
    }
  }
  return { table, store, guard };
}

/**
 * ARP on Linux (RFC 5227 style: answered even by hosts whose firewall drops ping, and no kernel
 * neighbour entry per probe); ICMP echo elsewhere, or when packet sockets are not allowed.
 */
async function openProber(iface: string, serverIp: string, mac: string | null, bus: EventBus): Promise<AddressProber & { kind: 'arp' | 'icmp' }> {
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
