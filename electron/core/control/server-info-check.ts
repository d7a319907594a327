// The checks of server.json (its content, and whether its server still lives), in a module with no
// runtime imports: the CLI's fast path (cli-quick.ts) applies the same rules without loading what
// writing the file needs.
import type { ServerInfo } from '../../shared/contract.js';

/**
 * server.json as written by a server, or a reason it is not. Checked by hand rather than with zod:
 * every CLI verb reads it, and loading a validation library costs them startup time.
 */
export function checkServerInfo(value: unknown): { ok: true; info: ServerInfo } | { ok: false; reason: string } {
  if (typeof value !== 'object' || value === null) return { ok: false, reason: 'not a JSON object' };
  const v = value as Record<string, unknown>;
  if (typeof v.pid !== 'number' || !Number.isInteger(v.pid) || v.pid <= 0) return { ok: false, reason: 'pid: not a positive whole number' };
  // The token goes only to the loopback address: a tampered file cannot send it elsewhere.
  if (typeof v.controlUrl !== 'string' || !/^http:\/\/127\.0\.0\.1:\d+$/.test(v.controlUrl)) return { ok: false, reason: 'controlUrl: not http://127.0.0.1:PORT' };
  if (typeof v.token !== 'string' || v.token.length < 16) return { ok: false, reason: 'token: missing or shorter than 16 characters' };
  for (const key of ['uiUrl', 'startedAt'] as const) if (typeof v[key] !== 'string') return { ok: false, reason: `${key}: not a string` };
  // null while the server waits in setup for the UI to choose an interface.
  if (v.interface !== null && typeof v.interface !== 'string') return { ok: false, reason: 'interface: not a string or null' };
  return { ok: true, info: { pid: v.pid, controlUrl: v.controlUrl, token: v.token, uiUrl: v.uiUrl as string, interface: v.interface, startedAt: v.startedAt as string } };
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
