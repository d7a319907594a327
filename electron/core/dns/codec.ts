// A pure DNS message codec (RFC 1035), just what a lab's authoritative-only responder needs:
// decode a query (names with compression pointers, bounded), encode an answer that echoes the
// question (§4.1.2) with A / PTR records, or an error rcode. EDNS(0) (RFC 6891): an OPT record in
// the query is read (payload size, version) and the answer carries one back.
// Decoding never throws: a malformed query is a `{ ok: false }` value (and, when at least the
// header could be read, the id and flags to answer FORMERR with).

import { ipToBuffer } from '../net/ipv4-bytes.js';

export const TYPE = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, MX: 15, TXT: 16, AAAA: 28, SRV: 33, OPT: 41, ANY: 255 } as const;
export const CLASS_IN = 1;
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
/** Extended rcode 16 (RFC 6891 §6.1.3): the query's EDNS version is not supported. */
export const BADVERS = 16;
export const OPCODE_QUERY = 0;

const HEADER = 12;
/** RFC 1035 §2.3.4: 255 octets a name, 63 a label. Pointers followed at most this often (loops). */
const MAX_NAME = 255;
const MAX_POINTERS = 16;

export interface Question {
  /** Lower-case, without the trailing dot; '' for the root. */
  name: string;
  type: number;
  class: number;
}

export interface Edns {
  udpSize: number;
  version: number;
  dnssecOk: boolean;
}

export interface Query {
  id: number;
  opcode: number;
  recursionDesired: boolean;
  /** Set on a response: a responder must not answer those (no reflection loops). */
  isResponse: boolean;
  questions: Question[];
  edns: Edns | null;
}

export type DecodeResult =
  { ok: true; query: Query } | { ok: false; error: string; header: { id: number; flags: number; isResponse: boolean } | null };

export function decodeQuery(buf: Buffer): DecodeResult {
  if (buf.length < HEADER) return { ok: false, error: `${buf.length} bytes: shorter than a DNS header`, header: null };
  const id = buf.readUInt16BE(0);
  const flags = buf.readUInt16BE(2);
  const header = { id, flags, isResponse: (flags & 0x8000) !== 0 };
  const fail = (error: string): DecodeResult => ({ ok: false, error, header });
  const qd = buf.readUInt16BE(4);
  const an = buf.readUInt16BE(6);
  const ns = buf.readUInt16BE(8);
  const ar = buf.readUInt16BE(10);
  if (qd > 4) return fail(`${qd} questions`);
  let at = HEADER;
  const questions: Question[] = [];
  for (let i = 0; i < qd; i++) {
    const name = readName(buf, at);
    if (!name.ok) return fail(name.error);
    at = name.next;
    if (at + 4 > buf.length) return fail('question cut short');
    questions.push({ name: name.name, type: buf.readUInt16BE(at), class: buf.readUInt16BE(at + 2) });
    at += 4;
  }
  // Answer and authority records have no place in a query; skip them (bounded) to find the OPT.
  let edns: Edns | null = null;
  for (let i = 0; i < Math.min(an + ns + ar, 32); i++) {
    const name = readName(buf, at);
    if (!name.ok) return fail(name.error);
    at = name.next;
    if (at + 10 > buf.length) return fail('record cut short');
    const type = buf.readUInt16BE(at);
    const rdlength = buf.readUInt16BE(at + 8);
    if (type === TYPE.OPT && i >= an + ns && name.name === '') {
      const ttl = buf.readUInt32BE(at + 4);
      edns = { udpSize: Math.max(512, buf.readUInt16BE(at + 2)), version: (ttl >>> 16) & 0xff, dnssecOk: (ttl & 0x8000) !== 0 };
    }
    at += 10 + rdlength;
    if (at > buf.length) return fail('record data cut short');
  }
  return {
    ok: true,
    query: { id, opcode: (flags >> 11) & 0x0f, recursionDesired: (flags & 0x0100) !== 0, isResponse: header.isResponse, questions, edns },
  };
}

type NameResult = { ok: true; name: string; next: number } | { ok: false; error: string };

