// The power-settings form's state, pure: the draft from the server's view, the secrets typed (never
// the stored ones: the API only says whether one is set), the checks made before sending, and the
// update sent. Tested in test/ui/power-logic.test.ts.
import { normalizeMac } from '../../../electron/shared/contract.js';
import type { PowerMethod, PowerSettingsUpdate, PowerSettingsView } from '../../../electron/shared/power.js';
import { ApiError } from '../../api/client.js';

export type MethodChoice = 'none' | PowerMethod;

export interface PowerDraft {
  method: MethodChoice;
  wolMac: string;
  ipmiAddress: string;
  ipmiPort: string;
  ipmiUser: string;
  cipherSuite: string;
  redfishUrl: string;
  redfishUser: string;
  allowHttp: boolean;
}

/** Secrets as typed in this form: empty means "keep the stored one". */
export interface PowerSecrets {
  secureOn: string;
  ipmiPassword: string;
  redfishPassword: string;
}

export const NO_SECRETS: PowerSecrets = { secureOn: '', ipmiPassword: '', redfishPassword: '' };

/** The keys of the form's inputs (their DOM ids end in them). */
export type PowerField = keyof PowerDraft | keyof PowerSecrets;

export const DEFAULT_IPMI_PORT = 623;
export const DEFAULT_CIPHER_SUITE = 3;

export function draftOf(view: PowerSettingsView): PowerDraft {
  return {
    method: view.method ?? 'none',
    wolMac: view.wol?.mac ?? view.mac,
    ipmiAddress: view.ipmi?.address ?? '',
    ipmiPort: String(view.ipmi?.port ?? DEFAULT_IPMI_PORT),
    ipmiUser: view.ipmi?.user ?? '',
    cipherSuite: String(view.ipmi?.cipherSuite ?? DEFAULT_CIPHER_SUITE),
    redfishUrl: view.redfish?.url ?? '',
    redfishUser: view.redfish?.user ?? '',
    allowHttp: view.redfish?.allowHttp ?? false,
  };
}

export function isDirty(view: PowerSettingsView, draft: PowerDraft, secrets: PowerSecrets): boolean {
  const typed = draft.method === 'wol' ? secrets.secureOn : draft.method === 'ipmi' ? secrets.ipmiPassword : secrets.redfishPassword;
  return (draft.method !== 'none' && typed !== '') || JSON.stringify(draftOf(view)) !== JSON.stringify(draft);
}

/** Whether a secret is stored for the chosen method (the view's set / not set). */
export function secretSet(view: PowerSettingsView, method: MethodChoice): boolean {
  if (method === 'wol') return view.wol?.secureOnSet ?? false;
  if (method === 'ipmi') return view.ipmi?.passwordSet ?? false;
  if (method === 'redfish') return view.redfish?.passwordSet ?? false;
  return false;
}

/** The placeholder of a secret's input: a stored secret is never shown, only that it is there. */
export function secretPlaceholder(set: boolean): string {
  return set ? 'set — leave empty to keep' : 'not set';
}

export interface PowerFieldError {
  field: PowerField;
  text: string;
}

function intIn(text: string, min: number, max: number): number | null {
  if (!/^\d+$/.test(text.trim())) return null;
  const n = Number(text.trim());
  return n >= min && n <= max ? n : null;
}

// SecureOn: 4 or 6 bytes as hex pairs, or a dotted quad (as the server's schema takes it).
const SECURE_ON = /^[0-9a-fA-F]{2}([:-][0-9a-fA-F]{2}){3}$|^[0-9a-fA-F]{2}([:-][0-9a-fA-F]{2}){5}$|^(\d{1,3}\.){3}\d{1,3}$/;

