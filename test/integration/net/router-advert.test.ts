// The router advertisement sender in a namespace lab with IPv6 on: the RA is captured on the client
// side with tcpdump and decoded from the pcap (independent of our socket code), a Router
// Solicitation from rdisc6 (ndisc6 package) gets an answer, and the client configures no address
// and no route from it. A segment without IPv6 leaves the sender not started, with a reason.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { Lab, enterNamespace, watchOutput, type LabHost, type Segment } from '../../helpers/netns.js';
import { EventBus } from '../../../electron/core/events.js';
import { createRouterAdvertiser, linkLocalOf, type RouterAdvertiser } from '../../../electron/core/net/router-advert.js';
import { decodeRouterAdvertisement, formatIpv6, type RouterAdvertisement } from '../../../electron/core/net/ra-codec.js';

interface Captured {
  src: string;
  dst: string;
  hopLimit: number;
  ra: RouterAdvertisement | null;
  srcMac: string;
}

/**
 * IPv6/ICMPv6 packets of an Ethernet pcap (tcpdump -w, written in host order: little-endian here).
 * The file may be read while tcpdump still writes it: a record not yet complete is left for later.
 */
function readPcap(file: string): Captured[] {
  const b = readFileSync(file);
  const out: Captured[] = [];
  if (b.length < 24) return out;
  assert.equal(b.readUInt32LE(0), 0xa1b2c3d4, 'a little-endian, microsecond pcap');
  assert.equal(b.readUInt32LE(20), 1, 'link type Ethernet');
  for (let at = 24; at + 16 <= b.length;) {
    const len = b.readUInt32LE(at + 8);
    if (at + 16 + len > b.length) break;
    const frame = b.subarray(at + 16, at + 16 + len);
    at += 16 + len;
    if (frame.length < 14 + 40 || frame.readUInt16BE(12) !== 0x86dd || frame[14 + 6] !== 58) continue;
    const ip = frame.subarray(14);
    out.push({
      src: formatIpv6(ip.subarray(8, 24)),
      dst: formatIpv6(ip.subarray(24, 40)),
      hopLimit: ip[7]!,
      ra: decodeRouterAdvertisement(ip.subarray(40)),
      srcMac: [...frame.subarray(6, 12)].map((x) => x.toString(16).padStart(2, '0')).join(':'),
    });
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('router advertisements in a lab', { timeout: 120_000 }, () => {
  let lab: Lab;
  let seg: Segment;
  let noV6: Segment;
  let client: LabHost;
  let ra: RouterAdvertiser;
  let leave: (() => void) | null = null;
  let dir: string;
  let tcpdump: ChildProcess;
  let tcpdumpOutput: ReturnType<typeof watchOutput>;
  let bridgeMac: string;

  before(async () => {
    lab = Lab.create('ra');
    seg = lab.segment('bbra0', '10.231.83.1/24');
    noV6 = lab.segment('bbra1', '10.231.84.1/24');
    client = lab.host(seg, { cidr: '10.231.83.10/24' });
    lab.run(lab.serverNs, 'sysctl', ['-qw', `net.ipv6.conf.${seg.name}.disable_ipv6=0`]);
    lab.run(client.ns, 'sysctl', [
      '-qw',
      'net.ipv6.conf.all.disable_ipv6=0',
      'net.ipv6.conf.eth0.disable_ipv6=0',
      'net.ipv6.conf.eth0.accept_ra=1',
    ]);
    dir = mkdtempSync(join(tmpdir(), 'bootbench-ra-'));
    // --immediate-mode: without it libpcap (TPACKET_V3) hands packets to tcpdump only when a ring
    // block retires (full, or after tcpdump's 1 s timeout), and at SIGINT the packets of the
    // unretired block are dropped unwritten: "7 packets captured, 10 packets received by filter",
    // the RAs of the last second missing. -U only flushes what tcpdump was given.
    tcpdump = lab.spawn(client.ns, 'tcpdump', ['-i', 'eth0', '--immediate-mode', '-U', '-n', '-w', join(dir, 'ra.pcap'), 'icmp6']);
    tcpdumpOutput = watchOutput(tcpdump);
    await tcpdumpOutput.waitFor(/listening on/, 10_000);
    leave = enterNamespace(lab.serverNs);
    for (let i = 0; i < 50 && !linkLocalOf(seg.name); i++) await sleep(100);
    bridgeMac = JSON.parse(lab.run(lab.serverNs, 'ip', ['-j', 'link', 'show', seg.name]).stdout)[0].address as string;
    ra = createRouterAdvertiser({ iface: seg.name, bus: new EventBus() });
    await ra.start(); // the bridge's link-local may still be tentative: it then waits for DAD
    for (let i = 0; i < 100 && ra.status().state !== 'up'; i++) await sleep(100);
  });

  after(async () => {
    await ra?.stop();
    leave?.();
    lab?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the sender is up, from the NIC link-local address', () => {
    const s = ra.status();
    assert.equal(s.name, 'ra');
    assert.equal(s.state, 'up', s.error ?? '');
    assert.match(s.address ?? '', /^\[fe80:.*%bbra0\]$/);
    assert.ok(s.counters.unsolicited! >= 1);
  });

  test('a Router Solicitation (rdisc6) is answered; the RA says: no router, no address config', async () => {
    // rdisc6 needs the client's own link-local (DAD done) to solicit from.
    for (let i = 0; i < 50 && /tentative/.test(lab.run(client.ns, 'ip', ['-6', 'addr', 'show', 'dev', 'eth0']).stdout); i++)
      await sleep(100);
    const start = Date.now();
    const r = await lab.exec(client.ns, 'rdisc6', ['-1', '-r', '3', '-w', '2000', 'eth0'], { timeoutMs: 20_000 });
    const ms = Date.now() - start;
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Stateful address conf\.\s*:\s*No/);
    assert.match(r.stdout, /Stateful other conf\.\s*:\s*No/);
    assert.match(r.stdout, /Router lifetime\s*:\s*0 \(0x00000000\) seconds/);
    assert.doesNotMatch(r.stdout, /Prefix\s*:/);
    assert.match(r.stdout, new RegExp(`Source link-layer address\\s*:\\s*${bridgeMac.toUpperCase()}`, 'i'));
    assert.match(r.stdout, /from fe80:/);
    assert.ok(ms < 2_000, `answered after ${ms} ms (RFC 4861: within 500 ms plus a poll)`);
    assert.ok(ra.status().counters.solicited! >= 1);
  });

  test('captured on the client: from the link-local, to ff02::1, hop limit 255, lifetime 0, no prefix', async () => {
    // Until both RAs are on file (tcpdump writes each packet as it comes), at most 5 s: the
    // assertions below then judge what was captured, whether or not they all arrived.
    const file = join(dir, 'ra.pcap');
    const both = (ras: Captured[]) => ras.some((p) => p.dst === 'ff02::1') && ras.some((p) => p.dst.startsWith('fe80:'));
    for (let i = 0; i < 50 && !both(readPcap(file).filter((p) => p.ra)); i++) await sleep(100);
    const exited = new Promise((r) => tcpdump.once('exit', r));
    tcpdump.kill('SIGINT');
    await exited;
    const stats = tcpdumpOutput
      .text()
      .trim()
      .replace(/\s*\n\s*/g, '; ');
    const ras = readPcap(file).filter((p) => p.ra);
    const multicast = ras.find((p) => p.dst === 'ff02::1');
    assert.ok(multicast, `no multicast RA captured; got ${JSON.stringify(ras.map((p) => p.dst))} (${stats})`);
    assert.match(multicast.src, /^fe80:/);
    assert.equal(multicast.hopLimit, 255);
    assert.equal(multicast.srcMac, bridgeMac);
    assert.deepEqual(multicast.ra, {
      curHopLimit: 0,
      managed: false,
      other: false,
      routerLifetime: 0,
      reachableTime: 0,
      retransTimer: 0,
      sourceMac: bridgeMac,
      prefixes: [],
      mtu: null,
    });
    assert.ok(
      ras.some((p) => p.dst.startsWith('fe80:') && p.hopLimit === 255),
      `the unicast answer to rdisc6 was captured too (${stats})`,
    );
  });

  test('the client configured no address and no route from it', () => {
    const addrs = JSON.parse(lab.run(client.ns, 'ip', ['-j', '-6', 'addr', 'show', 'dev', 'eth0']).stdout) as {
      addr_info: { local: string; scope: string }[];
    }[];
    const scopes = addrs.flatMap((a) => a.addr_info.map((i) => i.scope));
    assert.deepEqual([...new Set(scopes)], ['link'], JSON.stringify(addrs));
    const routes = lab.run(client.ns, 'ip', ['-6', 'route', 'show']).stdout;
    assert.doesNotMatch(routes, /default/);
    assert.doesNotMatch(routes, /proto ra/);
  });

  test('a NIC without IPv6: not started, with a reason, and no exception', async () => {
    const other = createRouterAdvertiser({ iface: noV6.name, bus: new EventBus() });
    await other.start();
    const s = other.status();
    assert.equal(s.state, 'stopped');
    assert.match(s.error ?? '', /no IPv6 link-local address/);
    await other.stop();
  });
});
