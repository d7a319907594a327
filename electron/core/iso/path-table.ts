// The type-L path table (ECMA-119 §9.4): one record per directory of the tree, with the block its
// extent starts at, all in one small contiguous area. The tree walk uses it only as a read-ahead
// hint (every directory extent in one read instead of one read per tree level); what the
// directory records themselves say stays the truth, and is checked as before. Pure, no I/O.

/** Bytes of a record before its identifier: length, extended attribute length, location, parent. */
const RECORD_HEAD = 8;

/**
 * The extent locations (logical blocks) of the directories in the type-L path table held in
 * `buf`. A hint: decoding stops quietly at the first record that cannot be right.
 */
export function pathTableLocations(buf: Buffer): number[] {
  const out: number[] = [];
  let pos = 0;
  while (pos + RECORD_HEAD <= buf.length) {
    const idLength = buf[pos]!;
    if (idLength === 0) break; // padding after the last record, or garbage
    const next = pos + RECORD_HEAD + idLength + (idLength % 2); // §9.4.7: odd identifiers are padded
    if (next > buf.length) break;
    out.push(buf.readUInt32LE(pos + 2));
    pos = next;
  }
  return out;
}
