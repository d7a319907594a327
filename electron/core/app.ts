// The composition root: the state every interface shares (hosts, ISO library, timelines, settings,
// templates), the control API with the UI, and the session serving the chosen interface
// (session.ts). It only wires: every decision lives in the module that owns it.
import { mkdir } from 'node:fs/promises';
import type { ServeRequest, ServerStatus, ServiceStatus } from '../shared/contract.js';
import { BootPolicy } from './boot/boot-policy.js';
import { ChainSettings } from './boot/chain-settings.js';
import { newToken } from './control/auth.js';
import { startControlApi, type ControlApi } from './control/control-api.js';
import { BootChoices } from './boot/menu-choice.js';
import { controlHandlers } from './control/handlers.js';
import { startServiceFeed } from './control/service-feed.js';
import { removeServerInfo, writeServerInfo } from './control/server-info.js';
import { listenOnStablePort, nextStableAddress, readStableAddress, writeStableAddress } from './control/stable-address.js';
import { mergeReservations, ReservationStore } from './dhcp/reservation-store.js';
import { BootbenchError } from './errors.js';
import { EventBus } from './events.js';
import { HostRegistry } from './hosts/registry.js';
import { TimelineStore } from './hosts/timeline.js';
import { createAnswerRenderer } from './install/answers.js';
import { debianNetbootKernel } from './install/debian-netboot.js';
import { SettingsStore } from './install/settings-store.js';
import { TemplateStore } from './install/template-store.js';
import { IsoLibrary } from './iso/library.js';
import { withUndo, type Teardown } from './lifecycle.js';
import { listInterfaces } from './net/interfaces.js';
import { normalizeFingerprint } from './power/cert-pin.js';
import { PowerController } from './power/controller.js';
import { driverFactory } from './power/drivers.js';
import { redfishDrivers } from './power/redfish-driver.js';
import { PowerSettingsStore } from './power/settings-store.js';
import { BOOT_ASSETS_DIR } from './paths.js';
import type { ServeOptions } from './serve-options.js';
import { startSession, type Session, type SharedState } from './session.js';
import { VERSION } from './version.js';

export type { ServeOptions } from './serve-options.js';
export { resolveServingInterface } from './session.js';

export interface RunningServer {
  bus: EventBus;
  status(): ServerStatus;
  uiUrl: string;
  controlUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts Bootbench: the shared state and the control API with the UI; then, when `options.iface`
 * is set, the network services on it. Without one the server waits in `setup` until the UI picks
 * the interface (`POST /api/serve`), the first-run flow.
 */
export async function serve(options: ServeOptions): Promise<RunningServer> {
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 }).catch((e: Error) => {
    throw new BootbenchError('DATA_DIR', { dataDir: options.dataDir, reason: e.message });
  });
  const bus = new EventBus({ firstSeq: Date.now() * 1000 });
  return withUndo((teardown, undo) => composeApp({ options, bus, teardown, undo }));
}

