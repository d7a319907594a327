// The DNS codec and the responder's decisions: a query captured from busybox 1.35 nslookup, hand-
// built queries with compression pointers, loops and EDNS, and answers read back field by field.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BADVERS,
  decodeQuery,
  encodeName,
  encodeResponse,
  RCODE,
  readName,
  reverseNameToIp,
  TYPE,
  type Query,
} from '../../../electron/core/dns/codec.js';
import { planDnsAnswer } from '../../../electron/core/dns/responder.js';

/** busybox nslookup -type=a host1.lab (captured on Debian 12). */
const BUSYBOX_A = Buffer.from('6a6e0100000100000000000005686f737431036c61620000010001', 'hex');

function query(name: string, type: number, opts: { id?: number; flags?: number; edns?: { size: number; version: number } } = {}): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(opts.id ?? 0x1234, 0);
  header.writeUInt16BE(opts.flags ?? 0x0100, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(opts.edns ? 1 : 0, 10);
  const q = Buffer.alloc(4);
  q.writeUInt16BE(type, 0);
  q.writeUInt16BE(1, 2);
  const parts = [header, encodeName(name), q];
  if (opts.edns) {
    const opt = Buffer.alloc(11);
    opt.writeUInt16BE(TYPE.OPT, 1);
    opt.writeUInt16BE(opts.edns.size, 3);
    opt.writeUInt8(opts.edns.version, 6);
    parts.push(opt);
  }
  return Buffer.concat(parts);
}

function decoded(buf: Buffer): Query {
  const r = decodeQuery(buf);
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.query;
}

/** Reads a response back: header fields, the echoed question, answer records. */
function readResponse(b: Buffer) {
  const flags = b.readUInt16BE(2);
  const counts = [4, 6, 8, 10].map((o) => b.readUInt16BE(o));
  let at = 12;
  const questions = [];
  for (let i = 0; i < counts[0]!; i++) {
    const n = readName(b, at);
    assert.ok(n.ok);
    questions.push({ name: n.name, type: b.readUInt16BE(n.next) });
    at = n.next + 4;
  }
  const answers = [];
  for (let i = 0; i < counts[1]! + counts[3]!; i++) {
    const n = readName(b, at);
    assert.ok(n.ok);
    const type = b.readUInt16BE(n.next);
    const ttl = b.readUInt32BE(n.next + 4);
    const len = b.readUInt16BE(n.next + 8);
    const rdata = b.subarray(n.next + 10, n.next + 10 + len);
    const data =
      type === TYPE.A
        ? [...rdata].join('.')
        : type === TYPE.PTR
          ? (readName(b, n.next + 10) as { name: string }).name
          : `class=${b.readUInt16BE(n.next + 2)} ext=${b[n.next + 4]}`;
    answers.push({ name: n.name, type, ttl, data });
    at = n.next + 10 + len;
  }
  return {
    id: b.readUInt16BE(0),
    qr: !!(flags & 0x8000),
    aa: !!(flags & 0x0400),
    rd: !!(flags & 0x0100),
    ra: !!(flags & 0x0080),
    rcode: flags & 0xf,
    counts,
    questions,
    answers,
  };
}

const names: Record<string, string> = { bootbench: '10.231.5.1', host1: '10.231.5.10' };
const ctx = {
  domain: 'lab',
  ttl: 60,
  lookup: (n: string) => names[n] ?? null,
  reverse: (ip: string) => Object.keys(names).find((k) => names[k] === ip) ?? null,
};
const answer = (buf: Buffer) => readResponse(encodeResponse(planDnsAnswer(decoded(buf), ctx)));

