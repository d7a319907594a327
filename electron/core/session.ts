// Serving one interface: every network service on it, composed and handed its policy, stopped as a
// whole. This file only wires; each decision lives with its owner (the pool in dhcp/, what a client
// boots in boot/, installs in install/, the lab's names in dns/, log levels in syslog/).
import type { DhcpMode, EventSource, ForeignDhcpServer, NicInfo, ServiceStatus } from '../shared/contract.js';
import type { BootPolicy } from './boot/boot-policy.js';
import type { ChainSettings } from './boot/chain-settings.js';
import type { BootChoices } from './boot/menu-choice.js';
import { createChainTracker } from './boot/chain-tracker.js';
import { createDhcpBootPolicy } from './boot/dhcp-boot.js';
import { installOnFirstSight } from './boot/first-sight.js';
import { wholeIsoHttpBootUrl } from './boot/live-boot.js';
import { grubTftpFiles, mountGrubRoutes, type GrubFilesOptions } from './boot/grub-routes.js';
import { mountBootRoutes } from './boot/routes.js';
import { tftpBootFiles } from './boot/tftp-files.js';
import { loaderSetName, signedLoadersByInstall } from './boot/install-loaders.js';
import { httpBase, isScriptFetch } from './boot/urls.js';
import { describeForeign, probeForeignDhcp } from './dhcp/foreign.js';
import { intToIp, subnetOf, type Pool } from './dhcp/ipv4.js';
import { openLeases } from './dhcp/lease-setup.js';
import type { LeaseTable } from './dhcp/leases.js';
import { mergeReservations, toLeaseReservations, type ReservationStore } from './dhcp/reservation-store.js';
import { choosePool } from './dhcp/pool-choice.js';
import { DhcpServer } from './dhcp/server.js';
import { labNames } from './dns/lab-names.js';
import { createDnsResponder } from './dns/responder.js';
import { BootbenchError } from './errors.js';
import type { EventBus } from './events.js';
import { directoryResolver } from './files/directory.js';
import type { HostRegistry } from './hosts/registry.js';
import { createBootHttpServer } from './http/server.js';
import type { AnswerRenderer } from './install/install-media.js';
import { mountInstallRoutes } from './install/http-routes.js';
import { installTftpFiles } from './install/tftp-files.js';
import { stageLimits } from './install/limits.js';
import { InstallManager } from './install/manager.js';
import { mountIsoRoutes } from './iso/http-routes.js';
import type { IsoLibrary } from './iso/library.js';
import { startOptional, withUndo, type Teardown } from './lifecycle.js';
import { openBoundUdpSocket } from './net/bound-socket.js';
import { findInterface } from './net/interfaces.js';
import { createRouterAdvertiser } from './net/router-advert.js';
import { BOOT_ASSETS_DIR } from './paths.js';
import type { ServeOptions } from './serve-options.js';
import { eventLevelOf } from './syslog/levels.js';
import { createSyslogReceiver } from './syslog/receiver.js';
import { createTftpServer } from './tftp/server.js';

/** The sources whose lines with a MAC are that host's own traffic (install and core lines are Bootbench's own). */
const CONTACT_SOURCES: ReadonlySet<EventSource> = new Set<EventSource>(['dhcp', 'tftp', 'http', 'dns', 'syslog']);

/** What serving one interface consists of; stopped as a whole. */
export interface Session {
  iface: string;
  serverIp: string;
  /** The served address's prefix length (Wake-on-LAN's directed broadcast). */
  prefix: number;
  requestedMode: DhcpMode;
  mode: 'dhcp' | 'proxy';
  foreign: ForeignDhcpServer[];
  services(): ServiceStatus[];
  installs: InstallManager;
  /** The lease table (full-DHCP mode), null in proxy mode. */
  leases: LeaseTable | null;
  stop(): Promise<void>;
}

/** The state every interface shares, owned by the app for as long as it runs. */
export interface SharedState {
  hosts: HostRegistry;
  library: IsoLibrary;
  answers: AnswerRenderer;
  chains: ChainSettings;
  /** What new machines do, each host's wait policy, the menu's timeout. */
  policy: BootPolicy;
  /** Stored reservations (inventory imports): applied to the lease table while serving. */
  reservations: ReservationStore;
  /** The boot menu's choices (menu at the machine, "boot this next" in the app); absent: no menu. */
  boots?: BootChoices;
}

