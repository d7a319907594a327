// The "New machines" form's state, pure (tested in test/ui/boot-logic.test.ts): the draft from the
// server's status, the checks made before sending, the update, whether saving it needs the
// wipe confirmation (installing on first sight erases every new machine's disk), and a server
// refusal mapped to its input.
import type { BootPolicyUpdate, Distro, NewHostAction, ServerStatus } from '../../../electron/shared/contract.js';
import { ApiError } from '../../api/client.js';

export interface PolicyDraft {
  action: NewHostAction;
  /** The distro to install, for `install` ('' until one is chosen). */
  distro: string;
  /** The menu timeout in seconds, as typed. */
  timeout: string;
}

export type PolicyField = 'action' | 'distro' | 'timeout';

export interface PolicyFieldError {
  field: PolicyField;
  text: string;
}

export const MAX_MENU_TIMEOUT_S = 3600;

export function policyDraftOf(status: Pick<ServerStatus, 'newHosts' | 'menu'>): PolicyDraft {
  return {
    action: status.newHosts?.action ?? 'wait',
    distro: status.newHosts?.distro ?? '',
    timeout: String(status.menu?.timeoutSeconds ?? 0),
  };
}

export function isPolicyDirty(status: Pick<ServerStatus, 'newHosts' | 'menu'>, draft: PolicyDraft): boolean {
  const base = policyDraftOf(status);
  return (
    base.action !== draft.action || (draft.action === 'install' && base.distro !== draft.distro) || base.timeout !== draft.timeout.trim()
  );
}

/** What the form can tell before sending (the server checks again); null when it looks right. */
export function checkPolicyDraft(
  draft: PolicyDraft,
  distros: ReadonlyMap<string, Pick<Distro, 'status' | 'boot'>>,
): PolicyFieldError | null {
  if (draft.action === 'install') {
    if (!draft.distro) return { field: 'distro', text: 'choose the installer new machines get' };
    const d = distros.get(draft.distro);
    if (!d) return { field: 'distro', text: 'this installer is no longer in the library' };
    if ((d.boot ?? 'installer') !== 'installer') return { field: 'distro', text: 'a live system or whole ISO cannot be installed' };
  }
  const t = draft.timeout.trim();
  if (!/^\d+$/.test(t) || Number(t) > MAX_MENU_TIMEOUT_S)
    return { field: 'timeout', text: `whole seconds from 0 to ${MAX_MENU_TIMEOUT_S} (0: the menu opens only when a key is pressed)` };
  return null;
}

export function policyUpdateOf(draft: PolicyDraft): BootPolicyUpdate {
  return {
    newHosts: { action: draft.action, distro: draft.action === 'install' ? draft.distro : null },
    menu: { timeoutSeconds: Number(draft.timeout.trim()) },
  };
}

/** Saving turns on (or changes) installing on first sight: every new machine's disk will be erased. */
export function needsWipeConfirm(status: Pick<ServerStatus, 'newHosts'>, draft: PolicyDraft): boolean {
  if (draft.action !== 'install') return false;
  return status.newHosts?.action !== 'install' || status.newHosts.distro !== draft.distro;
}

/** A refusal about one input (the API names the body's key: newHosts, menu; or the field itself). */
export function policyFieldErrorOf(e: unknown): PolicyFieldError | null {
  if (!(e instanceof ApiError)) return null;
  const name = e.field?.name ?? '';
  const detail = e.field?.detail ?? e.message;
  if (name === 'menu' || name === 'timeoutSeconds' || /\bmenu\.timeoutSeconds\b/.test(e.message)) return { field: 'timeout', text: detail };
  if (
    name === 'newHosts' ||
    name === 'distro' ||
    e.code === 'DISTRO_NOT_FOUND' ||
    /\bdistro\b|^New machines cannot install/i.test(e.message)
  )
    return { field: 'distro', text: detail };
  return null;
}
