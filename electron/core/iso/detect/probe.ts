// Read-only helpers over an IsoTree for the detectors: case-insensitive path lookup (a plain ISO 9660
// tree without Rock Ridge or Joliet stores upper-case 8.3 names with a ';1' version suffix, e.g.
// 'README.TXT;1'), bounded text reads, and directory listings that never throw for a missing folder.

import type { IsoTree } from './types.js';

export type EntryKind = 'file' | 'dir' | 'symlink';

export interface Probe {
  readonly fileName: string | undefined;
  readonly udf: boolean;
  readonly volumeId: string;
  /** The real path of `path` (matched case-insensitively, ignoring ';1' versions), or null. */
  resolve(path: string): string | null;
  /** The real path when `path` is a regular file. */
  file(path: string): string | null;
  /** The real path when `path` is a directory. */
  dir(path: string): string | null;
  /** Entries of a directory; empty when it does not exist. */
  list(dir: string): { name: string; kind: EntryKind; path: string }[];
  /** A small text file as UTF-8 (BOM and NULs stripped); null when it does not exist or is larger than maxBytes. */
  readText(path: string, maxBytes?: number): Promise<string | null>;
}

const TEXT_LIMIT = 64 * 1024; // the marker files are a few hundred bytes; never pull a big file into memory

function comparable(name: string): string {
  // ISO 9660 names: 'VMLINUZ.;1' for an extension-less file, 'README.TXT;1'; only d-characters
  // (A-Z 0-9 _), so mkisofs writes '.treeinfo' as '_TREEINFO' and 'install.amd' as 'INSTALL_AMD'.
  return name
    .replace(/;\d+$/, '')
    .replace(/\.$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '_');
}

function join(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

export function normalizePath(path: string): string {
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  return `/${parts.join('/')}`;
}

export function createProbe(tree: IsoTree, fileName?: string): Probe {
  const resolved = new Map<string, string | null>();
  const listings = new Map<string, { name: string; kind: EntryKind; path: string }[]>();

  function rawList(dir: string): { name: string; kind: EntryKind; path: string }[] {
    const cached = listings.get(dir);
    if (cached) return cached;
    const st = tree.stat(dir);
    const entries = st?.kind === 'dir' ? tree.list(dir).map((e) => ({ name: e.name, kind: e.kind, path: join(dir, e.name) })) : [];
    listings.set(dir, entries);
    return entries;
  }

  function resolve(path: string): string | null {
    const wanted = normalizePath(path);
    if (resolved.has(wanted)) return resolved.get(wanted) ?? null;
    let answer: string | null = null;
    if (wanted === '/' || tree.stat(wanted)) answer = wanted;
    else {
      let current = '/';
      for (const part of wanted.split('/').filter(Boolean)) {
        const exact = join(current, part);
        if (tree.stat(exact)) {
          current = exact;
          continue;
        }
        const match = rawList(current).find((e) => comparable(e.name) === comparable(part));
        if (!match) {
          current = '';
          break;
        }
        current = match.path;
      }
      answer = current === '' ? null : current;
    }
    resolved.set(wanted, answer);
    return answer;
  }

  function ofKind(path: string, kind: EntryKind): string | null {
    const real = resolve(path);
    if (real === null) return null;
    return tree.stat(real)?.kind === kind ? real : null;
  }

  return {
    fileName,
    udf: tree.udf === true,
    volumeId: tree.volumeId ?? '',
    resolve,
    file: (path) => ofKind(path, 'file'),
    dir: (path) => (normalizePath(path) === '/' ? '/' : ofKind(path, 'dir')),
    list(dir) {
      const real = normalizePath(dir) === '/' ? '/' : ofKind(dir, 'dir');
      return real === null ? [] : rawList(real);
    },
    async readText(path, maxBytes = TEXT_LIMIT) {
      const real = ofKind(path, 'file');
      // A marker file the size of a kernel is not a marker file: skip it rather than read it
      // (a reader may also refuse reads above its limit).
      if (real === null || (tree.stat(real)?.size ?? 0) > maxBytes) return null;
      const bytes = await tree.readFile(real, maxBytes);
      return bytes
        .subarray(0, maxBytes)
        .toString('utf8')
        .replace(/^\uFEFF/, '')
        .replace(/\0+$/g, '');
    },
  };
}
