// Path lookup in the index, following symbolic links like a POSIX path walk: a link met before the
// last component is always followed, the last one only for stat (not lstat); absolute targets
// start again at the image root (the image is its own root: nothing leads out of it), ".." after
// a link is the parent of where the link led. A bounded number of links per lookup (40, Linux's
// MAXSYMLINKS) stops loops such as a -> b -> a. Pure: over the in-memory index.
import type { IsoNode } from './types.js';

export const MAX_LINKS = 40;

export type Lookup = { ok: true; node: IsoNode } | { ok: false; reason: 'not-found' | 'not-a-directory' | 'loop' };

export function lookup(root: IsoNode, path: string, options: { followLast: boolean; caseInsensitive: boolean }): Lookup {
  const parts = split(path);
  let node = root;
  let links = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (part === '.') continue;
    if (part === '..') {
      node = node.parent;
      continue;
    }
    if (node.children === null) return { ok: false, reason: 'not-a-directory' };
    const child = find(node, part, options.caseInsensitive);
    if (child === undefined) return { ok: false, reason: 'not-found' };
    const last = i === parts.length - 1;
    if (child.entry.kind === 'symlink' && (!last || options.followLast)) {
      if (++links > MAX_LINKS) return { ok: false, reason: 'loop' };
      const target = child.entry.target ?? '';
      // Replace the link by its target's components; the walk goes on from its directory (or the root).
      parts.splice(0, i + 1, ...split(target));
      i = -1;
      if (target.startsWith('/')) node = root;
      continue;
    }
    node = child;
  }
  return { ok: true, node };
}

function split(path: string): string[] {
  return path.split('/').filter((p) => p !== '');
}

// Plain ISO 9660 names are upper case ("VMLINUZ"); paths inside configs and URLs are usually
// written lower case, as Linux's default mount (map=normal) shows them. Exact match first.
const folded = new WeakMap<IsoNode, Map<string, IsoNode>>();

function find(dir: IsoNode, name: string, caseInsensitive: boolean): IsoNode | undefined {
  const exact = dir.children!.get(name);
  if (exact !== undefined || !caseInsensitive) return exact;
  let map = folded.get(dir);
  if (map === undefined) {
    map = new Map();
    for (const [k, v] of dir.children!) if (!map.has(k.toLowerCase())) map.set(k.toLowerCase(), v);
    folded.set(dir, map);
  }
  return map.get(name.toLowerCase());
}
