// File names, by the three naming schemes an image can carry. Rock Ridge names (NM) are decoded in
// rock-ridge.ts; here the ISO 9660 and Joliet identifiers, and the check every final name passes.
// Pure, no I/O.
import { ucs2 } from './descriptors.js';
import { DecodeError } from './errors.js';

/**
 * ECMA-119 §7.5: "NAME.EXT;VERSION". Drop the version, and the "." of a name without extension
 * ("README.;1" is the file README), as Linux's map=normal does; the case is kept (lookups on
 * plain-ISO images are case-insensitive instead, see lookup.ts).
 */
export function plainName(buf: Buffer, start: number, length: number): string {
  return cleanIdentifier(buf.toString('latin1', start, start + length));
}

/** Joliet §3: UCS-2 big-endian identifiers, versions as in ISO 9660 (";1"). */
export function jolietName(buf: Buffer, start: number, length: number): string {
  return cleanIdentifier(ucs2(buf.subarray(start, start + length)));
}

function cleanIdentifier(id: string): string {
  const semi = id.lastIndexOf(';');
  let name = semi >= 0 && /^\d*$/.test(id.slice(semi + 1)) ? id.slice(0, semi) : id;
  if (name.endsWith('.') && name.length > 1) name = name.slice(0, -1);
  return name;
}

/**
 * A name becomes a path segment: it must not smuggle a separator or walk upward. Rock Ridge
 * names are arbitrary bytes, so a crafted image could otherwise name a file "../x" or "a/b".
 */
export function checkName(name: string): void {
  const reason = nameProblem(name);
  if (reason !== null) throw new DecodeError(reason);
}

/** Why `name` cannot be a path segment, or null (no throw: called once per entry). */
export function nameProblem(name: string): string | null {
  if (name === '' || name === '.' || name === '..') return `has an entry named "${name}"`;
  if (name.includes('/') || name.includes('\0')) return `has an entry name containing "/" or NUL (${JSON.stringify(name)})`;
  return null;
}
