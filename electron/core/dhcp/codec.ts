// DHCP/BOOTP wire codec (RFC 2131 §2, RFC 2132, RFC 3396): pure functions over Buffers.
//
// decodeDhcp never throws: a malformed packet is data ({ ok: false, error }) for the server to count
// and drop. encodeDhcp throws only on programmer errors (a field that cannot be represented).
// Both sit on the hot path of the server (>10,000 leases/s), so they read and write bytes directly:
// no per-byte string building, one allocation per encoded packet.
import { readIp, writeIp } from '../net/ipv4-bytes.js';
import { Opt, type DecodeResult, type DhcpMessage } from './message.js';

const MAGIC_COOKIE = 0x63825363; // 99.130.83.99 (RFC 2131 §3)
const OFF_CHADDR = 28;
const OFF_SNAME = 44;
const OFF_FILE = 108;
const OFF_COOKIE = 236;
const OFF_OPTIONS = 240;
const SNAME_LEN = 64;
const FILE_LEN = 128;
const CHADDR_LEN = 16;
/** Header + cookie: the smallest packet that can carry a DHCP message. */
export const DHCP_MIN_LENGTH = OFF_OPTIONS;
/**
 * RFC 1542 §2.1 / RFC 951: a BOOTP message is at least 300 bytes. Several PXE ROMs and relays
 * drop shorter replies, so encode pads up to this by default (dnsmasq and ISC dhcpd do the same).
 */
export const BOOTP_MIN_LENGTH = 300;
/** RFC 3396: one option instance carries at most 255 bytes; longer values are split. */
const MAX_OPTION_CHUNK = 255;

// Overload values (RFC 2132 §9.3)
const OVERLOAD_FILE = 1;
const OVERLOAD_SNAME = 2;

/** The options parsed so far, plus what the options field said about overloading. */
interface OptionState {
  options: Map<number, Buffer>;
  overload: number;
}

export function decodeDhcp(packet: Buffer): DecodeResult {
  if (packet.length < DHCP_MIN_LENGTH) return fail(`short packet (${packet.length} bytes, need ${DHCP_MIN_LENGTH})`);
  const op = packet[0]!;
  if (op !== 1 && op !== 2) return fail(`bad op ${op}`);
  const hlen = packet[2]!;
  if (hlen > CHADDR_LEN) return fail(`bad hlen ${hlen}`);
  if (packet.readUInt32BE(OFF_COOKIE) !== MAGIC_COOKIE) return fail('bad magic cookie');
  // One copy of the whole packet, of which chaddr and option values are views: the caller may reuse
  // its receive buffer, and one copy costs less than one per option.
  const buf = Buffer.from(packet);

  const state: OptionState = { options: new Map(), overload: 0 };
  let error = parseOptions(buf, OFF_OPTIONS, buf.length, state, true);
  if (error) return fail(error);
  // RFC 2132 §9.3 and RFC 3396 §6: options continue in `file`, then in `sname`.
  if (state.overload & OVERLOAD_FILE) {
    error = parseOptions(buf, OFF_FILE, OFF_FILE + FILE_LEN, state, false);
    if (error) return fail(`${error} (in overloaded file field)`);
  }
  if (state.overload & OVERLOAD_SNAME) {
    error = parseOptions(buf, OFF_SNAME, OFF_SNAME + SNAME_LEN, state, false);
    if (error) return fail(`${error} (in overloaded sname field)`);
  }

  return {
    ok: true,
    message: {
      op,
      htype: buf[1]!,
      hlen,
      hops: buf[3]!,
      xid: buf.readUInt32BE(4),
      secs: buf.readUInt16BE(8),
      flags: buf.readUInt16BE(10),
      ciaddr: readIp(buf, 12),
      yiaddr: readIp(buf, 16),
      siaddr: readIp(buf, 20),
      giaddr: readIp(buf, 24),
      chaddr: buf.subarray(OFF_CHADDR, OFF_CHADDR + CHADDR_LEN),
      sname: state.overload & OVERLOAD_SNAME ? '' : readCString(buf, OFF_SNAME, SNAME_LEN),
      file: state.overload & OVERLOAD_FILE ? '' : readCString(buf, OFF_FILE, FILE_LEN),
      options: state.options,
    },
  };
}

function fail(error: string): DecodeResult {
  return { ok: false, error };
}

/**
 * Parses options in buf[start, end) into state. Pad is skipped, End stops. Returns an error or null.
 * Option 52 is honoured only in the options field itself (RFC 2132 §9.3) and is consumed here: once
 * the overloaded fields are merged, the decoded message no longer needs it.
 */
