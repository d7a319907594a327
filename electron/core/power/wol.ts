// The Wake-on-LAN magic packet (AMD's "Magic Packet Technology" white paper, 1995): six 0xFF bytes,
// then the target MAC sixteen times, then optionally a SecureOn password of 4 or 6 bytes that NICs
// supporting it compare before waking. A pure codec: no I/O here (wol-driver.ts sends it).

const SYNC = 6;
const REPEATS = 16;

/** The MAC as 6 bytes; null when `mac` is not aa:bb:cc:dd:ee:ff (or with dashes). */
export function macBytes(mac: string): Buffer | null {
  const parts = mac.trim().split(/[:-]/);
  if (parts.length !== 6 || !parts.every((p) => /^[0-9a-fA-F]{2}$/.test(p))) return null;
  return Buffer.from(parts.map((p) => parseInt(p, 16)));
}

/**
 * A SecureOn password as bytes: hex pairs with `:` or `-` (4 or 6 of them), or a dotted quad (the
 * way ether-wake takes a 4-byte one); null when it is neither.
 */
export function secureOnBytes(text: string): Buffer | null {
  const t = text.trim();
  if (/^(\d{1,3}\.){3}\d{1,3}$/.test(t)) {
    const bytes = t.split('.').map(Number);
    return bytes.every((b) => b <= 255) ? Buffer.from(bytes) : null;
  }
  const parts = t.split(/[:-]/);
  if ((parts.length !== 4 && parts.length !== 6) || !parts.every((p) => /^[0-9a-fA-F]{2}$/.test(p))) return null;
  return Buffer.from(parts.map((p) => parseInt(p, 16)));
}

/** The magic packet for `mac` (102 bytes, or 106/108 with a SecureOn password). Throws on a malformed MAC or password (programmer error: inputs are validated at the API). */
export function encodeMagicPacket(mac: string, secureOn?: string | null): Buffer {
  const target = macBytes(mac);
  if (!target) throw new Error(`not a MAC address: ${mac}`);
  const password = secureOn ? secureOnBytes(secureOn) : null;
  if (secureOn && !password) throw new Error('a SecureOn password is 4 or 6 bytes');
  const packet = Buffer.alloc(SYNC + REPEATS * 6 + (password?.length ?? 0), 0xff);
  for (let i = 0; i < REPEATS; i += 1) target.copy(packet, SYNC + i * 6);
  password?.copy(packet, SYNC + REPEATS * 6);
  return packet;
}

/** The MAC and SecureOn password a magic packet carries; null when `packet` is not one (a frame seen on the wire). */
export function decodeMagicPacket(packet: Buffer): { mac: string; secureOn: Buffer | null } | null {
  const body = SYNC + REPEATS * 6;
  if (packet.length !== body && packet.length !== body + 4 && packet.length !== body + 6) return null;
  for (let i = 0; i < SYNC; i += 1) if (packet[i] !== 0xff) return null;
  const target = packet.subarray(SYNC, SYNC + 6);
  for (let i = 1; i < REPEATS; i += 1) if (!packet.subarray(SYNC + i * 6, SYNC + i * 6 + 6).equals(target)) return null;
  const mac = [...target].map((b) => b.toString(16).padStart(2, '0')).join(':');
  return { mac, secureOn: packet.length > body ? Buffer.from(packet.subarray(body)) : null };
}
