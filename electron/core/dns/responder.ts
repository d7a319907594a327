// The lab's DNS: a small authoritative-only responder on the NIC's address. A lab without internet
// still needs one: the Debian installer stops at a "name servers" question when DHCP gives none,
// and with one it then asks for its own name, the mirror's and more, and must get QUICK answers:
// a server that drops unknown names costs each lookup its full timeout (5 s × retries).
//
// It knows the laptop's and the hosts' names (through `lookup`, handed in at composition), with or
// without the lab domain, and their reverse (PTR) names; everything else is NXDOMAIN at once.
// Nothing is forwarded anywhere. UDP only: our answers are a few dozen bytes, never truncated,
// so no client has a reason to retry over TCP (RFC 7766 wants TCP from full resolvers, not from a
// lab responder that never sets TC).
import type { Socket as UdpSocket } from 'node:dgram';
import { DropReporter, type EventBus } from '../events.js';
import type { ServiceStatus } from '../../shared/contract.js';
import { openBoundUdpSocket } from '../net/bound-socket.js';
import {
  BADVERS,
  CLASS_IN,
  decodeQuery,
  encodeResponse,
  OPCODE_QUERY,
  RCODE,
  reverseNameToIp,
  TYPE,
  type Answer,
  type Query,
  type Response,
} from './codec.js';

export interface DnsResponderOptions {
  iface: string;
  address: string;
  /** Default 53. */
  port?: number;
  /** The lab's domain (default 'lab'): `host1` and `host1.lab` are the same name. */
  domain?: string;
  /** The IPv4 address of a short name (the laptop's or a host's), else null. Called per query. */
  lookup: (name: string) => string | null;
  /** The short name (or FQDN) for an address, else null. */
  reverse: (ip: string) => string | null;
  bus: EventBus;
  /** TTL of answers, seconds (default 60: hosts come and go). */
  ttl?: number;
  openSocket?: (port: number) => Promise<UdpSocket>;
}

export interface DnsResponder {
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): ServiceStatus;
}

type Counter = 'queries' | 'answered' | 'nxdomain' | 'refused' | 'formerr' | 'dropped';

/** What to answer to one query: the pure decision, tested without sockets. */
export function planDnsAnswer(
  query: Query,
  ctx: { domain: string; ttl: number; lookup: (name: string) => string | null; reverse: (ip: string) => string | null },
): Response {
  const question = query.questions[0] ?? null;
  const base: Response = {
    id: query.id,
    opcode: query.opcode,
    recursionDesired: query.recursionDesired,
    // We are the whole namespace of an offline lab: "recursion available" keeps stub resolvers
    // (and nslookup's warnings) quiet, and an NXDOMAIN from us is the final word anyway.
    recursionAvailable: query.recursionDesired,
    authoritative: false,
    rcode: RCODE.NOERROR,
    question,
    answers: [],
    edns: query.edns ? { udpSize: 1232 } : null,
  };
  if (query.edns && query.edns.version !== 0) return { ...base, rcode: BADVERS };
  if (query.opcode !== OPCODE_QUERY) return { ...base, rcode: RCODE.NOTIMP };
  if (!question || query.questions.length !== 1) return { ...base, rcode: RCODE.FORMERR };
  if (question.class !== CLASS_IN) return { ...base, rcode: RCODE.REFUSED };
  const domain = ctx.domain.toLowerCase().replace(/\.$/, '');
  const name = question.name;
  const ok = (answers: Answer[]): Response => ({ ...base, authoritative: true, answers });
  const nx: Response = { ...base, authoritative: true, rcode: RCODE.NXDOMAIN };

  const ip = reverseNameToIp(name);
  if (ip !== null) {
    const target = ctx.reverse(ip);
    if (!target) return nx;
    if (question.type !== TYPE.PTR && question.type !== TYPE.ANY) return ok([]);
    return ok([{ type: 'PTR', name, ttl: ctx.ttl, target: target.includes('.') ? target : `${target}.${domain}` }]);
  }
  if (name === domain) return ok([]); // the domain itself exists, with no address
  const short = name.endsWith(`.${domain}`) ? name.slice(0, -domain.length - 1) : name;
  if (short === '' || short.includes('.')) return nx; // not a lab name: nothing is forwarded
  const address = ctx.lookup(short);
  if (!address) return nx;
  // A known name: A (or ANY) gets the address; AAAA and other types get NOERROR with no data,
  // never NXDOMAIN, which would tell the resolver the name does not exist at all (RFC 2308 §2.2).
  if (question.type !== TYPE.A && question.type !== TYPE.ANY) return ok([]);
  return ok([{ type: 'A', name, ttl: ctx.ttl, address }]);
}

