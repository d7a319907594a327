// TFTP wire codec: RFC 1350 (RRQ, WRQ, DATA, ACK, ERROR), RFC 2347 (options, OACK) and the option
// values of RFC 2348 / 2349 / 7440, which are plain NUL-terminated strings here (negotiation, which
// gives them meaning, lives in session.ts). Pure functions over Buffers, no I/O.
//
// decodeTftp never throws: a malformed packet is data ({ ok: false, error }) for the server to count
// and drop. DATA payloads are views of the packet (no copy), so callers that keep them must copy.
import { isUtf8 } from 'node:buffer';

export const Opcode = { RRQ: 1, WRQ: 2, DATA: 3, ACK: 4, ERROR: 5, OACK: 6 } as const;

/** RFC 1350 §5 error codes, plus RFC 2347's 8 (option negotiation refused / client abort after OACK). */
export const ErrorCode = {
  NotDefined: 0,
  FileNotFound: 1,
  AccessViolation: 2,
  DiskFull: 3,
  IllegalOperation: 4,
  UnknownTid: 5,
  FileExists: 6,
  NoSuchUser: 7,
  OptionRefused: 8,
} as const;

export interface TftpOption {
  /** As sent; RFC 2347 says names are case-insensitive, so compare lower-cased. */
  readonly name: string;
  readonly value: string;
}

export type TftpPacket =
  | { readonly op: 'rrq' | 'wrq'; readonly filename: string; readonly mode: string; readonly options: readonly TftpOption[] }
  | { readonly op: 'data'; readonly block: number; readonly data: Buffer }
  | { readonly op: 'ack'; readonly block: number }
  | { readonly op: 'error'; readonly code: number; readonly message: string }
  | { readonly op: 'oack'; readonly options: readonly TftpOption[] };

export type TftpDecodeResult = { ok: true; packet: TftpPacket } | { ok: false; error: string };

/** Header of a DATA packet: opcode (2) + block number (2). */
export const DATA_HEADER = 4;

export function decodeTftp(buf: Buffer): TftpDecodeResult {
  if (buf.length < 4) return fail(`short packet (${buf.length} bytes)`);
  const op = buf.readUInt16BE(0);
  switch (op) {
    case Opcode.RRQ:
    case Opcode.WRQ:
      return decodeRequest(buf, op === Opcode.RRQ ? 'rrq' : 'wrq');
    case Opcode.DATA:
      return { ok: true, packet: { op: 'data', block: buf.readUInt16BE(2), data: buf.subarray(4) } };
    case Opcode.ACK:
      // Trailing bytes after the block number are tolerated: some ROMs pad short packets.
      return { ok: true, packet: { op: 'ack', block: buf.readUInt16BE(2) } };
    case Opcode.ERROR: {
      // Lenient about the missing terminator: several embedded clients omit it.
      const end = buf.indexOf(0, 4);
      const message = buf.toString('latin1', 4, end < 0 ? buf.length : end);
      return { ok: true, packet: { op: 'error', code: buf.readUInt16BE(2), message } };
    }
    case Opcode.OACK: {
      const strings = splitStrings(buf, 2);
      if (!strings.ok) return strings;
      return { ok: true, packet: { op: 'oack', options: pairs(strings.list) } };
    }
    default:
      return fail(`unknown opcode ${op}`);
  }
}

function decodeRequest(buf: Buffer, op: 'rrq' | 'wrq'): TftpDecodeResult {
  const strings = splitStrings(buf, 2);
  if (!strings.ok) return strings;
  const [filename, mode, ...rest] = strings.list;
  if (filename === undefined || mode === undefined) return fail('request without file name and mode');
  if (filename.length === 0) return fail('empty file name');
  if (mode.length === 0) return fail('empty transfer mode');
  // A dangling option name without a value is dropped, as tftpd-hpa does, rather than refusing the
  // whole request: the file is still worth serving with default options.
  return { ok: true, packet: { op, filename, mode: mode.toLowerCase(), options: pairs(rest) } };
}

/**
 * NUL-terminated strings from `start` to the end. Names are decoded as UTF-8 when they are valid
 * UTF-8 (RFC 1350 says netascii, real clients send bytes), else as Latin-1 so that no byte is lost.
 * An unterminated last string is an error (RFC 1350 §5: every string ends with a zero byte).
 */
function splitStrings(buf: Buffer, start: number): { ok: true; list: string[] } | { ok: false; error: string } {
  const list: string[] = [];
  let at = start;
  // Bounded: each turn consumes at least one byte.
  while (at < buf.length) {
    const end = buf.indexOf(0, at);
    if (end < 0) return fail('string without terminating NUL');
    const bytes = buf.subarray(at, end);
    list.push(isUtf8(bytes) ? bytes.toString('utf8') : bytes.toString('latin1'));
    at = end + 1;
  }
  return { ok: true, list };
}

function pairs(list: readonly string[]): TftpOption[] {
  const out: TftpOption[] = [];
  for (let i = 0; i + 1 < list.length; i += 2) out.push({ name: list[i]!, value: list[i + 1]! });
  return out;
}

export function encodeTftp(packet: TftpPacket): Buffer {
  switch (packet.op) {
    case 'rrq':
    case 'wrq':
      return encodeStrings(packet.op === 'rrq' ? Opcode.RRQ : Opcode.WRQ, [packet.filename, packet.mode, ...flatten(packet.options)]);
    case 'data': {
      const buf = Buffer.allocUnsafe(DATA_HEADER + packet.data.length);
      writeDataHeader(buf, packet.block);
      packet.data.copy(buf, DATA_HEADER);
      return buf;
    }
    case 'ack':
      return encodeAck(packet.block);
    case 'error':
      return encodeError(packet.code, packet.message);
    case 'oack':
      return encodeStrings(Opcode.OACK, flatten(packet.options));
  }
}

/** Writes a DATA header in place: the server preallocates packet buffers and reads file data at offset 4. */
export function writeDataHeader(buf: Buffer, block: number): void {
  buf.writeUInt16BE(Opcode.DATA, 0);
  buf.writeUInt16BE(block & 0xffff, 2);
}

export function encodeAck(block: number): Buffer {
  const buf = Buffer.allocUnsafe(4);
  buf.writeUInt16BE(Opcode.ACK, 0);
  buf.writeUInt16BE(block & 0xffff, 2);
  return buf;
}

export function encodeError(code: number, message: string): Buffer {
  const text = Buffer.from(message, 'latin1');
  const buf = Buffer.allocUnsafe(4 + text.length + 1);
  buf.writeUInt16BE(Opcode.ERROR, 0);
  buf.writeUInt16BE(code & 0xffff, 2);
  text.copy(buf, 4);
  buf[buf.length - 1] = 0;
  return buf;
}

function flatten(options: readonly TftpOption[]): string[] {
  return options.flatMap((o) => [o.name, o.value]);
}

function encodeStrings(op: number, strings: readonly string[]): Buffer {
  const parts = strings.map((s) => Buffer.from(s, 'utf8'));
  const buf = Buffer.alloc(2 + parts.reduce((n, p) => n + p.length + 1, 0));
  buf.writeUInt16BE(op, 0);
  let at = 2;
  for (const p of parts) {
    p.copy(buf, at);
    at += p.length + 1; // the zero byte is already there (Buffer.alloc)
  }
  return buf;
}

function fail(error: string): { ok: false; error: string } {
  return { ok: false, error };
}