/** A possibly compressed name (§4.1.4) at `offset`; `next` is where the record continues. */
export function readName(buf: Buffer, offset: number): NameResult {
  const labels: string[] = [];
  let length = 0;
  let at = offset;
  let next = -1;
  for (let jumps = 0; ;) {
    if (at >= buf.length) return { ok: false, error: 'name runs past the end' };
    const len = buf[at]!;
    if (len === 0) {
      if (next < 0) next = at + 1;
      break;
    }
    if ((len & 0xc0) === 0xc0) {
      if (at + 1 >= buf.length) return { ok: false, error: 'pointer cut short' };
      if (++jumps > MAX_POINTERS) return { ok: false, error: 'compression pointer loop' };
      if (next < 0) next = at + 2;
      at = ((len & 0x3f) << 8) | buf[at + 1]!;
      continue;
    }
    if (len & 0xc0) return { ok: false, error: `label type 0x${(len & 0xc0).toString(16)} not supported` };
    if (at + 1 + len > buf.length) return { ok: false, error: 'label runs past the end' };
    length += len + 1;
    if (length > MAX_NAME) return { ok: false, error: 'name longer than 255 octets' };
    labels.push(buf.toString('latin1', at + 1, at + 1 + len).toLowerCase());
    at += 1 + len;
  }
  return { ok: true, name: labels.join('.'), next };
}

/** Uncompressed wire form of a name; throws on a name no DNS message can carry (caller input). */
export function encodeName(name: string): Buffer {
  const trimmed = name.replace(/\.$/, '');
  const labels = trimmed === '' ? [] : trimmed.split('.');
  const parts: Buffer[] = [];
  for (const label of labels) {
    const b = Buffer.from(label, 'latin1');
    if (b.length === 0 || b.length > 63) throw new Error(`bad DNS label in ${JSON.stringify(name)}`);
    parts.push(Buffer.from([b.length]), b);
  }
  parts.push(Buffer.from([0]));
  const out = Buffer.concat(parts);
  if (out.length > MAX_NAME) throw new Error(`DNS name too long: ${name}`);
  return out;
}

export type Answer = { type: 'A'; name: string; ttl: number; address: string } | { type: 'PTR'; name: string; ttl: number; target: string };

export interface Response {
  id: number;
  opcode: number;
  recursionDesired: boolean;
  /** We answer for the lab's names as their authority (AA). */
  authoritative: boolean;
  recursionAvailable: boolean;
  rcode: number;
  question: Question | null;
  answers: readonly Answer[];
  /** Echo an OPT record (when the query had one); `null` for none. */
  edns: { udpSize: number } | null;
}

export function encodeResponse(r: Response): Buffer {
  const parts: Buffer[] = [];
  const header = Buffer.alloc(HEADER);
  header.writeUInt16BE(r.id, 0);
  let flags = 0x8000 | ((r.opcode & 0x0f) << 11) | (r.rcode & 0x0f);
  if (r.authoritative) flags |= 0x0400;
  if (r.recursionDesired) flags |= 0x0100;
  if (r.recursionAvailable) flags |= 0x0080;
  header.writeUInt16BE(flags, 2);
  header.writeUInt16BE(r.question ? 1 : 0, 4);
  header.writeUInt16BE(r.answers.length, 6);
  header.writeUInt16BE(r.edns ? 1 : 0, 10);
  parts.push(header);
  if (r.question) {
    const tail = Buffer.alloc(4);
    tail.writeUInt16BE(r.question.type, 0);
    tail.writeUInt16BE(r.question.class, 2);
    parts.push(encodeName(r.question.name), tail);
  }
  for (const a of r.answers) {
    const rdata = a.type === 'A' ? ipToBuffer(a.address) : encodeName(a.target);
    const fixed = Buffer.alloc(10);
    fixed.writeUInt16BE(a.type === 'A' ? TYPE.A : TYPE.PTR, 0);
    fixed.writeUInt16BE(CLASS_IN, 2);
    fixed.writeUInt32BE(a.ttl, 4);
    fixed.writeUInt16BE(rdata.length, 8);
    parts.push(encodeName(a.name), fixed, rdata);
  }
  if (r.edns) {
    // RFC 6891 §6.1.2: root name, type OPT, class = payload size, TTL = extended rcode|version|flags.
    const opt = Buffer.alloc(11);
    opt.writeUInt16BE(TYPE.OPT, 1);
    opt.writeUInt16BE(r.edns.udpSize, 3);
    opt.writeUInt8(r.rcode >> 4, 5);
    parts.push(opt);
  }
  return Buffer.concat(parts);
}

/** `4.3.2.1.in-addr.arpa` → `1.2.3.4`; null for anything else. */
export function reverseNameToIp(name: string): string | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.in-addr\.arpa$/.exec(name);
  if (!m) return null;
  const octets = [m[4], m[3], m[2], m[1]].map(Number);
  return octets.every((o) => o <= 255) ? octets.join('.') : null;
}
