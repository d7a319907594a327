// IPv4 addresses as bytes (network order), for every codec that carries one: DHCP, DNS A records,
// ARP. Pure, no imports: the lowest layer, so that no protocol reaches into another for it.

/** Reads a dotted quad straight from four bytes. */
export function readIp(buf: Buffer, off: number): string {
  return `${buf[off]}.${buf[off + 1]}.${buf[off + 2]}.${buf[off + 3]}`;
}

/** Writes a dotted quad without splitting strings: this runs four times per encoded packet. */
export function writeIp(buf: Buffer, off: number, ip: string, what = 'address'): void {
  let part = 0;
  let octet = 0;
  let digits = 0;
  for (let i = 0; i <= ip.length; i++) {
    const c = i === ip.length ? 46 : ip.charCodeAt(i); // a virtual '.' closes the last octet
    if (c === 46) {
      if (digits === 0 || octet > 255 || part > 3) throw new Error(`${what} is not an IPv4 address: ${JSON.stringify(ip)}`);
      buf[off + part] = octet;
      part += 1;
      octet = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57 && digits < 3) {
      octet = octet * 10 + (c - 48);
      digits += 1;
    } else {
      throw new Error(`${what} is not an IPv4 address: ${JSON.stringify(ip)}`);
    }
  }
  if (part !== 4) throw new Error(`${what} is not an IPv4 address: ${JSON.stringify(ip)}`);
}

/** Four bytes for a dotted quad; throws on anything else (a programmer error). */
export function ipToBuffer(ip: string): Buffer {
  const b = Buffer.allocUnsafe(4);
  writeIp(b, 0, ip);
  return b;
}

/** The dotted quad in the four bytes at `offset`; throws when there are fewer. */
export function bufferToIp(b: Buffer, offset = 0): string {
  if (b.length < offset + 4) throw new Error(`need 4 bytes at offset ${offset} for an IPv4 address, have ${b.length}`);
  return readIp(b, offset);
}
