// A FileResolver over one folder, confined to it: what TFTP (and any other server handed a plain
// folder) reads through. The client-supplied path is untrusted:
//   - refused outright: NUL bytes, backslashes (a Windows separator: "..\\x" is traversal there),
//     absolute paths and drive letters, and any ".." segment;
//   - resolved with realpath, and refused unless the real path is still inside the real root, so a
//     symlink inside the root that leads outside is refused (one that stays inside is followed);
//   - only regular files: directories, devices, FIFOs and sockets are refused;
//   - opened O_NOFOLLOW | O_NONBLOCK (a FIFO swapped in after the check cannot hang a libuv
//     thread), and on Linux the opened descriptor's own path is checked again, which closes the
//     window between realpath and open.
// There is no URL decoding: TFTP names are literal, so "%2e%2e%2f" is a file of that name.
// Reads go through a FileHandle at explicit positions: nothing loads a whole file.
import { constants } from 'node:fs';
import { open, readlink, realpath, stat, type FileHandle } from 'node:fs/promises';
import { isAbsolute, join, sep } from 'node:path';
import type { FileResolver, OpenResult } from './file-source.js';
import { fileSourceOf } from './plain-file.js';

export function directoryResolver(root: string): FileResolver {
  let rootReal: Promise<string> | null = null;
  return async (requested: string): Promise<OpenResult> => {
    const parsed = parseRelative(requested);
    if (!parsed.ok) return forbidden(parsed.reason);
    if (parsed.segments.length === 0) return notFound(requested);
    rootReal ??= realpath(root);
    let base: string;
    try {
      base = await rootReal;
    } catch (e) {
      rootReal = null; // the folder may appear later
      return { ok: false, failure: { kind: 'error', message: `root folder ${root} is not usable: ${(e as Error).message}` } };
    }
    let real: string;
    try {
      real = await realpath(join(base, ...parsed.segments));
    } catch (e) {
      return errnoFailure(e, requested);
    }
    if (!inside(base, real)) return forbidden(`${requested} leads outside the served folder`);
    try {
      const st = await stat(real);
      if (!st.isFile()) return forbidden(`${requested} is not a regular file`);
    } catch (e) {
      return errnoFailure(e, requested);
    }
    let handle: FileHandle;
    try {
      handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW | (constants.O_NONBLOCK ?? 0));
    } catch (e) {
      return errnoFailure(e, requested);
    }
    try {
      const st = await handle.stat();
      if (!st.isFile()) throw new Refusal(`${requested} is not a regular file`);
      if (process.platform === 'linux') {
        const opened = await readlink(`/proc/self/fd/${handle.fd}`);
        if (!inside(base, opened)) throw new Refusal(`${requested} changed while it was opened`);
      }
      return { ok: true, file: fileSourceOf(handle, st.size, st.mtime) };
    } catch (e) {
      await handle.close().catch(() => undefined);
      return e instanceof Refusal ? forbidden(e.message) : errnoFailure(e, requested);
    }
  };
}

class Refusal extends Error {}

/** The path's segments below the root, or why it is refused. Pure: exported for tests. */
export function parseRelative(path: string): { ok: true; segments: string[] } | { ok: false; reason: string } {
  if (path.includes('\0')) return { ok: false, reason: 'file name contains a NUL byte' };
  if (path.includes('\\')) return { ok: false, reason: 'file name contains a backslash' };
  if (path.startsWith('/') || isAbsolute(path) || /^[A-Za-z]:/.test(path)) return { ok: false, reason: `absolute path ${path}` };
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') return { ok: false, reason: `".." in ${path}` };
    segments.push(segment);
  }
  return { ok: true, segments };
}

function inside(base: string, real: string): boolean {
  return real === base || real.startsWith(base.endsWith(sep) ? base : base + sep);
}

function forbidden(message: string): OpenResult {
  return { ok: false, failure: { kind: 'forbidden', message } };
}

function notFound(path: string): OpenResult {
  return { ok: false, failure: { kind: 'not-found', message: `${path} not found` } };
}

function errnoFailure(e: unknown, path: string): OpenResult {
  const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '';
  if (code === 'ENOENT' || code === 'ENOTDIR') return notFound(path);
  if (code === 'EACCES' || code === 'EPERM' || code === 'ELOOP') return forbidden(`${path}: ${code}`);
  return { ok: false, failure: { kind: 'error', message: `${path}: ${(e as Error).message}` } };
}
