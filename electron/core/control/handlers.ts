// What each control-API route does: one line per route, each delegating to the part that owns it.
// The route shapes are the contract's (electron/shared/contract.ts); the input checks are
// control-api.ts's; the state lives with its owners, handed in by the composition root.
import type { BootPolicy } from '../boot/boot-policy.js';
import type { ChainSettings } from '../boot/chain-settings.js';
import type { BootChoices } from '../boot/menu-choice.js';
import type { CheckReport, Host, InstallRequest, NicInfo, ServeRequest, ServerStatus } from '../../shared/contract.js';
import type { PowerAction } from '../../shared/power.js';
import type { HostRegistry } from '../hosts/registry.js';
import type { PowerController } from '../power/controller.js';
import type { TimelineStore } from '../hosts/timeline.js';
import type { InstallManager } from '../install/manager.js';
import type { SettingsStore } from '../install/settings-store.js';
import type { TemplateStore } from '../install/template-store.js';
import type { IsoLibrary } from '../iso/library.js';
import { runBatch } from '../inventory/batch.js';
import { importInventory, type InventoryDeps } from '../inventory/import.js';
import { locateDistro } from '../iso/locate.js';
import { removeDistro } from '../iso/remove.js';
import { receiveUpload } from '../iso/upload.js';
import type { ControlHandlers } from './control-api.js';
import { HttpError } from './http-error.js';
import { BootbenchError, isBootbenchError } from '../errors.js';

export interface ControlContext {
  status(): ServerStatus;
  hosts: HostRegistry;
  library: IsoLibrary;
  timeline: TimelineStore;
  settings: SettingsStore;
  templates: TemplateStore;
  /** The UEFI boot-chain settings (global and per host). */
  chains: ChainSettings;
  /** What new machines do, the menu's timeout, each host's wait policy and kernel arguments. */
  policy: BootPolicy;
  /** The boot menu's choices ("boot this next"); absent: refused. */
  boots?: BootChoices;
  power: PowerController;
  /** What an inventory import reads and changes (reservations, power settings, hosts, the session's installs). */
  inventory: InventoryDeps;
  /** The installs of the interface being served; throws NOT_SERVING when none is. */
  installs(): InstallManager;
  interfaces(): Promise<NicInfo[]>;
  check(iface: string): Promise<CheckReport>;
  serve(request: ServeRequest): Promise<void>;
  stop(): Promise<void>;
}

