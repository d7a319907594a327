// IPv4 addresses as unsigned 32-bit numbers, for pool arithmetic.

export function ipToInt(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4) throw new Error(`not an IPv4 address: ${ip}`);
  let n = 0;
  for (const part of parts) {
    const octet = Number(part);
    if (!/^\d{1,3}$/.test(part) || octet > 255) throw new Error(`not an IPv4 address: ${ip}`);
    n = n * 256 + octet;
  }
  return n;
}

export function intToIp(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

export function isIpv4(text: string): boolean {
  try {
    ipToInt(text);
    return true;
  } catch {
    return false;
  }
}

export function prefixToMask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export interface Subnet {
  network: number;
  broadcast: number;
  prefix: number;
  mask: number;
}

export function subnetOf(ip: string, prefix: number): Subnet {
  const mask = prefixToMask(prefix);
  const network = (ipToInt(ip) & mask) >>> 0;
  return { network, broadcast: (network | (~mask >>> 0)) >>> 0, prefix, mask };
}

export function inSubnet(ip: number, subnet: Subnet): boolean {
  return (ip & subnet.mask) >>> 0 === subnet.network;
}

export interface Pool {
  start: number;
  end: number; // inclusive
}

/**
 * The default pool on a NIC: the upper half of the subnet's host addresses (the lower half is
 * where people put static addresses: the laptop, switches, printers), at most 1,024 addresses,
 * never the network, broadcast or server address (the lease table skips the server's own address).
 */
export function defaultPool(serverIp: string, prefix: number): Pool {
  const s = subnetOf(serverIp, Math.min(prefix, 30));
  const firstHost = s.network + 1;
  const lastHost = s.broadcast - 1;
  const hosts = lastHost - firstHost + 1;
  const start = hosts <= 4 ? firstHost : firstHost + Math.floor(hosts / 2);
  return { start, end: Math.min(lastHost, start + 1023) };
}

/** Parses "A-B" (addresses) into a pool, or returns a reason it is not one. */
export function parsePool(text: string): Pool | string {
  const [a, b, ...rest] = text.split('-');
  if (!a || !b || rest.length > 0) return 'expected START-END, e.g. 10.0.0.100-10.0.0.199';
  if (!isIpv4(a) || !isIpv4(b)) return 'both ends must be IPv4 addresses';
  const start = ipToInt(a);
  const end = ipToInt(b);
  if (end < start) return 'the end comes before the start';
  return { start, end };
}
