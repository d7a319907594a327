// The lease table: which address each client has, held in memory and decided by pure methods
// (time comes from an injected clock). Persistence is lease-store.ts's job; this file does no I/O.
//
// Allocation order for a client (as ISC dhcpd and dnsmasq do): its reservation; its current or
// previous lease (so a machine keeps its address across reboots and restarts); the address it
// asks for, when free; else the next free address from a rotating cursor.
import { assertNever } from '../../shared/assert-never.js';
import { inSubnet, intToIp, ipToInt, type Pool, type Subnet } from './ipv4.js';

export interface LeaseRecord {
  mac: string;
  ip: string;
  /** ms since epoch; 0 = released (kept so the client gets the same address again). */
  expiresAt: number;
  hostname?: string;
}

export interface Reservation {
  mac: string;
  ip: string;
  hostname?: string;
}

interface Entry {
  mac: string;
  ip: number;
  expiresAt: number;
  bound: boolean; // false: only offered (held for offerHoldMs)
  hostname?: string;
}

export interface LeaseTableOptions {
  pool: Pool;
  subnet: Subnet;
  serverIp: string;
  reservations?: Reservation[];
  /** Addresses never handed out (the server's other addresses, the router). */
  excluded?: string[];
  leaseTimeSec: number;
  offerHoldMs?: number;
  declineHoldMs?: number;
  clock?: () => number;
}

/** What `preferredFor` found for a client: one tagged result instead of string | null | undefined. */
export type PreferredAddress =
  | { kind: 'address'; ip: string; source: 'reservation' | 'lease' | 'requested' }
  | { kind: 'reservation-unusable'; ip: string }
  | { kind: 'none' };

export type AckDecision = { ok: true; lease: LeaseRecord } | { ok: false; reason: string };

export class LeaseTable {
  private readonly byMac = new Map<string, Entry>();
  private readonly byIp = new Map<number, Entry>();
  /** Addresses found in use by someone else (DECLINE or a conflict probe), until the given time. */
  private readonly blocked = new Map<number, number>();
  private readonly reservedByMac = new Map<string, Reservation>();
  private readonly reservedIps = new Map<number, string>();
  private readonly excluded = new Set<number>();
  private cursor: number;
  private peekCursor = -1;
  private readonly clock: () => number;
  private readonly offerHoldMs: number;
  private readonly declineHoldMs: number;

  constructor(private readonly options: LeaseTableOptions) {
    this.clock = options.clock ?? Date.now;
    this.offerHoldMs = options.offerHoldMs ?? 60_000;
    this.declineHoldMs = options.declineHoldMs ?? 10 * 60_000;
    this.cursor = options.pool.start;
    this.excluded.add(ipToInt(options.serverIp));
    for (const ip of options.excluded ?? []) this.excluded.add(ipToInt(ip));
    this.setReservations(options.reservations ?? []);
  }

  /**
   * Replaces the reservations (stored ones change while serving: an inventory import). A reserved
   * client gets its address at its next DISCOVER; an offer or lease it holds elsewhere simply ends
   * unrenewed (its REQUEST for the old address is NAKed, RFC 2131 §4.3.2), so it starts over.
   */
  setReservations(reservations: readonly Reservation[]): void {
    this.reservedByMac.clear();
    this.reservedIps.clear();
    for (const r of reservations) {
      this.reservedByMac.set(r.mac, r);
      this.reservedIps.set(ipToInt(r.ip), r.mac);
    }
  }

  /** The reservations in force. */
  reservations(): Reservation[] {
    return [...this.reservedByMac.values()];
  }

  /** The client that holds `ip` now (an unexpired offer or lease), or null. */
  holderOf(ip: string): string | null {
    const entry = this.byIp.get(ipToInt(ip));
    return entry && entry.expiresAt > this.clock() ? entry.mac : null;
  }

  /** The served subnet and the server's own address (what a reservation must fit). */
  get network(): { subnet: Subnet; serverIp: string } {
    return { subnet: this.options.subnet, serverIp: this.options.serverIp };
  }

  get leaseTimeSec(): number {
    return this.options.leaseTimeSec;
  }

  /** Loads persisted leases (from lease-store) at start-up. */
  load(records: Iterable<LeaseRecord>): void {
    for (const r of records) {
      const ip = ipToInt(r.ip);
      const taken = this.byIp.get(ip);
      if (taken && taken.mac !== r.mac) continue; // never two MACs on one address
      const old = this.byMac.get(r.mac);
      if (old) this.byIp.delete(old.ip);
      const entry: Entry = { mac: r.mac, ip, expiresAt: r.expiresAt, bound: true, ...(r.hostname ? { hostname: r.hostname } : {}) };
      this.byMac.set(r.mac, entry);
      this.byIp.set(ip, entry);
    }
  }

