// Typed views of DHCP options (RFC 2132, RFC 3004, RFC 4578, PXE 2.1) over a decoded message, and
// writers that build option values as Buffers. Readers never throw: a missing or malformed option
// reads as null (or an empty list), since clients send all sorts of things.
import { ipToBuffer, readIp, writeIp } from '../net/ipv4-bytes.js';
import { Opt, type DhcpMessage } from './message.js';

export type OptionSource = DhcpMessage | ReadonlyMap<number, Buffer>;

function optionsOf(src: OptionSource): ReadonlyMap<number, Buffer> {
  return src instanceof Map ? src : (src as DhcpMessage).options;
}

function get(src: OptionSource, code: number): Buffer | undefined {
  return optionsOf(src).get(code);
}

// ---- readers -------------------------------------------------------------------------------

export function messageType(src: OptionSource): number | null {
  const v = get(src, Opt.MessageType);
  return v && v.length === 1 ? v[0]! : null;
}

export function requestedIp(src: OptionSource): string | null {
  return ipOf(get(src, Opt.RequestedIp));
}

export function serverId(src: OptionSource): string | null {
  return ipOf(get(src, Opt.ServerId));
}

function ipOf(v: Buffer | undefined): string | null {
  return v && v.length === 4 ? readIp(v, 0) : null;
}

/** Option 55: the codes the client asks for, in its order of preference. */
export function parameterList(src: OptionSource): number[] {
  const v = get(src, Opt.ParameterList);
  return v ? Array.from(v) : [];
}

/** Option 61 as sent (commonly 0x01 + MAC; RFC 4361 clients send a DUID form). */
export function clientId(src: OptionSource): Buffer | null {
  return get(src, Opt.ClientId) ?? null;
}

export function vendorClass(src: OptionSource): string | null {
  return stringOf(get(src, Opt.VendorClass));
}

export function hostname(src: OptionSource): string | null {
  return stringOf(get(src, Opt.Hostname));
}

/**
 * Option strings as latin1 (one character per byte, lossless). A trailing NUL is dropped: some
 * clients (older Windows, some embedded stacks) count a C terminator in the option length.
 */
function stringOf(v: Buffer | undefined): string | null {
  if (!v) return null;
  let end = v.length;
  while (end > 0 && v[end - 1] === 0) end -= 1;
  return v.toString('latin1', 0, end);
}

/**
 * Option 77. RFC 3004 defines it as a list of [len][data] instances, but iPXE (and many other
 * clients) send one plain string, e.g. "iPXE" = 69 50 58 45. The value is read as RFC 3004 only if
 * the length bytes tile it exactly with non-empty instances; otherwise it is one plain string. A
 * printable plain string could only be taken for the list form if its first character, read as a
 * length (33..126), happened to tile the value exactly; no known client sends such a string.
 */
export function userClasses(src: OptionSource): string[] {
  const v = get(src, Opt.UserClass);
  if (!v || v.length === 0) return [];
  const list: string[] = [];
  let i = 0;
  while (i < v.length) {
    const len = v[i]!;
    if (len === 0 || i + 1 + len > v.length) {
      const plain = stringOf(v);
      return plain ? [plain] : [];
    }
    list.push(v.toString('latin1', i + 1, i + 1 + len));
    i += 1 + len;
  }
  return list;
}

/** Option 93 (RFC 4578 §2.1): a list of uint16 architecture types, most preferred first. */
export function clientArch(src: OptionSource): number[] {
  const v = get(src, Opt.ClientArch);
  if (!v) return [];
  const out: number[] = [];
  for (let i = 0; i + 1 < v.length; i += 2) out.push(v.readUInt16BE(i));
  return out;
}

export interface ClientNdi {
  /** 1 = UNDI (RFC 4578 §2.2). */
  type: number;
  major: number;
  minor: number;
}

/** Option 94 (RFC 4578 §2.2): network interface type and UNDI version, e.g. 01 03 00 = UNDI 3.0. */
export function clientNdi(src: OptionSource): ClientNdi | null {
  const v = get(src, Opt.ClientNdi);
  return v && v.length === 3 ? { type: v[0]!, major: v[1]!, minor: v[2]! } : null;
}