async function composeApp({
  options,
  bus,
  teardown,
  undo,
}: {
  options: ServeOptions;
  bus: EventBus;
  teardown: Teardown;
  undo: () => Promise<void>;
}): Promise<RunningServer> {
  // The global boot chain first: a host seen for the first time starts on its chain.
  const chains = await ChainSettings.open(options.dataDir, bus, options.chain);
  const hosts = await HostRegistry.open(options.dataDir, bus, { chainOfNewHost: () => chains.chainOfNewHost() });
  teardown.push(() => hosts.flush());
  chains.reconcile(hosts);
  const library = await IsoLibrary.open(options.dataDir, bus, {
    netbootKernel: debianNetbootKernel({
      dataDir: options.dataDir,
      ...(options.debianImages ? { systemImages: options.debianImages } : {}),
    }),
  });
  teardown.push(() => library.close());
  // What new machines do (serve --new-hosts): after the library, which holds the distro it may name.
  const policy = await BootPolicy.open(options.dataDir, bus, (id) => library.get(id), options.newHosts);
  const timeline = new TimelineStore(options.dataDir, bus);
  timeline.start();
  teardown.push(() => timeline.close());
  const settings = await SettingsStore.open(options.dataDir);
  const templates = await TemplateStore.open(options.dataDir);
  // A user's template that cannot be used (old syntax, broken Liquid) is kept on disk and said here.
  for (const t of templates.list()) if (t.refusal) bus.log('install', 'warn', 'install.template-refused', t.refusal);
  const reservations = await ReservationStore.open(options.dataDir);
  const shared: SharedState = { hosts, library, answers: createAnswerRenderer({ settings, templates }), chains, policy, reservations };

  // server.json follows the session (its interface), so that the other verbs find the server; it is
  // written once the control API is up.
  let writeInfo: () => Promise<void> = async () => undefined;
  const sessions = sessionSlot({ options, bus, shared, onChange: () => writeInfo() });
  // The boot menu (issue 13): its choices queue installs on the session being served; the wait
  // policy and the menu timeout come from the boot policy's store, the live boots are handed in here.
  shared.boots = new BootChoices({
    hosts,
    distros: () => library.list(),
    waitPolicyOf: (host) => policy.waitPolicyOf(host),
    menuTimeoutSeconds: () => policy.menuTimeoutSeconds(),
    queueInstall: (mac, distro) => sessions.need().installs.queue(mac, { distro }),
    log: (level, mac, kind, message, data) => bus.log('core', level, kind, message, { mac, ...(data ? { data } : {}) }),
  });
  teardown.push(() => sessions.stop());
  // Power control: Wake-on-LAN goes out on the served interface only (none in setup); Redfish drivers
  // come from the Redfish module (power/redfish-driver.ts), which pins BMC certificates in the store.
  const powerSettings = await PowerSettingsStore.open(options.dataDir);
  const power = new PowerController({
    store: powerSettings,
    hosts,
    bus,
    createDriver: driverFactory({
      store: powerSettings,
      wolLink: () => {
        const s = sessions.current();
        return s ? { iface: s.iface, address: s.serverIp, prefix: s.prefix } : null;
      },
      ...(options.power?.ipmitool ? { ipmitool: options.power.ipmitool } : {}),
      redfish: redfishDrivers({
        warn: (mac, message) => bus.log('power', 'warn', 'power.insecure', message, { mac }),
        note: (mac, message) => bus.log('power', 'info', 'power.certificate', message, { mac }),
      }),
    }),
    // A fingerprint as users paste it (lower case, no colons) is the same fingerprint.
    acceptCertificate: (mac, fingerprint) => powerSettings.acceptCertificate(mac, normalizeFingerprint(fingerprint) ?? fingerprint),
    ...(options.power?.attemptTimeoutMs !== undefined ? { attemptTimeoutMs: options.power.attemptTimeoutMs } : {}),
  });
  // With an interface on the command line, serve before anything else: a port in use or missing
  // privileges fail the command itself.
  if (options.iface)
    await sessions.start({ interface: options.iface, mode: options.mode, ...(options.pool !== undefined ? { pool: options.pool } : {}) });

  const startedAt = new Date().toISOString();
  let control: ControlApi | null = null;
  const controlStatus = (): ServiceStatus => ({
    name: 'control',
    state: control ? 'up' : 'starting',
    address: control?.url ?? null,
    error: null,
    counters: {},
  });
  const status = (): ServerStatus => {
    const session = sessions.current();
    return {
      version: VERSION,
      state: session ? 'serving' : 'setup',
      interface: session?.iface ?? null,
      serverIp: session?.serverIp ?? null,
      requestedMode: session?.requestedMode ?? options.mode,
      mode: session?.mode ?? null,
      foreignDhcp: session?.foreign ?? [],
      services: [...(session?.services() ?? []), controlStatus()],
      startedAt,
      chain: chains.global,
      newHosts: policy.newHosts,
      menu: policy.menu,
    };
  };
  // The same port and token as the last run of this data folder, so that an open tab reconnects.
  const stored = await readStableAddress(options.dataDir);
  if (!stored.ok) bus.log('core', 'warn', 'control.address-reset', `${stored.reason}: the UI gets a new address and token`);
  const previous = stored.ok ? stored.address : null;
  const token = previous?.token ?? newToken();
  const api = await listenOnStablePort({
    requested: options.uiPort,
    remembered: previous?.port ?? null,
    onFallback: (port) =>
      bus.log(
        'core',
        'warn',
        'control.port-moved',
        `The UI's usual port ${port} is taken by another program: the UI is on a new port this time, so tabs open on the old address must open the new one.`,
      ),
    listen: (port) =>
      startControlApi({
        port,
        token,
        bus,
        handlers: controlHandlers({
          status,
          hosts,
          library,
          timeline,
          settings,
          templates,
          chains,
          policy,
          boots: shared.boots,
          power,
          inventory: {
            hosts,
            library,
            reservations,
            reservationsInForce: () => mergeReservations(options.reservations ?? [], reservations.all()).records,
            power: powerSettings,
            bus,
            serving: () => sessions.current(),
          },
          installs: () => sessions.need().installs,
          interfaces: () => listInterfaces(),
          check: async (iface) => (await import('./check.js')).runChecks({ iface, assetsDir: BOOT_ASSETS_DIR, httpPort: options.httpPort }),
          serve: (request) => sessions.start(request),
          stop: () => sessions.stop(),
        }),
        ...(options.uiRoot ? { uiRoot: options.uiRoot } : {}),
      }),
  });
  control = api;
  teardown.push(() => api.close());
  await writeStableAddress(options.dataDir, nextStableAddress({ requested: options.uiPort, listening: api.port, previous, token }));
  teardown.push(startServiceFeed({ bus, services: () => status().services }));
  writeInfo = () =>
    writeServerInfo(options.dataDir, {
      pid: process.pid,
      controlUrl: api.url,
      token,
      uiUrl: api.uiUrl,
      interface: sessions.current()?.iface ?? null,
      startedAt,
    });
  await writeInfo();
  teardown.push(() => removeServerInfo(options.dataDir, process.pid));
  if (!sessions.current())
    bus.log('core', 'info', 'core.setup', 'waiting for an interface to serve: choose one in the UI, or start with --interface');

  return { bus, status, uiUrl: api.uiUrl, controlUrl: api.url, stop: undo };
}

/** At most one session at a time, started from the command line or the UI, stopped on request. */
function sessionSlot(opts: { options: ServeOptions; bus: EventBus; shared: SharedState; onChange: () => Promise<void> }) {
  let session: Session | null = null;
  let starting = false;
  return {
    current: () => session,
    need: (): Session => {
      if (!session) throw new BootbenchError('NOT_SERVING');
      return session;
    },
    async start(request: ServeRequest): Promise<void> {
      if (session || starting) throw new BootbenchError('ALREADY_SERVING', { iface: session?.iface ?? request.interface });
      starting = true;
      try {
        const { options } = opts;
        session = await startSession(
          {
            ...options,
            iface: request.interface,
            mode: request.mode ?? options.mode,
            ...(request.pool !== undefined ? { pool: request.pool } : {}),
          },
          opts.bus,
          opts.shared,
        );
      } finally {
        starting = false;
      }
      await opts.onChange();
    },
    async stop(): Promise<void> {
      const s = session;
      session = null;
      if (s) {
        await s.stop();
        opts.bus.log('core', 'info', 'core.stopped', `stopped serving ${s.iface}`);
      }
      await opts.onChange();
    },
  };
}