  /** The address to offer this client, or null when there is none for it. Does not hold it yet. */
  candidateFor(mac: string, requested: string | null): string | null {
    const preferred = this.preferredFor(mac, requested);
    switch (preferred.kind) {
      case 'address':
        return preferred.ip;
      case 'reservation-unusable':
        return null; // a reserved client gets its address or nothing, never a pool address
      case 'none':
        return this.nextFree(mac, this.clock());
      default:
        return assertNever(preferred, 'preferred address');
    }
  }

  /**
   * The address this client should get before any other: its reservation, its current lease, or
   * the free pool address it asks for; `none` when no such address applies (any free address will
   * do); `reservation-unusable` when it has a reservation that cannot be used now (held by another
   * client or found in use), so it must get no address at all.
   */
  preferredFor(mac: string, requested: string | null): PreferredAddress {
    const now = this.clock();
    const reservation = this.reservedByMac.get(mac);
    if (reservation) {
      return this.usableFor(ipToInt(reservation.ip), mac, now, true)
        ? { kind: 'address', ip: reservation.ip, source: 'reservation' }
        : { kind: 'reservation-unusable', ip: reservation.ip };
    }
    const current = this.byMac.get(mac);
    // A lease from another subnet (the data dir moved with the laptop to another NIC or network)
    // would be NAKed at REQUEST time ("not on this network") and offered again: a DORA loop.
    if (current && this.isHostAddress(current.ip) && this.usableFor(current.ip, mac, now)) {
      return { kind: 'address', ip: intToIp(current.ip), source: 'lease' };
    }
    if (requested) {
      const want = ipToInt(requested);
      if (this.inPool(want) && this.usableFor(want, mac, now)) return { kind: 'address', ip: requested, source: 'requested' };
    }
    return { kind: 'none' };
  }

  /** Whether this address is one the client already holds (no conflict probe needed then). */
  holds(mac: string, ip: string): boolean {
    const entry = this.byMac.get(mac);
    return entry !== undefined && entry.ip === ipToInt(ip);
  }

  /** Holds `ip` for `mac` for the offer's lifetime. */
  hold(mac: string, ip: string): void {
    const now = this.clock();
    const n = ipToInt(ip);
    const entry = this.byMac.get(mac);
    if (entry && entry.ip === n) {
      if (!entry.bound || entry.expiresAt < now + this.offerHoldMs) {
        entry.expiresAt = Math.max(entry.expiresAt, now + this.offerHoldMs);
      }
      return;
    }
    this.assign(mac, n, now + this.offerHoldMs, false);
  }

  /** A REQUEST for `ip`: bind it when it is this client's to have. */
  ack(mac: string, ip: string, hostname?: string | null): AckDecision {
    const now = this.clock();
    let n: number;
    try {
      n = ipToInt(ip);
    } catch {
      return { ok: false, reason: `requested address ${ip} is not an IPv4 address` };
    }
    const reservation = this.reservedByMac.get(mac);
    if (reservation && reservation.ip !== ip) return { ok: false, reason: `${mac} is reserved ${reservation.ip}` };
    if (!reservation && !this.inPool(n) && !this.holds(mac, ip)) {
      return { ok: false, reason: `${ip} is outside the pool` };
    }
    if (!this.usableFor(n, mac, now, Boolean(reservation))) return { ok: false, reason: `${ip} belongs to another client or is blocked` };
    const entry = this.assign(mac, n, now + this.options.leaseTimeSec * 1000, true);
    if (hostname) entry.hostname = hostname;
    return { ok: true, lease: toRecord(entry) };
  }

  /** RELEASE: the client gives the address back; we remember the pairing so it gets it again. */
  release(mac: string, ip: string): LeaseRecord | null {
    const entry = this.byMac.get(mac);
    if (!entry || intToIp(entry.ip) !== ip) return null;
    entry.expiresAt = 0;
    return toRecord(entry);
  }

  /** DECLINE or a conflict probe: someone else uses `ip`; do not hand it out for a while. */
  block(ip: string): void {
    const n = ipToInt(ip);
    this.blocked.set(n, this.clock() + this.declineHoldMs);
    const entry = this.byIp.get(n);
    if (entry) {
      this.byIp.delete(n);
      if (this.byMac.get(entry.mac) === entry) this.byMac.delete(entry.mac);
    }
  }