/**
 * Option 97 (RFC 4578 §2.3): type 0 followed by the 16-byte machine UUID, returned as a canonical
 * lower-case UUID string.
 *
 * Byte order: the first three fields are read little-endian. The wire bytes are the SMBIOS type-1
 * UUID as stored by SMBIOS 2.6+ (EFI_GUID layout: time_low, time_mid, time_hi little-endian, the rest
 * as is). OVMF/EDK2 copies those bytes unchanged, and iPXE deliberately converts its big-endian
 * UUID to this layout before sending (src/net/udp/dhcp.c, uuid_mangle, "RFC4578 suggests that it
 * follows the EFI spec"). Read this way, the string equals what `dmidecode -s system-uuid`, iPXE's
 * ${uuid}, the BIOS setup screen and `qemu -uuid` show, and it stays the same across the boot chain
 * (firmware PXE, then iPXE). Checked against QEMU with -uuid, see test/fixtures/dhcp/.
 */
export function clientUuid(src: OptionSource): string | null {
  const v = get(src, Opt.ClientUuid);
  if (!v || v.length !== 17 || v[0] !== 0) return null;
  const h = v.toString('hex', 1);
  if (h === '0'.repeat(32)) return null; // "no UUID": iPXE and some BIOSes send zeros
  const swapped =
    h.slice(6, 8) +
    h.slice(4, 6) +
    h.slice(2, 4) +
    h.slice(0, 2) +
    '-' +
    h.slice(10, 12) +
    h.slice(8, 10) +
    '-' +
    h.slice(14, 16) +
    h.slice(12, 14);
  return `${swapped}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Option 57: the largest DHCP message the client accepts (RFC 2132 §9.10, at least 576). */
export function maxMessageSize(src: OptionSource): number | null {
  const v = get(src, Opt.MaxMessageSize);
  return v && v.length === 2 ? v.readUInt16BE(0) : null;
}

/** Option 51, seconds (0xffffffff = infinite). */
export function leaseTime(src: OptionSource): number | null {
  const v = get(src, Opt.LeaseTime);
  return v && v.length === 4 ? v.readUInt32BE(0) : null;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** The client's hardware address: the first hlen bytes of chaddr, lower-case, colon-separated. */
export function macOf(msg: Pick<DhcpMessage, 'chaddr' | 'hlen'>): string {
  const n = Math.min(msg.hlen, msg.chaddr.length);
  let s = '';
  for (let i = 0; i < n; i++) s += (i ? ':' : '') + HEX[msg.chaddr[i]!]!;
  return s;
}

// ---- writers -------------------------------------------------------------------------------

export const ipOption = ipToBuffer;

export function ipListOption(ips: readonly string[]): Buffer {
  const b = Buffer.allocUnsafe(4 * ips.length);
  ips.forEach((ip, i) => writeIp(b, 4 * i, ip));
  return b;
}

export function u32Option(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(n, 0);
  return b;
}

export function u16Option(n: number): Buffer {
  const b = Buffer.allocUnsafe(2);
  b.writeUInt16BE(n, 0);
  return b;
}

export function u8Option(n: number): Buffer {
  const b = Buffer.allocUnsafe(1);
  b.writeUInt8(n, 0);
  return b;
}

/** A string option, latin1 like the readers (boot file names, URLs, host names are ASCII). */
export function stringOption(s: string): Buffer {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0xff) throw new Error(`option string has a character that is not latin1: ${JSON.stringify(s)}`);
  }
  return Buffer.from(s, 'latin1');
}

/** PXE 2.1 vendor sub-option 6, PXE_DISCOVERY_CONTROL (a bit field). */
export const PXE_DISCOVERY_CONTROL = 6;
/**
 * Bit 3 of PXE_DISCOVERY_CONTROL: "if the boot file name is present in the DHCP offer, download it
 * and skip boot-server discovery". With it a PXE ROM takes the file from a (proxy) offer directly
 * instead of running the PXE boot-server/menu protocol; dnsmasq and pixiecore send 6=8 in proxy offers.
 */
export const PXE_SKIP_DISCOVERY = 0x08;

/** Option 43 for PXE clients: encapsulated PXE sub-options, terminated by End (PXE 2.1 §2.4.6). */
export function pxeVendorOptions(opts: { discoveryControl?: number } = {}): Buffer {
  return Buffer.from([PXE_DISCOVERY_CONTROL, 1, opts.discoveryControl ?? PXE_SKIP_DISCOVERY, Opt.End]);
}