/** What the form can tell before sending (the server checks everything again); null when it looks right. */
export function checkDraft(draft: PowerDraft, secrets: PowerSecrets = NO_SECRETS): PowerFieldError | null {
  switch (draft.method) {
    case 'none':
      return null;
    case 'wol':
      if (!normalizeMac(draft.wolMac)) return { field: 'wolMac', text: 'a MAC address, e.g. 52:54:00:12:34:56' };
      if (secrets.secureOn && !SECURE_ON.test(secrets.secureOn)) return { field: 'secureOn', text: '4 or 6 bytes, like 01:02:03:04:05:06' };
      return null;
    case 'ipmi':
      if (!draft.ipmiAddress.trim()) return { field: 'ipmiAddress', text: 'the BMC’s address or host name' };
      if (intIn(draft.ipmiPort, 1, 65535) === null) return { field: 'ipmiPort', text: 'a port from 1 to 65535 (IPMI uses 623)' };
      if (intIn(draft.cipherSuite, 0, 17) === null)
        return { field: 'cipherSuite', text: 'a cipher suite from 0 to 17 (3 is the usual one)' };
      return null;
    case 'redfish': {
      let url: URL;
      try {
        url = new URL(draft.redfishUrl.trim());
      } catch {
        return { field: 'redfishUrl', text: 'the BMC’s address, e.g. https://10.0.0.5' };
      }
      if (url.protocol === 'http:' && !draft.allowHttp)
        return { field: 'redfishUrl', text: 'plain http sends the password in clear: use https, or allow plain HTTP below' };
      if (url.protocol !== 'https:' && url.protocol !== 'http:') return { field: 'redfishUrl', text: 'an https:// address' };
      return null;
    }
  }
}

/** The update to send: only the chosen method's fields; a secret only when one was typed. */
export function updateOf(draft: PowerDraft, secrets: PowerSecrets): PowerSettingsUpdate {
  switch (draft.method) {
    case 'none':
      return { method: null };
    case 'wol':
      return {
        method: 'wol',
        wol: { mac: normalizeMac(draft.wolMac) ?? draft.wolMac, ...(secrets.secureOn ? { secureOn: secrets.secureOn } : {}) },
      };
    case 'ipmi':
      return {
        method: 'ipmi',
        ipmi: {
          address: draft.ipmiAddress.trim(),
          port: Number(draft.ipmiPort),
          user: draft.ipmiUser.trim(),
          cipherSuite: Number(draft.cipherSuite),
          ...(secrets.ipmiPassword ? { password: secrets.ipmiPassword } : {}),
        },
      };
    case 'redfish':
      return {
        method: 'redfish',
        redfish: {
          url: draft.redfishUrl.trim(),
          user: draft.redfishUser.trim(),
          allowHttp: draft.allowHttp,
          ...(secrets.redfishPassword ? { password: secrets.redfishPassword } : {}),
        },
      };
  }
}

// A server's field name ("address", "ipmi.address", "redfish.password", "secureOn") → the input.
const BY_NAME: Readonly<Record<string, Partial<Record<MethodChoice, PowerField>>>> = {
  mac: { wol: 'wolMac' },
  secureon: { wol: 'secureOn' },
  address: { ipmi: 'ipmiAddress' },
  port: { ipmi: 'ipmiPort' },
  ciphersuite: { ipmi: 'cipherSuite' },
  user: { ipmi: 'ipmiUser', redfish: 'redfishUser' },
  password: { ipmi: 'ipmiPassword', redfish: 'redfishPassword' },
  url: { redfish: 'redfishUrl' },
  allowhttp: { redfish: 'allowHttp' },
};

/** A refusal about one input of the chosen method: which, and the words to show under it. */
export function powerFieldErrorOf(e: unknown, method: MethodChoice): PowerFieldError | null {
  if (!(e instanceof ApiError) || !e.field) return null;
  let name = e.field.name;
  let detail = e.field.detail;
  // The control API names a body's top-level key ("ipmi"); its message has the whole path
  // ("body.ipmi.address: a host name or IP address …"): the input is the last part of that.
  if (name === method) {
    const m = new RegExp(`body\\.${method}\\.(\\w+): ([^;]+)`).exec(e.message);
    if (!m?.[1] || !m[2]) return null;
    name = m[1];
    detail = m[2];
  }
  const last = name.split('.').pop() ?? '';
  const direct = (
    [
      'wolMac',
      'ipmiAddress',
      'ipmiPort',
      'ipmiUser',
      'cipherSuite',
      'redfishUrl',
      'redfishUser',
      'allowHttp',
      'secureOn',
      'ipmiPassword',
      'redfishPassword',
    ] as const
  ).find((k) => k.toLowerCase() === last.toLowerCase());
  const field = direct ?? BY_NAME[last.toLowerCase()]?.[method];
  return field ? { field, text: detail } : null;
}

/** A Redfish BMC that now presents a certificate other than the one pinned: both, for the user to compare. */
export function certificateChange(view: PowerSettingsView | null): { pinned: string | null; presented: string } | null {
  const r = view?.redfish;
  if (!r?.presentedFingerprint || r.presentedFingerprint === r.pinnedFingerprint) return null;
  return { pinned: r.pinnedFingerprint, presented: r.presentedFingerprint };
}
