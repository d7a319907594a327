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
//
// Opened files are kept open for a while (`holdMs`) and shared by the requests for the same name:
// a rack that powers on asks for the same two boot files a hundred times (two hundred with the UEFI
// size probe) within a second, and the checks above cost five thread-pool round trips per request
// (realpath, stat, open, fstat, readlink) plus the close: measured as most of what the main thread
// spent per request. A request for a name held open costs one stat of its path instead, which must
// name the same file as the open descriptor (device, inode, size, change and modification times);
// anything else (a replaced, rewritten, removed file, a symlink pointed elsewhere) drops the entry
// and the request goes the full way, checks included. Reads are positional, so transfers share the
// descriptor; it is closed once no transfer uses it and no request came for `holdMs`.
import { constants, type Stats } from 'node:fs';
import { open, readlink, realpath, stat, type FileHandle } from 'node:fs/promises';
import { isAbsolute, join, sep } from 'node:path';
import type { FileResolver, FileSource, OpenResult } from './file-source.js';
import { fileSourceOf } from './plain-file.js';

export interface DirectoryResolverOptions {
  /** How long a file no transfer reads stays open for the next request (ms); 0: every request opens and closes its own. */
  holdMs?: number;
}

/** Files held open at most (the least recently asked one without readers is closed first). */
const HELD_MAX = 32;

export function directoryResolver(root: string, options: DirectoryResolverOptions = {}): FileResolver {
  let rootReal: Promise<string> | null = null;
  const held = options.holdMs === 0 ? null : new HeldFiles(options.holdMs ?? 10_000);
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
    const path = join(base, ...parsed.segments);
    const key = parsed.segments.join('/');
    if (held) {
      const entry = held.get(key);
      if (entry) {
        // The path as asked (symlinks followed): a link pointed elsewhere names another file.
        const now = await stat(path).catch(() => null);
        if (now && sameFile(now, entry.stats)) return { ok: true, file: held.lease(entry) };
        held.drop(entry);
      }
    }
    let real: string;
    try {
      real = await realpath(path);
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
      if (held) return { ok: true, file: held.lease(held.add(key, handle, st)) };
      return { ok: true, file: fileSourceOf(handle, st.size, st.mtime) };
    } catch (e) {
      await handle.close().catch(() => undefined);
      return e instanceof Refusal ? forbidden(e.message) : errnoFailure(e, requested);
    }
  };
}

class Refusal extends Error {}

interface HeldFile {
  readonly key: string;
  readonly handle: FileHandle;
  readonly stats: Stats;
  readonly source: FileSource;
  /** Transfers reading it now. */
  readers: number;
  /** Dropped from the table: closed when the last reader is done. */
  dropped: boolean;
  timer: NodeJS.Timeout | null;
}

/** The open files of one resolver, by relative name (see the top of the file). */
class HeldFiles {
  private readonly files = new Map<string, HeldFile>();

  constructor(private readonly holdMs: number) {}

  get(key: string): HeldFile | undefined {
    const entry = this.files.get(key);
    if (entry) {
      // Most recently asked last: the eviction below takes the first one without readers.
      this.files.delete(key);
      this.files.set(key, entry);
    }
    return entry;
  }

  add(key: string, handle: FileHandle, stats: Stats): HeldFile {
    const old = this.files.get(key);
    if (old) this.drop(old); // two first requests raced: the later open replaces the earlier
    const source = fileSourceOf(handle, stats.size, stats.mtime);
    const entry: HeldFile = { key, handle, stats, source, readers: 0, dropped: false, timer: null };
    this.files.set(key, entry);
    if (this.files.size > HELD_MAX) {
      for (const e of this.files.values()) {
        if (e.readers === 0 && e !== entry) {
          this.drop(e);
          break;
        }
      }
    }
    return entry;
  }

  /** A FileSource on the held descriptor whose close() ends this reader only. */
  lease(entry: HeldFile): FileSource {
    entry.readers += 1;
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = null;
    let closed = false;
    const { size, mtime, handle, read } = entry.source;
    return {
      size,
      mtime,
      ...(handle ? { handle } : {}),
      read,
      close: async () => {
        if (closed) return;
        closed = true;
        entry.readers -= 1;
        if (entry.readers > 0) return;
        if (entry.dropped) return entry.handle.close();
        entry.timer = setTimeout(() => this.drop(entry), this.holdMs);
        entry.timer.unref();
      },
    };
  }

  /** Out of the table; the descriptor is closed now if nobody reads it, else by its last reader. */
  drop(entry: HeldFile): void {
    if (this.files.get(entry.key) === entry) this.files.delete(entry.key);
    if (entry.dropped) return;
    entry.dropped = true;
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = null;
    if (entry.readers === 0) void entry.handle.close().catch(() => undefined);
  }
}

/** The same file, unchanged: what a held descriptor may keep serving a path for. */
function sameFile(a: Stats, b: Stats): boolean {
  return a.isFile() && a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;
}

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
