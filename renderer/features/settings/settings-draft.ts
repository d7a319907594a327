// The Settings form's state, kept pure: what the user may edit, whether it differs from what the
// server has (the Save bar and the leave guard), and the update to send. The view's read-only parts
// (whether passwords are set, whose the admin password is) are never sent back.
import type { InstallSettingsUpdate, InstallSettingsView } from '../../../electron/shared/contract.js';
import { ApiError } from '../../api/client.js';

export type SettingsDraft = Omit<InstallSettingsView, 'rootPasswordSet' | 'adminPasswordSet' | 'adminPasswordInfo' | 'loginKnown'>;

/** Plain passwords typed in the form: sent once, hashed by the server, never shown back. */
export interface TypedPasswords {
  rootPassword: string;
  adminPassword: string;
}

export const NO_PASSWORDS: TypedPasswords = { rootPassword: '', adminPassword: '' };

export function draftOf(view: InstallSettingsView): SettingsDraft {
  const { rootPasswordSet: _r, adminPasswordSet: _a, adminPasswordInfo: _i, loginKnown: _k, ...draft } = view;
  return { ...draft, extraPackages: [...draft.extraPackages] };
}

export function isDirty(view: InstallSettingsView, draft: SettingsDraft, passwords: TypedPasswords): boolean {
  return passwords.rootPassword !== '' || passwords.adminPassword !== '' || JSON.stringify(draftOf(view)) !== JSON.stringify(draft);
}

export function updateOf(draft: SettingsDraft, passwords: TypedPasswords): InstallSettingsUpdate {
  return {
    ...draft,
    ...(passwords.rootPassword ? { rootPassword: passwords.rootPassword } : {}),
    ...(passwords.adminPassword ? { adminPassword: passwords.adminPassword } : {}),
  };
}

/** A refusal that is about one input: which one, and what to say next to it. */
export interface FieldError {
  field: string;
  text: string;
}

export function fieldErrorOf(e: unknown): FieldError | null {
  return e instanceof ApiError && e.field ? { field: e.field.name, text: e.field.detail } : null;
}