export function controlHandlers(c: ControlContext): ControlHandlers {
  return {
    'GET /api/status': () => c.status(),
    'GET /api/hosts': () => c.hosts.list(),
    'GET /api/interfaces': () => c.interfaces(),
    'GET /api/distros': async () => {
      await c.library.refresh(); // a few stat calls: moved or deleted ISOs show as such at once
      return c.library.list();
    },
    'POST /api/distros/import': ({ body }) => c.library.import(body.path, { verify: body.verify ?? false }),
    'PUT /api/distros/upload/:name': ({ params, query, body }) =>
      receiveUpload(c.library, params.name, body.stream, body.length, query.filename),
    'PUT /api/distros/:id': ({ params, body }) => c.library.configure(params.id, body),
    'DELETE /api/distros/:id': ({ params }) => removeDistro(c.library, params.id, c.hosts.list()),
    'POST /api/distros/:id/locate': ({ params, body }) => locateDistro(c.library, params.id, body.path),
    'POST /api/hosts/:mac/install': ({ params, body }) => queueInstall(c, params.mac, body),
    'POST /api/hosts/:mac/cancel': ({ params }) => c.installs().cancel(params.mac),
    'PUT /api/hosts/:mac/label': ({ params, body }) => c.hosts.setLabel(params.mac, body.label),
    'PUT /api/hosts/:mac/chain': ({ params, body }) => c.chains.setHost(c.hosts, params.mac, body.chain),
    'PUT /api/boot/policy': async ({ body }) => {
      await c.policy.update(body);
      return c.status();
    },
    'PUT /api/hosts/:mac/wait-policy': ({ params, body }) => c.policy.setHostWaitPolicy(c.hosts, params.mac, body.policy),
    'PUT /api/hosts/:mac/kernel-args': ({ params, body }) => c.policy.setHostKernelArgs(c.hosts, params.mac, body.kernelArgs),
    'POST /api/hosts/:mac/boot': ({ params, body }) => {
      if (!c.boots) throw new BootbenchError('BAD_ARGUMENT', { message: 'no boot menu in this server' });
      return c.boots.setNext(params.mac, body.entry);
    },
    'POST /api/hosts/batch': ({ body }) =>
      runBatch(
        {
          install: (mac, request) => queueInstall(c, mac, request),
          cancel: (mac) => c.installs().cancel(mac),
          setWaitPolicy: (mac, policy) => c.policy.setHostWaitPolicy(c.hosts, mac, policy),
        },
        body,
      ),
    'POST /api/hosts/import': ({ body }) => importInventory(c.inventory, body),
    'GET /api/reservations': () => c.inventory.reservationsInForce(),
    'PUT /api/boot/chain': async ({ body }) => {
      await c.chains.setGlobal(c.hosts, body.chain);
      return c.status();
    },
    'DELETE /api/hosts/:mac': async ({ params }) => {
      const host = forgetHost(c, params.mac);
      await c.power.forget(params.mac); // no secrets of a machine no longer listed
      return host;
    },
    'GET /api/hosts/:mac/answer-file': ({ params, query }) => c.installs().preview(params.mac, query.distro),
    'GET /api/hosts/:mac/timeline': ({ params, query }) => c.timeline.read(params.mac, query),
    'GET /api/hosts/:mac/power': ({ params }) => c.power.view(params.mac),
    'PUT /api/hosts/:mac/power': ({ params, body }) => c.power.update(params.mac, body),
    'POST /api/hosts/:mac/power/accept-certificate': ({ params, body }) => c.power.acceptCertificate(params.mac, body.fingerprint),
    'POST /api/hosts/:mac/power/:action': ({ params }) => c.power.run(params.mac, params.action as PowerAction),
    'GET /api/settings': () => c.settings.view(),
    'PUT /api/settings': ({ body }) => c.settings.update(body),
    'POST /api/settings/initial-password': async () => {
      const shown = await c.settings.revealInitialPassword();
      if (shown === null)
        throw new HttpError(
          409,
          'PASSWORD_NOT_GENERATED',
          'The admin password is the one you set: only its hash is kept, so it cannot be shown.',
        );
      return shown;
    },
    'GET /api/templates': () => c.templates.list(),
    'PUT /api/templates/:name': ({ params, body }) => c.templates.save(params.name, body.text),
    'GET /api/check': ({ query }) => c.check(query.interface),
    'POST /api/serve': async ({ body }) => {
      await c.serve(body);
      return c.status();
    },
    'POST /api/stop': async () => {
      await c.stop();
      return c.status();
    },
  };
}

/**
 * Queues an install; with `now` (Reinstall now) it also sets the host's next boot to the network and
 * power-cycles it (or powers it on, or wakes it). A power failure is answered as an error whose words
 * say that the install stays queued; the failure is on the host's timeline too.
 */
async function queueInstall(c: ControlContext, mac: string, request: InstallRequest): Promise<Host> {
  const { now, ...install } = request;
  const host = await c.installs().queue(mac, install);
  if (!now) return host;
  await c.power.startInstall(mac, `The install of ${install.distro} stays queued: it starts when the machine network-boots.`);
  return c.hosts.get(mac) ?? host;
}

/** Forgets a host (the registry refuses while an install is under way), and its finished install record if serving. */
function forgetHost(c: ControlContext, mac: string): Host {
  const host = c.hosts.forget(mac);
  try {
    c.installs().forget(mac);
  } catch (e) {
    // Not serving: no install records are loaded; the next serve finds the host unknown and ignores them.
    if (!isBootbenchError(e, 'NOT_SERVING')) throw e;
  }
  return host;
}
