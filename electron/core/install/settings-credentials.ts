// Whose the admin password is, and whether anyone has seen the generated one. The generated
// password lives in `<dataDir>/initial-password.txt` (mode 0600) exactly as long as it is the one
// in force (settings-store.ts), so that file is the truth for "generated"; what the file cannot
// say (when the user set their own, whether the generated one was ever shown or copied) is kept in
// `<dataDir>/admin-password.json`. Neither the password nor its hash is written there, nor logged.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AdminPasswordState, InitialPassword } from '../../shared/contract.js';
import { errnoCode } from '../errors.js';
import { readJsonFile, writeJsonAtomic } from '../store/atomic.js';

export const INITIAL_PASSWORD_FILE = 'initial-password.txt';
export const PASSWORD_META_FILE = 'admin-password.json';

interface PasswordMeta {
  setAt: string | null;
  revealedAt: string | null;
}

/** The `password:` line of initial-password.txt; null when the file is absent or holds none. */
export function parseInitialPassword(text: string): string | null {
  const line = text.split('\n').find((l) => l.startsWith('password: '));
  return line === undefined ? null : line.slice('password: '.length);
}

export class AdminCredentials {
  private meta: PasswordMeta = { setAt: null, revealedAt: null };
  /** Whether initial-password.txt holds the password in force (read at open, then kept by this class). */
  private isGenerated = false;

  private constructor(private readonly dataDir: string) {}

  static async open(dataDir: string): Promise<AdminCredentials> {
    const c = new AdminCredentials(dataDir);
    const stored = await readJsonFile<Partial<PasswordMeta> | null>(c.metaFile, null).catch(() => null);
    c.meta = {
      setAt: typeof stored?.setAt === 'string' ? stored.setAt : null,
      revealedAt: typeof stored?.revealedAt === 'string' ? stored.revealedAt : null,
    };
    c.isGenerated = (await c.initialPassword()) !== null;
    return c;
  }

  get initialPasswordFile(): string {
    return join(this.dataDir, INITIAL_PASSWORD_FILE);
  }

  private get metaFile(): string {
    return join(this.dataDir, PASSWORD_META_FILE);
  }

  /** The generated password while it is in force, else null (the user set their own: only its hash exists). */
  async initialPassword(): Promise<string | null> {
    try {
      return parseInitialPassword(await readFile(this.initialPasswordFile, 'utf8'));
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') return null;
      throw e;
    }
  }

  state(): AdminPasswordState {
    return this.isGenerated
      ? { source: 'generated', setAt: null, revealed: this.meta.revealedAt !== null }
      : { source: 'own', setAt: this.meta.setAt, revealed: false };
  }

  /** The generated password, recording that it was shown; null when the user's own is in force. */
  async reveal(user: string, now = new Date()): Promise<InitialPassword | null> {
    const password = await this.initialPassword();
    if (password === null) return null;
    if (this.meta.revealedAt === null) await this.save({ ...this.meta, revealedAt: now.toISOString() });
    return { user, password };
  }

  /** A new generated password is in force: nobody has seen it yet. */
  async generated(): Promise<void> {
    this.isGenerated = true;
    await this.save({ setAt: null, revealedAt: null });
  }

  /** The user set their own password. */
  async ownSet(now = new Date()): Promise<void> {
    this.isGenerated = false;
    await this.save({ setAt: now.toISOString(), revealedAt: null });
  }

  private async save(meta: PasswordMeta): Promise<void> {
    this.meta = meta;
    await writeJsonAtomic(this.metaFile, meta, 0o600);
  }
}