function parseOptions(buf: Buffer, start: number, end: number, state: OptionState, mainField: boolean): string | null {
  const { options } = state;
  let i = start;
  while (i < end) {
    const code = buf[i]!;
    if (code === Opt.Pad) {
      i += 1;
      continue;
    }
    if (code === Opt.End) return null;
    if (i + 1 >= end) return `option ${code} has no length byte`;
    const len = buf[i + 1]!;
    const from = i + 2;
    const to = from + len;
    if (to > end) return `option ${code} length ${len} runs past the end`;
    i = to;
    if (code === Opt.Overload) {
      if (!mainField) continue; // meaningless inside an overloaded field: ignore it
      if (len !== 1 || buf[from]! < 1 || buf[from]! > 3) return 'bad option overload (52)';
      state.overload = buf[from]!;
      continue;
    }
    const value = buf.subarray(from, to);
    const previous = options.get(code);
    // RFC 3396: repeated instances of one option are one value, concatenated in order
    options.set(code, previous ? Buffer.concat([previous, value]) : value);
  }
  // No End option: RFC 2131 requires one, but clients that stop at the end of the packet exist and the
  // options read so far are complete, so accept them.
  return null;
}

/** A NUL-terminated field, as latin1 so that every byte maps to one character and back. */
function readCString(buf: Buffer, off: number, len: number): string {
  const nul = buf.indexOf(0, off);
  const stop = nul === -1 || nul > off + len ? off + len : nul;
  return stop === off ? '' : buf.toString('latin1', off, stop);
}

export interface EncodeOptions {
  /** Pad the packet with zeros up to this size (default 300, the BOOTP minimum). */
  minSize?: number;
}

export function encodeDhcp(msg: DhcpMessage, opts: EncodeOptions = {}): Buffer {
  const minSize = opts.minSize ?? BOOTP_MIN_LENGTH;
  checkField(msg.sname, SNAME_LEN, 'sname');
  checkField(msg.file, FILE_LEN, 'file');
  if (msg.chaddr.length > CHADDR_LEN) throw new Error(`chaddr is ${msg.chaddr.length} bytes, at most ${CHADDR_LEN}`);
  if (msg.hlen > CHADDR_LEN) throw new Error(`hlen ${msg.hlen} is more than ${CHADDR_LEN}`);

  let optionsLength = 0;
  for (const [code, value] of msg.options) {
    if (!Number.isInteger(code) || code <= Opt.Pad || code >= Opt.End) throw new Error(`option code ${code} cannot be encoded`);
    if (code === Opt.Overload) throw new Error('option 52 (overload) is not supported by encodeDhcp: all options go in the options field');
    const chunks = value.length === 0 ? 1 : Math.ceil(value.length / MAX_OPTION_CHUNK);
    optionsLength += value.length + 2 * chunks;
  }
  const needed = OFF_OPTIONS + optionsLength + 1; // + End
  const buf = Buffer.allocUnsafe(Math.max(needed, minSize)).fill(0); // pooled; zeroed: sname, file, chaddr, padding

  buf[0] = msg.op;
  buf[1] = msg.htype;
  buf[2] = msg.hlen;
  buf[3] = msg.hops;
  buf.writeUInt32BE(msg.xid >>> 0, 4);
  buf.writeUInt16BE(msg.secs, 8);
  buf.writeUInt16BE(msg.flags, 10);
  writeIp(buf, 12, msg.ciaddr, 'ciaddr');
  writeIp(buf, 16, msg.yiaddr, 'yiaddr');
  writeIp(buf, 20, msg.siaddr, 'siaddr');
  writeIp(buf, 24, msg.giaddr, 'giaddr');
  msg.chaddr.copy(buf, OFF_CHADDR);
  if (msg.sname) buf.write(msg.sname, OFF_SNAME, SNAME_LEN, 'latin1');
  if (msg.file) buf.write(msg.file, OFF_FILE, FILE_LEN, 'latin1');
  buf.writeUInt32BE(MAGIC_COOKIE, OFF_COOKIE);

  let o = OFF_OPTIONS;
  for (const [code, value] of msg.options) {
    if (value.length === 0) {
      buf[o] = code; // zero-length options exist, e.g. rapid commit (80, RFC 4039)
      buf[o + 1] = 0;
      o += 2;
      continue;
    }
    // RFC 3396: a value longer than 255 bytes goes out as consecutive instances of the same code
    for (let from = 0; from < value.length; from += MAX_OPTION_CHUNK) {
      const len = Math.min(MAX_OPTION_CHUNK, value.length - from);
      buf[o] = code;
      buf[o + 1] = len;
      value.copy(buf, o + 2, from, from + len);
      o += 2 + len;
    }
  }
  buf[o] = Opt.End;
  return buf;
}

function checkField(value: string, max: number, name: string): void {
  // latin1: one byte per character, the same mapping decode uses
  if (value.length > max) throw new Error(`${name} is ${value.length} bytes, at most ${max}`);
  for (let i = 0; i < value.length; i++) {
    if (value.charCodeAt(i) > 0xff) throw new Error(`${name} has a character that is not latin1: ${JSON.stringify(value)}`);
  }
}
