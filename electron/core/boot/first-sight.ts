// Install on first sight: under the policy `install:<distro>`, a machine seen on the network for the
// first time is queued at once with the current settings, as a click on Install would queue it. The
// queueing is handed in at composition (the install manager's), so that boot/ knows no install code.
// When it cannot be queued (the distro was removed, its ISO went missing …) the machine waits as
// under `wait`, and its timeline says why: a policy never takes the server down.
import type { Distro, Host, InstallRequest, NewHostPolicy } from '../../shared/contract.js';
import { isBootbenchError } from '../errors.js';
import type { EventBus } from '../events.js';
import type { HostRegistry } from '../hosts/registry.js';
import { firstSightAction, policyDistroProblem } from './new-host-policy.js';

export interface FirstSightOptions {
  policy: () => NewHostPolicy;
  hosts: HostRegistry;
  distroOf: (id: string) => Distro | undefined;
  queue: (mac: string, request: InstallRequest) => Promise<Host>;
  bus: EventBus;
}

/** What to run when a MAC is seen on the network for the first time (after the registry recorded it). */
export function installOnFirstSight(o: FirstSightOptions): (mac: string) => Promise<void> {
  return async (mac) => {
    const host = o.hosts.get(mac);
    if (!host) return;
    const action = firstSightAction(host, o.policy());
    if (action.kind !== 'install') return;
    const { distro: id } = action;
    const waits = (reason: string) =>
      o.bus.log(
        'core',
        'warn',
        'boot.policy-waits',
        `New machine: the policy for new machines installs ${id}, but ${reason}; it waits for a click instead`,
        {
          mac,
          data: { distro: id },
        },
      );
    const problem = policyDistroProblem(id, o.distroOf(id));
    if (problem) return waits(problem);
    o.bus.log(
      'core',
      'info',
      'boot.policy-install',
      `New machine: queued by the policy for new machines (install ${id}), no click needed`,
      {
        mac,
        data: { distro: id },
      },
    );
    try {
      await o.queue(mac, { distro: id });
    } catch (e) {
      // Called from the DHCP server's hook, unawaited: every failure ends here, on the timeline.
      const reason = isBootbenchError(e, 'INSTALL_REFUSED') ? e.context.reason : e instanceof Error ? e.message : String(e);
      waits(`it could not be queued: ${reason}`);
    }
  };
}
