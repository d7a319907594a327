// The install settings (answer-file variables) in `<dataDir>/settings.json`.
//
// Installers need a password for the account they create (Debian's and Ubuntu's stop and ask
// otherwise), but "install with zero configuration" must work. So at the first start a random
// admin password is generated, only its SHA-512 crypt hash is kept in settings.json, and the plain
// text is written once to `<dataDir>/initial-password.txt` (mode 0600) for the UI to point at. It
// is deleted as soon as the user sets an admin password of their own. Plain passwords from the API
// are hashed on arrival and never stored or echoed (ARCHITECTURE.md, Security model).
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { InitialPassword, InstallSettings, InstallSettingsUpdate, InstallSettingsView } from '../../shared/contract.js';
import { BootbenchError } from '../errors.js';
import { readJsonFile, writeFileAtomic, writeJsonAtomic } from '../store/atomic.js';
import { AdminCredentials, INITIAL_PASSWORD_FILE } from './settings-credentials.js';
import { detailOf, normalizeDisk, parsePackageList, plainPasswordRule, settingsFieldProblems, settingsProblems } from './settings-rules.js';
import { sha512Crypt } from './sha512-crypt.js';

export const DEFAULT_SETTINGS: Readonly<InstallSettings> = Object.freeze({
  hostnamePattern: 'node-{mac}',
  domain: 'lab',
  timezone: 'Etc/UTC',
  locale: 'en_US.UTF-8',
  keyboard: 'us',
  targetDisk: '',
  rootPasswordHash: null,
  adminUser: 'bootbench',
  adminPasswordHash: null,
  sshAuthorizedKey: '',
  extraPackages: [],
  postInstallScript: '',
});

export const SETTINGS_FILE = 'settings.json';
export { INITIAL_PASSWORD_FILE };

const STRING_KEYS = [
  'hostnamePattern',
  'domain',
  'timezone',
  'locale',
  'keyboard',
  'targetDisk',
  'adminUser',
  'sshAuthorizedKey',
  'postInstallScript',
] as const;
const UPDATE_KEYS = new Set<string>([...STRING_KEYS, 'extraPackages', 'rootPassword', 'adminPassword']);

// No 0/O, 1/l/I: the password is read off a screen and typed on a console.
const PASSWORD_ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A random password of `length` characters (rejection sampling: no modulo bias). */
export function generatePassword(length = 16, random: (n: number) => Buffer = randomBytes): string {
  let out = '';
  while (out.length < length) {
    for (const b of random(length * 2)) {
      if (b < 256 - (256 % PASSWORD_ALPHABET.length) && out.length < length) out += PASSWORD_ALPHABET[b % PASSWORD_ALPHABET.length];
    }
  }
  return out;
}

/** A refused update; `field` (a settings key) when one setting is at fault, so that a form can point at it. */
const bad = (message: string, field?: string) =>
  new BootbenchError(
    'BAD_ARGUMENT',
    { message },
    field === undefined ? {} : { field: { name: field, detail: detailOf(field, message.replace(/^settings: /, '')) } },
  );

export interface SettingsStoreOptions {
  random?: (n: number) => Buffer;
}