/** Checks the interface is usable for serving and returns it with its IPv4 address. */
export async function resolveServingInterface(name: string): Promise<{ nic: NicInfo; address: string; prefix: number }> {
  const nic = await findInterface(name);
  if (!nic.up) throw new BootbenchError('INTERFACE_DOWN', { iface: name });
  const v4 = nic.ipv4[0];
  if (!v4) throw new BootbenchError('INTERFACE_NO_IPV4', { iface: name });
  return { nic, address: v4.address, prefix: v4.prefix };
}

/** Every network service on one interface, composed; a failed start undoes what it started. */
export async function startSession(options: ServeOptions & { iface: string }, bus: EventBus, shared: SharedState): Promise<Session> {
  const { nic, address: serverIp, prefix } = await resolveServingInterface(options.iface);
  const pool = choosePool({ text: options.pool, serverIp, prefix, iface: options.iface });
  return withUndo((teardown, undo) => compose({ options, bus, shared, nic, serverIp, prefix, pool, teardown, undo }));
}

interface Composition {
  options: ServeOptions & { iface: string };
  bus: EventBus;
  shared: SharedState;
  nic: NicInfo;
  serverIp: string;
  prefix: number;
  pool: Pool;
  teardown: Teardown;
  undo: () => Promise<void>;
}

