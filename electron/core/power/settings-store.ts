// Every host's power settings in ONE file, `<dataDir>/power.json`, mode 0600 (it holds BMC
// passwords and SecureOn passwords in clear: a BMC login needs the password itself, a hash would not
// do). Secrets are write-only: views say whether one is set, never its value, and an update that
// leaves a secret out keeps the stored one. Writes are atomic and serialized.
import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  IpmiSettingsView,
  PowerMethod,
  PowerReading,
  PowerSettingsUpdate,
  PowerSettingsView,
  RedfishSettingsView,
  WolSettingsView,
} from '../../shared/power.js';
import { BootbenchError } from '../errors.js';
import { readJsonFile, writeJsonAtomic } from '../store/atomic.js';

export const POWER_FILE = 'power.json';
export const IPMI_DEFAULT_PORT = 623;
/** RMCP+ suite 3: RAKP-HMAC-SHA1, HMAC-SHA1-96, AES-CBC-128: what ipmitool and most BMCs use by default. */
export const IPMI_DEFAULT_CIPHER_SUITE = 3;

export interface StoredWol {
  mac: string;
  secureOn: string | null;
}

export interface StoredIpmi {
  address: string;
  port: number;
  user: string;
  password: string | null;
  cipherSuite: number;
}

export interface StoredRedfish {
  url: string;
  user: string;
  password: string | null;
  allowHttp: boolean;
  pinnedFingerprint: string | null;
  presentedFingerprint: string | null;
}

/** One host's settings as stored (secrets included): for the drivers, never for a view. */
export interface StoredHostPower {
  method: PowerMethod;
  wol: StoredWol | null;
  ipmi: StoredIpmi | null;
  redfish: StoredRedfish | null;
}

interface PowerFile {
  version: 1;
  hosts: Record<string, StoredHostPower>;
}

const bad = (message: string, field: string) =>
  new BootbenchError('BAD_ARGUMENT', { message }, { field: { name: field, detail: message } });

