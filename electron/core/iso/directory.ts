// Directory records (ECMA-119 §9.1), decoded from one directory extent held in a Buffer. Records
// never cross a logical block: a length byte of 0 means "nothing more in this block", so the
// decoder jumps to the next block, which also makes a zero-length record impossible to loop on.
// Pure, no I/O.
import { both32, decodeShortDate } from './bytes.js';
import { DecodeError } from './errors.js';

/** §9.1.6 file flags. */
export const FLAG_HIDDEN = 0x01;
export const FLAG_DIRECTORY = 0x02;
export const FLAG_ASSOCIATED = 0x04;
export const FLAG_MULTI_EXTENT = 0x80; // "not the final record of this file"

export interface DirRecord {
  /** Offset of the record inside the buffer it was decoded from. */
  offset: number;
  xarLength: number;
  location: number;
  dataLength: number;
  flags: number;
  unitSize: number;
  gap: number;
  nameStart: number;
  nameLength: number;
  /** System use area [suStart, suEnd): Rock Ridge lives here. */
  suStart: number;
  suEnd: number;
}

/** Decodes the record at `offset` (which must hold at least its length byte). */
export function decodeRecord(buf: Buffer, offset: number, limit = buf.length): DirRecord {
  const length = buf[offset]!;
  if (length < 34) throw new DecodeError(`directory record at byte ${offset} is ${length} bytes long (at least 34 expected)`);
  if (offset + length > limit)
    throw new DecodeError(`directory record at byte ${offset} (${length} bytes) runs past the end of its block or extent`);
  const nameLength = buf[offset + 32]!;
  if (nameLength === 0 || 33 + nameLength > length) {
    throw new DecodeError(
      `directory record at byte ${offset} has a name of ${nameLength} bytes that does not fit its ${length}-byte record`,
    );
  }
  // §9.1.12: a padding byte follows an even-length name so the system use area starts even.
  const suStart = offset + 33 + nameLength + (nameLength % 2 === 0 ? 1 : 0);
  return {
    offset,
    xarLength: buf[offset + 1]!,
    location: both32(buf, offset + 2),
    dataLength: both32(buf, offset + 10),
    flags: buf[offset + 25]!,
    unitSize: buf[offset + 26]!,
    gap: buf[offset + 27]!,
    nameStart: offset + 33,
    nameLength,
    suStart: Math.min(suStart, offset + length),
    suEnd: offset + length,
  };
}

/** The record's recording date (§9.1.5), or null when unspecified. */
export function recordDate(buf: Buffer, rec: DirRecord): Date | null {
  return decodeShortDate(buf, rec.offset + 18);
}

/** "." and ".." are the names 0x00 and 0x01 (§6.8.2.2). */
export function isSelfOrParent(buf: Buffer, rec: DirRecord): boolean {
  return rec.nameLength === 1 && buf[rec.nameStart]! <= 1;
}

/**
 * Every record of a directory extent of `length` bytes held in `buf`, in order, "." and ".."
 * included. Throws DecodeError on a record that cannot be right.
 */
export function decodeDirectory(buf: Buffer, length: number, blockSize: number): DirRecord[] {
  const records: DirRecord[] = [];
  const end = Math.min(length, buf.length);
  let pos = 0;
  while (pos < end) {
    const blockEnd = Math.min(end, (Math.floor(pos / blockSize) + 1) * blockSize);
    if (buf[pos] === 0) {
      pos = blockEnd; // §6.8.1.1: the rest of the block is unused
      continue;
    }
    const rec = decodeRecord(buf, pos, blockEnd);
    records.push(rec);
    pos = rec.suEnd;
  }
  return records;
}
