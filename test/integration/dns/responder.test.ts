// The lab DNS responder in a namespace lab, asked by busybox nslookup (what installer initramfs
// tools use) and by raw queries from a client namespace: known names resolve with and without the
// domain, reverse lookups work, unknown names get a FAST NXDOMAIN (nothing is forwarded), and junk
// datagrams do not stop it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Lab, enterNamespace, type LabHost, type Segment } from '../../helpers/netns.js';
import { EventBus } from '../../../electron/core/events.js';
import { createDnsResponder, type DnsResponder } from '../../../electron/core/dns/responder.js';
import { encodeName, RCODE } from '../../../electron/core/dns/codec.js';

const names: Record<string, string> = { bootbench: '10.231.82.1', 'web-01': '10.231.82.10' };

describe('DNS responder in a lab', { timeout: 120_000 }, () => {
  let lab: Lab;
  let seg: Segment;
  let client: LabHost;
  let dns: DnsResponder;
  let leave: (() => void) | null = null;

  before(async () => {
    lab = Lab.create('dns');
    seg = lab.segment('bbdn0', '10.231.82.1/24');
    client = lab.host(seg, { cidr: '10.231.82.10/24' });
    leave = enterNamespace(lab.serverNs);
    dns = createDnsResponder({
      iface: seg.name,
      address: seg.serverIp,
      bus: new EventBus(),
      lookup: (n) => names[n] ?? null,
      reverse: (ip) => Object.keys(names).find((k) => names[k] === ip) ?? null,
    });
    await dns.start();
  });

  after(async () => {
    await dns?.stop();
    leave?.();
    lab?.destroy();
  });

  const nslookup = (name: string, type = 'a') =>
    lab.exec(client.ns, 'busybox', ['nslookup', `-type=${type}`, name, seg.serverIp], { timeoutMs: 30_000 });

  /** One raw query from the client namespace: rcode, answer count and elapsed ms. */
  async function ask(
    name: string,
    type = 1,
    extra: Buffer[] = [],
  ): Promise<{ rcode: number; answers: number; ms: number; id: number } | null> {
    const code = `
      const d = require('node:dgram').createSocket('udp4');
      const q = Buffer.from(process.argv[1], 'hex');
      const junk = JSON.parse(process.argv[2]).map((h) => Buffer.from(h, 'hex'));
      for (const j of junk) d.send(j, 53, '${seg.serverIp}');
      const t = process.hrtime.bigint();
      const timer = setTimeout(() => { console.log('null'); d.close(); }, 3000);
      d.on('message', (m) => {
        if (m.readUInt16BE(0) !== q.readUInt16BE(0)) return;
        clearTimeout(timer);
        console.log(JSON.stringify({ rcode: m[3] & 15, answers: m.readUInt16BE(6), ms: Number(process.hrtime.bigint() - t) / 1e6, id: m.readUInt16BE(0) }));
        d.close();
      });
      d.send(q, 53, '${seg.serverIp}');`;
    const header = Buffer.from([0xbe, 0xef, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
    const tail = Buffer.from([0, type, 0, 1]);
    const q = Buffer.concat([header, encodeName(name), tail]);
    const r = await lab.exec(
      client.ns,
      process.execPath,
      ['-e', code, q.toString('hex'), JSON.stringify(extra.map((b) => b.toString('hex')))],
      { timeoutMs: 20_000 },
    );
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout.trim()) as { rcode: number; answers: number; ms: number; id: number } | null;
  }

  test('status: up on the NIC address, port 53', () => {
    assert.deepEqual([dns.status().name, dns.status().state, dns.status().address], ['dns', 'up', `${seg.serverIp}:53`]);
  });

  test('busybox nslookup: the laptop and a host, with and without the domain', async () => {
    for (const [name, ip] of [
      ['bootbench', '10.231.82.1'],
      ['bootbench.lab', '10.231.82.1'],
      ['web-01.lab', '10.231.82.10'],
      ['web-01', '10.231.82.10'],
    ] as const) {
      const r = await nslookup(name);
      assert.equal(r.code, 0, `${name}: ${r.stdout} ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`Address: ${ip.replace(/\./g, '\\.')}`), `${name}: ${r.stdout}`);
    }
  });

  test('busybox nslookup: reverse lookup of a host address', async () => {
    // busybox turns an address into its in-addr.arpa PTR query by itself (with -type=ptr it would not)
    const r = await lab.exec(client.ns, 'busybox', ['nslookup', '10.231.82.10', seg.serverIp], { timeoutMs: 30_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /web-01\.lab/);
  });

  test('busybox nslookup: an internet name gets NXDOMAIN, fast', async () => {
    const start = Date.now();
    const r = await nslookup('deb.debian.org');
    const ms = Date.now() - start;
    assert.notEqual(r.code, 0);
    assert.match(r.stdout + r.stderr, /NXDOMAIN/);
    assert.ok(ms < 2_000, `nslookup (a process start included) took ${ms} ms`);
  });

  test('raw queries: NXDOMAIN for unknown names in well under a second; AAAA of a known name is NOERROR/empty', async () => {
    for (const name of ['security.debian.org', 'nosuch.lab', 'ftp.us.debian.org']) {
      const r = await ask(name);
      assert.ok(r, `no answer for ${name}`);
      assert.equal(r.rcode, RCODE.NXDOMAIN, name);
      assert.ok(r.ms < 250, `${name}: ${r.ms} ms`);
    }
    const aaaa = await ask('bootbench.lab', 28);
    assert.deepEqual([aaaa?.rcode, aaaa?.answers], [RCODE.NOERROR, 0]);
    const a = await ask('web-01.lab', 1);
    assert.deepEqual([a?.rcode, a?.answers], [RCODE.NOERROR, 1]);
  });

  test('garbage datagrams are ignored and the server keeps answering', async () => {
    const junk = [
      Buffer.from([1, 2, 3]),
      Buffer.alloc(1400, 0xff),
      Buffer.from('GET / HTTP/1.0\r\n\r\n'),
      Buffer.from('beef8180000100000000000000', 'hex'),
    ];
    const before = dns.status().counters;
    const r = await ask('web-01', 1, junk);
    assert.deepEqual([r?.rcode, r?.answers, r?.id], [RCODE.NOERROR, 1, 0xbeef]);
    const after = dns.status().counters;
    assert.ok(after.dropped! + after.formerr! - before.dropped! - before.formerr! >= junk.length - 1, JSON.stringify(after));
    assert.equal(dns.status().state, 'up');
  });

  test('the responder is pinned to its NIC: a second one on the same NIC and port is refused', async () => {
    const second = createDnsResponder({
      iface: seg.name,
      address: seg.serverIp,
      bus: new EventBus(),
      lookup: () => null,
      reverse: () => null,
    });
    await assert.rejects(second.start(), (e: Error & { code?: string }) => e.code === 'PORT_IN_USE');
  });
});
