// Small readers for the ISO 9660 field encodings (ECMA-119 §7): both-byte-order numbers and the two
// date formats. Pure, no I/O.

/** ECMA-119 §7.3.3 "both-byte orders" 32-bit: we trust the little-endian half, as Linux does. */
export function both32(buf: Buffer, offset: number): number {
  return buf.readUInt32LE(offset);
}

/** ECMA-119 §7.2.3 both-byte 16-bit. */
export function both16(buf: Buffer, offset: number): number {
  return buf.readUInt16LE(offset);
}

/**
 * ECMA-119 §9.1.5 recording date (7 bytes): years since 1900, month, day, hour, minute, second,
 * offset from GMT in 15-minute units (signed). All zero means "not specified".
 */
export function decodeShortDate(buf: Buffer, offset: number): Date | null {
  const year = buf[offset]!;
  const month = buf[offset + 1]!;
  const day = buf[offset + 2]!;
  if (year === 0 && month === 0 && day === 0) return null;
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const tz = buf.readInt8(offset + 6);
  const utc = Date.UTC(1900 + year, month - 1, day, buf[offset + 3]!, buf[offset + 4]!, buf[offset + 5]!);
  return new Date(utc - tz * 15 * 60_000);
}

/**
 * ECMA-119 §8.4.26.1 long date (17 bytes): "YYYYMMDDHHMMSScc" in ASCII digits + GMT offset byte.
 * Year "0000" (or any non-digit) means "not specified".
 */
export function decodeLongDate(buf: Buffer, offset: number): Date | null {
  const text = buf.toString('latin1', offset, offset + 16);
  if (!/^\d{16}$/.test(text) || text.startsWith('0000')) return null;
  const n = (a: number, b: number) => Number(text.slice(a, b));
  const month = n(4, 6);
  const day = n(6, 8);
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const tz = buf.readInt8(offset + 16);
  const utc = Date.UTC(n(0, 4), month - 1, day, n(8, 10), n(10, 12), n(12, 14), n(14, 16) * 10);
  return new Date(utc - tz * 15 * 60_000);
}
