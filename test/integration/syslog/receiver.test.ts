// The syslog receiver in a namespace lab, against real senders: util-linux logger (RFC 3164 and
// 5424, UDP and TCP as rsyslog's `@@` forwarding uses), and busybox syslogd -R + busybox logger,
// which is how the Debian installer forwards its log. Malformed and huge datagrams leave it serving.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lab, enterNamespace, type LabHost, type Segment } from '../../helpers/netns.js';
import { EventBus } from '../../../electron/core/events.js';
import { createSyslogReceiver, type SyslogReceiver } from '../../../electron/core/syslog/receiver.js';
import type { SyslogRecord } from '../../../electron/core/syslog/parse.js';

interface Got {
  from: string;
  record: SyslogRecord;
}

describe('syslog receiver in a lab', { timeout: 120_000 }, () => {
  let lab: Lab;
  let seg: Segment;
  let client: LabHost;
  let receiver: SyslogReceiver;
  let leave: (() => void) | null = null;
  let scratch: string;
  const got: Got[] = [];
  const CLIENT_IP = '10.231.81.10';

  before(async () => {
    lab = Lab.create('syslog');
    seg = lab.segment('bbsl0', '10.231.81.1/24');
    client = lab.host(seg, { cidr: `${CLIENT_IP}/24` });
    scratch = mkdtempSync(join(tmpdir(), 'bootbench-syslog-'));
    leave = enterNamespace(lab.serverNs);
    receiver = createSyslogReceiver({
      iface: seg.name,
      address: seg.serverIp,
      bus: new EventBus(),
      onMessage: (from, record) => got.push({ from, record }),
    });
    await receiver.start();
  });

  after(async () => {
    await receiver?.stop();
    leave?.();
    lab?.destroy();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  async function waitFor(match: (g: Got) => boolean, what: string, timeoutMs = 10_000): Promise<Got> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const hit = got.find(match);
      if (hit) return hit;
      if (Date.now() > end) throw new Error(`no syslog message ${what}; got: ${JSON.stringify(got.map((g) => g.record.message))}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  const logger = (args: string[]) =>
    lab.exec(client.ns, 'logger', ['--server', seg.serverIp, '--port', '514', ...args], { timeoutMs: 20_000 });

  test('status: up on the NIC address, port 514', () => {
    const s = receiver.status();
    assert.equal(s.name, 'syslog');
    assert.equal(s.state, 'up');
    assert.equal(s.address, `${seg.serverIp}:514`);
  });

  test('logger --udp --rfc3164', async () => {
    const r = await logger(['--udp', '--rfc3164', '-t', 'anaconda', '-p', 'local1.info', '-i', 'rfc3164 over udp']);
    assert.equal(r.code, 0, r.stderr);
    const g = await waitFor((x) => x.record.message === 'rfc3164 over udp', 'from logger --rfc3164');
    assert.equal(g.from, CLIENT_IP);
    assert.equal(g.record.format, 'rfc3164');
    assert.deepEqual([g.record.facility, g.record.severity, g.record.app], ['local1', 'info', 'anaconda']);
    assert.match(g.record.procid ?? '', /^\d+$/);
    assert.ok(g.record.hostname);
    assert.ok(
      g.record.time && Math.abs(Date.parse(g.record.time) - Date.now()) < 24 * 3600_000,
      'a 3164 time within a day (sender clock in local time)',
    );
  });

  test('logger --udp --rfc5424 with structured data', async () => {
    const r = await logger([
      '--udp',
      '--rfc5424',
      '-t',
      'curtin',
      '--msgid',
      'STEP',
      '-p',
      'daemon.err',
      '--sd-id',
      'bb@32473',
      '--sd-param',
      'stage="partitioning"',
      'rfc5424 over udp',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const g = await waitFor((x) => x.record.message === 'rfc5424 over udp', 'from logger --rfc5424');
    assert.equal(g.from, CLIENT_IP);
    assert.equal(g.record.format, 'rfc5424');
    assert.deepEqual([g.record.facility, g.record.severity, g.record.app, g.record.msgid], ['daemon', 'err', 'curtin', 'STEP']);
    assert.deepEqual(g.record.structuredData.find((e) => e.id === 'bb@32473')?.params, { stage: 'partitioning' });
    assert.ok(g.record.time && Math.abs(Date.parse(g.record.time) - Date.now()) < 60_000);
  });

  test('logger --tcp (rsyslog @@ forwarding, as Anaconda inst.syslog= sets up), both framings', async () => {
    const r1 = await logger(['--tcp', '--rfc3164', '-t', 'anaconda', 'rfc3164 over tcp']);
    assert.equal(r1.code, 0, r1.stderr);
    const r2 = await logger(['--tcp', '--rfc5424', '--octet-count', '-t', 'anaconda', 'rfc5424 octet-counted over tcp']);
    assert.equal(r2.code, 0, r2.stderr);
    const a = await waitFor((x) => x.record.message === 'rfc3164 over tcp', 'over TCP');
    const b = await waitFor((x) => x.record.message === 'rfc5424 octet-counted over tcp', 'octet-counted over TCP');
    assert.equal(a.from, CLIENT_IP);
    assert.equal(b.record.format, 'rfc5424');
  });

  test('busybox syslogd -R + busybox logger (the Debian installer way)', async () => {
    // syslogd listens on /dev/log: give it a private /dev (mount namespace) so the machine's own
    // /dev/log is never touched.
    const script = [
      'set -e',
      'mount -t tmpfs none /dev',
      'mknod /dev/null c 1 3',
      `busybox syslogd -n -R ${seg.serverIp}:514 -O ${scratch}/messages & pid=$!`,
      'for i in $(seq 50); do [ -S /dev/log ] && break; sleep 0.1; done',
      `busybox logger -t main-menu -p user.info "INFO: Menu item 'netcfg' selected"`,
      'busybox logger -t netcfg -p daemon.warning "WARNING: no DNS answer"',
      'sleep 0.5',
      'kill $pid',
    ].join('\n');
    const r = await lab.exec(client.ns, 'unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script], { timeoutMs: 20_000 });
    assert.equal(r.code, 0, r.stderr);
    const menu = await waitFor((x) => x.record.app === 'main-menu', 'from busybox');
    assert.equal(menu.from, CLIENT_IP);
    assert.deepEqual(
      [menu.record.hostname, menu.record.message, menu.record.severity],
      [null, "INFO: Menu item 'netcfg' selected", 'info'],
    );
    assert.ok(menu.record.time);
    const net = await waitFor((x) => x.record.app === 'netcfg', 'from busybox netcfg');
    assert.deepEqual([net.record.facility, net.record.severity], ['daemon', 'warning']);
  });

  test('a malformed datagram and a 60 KB one leave it serving', async () => {
    const before = receiver.status().counters;
    const code = [
      "const d = require('node:dgram').createSocket('udp4');",
      `const to = (b, cb) => d.send(b, 514, '${seg.serverIp}', cb);`,
      'to(Buffer.from([0xff, 0x00, 0x3c, 0x39, 0x39, 0x39]), () => to(Buffer.alloc(60000, 0x41), () => d.close()));',
    ].join('\n');
    const r = await lab.exec(client.ns, process.execPath, ['-e', code], { timeoutMs: 20_000 });
    assert.equal(r.code, 0, r.stderr);
    await waitFor((x) => x.record.message.startsWith('AAAA'), 'the huge one');
    const after = receiver.status().counters;
    assert.equal(after.malformed! - before.malformed!, 2, 'both lack a PRI');
    assert.equal(after.truncated! - before.truncated!, 1);
    const huge = got.find((x) => x.record.message.startsWith('AAAA'))!;
    assert.ok(huge.record.message.length <= 8192);
    const again = await logger(['--udp', '--rfc3164', '-t', 'x', 'still serving']);
    assert.equal(again.code, 0);
    await waitFor((x) => x.record.message === 'still serving', 'after junk');
    assert.equal(receiver.status().state, 'up');
  });

  test('a second receiver on the same port and NIC is refused with PORT_IN_USE', async () => {
    const second = createSyslogReceiver({ iface: seg.name, address: seg.serverIp, bus: new EventBus(), onMessage: () => undefined });
    await assert.rejects(second.start(), (e: Error & { code?: string }) => e.code === 'PORT_IN_USE');
    assert.equal(second.status().state, 'failed');
  });
});
