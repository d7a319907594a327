// Power control records (ARCHITECTURE.md ★ `bootbench power`, `bootbench bmc set`): how Bootbench
// switches a host on and off. Secrets (BMC passwords, a SecureOn password) are write-only: the API
// takes them and answers only whether one is set.

export const POWER_METHODS = ['wol', 'ipmi', 'redfish'] as const;
export type PowerMethod = (typeof POWER_METHODS)[number];

export const POWER_ACTIONS = ['on', 'off', 'cycle', 'status'] as const;
export type PowerAction = (typeof POWER_ACTIONS)[number];

/** `unknown`: never read, or the method cannot read it (Wake-on-LAN). */
export type PowerState = 'on' | 'off' | 'unknown';

export interface PowerReading {
  state: PowerState;
  /** When it was read or set (ISO 8601). */
  at: string;
}

export interface WolSettingsView {
  /** The MAC the magic packet wakes (default: the host's own). */
  mac: string;
  secureOnSet: boolean;
}

export interface IpmiSettingsView {
  address: string;
  port: number;
  user: string;
  passwordSet: boolean;
  /** IPMI 2.0 cipher suite (RMCP+), default 3 (HMAC-SHA1, HMAC-SHA1-96, AES-CBC-128); 17 adds SHA-256. */
  cipherSuite: number;
}

export interface RedfishSettingsView {
  /** https://BMC (the service root is /redfish/v1). */
  url: string;
  user: string;
  passwordSet: boolean;
  /** A plain-http URL was allowed explicitly (warned: the password crosses the network in clear). */
  allowHttp: boolean;
  /** SHA-256 of the certificate trusted on first use (AA:BB:… upper-case hex), null before the first contact. */
  pinnedFingerprint: string | null;
  /** A certificate the BMC presented that differs from the pinned one, waiting for the user to accept it. */
  presentedFingerprint: string | null;
}

export interface PowerSettingsView {
  mac: string;
  method: PowerMethod | null;
  wol: WolSettingsView | null;
  ipmi: IpmiSettingsView | null;
  redfish: RedfishSettingsView | null;
  power: PowerReading | null;
}

export type PowerSettingsUpdate =
  | { method: null }
  | { method: 'wol'; wol: { mac?: string; secureOn?: string } }
  | { method: 'ipmi'; ipmi: { address: string; port?: number; user: string; password?: string; cipherSuite?: number } }
  | { method: 'redfish'; redfish: { url: string; user: string; password?: string; allowHttp?: boolean } };

export interface PowerActionResult {
  mac: string;
  action: PowerAction;
  method: PowerMethod;
  /** The state after the action (status: as read). */
  state: PowerState;
  message: string;
}

export function isPowerAction(value: unknown): value is PowerAction {
  return (POWER_ACTIONS as readonly unknown[]).includes(value);
}
