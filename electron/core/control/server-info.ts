// `server.json` in the data dir: how the CLI verbs find a running server (its control URL and token).
// It holds a secret, so it is written atomically with mode 0600 and only its owner removes it.
import { chmod, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { platform } from 'node:os';
import type { ServerInfo } from '../../shared/contract.js';
import { BootbenchError } from '../errors.js';
import { readJsonFile, writeJsonAtomic } from '../store/atomic.js';
import { dataFiles } from '../store/data-dir.js';

/**
 * server.json as written by a server, or a reason it is not. Checked by hand rather than with zod:
 * every CLI verb reads it, and loading a validation library costs them startup time.
 */
function checkServerInfo(value: unknown): { ok: true; info: ServerInfo } | { ok: false; reason: string } {
  if (typeof value !== 'object' || value === null) return { ok: false, reason: 'not a JSON object' };
  const v = value as Record<string, unknown>;
  if (typeof v.pid !== 'number' || !Number.isInteger(v.pid) || v.pid <= 0) return { ok: false, reason: 'pid: not a positive whole number' };
  // The token goes only to the loopback address: a tampered file cannot send it elsewhere.
  if (typeof v.controlUrl !== 'string' || !/^http:\/\/127\.0\.0\.1:\d+$/.test(v.controlUrl))
    return { ok: false, reason: 'controlUrl: not http://127.0.0.1:PORT' };
  if (typeof v.token !== 'string' || v.token.length < 16) return { ok: false, reason: 'token: missing or shorter than 16 characters' };
  for (const key of ['uiUrl', 'startedAt'] as const) if (typeof v[key] !== 'string') return { ok: false, reason: `${key}: not a string` };
  // null while the server waits in setup for the UI to choose an interface.
  if (v.interface !== null && typeof v.interface !== 'string') return { ok: false, reason: 'interface: not a string or null' };
  return {
    ok: true,
    info: {
      pid: v.pid,
      controlUrl: v.controlUrl,
      token: v.token,
      uiUrl: v.uiUrl as string,
      interface: v.interface,
      startedAt: v.startedAt as string,
    },
  };
}

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
export function isProcessAlive(pid: number): boolean {
  // kill(0) and kill(-n) address process groups: never let a bad pid reach them.
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, but belongs to another user
  }
}

function parseServerInfo(value: unknown): ServerInfo {
  const checked = checkServerInfo(value);
  if (!checked.ok) throw new Error(checked.reason);
  return checked.info;
}

export function serverInfoPath(dataDir: string): string {
  return join(dataDir, dataFiles.serverInfo);
}

/**
 * Atomic write with mode 0600. The temporary file is created 0600 (a umask can only narrow that),
 * and the rename replaces any older, wider file; the mode is still checked afterwards, since a
 * token readable by other users would let them drive the server.
 */
export async function writeServerInfo(dataDir: string, info: ServerInfo): Promise<void> {
  const path = serverInfoPath(dataDir);
  await writeJsonAtomic(path, parseServerInfo(info), 0o600);
  if (platform() === 'win32') return; // POSIX modes mean nothing there; the per-user folder is the guard
  let mode = (await stat(path)).mode & 0o777;
  if (mode !== 0o600) {
    await chmod(path, 0o600);
    mode = (await stat(path)).mode & 0o777;
  }
  if (mode !== 0o600) {
    throw new BootbenchError('DATA_DIR', {
      dataDir,
      reason: `server.json has mode ${mode.toString(8)} instead of 600 and cannot be narrowed`,
    });
  }
}

/** The server.json of this data dir, or null when there is none. A malformed one is an error, never guessed at. */
export async function readServerInfo(dataDir: string): Promise<ServerInfo | null> {
  const path = serverInfoPath(dataDir);
  let raw: unknown;
  try {
    raw = await readJsonFile<unknown>(path, null);
  } catch (e) {
    throw new BootbenchError(
      'DATA_DIR',
      { dataDir, reason: `server.json is unreadable: ${e instanceof Error ? e.message : String(e)}` },
      { cause: e },
    );
  }
  if (raw === null) return null;
  const checked = checkServerInfo(raw);
  if (!checked.ok)
    throw new BootbenchError('DATA_DIR', {
      dataDir,
      reason: `server.json is malformed (${checked.reason}); delete it if no server is running`,
    });
  return checked.info;
}

/**
 * Remove server.json only if it is ours (same pid): a second server started on the same data dir
 * must not lose its file when the first one exits. Returns whether it removed the file.
 */
export async function removeServerInfo(dataDir: string, pid: number): Promise<boolean> {
  let info: ServerInfo | null;
  try {
    info = await readServerInfo(dataDir);
  } catch {
    return false; // malformed: not provably ours, so leave it for a person to look at
  }
  if (!info || info.pid !== pid) return false;
  await rm(serverInfoPath(dataDir), { force: true });
  return true;
}

/** server.json when its server process is still alive, else null (a crash leaves a stale file). */
export async function findRunningServer(dataDir: string): Promise<ServerInfo | null> {
  const info = await readServerInfo(dataDir);
  return info && isProcessAlive(info.pid) ? info : null;
}
