// System Use Sharing Protocol (SUSP, IEEE P1281) entries and the Rock Ridge ones (RRIP, IEEE
// P1282) carried by them, decoded from a directory record's system use area or from a
// continuation area. Pure, no I/O: a CE entry is returned to the caller, who reads the area it
// points at and feeds it back into the same accumulator.
import { both32, decodeLongDate, decodeShortDate } from './bytes.js';
import { DecodeError } from './errors.js';

/** RRIP §4.1.1 and SUSP §5.5: the extension identifiers an ER entry names for Rock Ridge. */
const RRIP_IDS = new Set(['RRIP_1991A', 'IEEE_P1282', 'IEEE_1282']);

/** SUSP/RRIP entry signatures as big-endian two-byte numbers. */
const SIG_ST = 0x5354; // 'ST'
const SIG_CE = 0x4345; // 'CE'
const SIG_ER = 0x4552; // 'ER'
const SIG_RR = 0x5252; // 'RR'
const SIG_PX = 0x5058; // 'PX'
const SIG_NM = 0x4e4d; // 'NM'
const SIG_SL = 0x534c; // 'SL'
const SIG_TF = 0x5446; // 'TF'
const SIG_CL = 0x434c; // 'CL'
const SIG_RE = 0x5245; // 'RE'

export const S_IFMT = 0o170000;
export const S_IFDIR = 0o040000;
export const S_IFLNK = 0o120000;

export interface Continuation {
  block: number;
  offset: number;
  length: number;
}

/** What the entries of one record say, accumulated over its system use area and continuations. */
export interface RockRidgeState {
  /** Any Rock Ridge entry seen (RR, PX, NM, SL, TF, …). */
  rock: boolean;
  /** ER identifiers seen (only meaningful on the root "." record). */
  extensions: string[];
  /** NM content: a view of the first NM's bytes, concatenated with any continuation (UTF-8 split across entries survives). */
  name: Buffer | null;
  /** SL components so far; a component is continued while `componentOpen`. */
  link: string[] | null;
  componentOpen: boolean;
  mode: number | null;
  mtime: Date | null;
  /** RRIP §4.1.5.3 RE: this directory was moved here by deep-directory relocation; hide it. */
  relocated: boolean;
  /** RRIP §4.1.5.1 CL: this (file) record stands for a directory whose extent is at this block. */
  childLink: number | null;
}

export function newRockRidgeState(): RockRidgeState {
  return {
    rock: false,
    extensions: [],
    name: null,
    link: null,
    componentOpen: false,
    mode: null,
    mtime: null,
    relocated: false,
    childLink: null,
  };
}

/**
 * SUSP §5.3: the root directory's "." record starts its system use area with SP (check bytes
 * BE EF), whose LEN_SKP says how many bytes to skip at the start of every other system use area.
 * CD-ROM XA puts 14 bytes in front (Linux looks there too). Returns LEN_SKP + where SP was, or null.
 */
export function findSp(buf: Buffer, suStart: number, suEnd: number): { skip: number; at: number } | null {
  for (const at of [suStart, suStart + 14]) {
    if (at + 7 > suEnd) continue;
    if (buf[at] === 0x53 && buf[at + 1] === 0x50 && buf[at + 2]! >= 7 && buf[at + 4] === 0xbe && buf[at + 5] === 0xef) {
      return { skip: buf[at + 6]!, at };
    }
  }
  return null;
}

/**
 * Decodes the SUSP entries in buf[start, end) into `st`. Returns the CE entry if there is one
 * (SUSP §5.1: at most one per area; the continuation is read and decoded after this area).
 */