async function compose(c: Composition): Promise<Session> {
  const { options, bus, nic, serverIp, prefix, pool, teardown } = c;
  const { hosts, library } = c.shared;
  // A UEFI HTTP-boot client told to boot a whole ISO (in the app) gets the .iso itself as its boot
  // file: its firmware boots it as a RAM disk (boot/live-boot.ts).
  const httpBootFileFor = (mac: string): string | null => {
    const distro = library.get(c.shared.boots?.takeHttpBootIso(mac) ?? '');
    return distro && distro.status === 'ok' ? wholeIsoHttpBootUrl(distro, httpBase(serverIp, options.httpPort)) : null;
  };
  const iface = options.iface;
  // Port 67 first: without privileges, the message must name the port the user cares about
  // (and not 68, which the foreign-DHCP probe below binds). The DHCP server adopts this socket.
  const port67 = await openBoundUdpSocket({ iface, port: 67, broadcast: true, reuseAddr: false });
  let port67Adopted = false;
  teardown.push(() => port67Adopted || port67.close());

  const foreign = await askForeignDhcp(c);
  const mode: 'dhcp' | 'proxy' = options.mode === 'auto' ? (foreign.length > 0 ? 'proxy' : 'dhcp') : options.mode;

  const subnet = subnetOf(serverIp, prefix);
  const reserved = reservationsInForce(c);
  const leases =
    mode === 'dhcp'
      ? await openLeases({
          iface,
          dataDir: options.dataDir,
          pool,
          subnet,
          serverIp,
          mac: nic.mac,
          reservations: reserved,
          leaseTimeSec: options.leaseTimeSec ?? 3600,
          conflictProbe: options.conflictProbe !== false,
          bus,
          teardown,
        })
      : undefined;
  // A reservation stored while serving (an inventory import) applies at the client's next DISCOVER.
  if (leases) teardown.push(c.shared.reservations.onChange(() => leases.table.setReservations(reservationsInForce(c, { quiet: true }))));
  const macForIp = (ip: string) => leases?.table.macForIp(ip) ?? hosts.macForIp(ip);
  // Every line a host's own traffic causes (DHCP, TFTP, HTTP, DNS, syslog, installer reports over
  // HTTP) counts as a contact for "last seen"; a fetch of its iPXE script is a poll of the wait loop.
  // The registry keeps this cheap: at most one change a second per host, saves coalesced.
  teardown.push(
    bus.subscribe((e) => {
      if (e.type !== 'log' || !e.mac || !CONTACT_SOURCES.has(e.source)) return;
      hosts.touch(e.mac, { polled: isScriptFetch(e.kind, e.data) });
    }),
  );

  // TFTP serves the first-stage loaders; everything after that goes over HTTP. Both are up
  // before DHCP, so that the first client sent to them finds them.
  const loaders = directoryResolver(BOOT_ASSETS_DIR);
  // The signed chain's shim and GRUB per host: the ISO's own for a host installing a distro that
  // boots through it (a RHEL-family ISO), else the bundled Debian pair.
  const signedLoadersFor = signedLoadersByInstall({ hosts, distros: library });
  let installsRef: InstallManager | null = null;
  // The signed chain's GRUB configs, over TFTP (Debian's signed GRUB has no http) and HTTP.
  const grub: GrubFilesOptions = {
    hosts,
    macForIp,
    serverIp,
    httpPort: options.httpPort,
    installerFor: async (mac, ip) => (installsRef ? installsRef.installerFor(mac, ip) : null),
    // A host waiting in one GRUB whose install needs another shim (Debian's GRUB, a RHEL install):
    // its poll reboots it, and its next DHCP hands it the right shim.
    loaderSetOf: (mac) => loaderSetName(signedLoadersFor(mac, hosts.get(mac)?.arch ?? 'x86_64')),
    onLoaderSetChange: (mac, message) => bus.log('core', 'warn', 'boot.grub-reboot', message, { mac }),
    ...(c.shared.boots ? { choices: c.shared.boots } : {}),
  };
  const tftp = createTftpServer({
    iface,
    address: serverIp,
    mtu: nic.mtu ?? 1500,
    resolve: tftpBootFiles({
      loaders,
      openInsideIso: (id, path) => library.openInside(id, path),
      grubFiles: grubTftpFiles(grub),
      installFiles: installTftpFiles(() => installsRef),
      signedLoadersFor,
      archOf: (mac) => hosts.get(mac)?.arch,
    }),
    bus,
    macForIp,
  });
  await tftp.start();
  teardown.push(() => tftp.stop());

  // Services the lab is better with but can run without (their failures show on their status).
  const optional: (() => ServiceStatus)[] = [];
  const dhcpExtras: { dns: string[]; domain: string | null } = { dns: options.dns ?? [], domain: options.domain ?? null };
  if (mode === 'dhcp' && options.dnsResponder !== false && (options.dns ?? []).length === 0) {
    // Installers want a name server (the Debian installer stops and asks without one) and quick
    // answers: the lab's own small DNS, handed out by DHCP when the user gave no other.
    const domain = options.domain ?? 'lab';
    const names = labNames({
      serverIp,
      hosts: () => hosts.list(),
      macForIp: (ip) => hosts.macForIp(ip),
      nameOf: (mac) => installsRef?.hostnameFor(mac) ?? null,
    });
    const dns = await startOptional({
      name: 'dns',
      service: createDnsResponder({ iface, address: serverIp, domain, lookup: names.lookup, reverse: names.reverse, bus }),
      bus,
      teardown,
    });
    optional.push(dns.status);
    if (dns.started) {
      dhcpExtras.dns = [serverIp];
      dhcpExtras.domain = domain;
    }
  }

  const syslogPort = options.syslogPort ?? 514;
  const limits = stageLimits(options.installTimeouts);
  let installsForChains: InstallManager | null = null;
  // `auto`: follows each host's DHCP requests and fetches; a host that refused both chains fails
  // (its install, when one is under way, with the same reason).
  const chains = createChainTracker({
    hosts,
    bus,
    settingOf: (host) => c.shared.chains.settingOf(host),
    fail: (mac, message) => {
      const state = hosts.get(mac)?.state;
      if (installsForChains && (state === 'queued' || state === 'booting' || state === 'installing'))
        installsForChains.observe(mac, { type: 'unbootable', code: 'boot-refused', message });
      else hosts.setState(mac, 'failed', { failureReason: message, failureCode: 'boot-refused' });
    },
  });
  teardown.push(() => chains.stop());

  const installs = await InstallManager.open({
    dataDir: options.dataDir,
    bus,
    hosts,
    library,
    answers: c.shared.answers,
    serverIp,
    httpBase: httpBase(serverIp, options.httpPort),
    syslogPort,
    macForIp,
    labDns: dhcpExtras.dns[0] ?? null,
    limits,
    ...(options.debianImages ? { debianImages: options.debianImages } : {}),
  });
  teardown.push(() => installs.close());
  installsRef = installs;
  installsForChains = installs;

  const newHostSeen = installOnFirstSight({
    policy: () => c.shared.policy.newHosts,
    hosts,
    distroOf: (id) => library.get(id),
    queue: (mac, request) => installs.queue(mac, request),
    bus,
  });

  const http = createBootHttpServer({ address: serverIp, port: options.httpPort, bus, macForIp });
  mountBootRoutes(http, {
    loaders,
    hosts,
    serverIp,
    httpPort: options.httpPort,
    biosChain: options.biosChain ?? false,
    installerFor: (mac, ip) => installs.installerFor(mac, ip),
    macForIp,
    ...(c.shared.boots ? { choices: c.shared.boots } : {}),
  });
  mountGrubRoutes(http, grub);
  mountIsoRoutes(http, library);
  mountInstallRoutes(http, installs, bus);
  await http.start();
  teardown.push(() => http.stop());

  // Installer logs: syslog lines become the sending host's timeline (by its address).
  const syslog = createSyslogReceiver({
    iface,
    address: serverIp,
    port: syslogPort,
    bus,
    onMessage: (fromIp, record) => {
      const mac = macForIp(fromIp);
      const app = record.app ? `${record.app}: ` : '';
      bus.log('syslog', eventLevelOf(record.severity), 'syslog.line', `${app}${record.message}`, {
        mac,
        data: {
          from: fromIp,
          facility: record.facility,
          severity: record.severity,
          ...(record.hostname ? { hostname: record.hostname } : {}),
        },
      });
      if (mac) installs.observe(mac, { type: 'activity', summary: `syslog: ${app}${record.message.slice(0, 100)}` });
    },
  });
  optional.push((await startOptional({ name: 'syslog', service: syslog, bus, teardown })).status);

  const dhcp = new DhcpServer({
    mode,
    iface,
    bus,
    net: {
      serverIp,
      subnetMask: intToIp(subnet.mask),
      broadcast: intToIp(subnet.broadcast),
      // An isolated lab switch has no router: the laptop must not become the default gateway unasked.
      router: options.router ?? null,
      dns: dhcpExtras.dns,
      domain: dhcpExtras.domain,
    },
    bootPolicy: createDhcpBootPolicy({
      serverIp,
      httpPort: options.httpPort,
      bus,
      chainFor: (client) => chains.chainFor(client),
      signedLoadersFor,
      httpBootFileFor: (client) => httpBootFileFor(client.mac),
    }),
    onClient: (client, ip) => {
      const firstSight = hosts.neverSighted(client.mac);
      hosts.seen(client, ip);
      if (firstSight) void newHostSeen(client.mac); // `install:<distro>` queues it (boot/first-sight.ts)
      chains.sawDhcp(client); // before the boot file is chosen: the request that shows a refusal gets the signed chain
    },
    ownMac: nic.mac,
    openSocket: async (port) => {
      if (port === 67 && !port67Adopted) {
        port67Adopted = true;
        return port67;
      }
      return openBoundUdpSocket({ iface, port, broadcast: true, reuseAddr: false });
    },
    ...(leases ? { leases } : {}),
  });
  teardown.push(() => dhcp.stop());
  await dhcp.start();

  if (options.routerAdvert !== false) {
    // iPXE waits ~13 s for IPv6 router discovery at every start unless an RA arrives.
    optional.push((await startOptional({ name: 'ra', service: createRouterAdvertiser({ iface, bus }), bus, teardown })).status);
  }

  bus.log(
    'core',
    'info',
    'core.started',
    `serving ${mode === 'dhcp' ? 'DHCP' : 'proxyDHCP'} on ${iface} (${serverIp}/${prefix})${mode === 'dhcp' ? `, pool ${intToIp(pool.start)}-${intToIp(pool.end)}` : ''}, TFTP, HTTP on port ${options.httpPort}`,
  );
  return {
    iface,
    serverIp,
    prefix,
    requestedMode: options.mode,
    mode,
    foreign,
    installs,
    leases: leases?.table ?? null,
    services: () => [...dhcp.status(), tftp.status(), http.status(), ...optional.map((status) => status())],
    stop: c.undo,
  };
}