export class SettingsStore {
  private current: InstallSettings;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly dataDir: string,
    settings: InstallSettings,
    private readonly random: (n: number) => Buffer,
    private readonly credentials: AdminCredentials,
  ) {
    this.current = settings;
  }

  /** Loads settings.json, or creates it with the defaults and a generated admin password. */
  static async open(dataDir: string, options: SettingsStoreOptions = {}): Promise<SettingsStore> {
    const random = options.random ?? randomBytes;
    const path = join(dataDir, SETTINGS_FILE);
    let stored: Partial<InstallSettings> | null;
    try {
      stored = await readJsonFile<Partial<InstallSettings> | null>(path, null);
    } catch (e) {
      throw new BootbenchError(
        'DATA_DIR',
        { dataDir, reason: `${SETTINGS_FILE} is not readable JSON: ${(e as Error).message}` },
        { cause: e },
      );
    }
    const settings: InstallSettings = { ...DEFAULT_SETTINGS, extraPackages: [], ...(stored ?? {}) };
    const problems = settingsProblems(settings);
    if (problems.length > 0) throw new BootbenchError('DATA_DIR', { dataDir, reason: `${SETTINGS_FILE}: ${problems.join('; ')}` });
    const store = new SettingsStore(dataDir, settings, random, await AdminCredentials.open(dataDir));
    if (settings.adminPasswordHash === null) await store.generateAdminPassword();
    else if (stored === null) await store.save();
    return store;
  }

  /** Where the generated admin password is written (the file exists only while it is the one in force). */
  get initialPasswordFile(): string {
    return join(this.dataDir, INITIAL_PASSWORD_FILE);
  }

  /** The settings with hashes (for rendering answer files). */
  get(): InstallSettings {
    return { ...this.current, extraPackages: [...this.current.extraPackages] };
  }

  view(): InstallSettingsView {
    const { rootPasswordHash, adminPasswordHash, ...rest } = this.get();
    const info = this.credentials.state();
    return {
      ...rest,
      rootPasswordSet: rootPasswordHash !== null,
      adminPasswordSet: adminPasswordHash !== null,
      adminPasswordInfo: info,
      loginKnown: info.source === 'own' || info.revealed || rest.sshAuthorizedKey.trim() !== '',
    };
  }

  /** The generated admin password while it is in force (recorded as shown), else null. Never logged. */
  revealInitialPassword(): Promise<InitialPassword | null> {
    return this.credentials.reveal(this.current.adminUser);
  }

  /** Validates and applies a partial update; passwords are hashed at once. Serialised. */
  update(update: InstallSettingsUpdate): Promise<InstallSettingsView> {
    const run = this.queue.then(() => this.apply(update));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async apply(update: InstallSettingsUpdate): Promise<InstallSettingsView> {
    if (typeof update !== 'object' || update === null) throw bad('settings: expected an object');
    const unknown = Object.keys(update).filter((k) => !UPDATE_KEYS.has(k));
    if (unknown.length > 0) throw bad(`settings: unknown key(s) ${unknown.join(', ')}; known: ${[...UPDATE_KEYS].join(', ')}`);
    const next = this.get();
    for (const key of STRING_KEYS) {
      const v = update[key];
      if (v === undefined) continue;
      if (typeof v !== 'string') throw bad(`settings: ${key} must be text`, key);
      next[key] = key === 'targetDisk' ? normalizeDisk(v) : key === 'postInstallScript' || key === 'sshAuthorizedKey' ? v : v.trim();
    }
    if (update.extraPackages !== undefined) {
      if (!Array.isArray(update.extraPackages) || update.extraPackages.some((p) => typeof p !== 'string'))
        throw bad('settings: extraPackages must be a list of package names', 'extraPackages');
      next.extraPackages = parsePackageList(update.extraPackages);
    }
    let adminChanged = false;
    if (update.rootPassword !== undefined) next.rootPasswordHash = this.hashOrClear('rootPassword', update.rootPassword);
    if (update.adminPassword !== undefined) {
      if (update.adminPassword === '') {
        throw bad(
          'settings: the admin password cannot be removed: the installers need one to create the account (log in with the SSH key if you prefer; set another password instead)',
          'adminPassword',
        );
      }
      next.adminPasswordHash = this.hashOrClear('adminPassword', update.adminPassword);
      adminChanged = true;
    }
    const problems = settingsFieldProblems(next);
    const first = problems[0];
    if (first) {
      throw new BootbenchError(
        'BAD_ARGUMENT',
        { message: `settings: ${problems.map((p) => p.message).join('; ')}` },
        { field: { name: first.field, detail: first.detail } },
      );
    }
    this.current = next;
    await this.save();
    // The generated password is no longer the one installs get: its file would only mislead.
    if (adminChanged) {
      await rm(this.initialPasswordFile, { force: true });
      await this.credentials.ownSet();
    }
    return this.view();
  }

  private hashOrClear(key: string, password: unknown): string | null {
    if (typeof password !== 'string') throw bad(`settings: ${key} must be text`, key);
    if (password === '') return null;
    const problem = plainPasswordRule(password);
    if (problem) throw bad(`settings: ${key}: ${problem}`, key);
    return sha512Crypt(password);
  }

  private async generateAdminPassword(): Promise<void> {
    const password = generatePassword(16, this.random);
    this.current = { ...this.current, adminPasswordHash: sha512Crypt(password) };
    await writeFileAtomic(
      this.initialPasswordFile,
      `# Generated by Bootbench at first start: the password of the admin account on installed machines.\n` +
        `# Set your own in Settings (or PUT /api/settings {"adminPassword": …}); this file is then deleted.\n` +
        `user: ${this.current.adminUser}\npassword: ${password}\n`,
      0o600,
    );
    await this.credentials.generated();
    await this.save();
  }

  private save(): Promise<void> {
    return writeJsonAtomic(join(this.dataDir, SETTINGS_FILE), this.current, 0o600);
  }
}