export class PowerSettingsStore {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly path: string,
    private readonly hosts: Map<string, StoredHostPower>,
  ) {}

  static async open(dataDir: string): Promise<PowerSettingsStore> {
    const path = join(dataDir, POWER_FILE);
    let file: PowerFile;
    try {
      file = await readJsonFile<PowerFile>(path, { version: 1, hosts: {} });
    } catch (e) {
      throw new BootbenchError(
        'DATA_DIR',
        { dataDir, reason: `${POWER_FILE} is not readable JSON: ${(e as Error).message}` },
        { cause: e },
      );
    }
    // A file restored from a backup or copied by hand may have lost its mode: secrets stay 0600.
    await chmod(path, 0o600).catch(() => undefined);
    return new PowerSettingsStore(path, new Map(Object.entries(file.hosts ?? {})));
  }

  /** The stored settings with their secrets (for a driver), or null when the host has none. */
  get(mac: string): StoredHostPower | null {
    const s = this.hosts.get(mac);
    return s ? structuredClone(s) : null;
  }

  /** The hosts that have power settings. */
  macs(): string[] {
    return [...this.hosts.keys()];
  }

  /** Every secret stored for the host: what no output may contain (the controller scrubs messages with it). */
  secretsOf(mac: string): string[] {
    const s = this.hosts.get(mac);
    return [s?.wol?.secureOn, s?.ipmi?.password, s?.redfish?.password].filter((x): x is string => typeof x === 'string' && x !== '');
  }

  /** The settings as the API shows them: "set" or "not set" for each secret. */
  view(mac: string, power: PowerReading | null): PowerSettingsView {
    return viewOf(mac, this.hosts.get(mac) ?? null, power);
  }

  /** Applies an update (`method: null` removes the host's settings, secrets included); the stored result. */
  update(mac: string, update: PowerSettingsUpdate): Promise<StoredHostPower | null> {
    return this.change(mac, (known) => applyUpdate(mac, known, update));
  }

  /**
   * Applies updates of several hosts in one atomic write: all are stored or none (an update that
   * cannot work throws before anything changes; a failed write puts every host back). An inventory
   * import sets its rows' power settings through this.
   */
  updateMany(updates: readonly { mac: string; update: PowerSettingsUpdate }[]): Promise<void> {
    const run = this.queue.then(async () => {
      const next = updates.map(({ mac, update }) => ({ mac, stored: applyUpdate(mac, this.get(mac), update) }));
      const before = new Map(updates.map(({ mac }) => [mac, this.hosts.get(mac)]));
      for (const { mac, stored } of next) {
        if (stored) this.hosts.set(mac, stored);
        else this.hosts.delete(mac);
      }
      try {
        await this.save();
      } catch (e) {
        for (const [mac, old] of before) {
          if (old) this.hosts.set(mac, old);
          else this.hosts.delete(mac);
        }
        throw e;
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Trusts the Redfish certificate the BMC now presents: refused unless `fingerprint` is the one it
   * presented (the user accepts what they were shown, not any certificate).
   */
  acceptCertificate(mac: string, fingerprint: string): Promise<StoredHostPower | null> {
    return this.change(mac, (known) => {
      const rf = known?.redfish;
      if (!known || !rf) throw bad(`${mac} has no Redfish settings: there is no certificate to accept.`, 'fingerprint');
      const wanted = fingerprint.trim().toUpperCase();
      if (rf.presentedFingerprint === null && rf.pinnedFingerprint === wanted) return known; // already trusted
      if (rf.presentedFingerprint !== wanted)
        throw bad(
          rf.presentedFingerprint === null
            ? `The BMC of ${mac} presented no new certificate: nothing to accept.`
            : `That is not the certificate the BMC of ${mac} presented (${rf.presentedFingerprint}).`,
          'fingerprint',
        );
      return { ...known, redfish: { ...rf, pinnedFingerprint: wanted, presentedFingerprint: null } };
    });
  }

  /** The Redfish client records what it saw: the certificate pinned on first use, or a changed one it refused. */
  recordCertificate(mac: string, seen: { pinned?: string | null; presented?: string | null }): Promise<StoredHostPower | null> {
    return this.change(mac, (known) => {
      if (!known?.redfish) return known;
      return {
        ...known,
        redfish: {
          ...known.redfish,
          ...(seen.pinned !== undefined ? { pinnedFingerprint: seen.pinned } : {}),
          ...(seen.presented !== undefined ? { presentedFingerprint: seen.presented } : {}),
        },
      };
    });
  }

  private change(mac: string, edit: (known: StoredHostPower | null) => StoredHostPower | null): Promise<StoredHostPower | null> {
    const run = this.queue.then(async () => {
      const next = edit(this.get(mac));
      const before = this.hosts.get(mac);
      if (next) this.hosts.set(mac, next);
      else this.hosts.delete(mac);
      try {
        await this.save();
      } catch (e) {
        if (before) this.hosts.set(mac, before);
        else this.hosts.delete(mac);
        throw e;
      }
      return next ? structuredClone(next) : null;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private save(): Promise<void> {
    const file: PowerFile = { version: 1, hosts: Object.fromEntries(this.hosts) };
    return writeJsonAtomic(this.path, file, 0o600);
  }
}

/** The settings after an update; refuses what cannot work (a plain-http Redfish URL not allowed explicitly). */
export function applyUpdate(mac: string, known: StoredHostPower | null, update: PowerSettingsUpdate): StoredHostPower | null {
  const base: StoredHostPower = known ?? { method: 'wol', wol: null, ipmi: null, redfish: null };
  switch (update.method) {
    case null:
      return null;
    case 'wol': {
      const secureOn = update.wol.secureOn === undefined ? (base.wol?.secureOn ?? null) : update.wol.secureOn || null;
      return { ...base, method: 'wol', wol: { mac: update.wol.mac ?? base.wol?.mac ?? mac, secureOn } };
    }
    case 'ipmi': {
      const u = update.ipmi;
      const password = u.password === undefined ? (base.ipmi?.password ?? null) : u.password || null;
      return {
        ...base,
        method: 'ipmi',
        ipmi: {
          address: u.address,
          port: u.port ?? base.ipmi?.port ?? IPMI_DEFAULT_PORT,
          user: u.user,
          password,
          cipherSuite: u.cipherSuite ?? base.ipmi?.cipherSuite ?? IPMI_DEFAULT_CIPHER_SUITE,
        },
      };
    }
    case 'redfish': {
      const u = update.redfish;
      const url = redfishUrl(u.url, u.allowHttp === true);
      const sameBmc = base.redfish?.url === url;
      return {
        ...base,
        method: 'redfish',
        redfish: {
          url,
          user: u.user,
          password: u.password === undefined ? (base.redfish?.password ?? null) : u.password || null,
          allowHttp: u.allowHttp === true,
          // Another BMC has another certificate: pin it afresh at the first contact.
          pinnedFingerprint: sameBmc ? (base.redfish?.pinnedFingerprint ?? null) : null,
          presentedFingerprint: sameBmc ? (base.redfish?.presentedFingerprint ?? null) : null,
        },
      };
    }
  }
}

/** The URL without a trailing slash; https, or http only when allowed explicitly (the password would cross the network in clear). */
function redfishUrl(text: string, allowHttp: boolean): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw bad(`"${text}" is not a URL: give the BMC's address like https://10.0.0.5.`, 'url');
  }
  if (url.protocol === 'http:' && !allowHttp)
    throw bad(
      `${text} is plain HTTP: the BMC password would cross the network in clear. Use https://, or allow HTTP explicitly if this BMC offers nothing else.`,
      'url',
    );
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw bad(`${text} is not an http(s) URL.`, 'url');
  if (url.username || url.password) throw bad('Give the user and password in their own fields, not inside the URL.', 'url');
  return url.toString().replace(/\/+$/, '');
}

function viewOf(mac: string, s: StoredHostPower | null, power: PowerReading | null): PowerSettingsView {
  const wol: WolSettingsView | null = s?.wol ? { mac: s.wol.mac, secureOnSet: s.wol.secureOn !== null } : null;
  const ipmi: IpmiSettingsView | null = s?.ipmi
    ? {
        address: s.ipmi.address,
        port: s.ipmi.port,
        user: s.ipmi.user,
        passwordSet: s.ipmi.password !== null,
        cipherSuite: s.ipmi.cipherSuite,
      }
    : null;
  const redfish: RedfishSettingsView | null = s?.redfish
    ? {
        url: s.redfish.url,
        user: s.redfish.user,
        passwordSet: s.redfish.password !== null,
        allowHttp: s.redfish.allowHttp,
        pinnedFingerprint: s.redfish.pinnedFingerprint,
        presentedFingerprint: s.redfish.presentedFingerprint,
      }
    : null;
  return { mac, method: s?.method ?? null, wol, ipmi, redfish, power };
}