export function decodeSusp(buf: Buffer, start: number, end: number, st: RockRidgeState): Continuation | null {
  let ce: Continuation | null = null;
  let pos = start;
  while (pos + 4 <= end) {
    const s1 = buf[pos]!;
    const s2 = buf[pos + 1]!;
    if (s1 === 0 && s2 === 0) break; // padding after the last entry
    const len = buf[pos + 2]!;
    if (len < 4 || pos + len > end) {
      throw new DecodeError(`has a system use entry "${String.fromCharCode(s1, s2)}" of length ${len} that does not fit its area`);
    }
    const body = pos + 4;
    const bodyEnd = pos + len;
    // Signatures compared as two-byte numbers: no string made per entry (a big directory has
    // thousands of records with four or five entries each).
    switch ((s1 << 8) | s2) {
      case SIG_ST: // SUSP §5.4 terminator
        return ce;
      case SIG_CE:
        if (len < 28) throw new DecodeError(`has a CE entry of ${len} bytes (28 expected)`);
        ce = { block: both32(buf, pos + 4), offset: both32(buf, pos + 12), length: both32(buf, pos + 20) };
        break;
      case SIG_ER: {
        const idLength = buf[pos + 4]!;
        if (8 + idLength <= len) st.extensions.push(buf.toString('latin1', pos + 8, pos + 8 + idLength));
        break;
      }
      case SIG_RR: // RRIP 1.09 flags entry
        st.rock = true;
        break;
      case SIG_PX:
        st.rock = true;
        if (len >= 12) st.mode = both32(buf, body);
        break;
      case SIG_NM:
        st.rock = true;
        if (len >= 5) {
          const flags = buf[body]!;
          // RRIP §4.1.4: CURRENT/PARENT flag the "." and ".." names; they carry no text.
          if ((flags & 0x06) === 0) {
            const part = buf.subarray(body + 1, bodyEnd);
            st.name = st.name === null ? part : Buffer.concat([st.name, part]);
          }
        }
        break;
      case SIG_SL:
        st.rock = true;
        if (len >= 5) decodeSl(buf, body + 1, bodyEnd, st);
        break;
      case SIG_TF:
        st.rock = true;
        if (len >= 5) st.mtime = decodeTf(buf, body, bodyEnd) ?? st.mtime;
        break;
      case SIG_CL:
        st.rock = true;
        if (len >= 12) st.childLink = both32(buf, body);
        break;
      case SIG_RE:
        st.rock = true;
        st.relocated = true;
        break;
      default: // SP, PD, PN, PL, ZF, AL, AA (xorriso's AAIP), … carry nothing we need
        break;
    }
    pos = bodyEnd;
  }
  return ce;
}

/**
 * RRIP §4.1.3.1 SL component records: flags (CONTINUE 1, CURRENT 2, PARENT 4, ROOT 8), length,
 * content. A component flagged CONTINUE goes on in the next record, which may sit in the next SL
 * entry (SL's own CONTINUE flag), even in a continuation area: state lives in `st`.
 */
function decodeSl(buf: Buffer, start: number, end: number, st: RockRidgeState): void {
  const link = (st.link ??= []);
  let pos = start;
  while (pos + 2 <= end) {
    const flags = buf[pos]!;
    const len = buf[pos + 1]!;
    if (pos + 2 + len > end) throw new DecodeError(`has an SL component of ${len} bytes that runs past its entry`);
    let text: string;
    if (flags & 0x02) text = '.';
    else if (flags & 0x04) text = '..';
    else if (flags & 0x38)
      text = ''; // ROOT (and the obsolete VOLROOT/HOST): the target is absolute
    else text = buf.toString('latin1', pos + 2, pos + 2 + len);
    if (st.componentOpen && link.length > 0) link[link.length - 1] += text;
    else link.push(text);
    st.componentOpen = (flags & 0x01) !== 0;
    pos += 2 + len;
  }
}

/** RRIP §4.1.6 TF: flags, then the stamps present in order; MODIFY is bit 1, LONG_FORM bit 7. */
function decodeTf(buf: Buffer, body: number, end: number): Date | null {
  const flags = buf[body]!;
  if ((flags & 0x02) === 0) return null;
  const size = flags & 0x80 ? 17 : 7;
  const at = body + 1 + (flags & 0x01 ? size : 0);
  if (at + size > end) return null;
  return size === 17 ? decodeLongDate(buf, at) : decodeShortDate(buf, at);
}

export function hasRockRidgeExtension(st: RockRidgeState): boolean {
  return st.extensions.some((id) => RRIP_IDS.has(id));
}

/** The NM name as text (Rock Ridge names are bytes; in practice UTF-8), or null. */
export function rockName(st: RockRidgeState): string | null {
  return st.name === null ? null : st.name.toString('utf8');
}

/** The SL target as a path ("/usr/lib", "../x", "/"), or null when the record is no symlink. */
export function rockTarget(st: RockRidgeState): string | null {
  if (st.link === null) return null;
  const parts = st.link.map((p) => Buffer.from(p, 'latin1').toString('utf8'));
  if (parts.length === 1 && parts[0] === '') return '/';
  return parts.join('/');
}
