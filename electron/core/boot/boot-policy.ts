// The boot policy: what a machine seen for the first time does (wait, menu, local, install a
// distro), the boot menu's timeout, both stored in the data folder (boot-policy.json; `serve
// --new-hosts` sets the first at start, and is stored), and each host's own wait policy and kernel
// arguments, kept in its host record. The boot scripts ask it through waitPolicyOf() and
// menuTimeoutSeconds(), handed to them at composition.
import { join } from 'node:path';
import {
  formatNewHostPolicy,
  kernelArgsProblem,
  type BootMenuSettings,
  type BootPolicyUpdate,
  type Distro,
  type Host,
  type NewHostPolicy,
  type WaitPolicy,
} from '../../shared/contract.js';
import { BootbenchError } from '../errors.js';
import type { EventBus } from '../events.js';
import type { HostRegistry } from '../hosts/registry.js';
import { readJsonFile, writeJsonAtomic } from '../store/atomic.js';
import { dataFiles } from '../store/data-dir.js';
import {
  DEFAULT_MENU,
  DEFAULT_NEW_HOSTS,
  describeNewHosts,
  policyDistroProblem,
  validMenuSettings,
  validNewHostPolicy,
  waitPolicyOf,
} from './new-host-policy.js';

interface PolicyFile {
  version: 1;
  newHosts: NewHostPolicy;
  menu: BootMenuSettings;
}

/** The distros the policy may name (the ISO library's lookup). */
export type DistroLookup = (id: string) => Distro | undefined;

export class BootPolicy {
  private constructor(
    private readonly path: string,
    private readonly bus: EventBus,
    private readonly distroOf: DistroLookup,
    private current: PolicyFile,
  ) {}

  /**
   * Reads the stored policy (records written before it, or unreadable ones: wait, 10 s); `flag`
   * (serve --new-hosts) wins and is stored. A flag naming a distro that is not an imported
   * installer is refused: the server does not start on a policy it cannot carry out.
   */
  static async open(dataDir: string, bus: EventBus, distroOf: DistroLookup, flag?: NewHostPolicy): Promise<BootPolicy> {
    const path = join(dataDir, dataFiles.bootPolicy);
    const file = await readJsonFile<Partial<PolicyFile>>(path, {});
    const stored: PolicyFile = {
      version: 1,
      newHosts: validNewHostPolicy(file.newHosts) ?? DEFAULT_NEW_HOSTS,
      menu: validMenuSettings(file.menu) ?? DEFAULT_MENU,
    };
    const policy = new BootPolicy(path, bus, distroOf, stored);
    if (flag) {
      policy.check(flag);
      if (formatNewHostPolicy(flag) !== formatNewHostPolicy(stored.newHosts)) {
        policy.current = { ...stored, newHosts: flag };
        await policy.save();
      }
    }
    const { newHosts } = policy.current;
    const problem =
      newHosts.action === 'install' && newHosts.distro ? policyDistroProblem(newHosts.distro, distroOf(newHosts.distro)) : null;
    if (problem)
      bus.log(
        'core',
        'warn',
        'boot.policy-stale',
        `New machines: the stored policy installs ${newHosts.distro}, but ${problem}: they wait instead`,
      );
    return policy;
  }

  get newHosts(): NewHostPolicy {
    return this.current.newHosts;
  }

  get menu(): BootMenuSettings {
    return this.current.menu;
  }

  /** The wait policy in force for a host (its own, else the global one's; `install` waits). For the boot scripts. */
  waitPolicyOf(host: Host | undefined): WaitPolicy {
    return waitPolicyOf(host, this.current.newHosts);
  }

  /** How long the boot menu waits before its default entry. For the boot scripts. */
  menuTimeoutSeconds(): number {
    return this.current.menu.timeoutSeconds;
  }

  /** Sets and stores the global policy and/or the menu's settings. */
  async update(change: BootPolicyUpdate): Promise<void> {
    if (change.newHosts) this.check(change.newHosts);
    const before = this.current;
    const next: PolicyFile = {
      ...before,
      ...(change.newHosts ? { newHosts: change.newHosts } : {}),
      ...(change.menu ? { menu: change.menu } : {}),
    };
    this.current = next;
    await this.save();
    if (formatNewHostPolicy(next.newHosts) !== formatNewHostPolicy(before.newHosts))
      this.bus.log(
        'core',
        'info',
        'boot.policy',
        `New machines: ${describeNewHosts(next.newHosts)} (was: ${describeNewHosts(before.newHosts)})`,
        { data: { newHosts: formatNewHostPolicy(next.newHosts), was: formatNewHostPolicy(before.newHosts) } },
      );
    if (next.menu.timeoutSeconds !== before.menu.timeoutSeconds)
      this.bus.log(
        'core',
        'info',
        'boot.menu-setting',
        `Boot menu timeout: ${next.menu.timeoutSeconds} s (was ${before.menu.timeoutSeconds} s)`,
        {
          data: { timeoutSeconds: next.menu.timeoutSeconds },
        },
      );
  }

  /** Sets a host's own wait policy (null: it follows the global one). A MAC not seen yet gets a record, to be ready at its first boot. */
  setHostWaitPolicy(hosts: HostRegistry, mac: string, policy: WaitPolicy | null): Host {
    if (!hosts.get(mac)) hosts.expect(mac);
    const host = hosts.setBootPrefs(mac, { waitPolicy: policy });
    this.bus.log(
      'core',
      'info',
      'boot.wait-policy',
      policy === null
        ? `While waiting: the global policy (${this.waitPolicyOf(host)})`
        : `While waiting: ${policy} for this host (its own setting)`,
      { mac, data: { policy } },
    );
    return host;
  }

  /**
   * Sets a host's extra kernel arguments, for every boot of it after the distro's (null or blank
   * removes them). Checked as a distro's are. A MAC not seen yet gets a record, to be ready at its first boot.
   */
  setHostKernelArgs(hosts: HostRegistry, mac: string, args: string | null): Host {
    const problem = args === null ? null : kernelArgsProblem(args);
    if (problem)
      throw new BootbenchError('BAD_ARGUMENT', { message: `${mac}: ${problem}` }, { field: { name: 'kernelArgs', detail: problem } });
    const text = args?.trim() ?? '';
    if (!hosts.get(mac)) hosts.expect(mac);
    const host = hosts.setBootPrefs(mac, { kernelArgs: text === '' ? null : text });
    this.bus.log(
      'core',
      'info',
      'boot.kernel-args',
      text === '' ? 'Kernel arguments of this host removed' : `Kernel arguments for every boot of this host: ${text}`,
      { mac, data: { kernelArgs: text === '' ? null : text } },
    );
    return host;
  }

  /** Refuses a policy that names a distro the policy cannot install. */
  private check(policy: NewHostPolicy): void {
    if (policy.action !== 'install') return;
    const id = policy.distro ?? '';
    const distro = this.distroOf(id);
    if (!distro) throw new BootbenchError('DISTRO_NOT_FOUND', { id });
    const problem = policyDistroProblem(id, distro);
    if (problem) throw new BootbenchError('BAD_ARGUMENT', { message: `New machines cannot install ${id}: ${problem}.` });
  }

  private save(): Promise<void> {
    return writeJsonAtomic(this.path, this.current);
  }
}