/** The `--reserve` flags and the stored reservations, merged (a flag wins; each disagreement is logged). */
function reservationsInForce({ options, shared, bus }: Composition, opts: { quiet?: boolean } = {}) {
  const { records, conflicts } = mergeReservations(options.reservations ?? [], shared.reservations.all());
  if (!opts.quiet)
    for (const conflict of conflicts) bus.log('dhcp', 'warn', 'dhcp.reservation-conflict', conflict.message, { mac: conflict.mac });
  return toLeaseReservations(records);
}

/** Decides the mode before serving on port 67: is another DHCP server answering on the segment? */
async function askForeignDhcp({ options, bus, nic, serverIp }: Composition): Promise<ForeignDhcpServer[]> {
  if (options.mode === 'proxy') return [];
  const foreign = await probeForeignDhcp({
    iface: options.iface,
    mac: nic.mac,
    ownIp: serverIp,
    ...(options.foreignWaitMs !== undefined ? { waitMs: options.foreignWaitMs } : {}),
  });
  if (foreign.length > 0) {
    if (options.mode === 'dhcp' && !options.force)
      throw new BootbenchError('FOREIGN_DHCP', { iface: options.iface, servers: describeForeign(foreign) });
    bus.log('dhcp', 'warn', 'dhcp.foreign', `another DHCP server answers on ${options.iface}: ${describeForeign(foreign)}`);
  }
  return foreign;
}
