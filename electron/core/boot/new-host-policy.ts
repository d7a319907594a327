// What a machine does while it waits with nothing queued, and what one seen for the first time
// does: pure decisions over the global policy (stored by boot-policy.ts) and the host's record.
import {
  DEFAULT_MENU_TIMEOUT_SECONDS,
  NEW_HOST_ACTIONS,
  WAIT_POLICIES,
  type BootMenuSettings,
  type Distro,
  type Host,
  type NewHostPolicy,
  type WaitPolicy,
} from '../../shared/contract.js';

/** Today's behaviour: a new machine waits in the loop until someone clicks Install. */
export const DEFAULT_NEW_HOSTS: NewHostPolicy = { action: 'wait', distro: null };
export const DEFAULT_MENU: BootMenuSettings = { timeoutSeconds: DEFAULT_MENU_TIMEOUT_SECONDS };
/** The most a menu may wait before its default entry (the API's limit too). */
export const MAX_MENU_TIMEOUT_SECONDS = 3600;

/**
 * The wait policy in force for a host: its own, else the global one. The global `install` acts on
 * new machines only (they are queued at first sight), so a known host under it waits.
 */
export function waitPolicyOf(host: Host | undefined, global: NewHostPolicy): WaitPolicy {
  if (host?.waitPolicy) return host.waitPolicy;
  return global.action === 'install' ? 'wait' : global.action;
}

export function isWaitPolicy(value: unknown): value is WaitPolicy {
  return (WAIT_POLICIES as readonly unknown[]).includes(value);
}

/** A stored policy as read back (anything else: null, and the default is used). */
export function validNewHostPolicy(value: unknown): NewHostPolicy | null {
  if (typeof value !== 'object' || value === null) return null;
  const { action, distro } = value as Record<string, unknown>;
  if (!(NEW_HOST_ACTIONS as readonly unknown[]).includes(action)) return null;
  if (action === 'install') return typeof distro === 'string' && distro !== '' ? { action, distro } : null;
  return { action: action as NewHostPolicy['action'], distro: null };
}

export function validMenuSettings(value: unknown): BootMenuSettings | null {
  if (typeof value !== 'object' || value === null) return null;
  const { timeoutSeconds } = value as Record<string, unknown>;
  return typeof timeoutSeconds === 'number' &&
    Number.isInteger(timeoutSeconds) &&
    timeoutSeconds >= 0 &&
    timeoutSeconds <= MAX_MENU_TIMEOUT_SECONDS
    ? { timeoutSeconds }
    : null;
}

/** Why the policy cannot install `id` (not imported, not an installer), or null when it can. */
export function policyDistroProblem(id: string, distro: Distro | undefined): string | null {
  if (!distro) return `the distro "${id}" is not imported`;
  // Records stored before boot kinds existed have none: they are installers.
  if (distro.boot === 'live') return `${id} is a live system, not an installer`;
  if (distro.boot === 'whole-iso') return `${id} boots only as a whole ISO, not as an installer`;
  return null;
}

export type FirstSight = { kind: 'install'; distro: string } | { kind: 'none' };

/**
 * What the policy does with a host at its first network sighting. A record made ahead of it (an
 * install queued, power settings, kernel arguments, an inventory row) is still a new machine, but
 * one with an install of its own or its own wait policy keeps those.
 */
export function firstSightAction(host: Host, policy: NewHostPolicy): FirstSight {
  if (policy.action !== 'install' || !policy.distro) return { kind: 'none' };
  if (host.state !== 'discovered' || host.install || host.waitPolicy) return { kind: 'none' };
  return { kind: 'install', distro: policy.distro };
}

/** Words for people: what new machines do. */
export function describeNewHosts(policy: NewHostPolicy): string {
  switch (policy.action) {
    case 'wait':
      return 'wait for a click in the app';
    case 'menu':
      return 'show the boot menu';
    case 'local':
      return 'boot their local disk';
    case 'install':
      return `install ${policy.distro ?? '?'} at once`;
  }
}
