// Pure ICMPv6 Neighbor Discovery bytes for Bootbench's router advertisement (RFC 4861 §4.1, §4.2).
//
// Why an RA at all: Debian's iPXE waits about 13 s for IPv6 router discovery at every start when
// no router answers (twice on the BIOS chain). Any RA ends that wait. Ours is the most harmless
// one there is, like dnsmasq's `ra-only` but without even a prefix:
//   router lifetime 0  → "not a default router" (§4.2): no client adds a route through us;
//   no Prefix Information option → no client configures an address (SLAAC needs a prefix);
//   M = 0, O = 0       → no client starts DHCPv6;
//   cur hop limit, reachable time, retrans timer 0 → "unspecified": clients keep their own.
// It carries only the Source Link-Layer Address option (§4.2: SHOULD), so a client can answer the
// sender without a neighbour solicitation.
//
// The checksum field stays 0: for raw ICMPv6 sockets the kernel computes it over the IPv6
// pseudo-header (RFC 3542 §3.1), which only it knows (it picks the source address).

export const ICMPV6_ROUTER_SOLICITATION = 133;
export const ICMPV6_ROUTER_ADVERTISEMENT = 134;
const OPT_SOURCE_LL = 1;
const OPT_PREFIX = 3;
const OPT_MTU = 5;

export interface RouterAdvertisement {
  curHopLimit: number;
  managed: boolean;
  other: boolean;
  /** Seconds; 0 = not a default router. */
  routerLifetime: number;
  reachableTime: number;
  retransTimer: number;
  sourceMac: string | null;
  /** Prefixes announced (always none from Bootbench; decoded so tests can prove it). */
  prefixes: string[];
  mtu: number | null;
}

/** The harmless RA: only the sender's MAC varies. */
export function harmlessAdvertisement(sourceMac: string | null): RouterAdvertisement {
  return {
    curHopLimit: 0,
    managed: false,
    other: false,
    routerLifetime: 0,
    reachableTime: 0,
    retransTimer: 0,
    sourceMac,
    prefixes: [],
    mtu: null,
  };
}

export function encodeRouterAdvertisement(ra: RouterAdvertisement): Buffer {
  if (ra.prefixes.length || ra.mtu !== null) throw new Error('this encoder writes no prefix or MTU options');
  const mac = ra.sourceMac === null || ra.sourceMac === '00:00:00:00:00:00' ? null : macBytes(ra.sourceMac);
  const b = Buffer.alloc(16 + (mac ? 8 : 0));
  b.writeUInt8(ICMPV6_ROUTER_ADVERTISEMENT, 0);
  b.writeUInt8(0, 1); // code
  // bytes 2-3: checksum, filled in by the kernel
  b.writeUInt8(ra.curHopLimit, 4);
  b.writeUInt8((ra.managed ? 0x80 : 0) | (ra.other ? 0x40 : 0), 5);
  b.writeUInt16BE(ra.routerLifetime, 6);
  b.writeUInt32BE(ra.reachableTime, 8);
  b.writeUInt32BE(ra.retransTimer, 12);
  if (mac) {
    b.writeUInt8(OPT_SOURCE_LL, 16);
    b.writeUInt8(1, 17); // length in units of 8 octets
    mac.copy(b, 18);
  }
  return b;
}

/** An RA from ICMPv6 bytes (no IPv6 header), else null. Never throws (bytes from the wire). */
export function decodeRouterAdvertisement(b: Buffer): RouterAdvertisement | null {
  if (b.length < 16 || b[0] !== ICMPV6_ROUTER_ADVERTISEMENT || b[1] !== 0) return null;
  const ra: RouterAdvertisement = {
    curHopLimit: b[4]!,
    managed: (b[5]! & 0x80) !== 0,
    other: (b[5]! & 0x40) !== 0,
    routerLifetime: b.readUInt16BE(6),
    reachableTime: b.readUInt32BE(8),
    retransTimer: b.readUInt32BE(12),
    sourceMac: null,
    prefixes: [],
    mtu: null,
  };
  const options = walkOptions(b, 16);
  if (!options) return null;
  for (const { type, data } of options) {
    if (type === OPT_SOURCE_LL && data.length >= 6) ra.sourceMac = formatMac(data.subarray(0, 6));
    if (type === OPT_PREFIX && data.length >= 30) ra.prefixes.push(`${formatIpv6(data.subarray(14, 30))}/${data[0]}`);
    if (type === OPT_MTU && data.length >= 6) ra.mtu = data.readUInt32BE(2);
  }
  return ra;
}

export interface RouterSolicitation {
  sourceMac: string | null;
}

export function decodeRouterSolicitation(b: Buffer): RouterSolicitation | null {
  if (b.length < 8 || b[0] !== ICMPV6_ROUTER_SOLICITATION || b[1] !== 0) return null;
  const options = walkOptions(b, 8);
  if (!options) return null; // §6.1.1: an option of length 0 invalidates the message
  const sll = options.find((o) => o.type === OPT_SOURCE_LL && o.data.length >= 6);
  return { sourceMac: sll ? formatMac(sll.data.subarray(0, 6)) : null };
}

/** A Router Solicitation (for tests and tools): type 133, reserved, optional SLLA. */
export function encodeRouterSolicitation(sourceMac: string | null): Buffer {
  const b = Buffer.alloc(sourceMac ? 16 : 8);
  b.writeUInt8(ICMPV6_ROUTER_SOLICITATION, 0);
  if (sourceMac) {
    b.writeUInt8(OPT_SOURCE_LL, 8);
    b.writeUInt8(1, 9);
    macBytes(sourceMac).copy(b, 10);
  }
  return b;
}

/** Options after `from` as {type, data without type/length}; null when an option is malformed. */
function walkOptions(b: Buffer, from: number): { type: number; data: Buffer }[] | null {
  const out: { type: number; data: Buffer }[] = [];
  for (let at = from; at < b.length;) {
    if (at + 2 > b.length) return null;
    const len = b[at + 1]! * 8;
    if (len === 0 || at + len > b.length) return null;
    out.push({ type: b[at]!, data: b.subarray(at + 2, at + len) });
    at += len;
  }
  return out;
}

export function macBytes(mac: string): Buffer {
  const parts = mac.split(':');
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-f]{2}$/i.test(p))) throw new Error(`not a MAC address: ${mac}`);
  return Buffer.from(parts.map((p) => parseInt(p, 16)));
}

export const formatMac = (b: Buffer): string => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');

export function formatIpv6(b: Buffer): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i));
  // RFC 5952 §4.2: the longest run of two or more zero groups becomes "::".
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j > i ? j : i + 1;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** `fe80::1` → 16 bytes; throws on what is not an IPv6 address (caller input). */
export function ipv6Bytes(address: string): Buffer {
  const [head, tail, extra] = address.split('::');
  if (extra !== undefined) throw new Error(`not an IPv6 address: ${address}`);
  const parse = (s: string | undefined) => (s ? s.split(':') : []);
  const h = parse(head);
  const t = parse(tail);
  const missing = 8 - h.length - t.length;
  if ((tail === undefined && missing !== 0) || missing < 0) throw new Error(`not an IPv6 address: ${address}`);
  const groups = [...h, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...t];
  const b = Buffer.alloc(16);
  groups.forEach((g, i) => {
    if (!/^[0-9a-f]{1,4}$/i.test(g)) throw new Error(`not an IPv6 address: ${address}`);
    b.writeUInt16BE(parseInt(g, 16), i * 2);
  });
  return b;
}
