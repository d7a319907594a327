// The UI's address (control port and token) kept stable across restarts of the same data folder,
// so that a tab left open reconnects by itself when the server comes back. Kept in `control.json`
// (mode 0600, like server.json, which only lives while a server runs). The security model is
// unchanged: the API still listens on loopback only and checks the token, Host and Origin; the
// token simply outlives one run, as it does in server.json. Deleting control.json gives a new one.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { platform } from 'node:os';
import { isBootbenchError } from '../errors.js';
import { readJsonFile, writeJsonAtomic } from '../store/atomic.js';

export const STABLE_ADDRESS_FILE = 'control.json';

export interface StableAddress {
  /** The port chosen the first time the server picked one itself (no --ui-port); null when never. */
  port: number | null;
  token: string;
}

/** Why a stored address was not used (the caller says so and starts afresh); null when it was fine or absent. */
export type StoredAddress = { ok: true; address: StableAddress | null } | { ok: false; reason: string };

/** control.json as written by `writeStableAddress`, checked by hand (no zod: the file is tiny). */
export function checkStableAddress(value: unknown): { ok: true; address: StableAddress } | { ok: false; reason: string } {
  if (typeof value !== 'object' || value === null) return { ok: false, reason: 'not a JSON object' };
  const v = value as Record<string, unknown>;
  if (typeof v.token !== 'string' || !/^[A-Za-z0-9_-]{32,}$/.test(v.token))
    return { ok: false, reason: 'token: not at least 32 URL-safe characters' };
  const port = v.port ?? null;
  if (port !== null && (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535))
    return { ok: false, reason: 'port: not a TCP port' };
  return { ok: true, address: { port, token: v.token } };
}

export async function readStableAddress(dataDir: string): Promise<StoredAddress> {
  const path = join(dataDir, STABLE_ADDRESS_FILE);
  let raw: unknown;
  try {
    raw = await readJsonFile<unknown>(path, null);
  } catch (e) {
    return { ok: false, reason: `${STABLE_ADDRESS_FILE} is unreadable (${e instanceof Error ? e.message : String(e)})` };
  }
  if (raw === null) return { ok: true, address: null };
  // A token others could read may have been read: it is not reused.
  if (platform() !== 'win32') {
    const mode = (await stat(path)).mode & 0o777;
    if ((mode & 0o077) !== 0) return { ok: false, reason: `${STABLE_ADDRESS_FILE} was readable by other users (mode ${mode.toString(8)})` };
  }
  const checked = checkStableAddress(raw);
  return checked.ok ? checked : { ok: false, reason: `${STABLE_ADDRESS_FILE} is malformed (${checked.reason})` };
}

/** Atomic, mode 0600 (the temporary file is created so; the rename replaces any wider file). */
export async function writeStableAddress(dataDir: string, address: StableAddress): Promise<void> {
  await writeJsonAtomic(join(dataDir, STABLE_ADDRESS_FILE), address, 0o600);
}

/**
 * Listens on the port to use: the one asked for (`requested` ≠ 0) as it is; otherwise the
 * remembered one, falling back to a new one (port 0) when another program holds it.
 */
export async function listenOnStablePort<T extends { port: number }>(opts: {
  requested: number;
  remembered: number | null;
  listen: (port: number) => Promise<T>;
  onFallback: (remembered: number, reason: string) => void;
}): Promise<T> {
  const { requested, remembered, listen } = opts;
  if (requested !== 0 || remembered === null) return listen(requested);
  try {
    return await listen(remembered);
  } catch (e) {
    if (!isBootbenchError(e) || (e.code !== 'PORT_IN_USE' && e.code !== 'BIND_DENIED')) throw e;
    opts.onFallback(remembered, e.message);
    return listen(0);
  }
}

/** What to remember after listening: the port only when the server chose it (no --ui-port). */
export function nextStableAddress(opts: {
  requested: number;
  listening: number;
  previous: StableAddress | null;
  token: string;
}): StableAddress {
  return { port: opts.requested === 0 ? opts.listening : (opts.previous?.port ?? null), token: opts.token };
}