  /** The client bound to `ip`, for naming the host behind a TFTP or HTTP request. */
  macForIp(ip: string): string | null {
    let n: number;
    try {
      n = ipToInt(ip);
    } catch {
      return null;
    }
    const entry = this.byIp.get(n);
    return entry && entry.bound ? entry.mac : null;
  }

  leaseOf(mac: string): LeaseRecord | null {
    const entry = this.byMac.get(mac);
    return entry && entry.bound ? toRecord(entry) : null;
  }

  /** All bound leases (expired ones included: they keep a MAC's address sticky), for persistence. */
  records(): LeaseRecord[] {
    return [...this.byMac.values()].filter((e) => e.bound).map(toRecord);
  }

  inPool(ip: number): boolean {
    return ip >= this.options.pool.start && ip <= this.options.pool.end;
  }

  inSubnet(ip: string): boolean {
    return inSubnet(ipToInt(ip), this.options.subnet);
  }

  /** In the subnet, and neither its network nor its broadcast address. */
  private isHostAddress(ip: number): boolean {
    const { subnet } = this.options;
    return inSubnet(ip, subnet) && ip !== subnet.network && ip !== subnet.broadcast;
  }

  /**
   * The next addresses nobody holds, from the cursor on, without taking them: what a conflict
   * prober checks ahead of demand.
   */
  peekFree(count: number, skip: ReadonlySet<string> = new Set()): string[] {
    const now = this.clock();
    const out: string[] = [];
    const { start, end } = this.options.pool;
    const size = end - start + 1;
    // Its own cursor, so that successive look-aheads move on through the pool instead of
    // rescanning (and re-probing) the same addresses while clients take them out of order.
    if (this.peekCursor < start || this.peekCursor > end) this.peekCursor = this.cursor;
    let ip = this.peekCursor;
    for (let i = 0; i < size && out.length < count; i += 1) {
      if (ip > end) ip = start;
      const text = intToIp(ip);
      if (!skip.has(text) && this.isFree(ip, now)) out.push(text);
      ip += 1;
    }
    this.peekCursor = ip > end ? start : ip;
    return out;
  }

  /** Whether nobody holds `ip` now (what peekFree returns): a probe result may be stale by then. */
  isAvailable(ip: string): boolean {
    return this.isFree(ipToInt(ip), this.clock());
  }

  private nextFree(mac: string, now: number): string | null {
    const { start, end } = this.options.pool;
    const size = end - start + 1;
    // First pass: never-used or long-expired addresses; a lease that merely expired stays with its
    // MAC until the pool has nothing else (the machine may come back).
    for (const strict of [true, false]) {
      let ip = this.cursor;
      for (let i = 0; i < size; i += 1) {
        if (ip > end) ip = start;
        if (strict ? this.isFree(ip, now) : this.usableFor(ip, mac, now)) {
          this.cursor = ip + 1 > end ? start : ip + 1;
          return intToIp(ip);
        }
        ip += 1;
      }
    }
    return null;
  }

  /** Nobody has ever held it, or its holder's offer lapsed. */
  private isFree(ip: number, now: number): boolean {
    if (this.excluded.has(ip) || this.reservedIps.has(ip)) return false;
    if ((this.blocked.get(ip) ?? 0) > now) return false;
    const entry = this.byIp.get(ip);
    return entry === undefined || (!entry.bound && entry.expiresAt <= now);
  }

  private usableFor(ip: number, mac: string, now: number, reserved = false): boolean {
    if (this.excluded.has(ip)) return false;
    if (!reserved && this.reservedIps.has(ip) && this.reservedIps.get(ip) !== mac) return false;
    if ((this.blocked.get(ip) ?? 0) > now) return false;
    const entry = this.byIp.get(ip);
    return entry === undefined || entry.mac === mac || entry.expiresAt <= now;
  }

  private assign(mac: string, ip: number, expiresAt: number, bound: boolean): Entry {
    const previous = this.byMac.get(mac);
    if (previous && previous.ip !== ip) this.byIp.delete(previous.ip);
    const other = this.byIp.get(ip);
    if (other && other.mac !== mac) this.byMac.delete(other.mac); // its lease had expired
    const entry: Entry = { mac, ip, expiresAt, bound: bound || (previous?.ip === ip && previous.bound) };
    if (previous?.hostname) entry.hostname = previous.hostname;
    this.byMac.set(mac, entry);
    this.byIp.set(ip, entry);
    return entry;
  }
}

function toRecord(e: Entry): LeaseRecord {
  return { mac: e.mac, ip: intToIp(e.ip), expiresAt: e.expiresAt, ...(e.hostname ? { hostname: e.hostname } : {}) };
}