export function createDnsResponder(opts: DnsResponderOptions): DnsResponder {
  return new Responder(opts);
}

class Responder implements DnsResponder {
  private socket: UdpSocket | null = null;
  private failure: string | null = null;
  private readonly counters: Record<Counter, number> = { queries: 0, answered: 0, nxdomain: 0, refused: 0, formerr: 0, dropped: 0 };
  private readonly dropped: DropReporter;
  /** What planDnsAnswer needs, made once: not two closures and an object per query. */
  private readonly plan: Parameters<typeof planDnsAnswer>[1];

  constructor(private readonly opts: DnsResponderOptions) {
    this.dropped = new DropReporter(opts.bus, 'dns', 'debug', 'dns.dropped');
    this.plan = { domain: opts.domain ?? 'lab', ttl: opts.ttl ?? 60, lookup: this.safe(opts.lookup), reverse: this.safe(opts.reverse) };
  }

  async start(): Promise<void> {
    try {
      const open =
        this.opts.openSocket ?? ((port: number) => openBoundUdpSocket({ iface: this.opts.iface, port, address: this.opts.address }));
      const socket = await open(this.opts.port ?? 53);
      socket.on('message', (buf, rinfo) => this.onQuery(buf, rinfo.address, rinfo.port));
      socket.on('error', (e) => this.opts.bus.log('dns', 'error', 'dns.socket', `DNS socket error: ${e.message}`));
      this.socket = socket;
      this.failure = null;
    } catch (e) {
      this.failure = (e as Error).message;
      throw e;
    }
  }

  stop(): Promise<void> {
    this.socket?.close();
    this.socket = null;
    return Promise.resolve();
  }

  status(): ServiceStatus {
    return {
      name: 'dns',
      state: this.socket ? 'up' : this.failure ? 'failed' : 'stopped',
      address: `${this.opts.address}:${this.socket?.address().port ?? this.opts.port ?? 53}`,
      error: this.failure,
      counters: { ...this.counters },
    };
  }

  private onQuery(buf: Buffer, from: string, port: number): void {
    const decoded = decodeQuery(buf);
    let response: Response;
    if (!decoded.ok) {
      this.dropped.drop(from, decoded.error);
      // RFC 1035 §4.1.1: FORMERR for a query we cannot read, if it was a query at all; garbage
      // that is not even a header, and anything flagged as a response, gets nothing.
      if (!decoded.header || decoded.header.isResponse) return void (this.counters.dropped += 1);
      this.counters.formerr += 1;
      const { id, flags } = decoded.header;
      response = {
        id,
        opcode: (flags >> 11) & 0x0f,
        recursionDesired: (flags & 0x0100) !== 0,
        recursionAvailable: false,
        authoritative: false,
        rcode: RCODE.FORMERR,
        question: null,
        answers: [],
        edns: null,
      };
    } else if (decoded.query.isResponse) {
      this.counters.dropped += 1;
      return this.dropped.drop(from, 'a response sent to the server port');
    } else {
      this.counters.queries += 1;
      response = planDnsAnswer(decoded.query, this.plan);
      if (response.rcode === RCODE.NXDOMAIN) this.counters.nxdomain += 1;
      else if (response.rcode === RCODE.NOERROR) this.counters.answered += 1;
      else if (response.rcode === RCODE.FORMERR) this.counters.formerr += 1;
      else this.counters.refused += 1;
    }
    let bytes: Buffer;
    try {
      bytes = encodeResponse(response);
    } catch (e) {
      // A name from lookup/reverse that DNS cannot carry (a label over 63 bytes): say so, answer SERVFAIL.
      this.opts.bus.log('dns', 'warn', 'dns.bad-name', `cannot answer ${response.question?.name ?? '?'}: ${(e as Error).message}`);
      bytes = encodeResponse({ ...response, rcode: RCODE.SERVFAIL, answers: [] });
    }
    this.socket?.send(bytes, port, from);
  }

  private safe<T>(fn: (arg: string) => T | null): (arg: string) => T | null {
    return (arg) => {
      try {
        return fn(arg);
      } catch (e) {
        this.opts.bus.log('dns', 'error', 'dns.lookup', `name lookup for ${arg} failed: ${(e as Error).message}`);
        return null;
      }
    };
  }
}