describe('DNS codec', () => {
  test('decodes the query busybox nslookup sends', () => {
    const q = decoded(BUSYBOX_A);
    assert.deepEqual(q, {
      id: 0x6a6e,
      opcode: 0,
      recursionDesired: true,
      isResponse: false,
      questions: [{ name: 'host1.lab', type: TYPE.A, class: 1 }],
      edns: null,
    });
  });

  test('names are case-insensitive; compression pointers are followed; loops and overlong names are refused', () => {
    assert.equal(decoded(query('HoSt1.LaB', TYPE.A)).questions[0]!.name, 'host1.lab');
    // "www" + pointer to offset 12 ("host1.lab")
    const b = Buffer.concat([Buffer.from([3, 0x77, 0x77, 0x77, 0xc0, 12])]);
    const msg = Buffer.concat([BUSYBOX_A, b]);
    const n = readName(msg, BUSYBOX_A.length);
    assert.deepEqual(n, { ok: true, name: 'www.host1.lab', next: BUSYBOX_A.length + 6 });
    const loop = Buffer.from(BUSYBOX_A);
    loop.writeUInt16BE(0xc00c, 12); // the name points at itself
    const r = decodeQuery(loop);
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.error, /loop/);
    const long = Buffer.concat([
      BUSYBOX_A.subarray(0, 12),
      ...Array.from({ length: 5 }, () => Buffer.from([63, ...Buffer.alloc(63, 0x61)])),
      Buffer.from([0, 0, 1, 0, 1]),
    ]);
    assert.match((decodeQuery(long) as { error: string }).error, /255/);
  });

  test('short or truncated datagrams are errors, never exceptions', () => {
    assert.deepEqual(decodeQuery(Buffer.from([1, 2, 3])), { ok: false, error: '3 bytes: shorter than a DNS header', header: null });
    const cut = decodeQuery(BUSYBOX_A.subarray(0, 20));
    assert.equal(cut.ok, false);
    assert.equal(cut.ok ? 0 : cut.header?.id, 0x6a6e);
    for (let i = 0; i < 2000; i++)
      decodeQuery(Buffer.from(Array.from({ length: Math.floor(Math.random() * 80) }, () => Math.floor(Math.random() * 256))));
  });

  test('EDNS OPT is read', () => {
    assert.deepEqual(decoded(query('host1', TYPE.A, { edns: { size: 4096, version: 0 } })).edns, {
      udpSize: 4096,
      version: 0,
      dnssecOk: false,
    });
  });

  test('reverse names', () => {
    assert.equal(reverseNameToIp('10.5.231.10.in-addr.arpa'), '10.231.5.10');
    assert.equal(reverseNameToIp('5.231.10.in-addr.arpa'), null);
    assert.equal(reverseNameToIp('300.5.231.10.in-addr.arpa'), null);
  });
});

describe('DNS answers', () => {
  test('A for a host, with and without the domain; question echoed; AA set', () => {
    for (const name of ['host1.lab', 'host1', 'HOST1.LAB']) {
      const r = answer(query(name, TYPE.A));
      assert.equal(r.rcode, RCODE.NOERROR);
      assert.equal(r.aa, true);
      assert.equal(r.qr, true);
      assert.deepEqual(r.questions, [{ name: name.toLowerCase(), type: TYPE.A }]);
      assert.deepEqual(r.answers, [{ name: name.toLowerCase(), type: TYPE.A, ttl: 60, data: '10.231.5.10' }]);
    }
    assert.equal(answer(BUSYBOX_A).id, 0x6a6e);
  });

  test('AAAA for a known name: NOERROR with no data, not NXDOMAIN', () => {
    const r = answer(query('bootbench.lab', TYPE.AAAA));
    assert.equal(r.rcode, RCODE.NOERROR);
    assert.deepEqual(r.answers, []);
  });

  test('PTR for a known address gets the FQDN; an unknown address NXDOMAIN', () => {
    assert.deepEqual(answer(query('1.5.231.10.in-addr.arpa', TYPE.PTR)).answers, [
      { name: '1.5.231.10.in-addr.arpa', type: TYPE.PTR, ttl: 60, data: 'bootbench.lab' },
    ]);
    assert.equal(answer(query('99.5.231.10.in-addr.arpa', TYPE.PTR)).rcode, RCODE.NXDOMAIN);
  });

  test('everything else is NXDOMAIN: unknown lab names, the internet, deeper names', () => {
    for (const name of ['nosuch.lab', 'deb.debian.org', 'security.debian.org', 'a.host1.lab', 'nosuch']) {
      const r = answer(query(name, TYPE.A));
      assert.equal(r.rcode, RCODE.NXDOMAIN, name);
      assert.equal(r.answers.length, 0);
      assert.equal(r.questions[0]?.name, name);
    }
  });

  test('RA mirrors RD (no "recursion not available" warnings in stub resolvers)', () => {
    assert.equal(answer(query('host1', TYPE.A)).ra, true);
    assert.equal(answer(query('host1', TYPE.A, { flags: 0 })).ra, false);
  });

  test('other opcodes NOTIMP, other classes REFUSED', () => {
    assert.equal(answer(query('host1', TYPE.A, { flags: 0x2 << 11 })).rcode, RCODE.NOTIMP);
    const chaos = query('version.bind', TYPE.TXT);
    chaos.writeUInt16BE(3, chaos.length - 2);
    assert.equal(answer(chaos).rcode, RCODE.REFUSED);
  });

  test('EDNS: an OPT comes back; version 1 gets BADVERS', () => {
    const r = answer(query('host1', TYPE.A, { edns: { size: 4096, version: 0 } }));
    assert.equal(r.counts[3], 1);
    assert.equal(r.answers.at(-1)?.type, TYPE.OPT);
    const bad = answer(query('host1', TYPE.A, { edns: { size: 4096, version: 1 } }));
    assert.equal(bad.rcode, BADVERS & 0xf);
    assert.equal(bad.answers.at(-1)?.data, `class=1232 ext=${BADVERS >> 4}`);
  });
});
