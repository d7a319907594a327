// Wake-on-LAN in a lab: the magic packet, captured by tcpdump in a client namespace on the served
// segment, carries exactly the host's MAC (and its SecureOn password when set), goes to the limited
// and the directed broadcast, and nothing reaches a second segment of the same server that is not
// the chosen interface. In setup (no interface chosen) the action is refused with words saying so.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeMagicPacket } from '../../../electron/core/power/wol.js';
import { Lab, randomMac, watchOutput, type LabHost, type Segment } from '../../helpers/netns.js';
import { removeDir, startBootbench, tempDataDir, type RunningBootbench } from '../../helpers/bootbench.js';

interface Udp {
  dst: string;
  dstPort: number;
  payload: Buffer;
}

/** UDP datagrams of an Ethernet pcap (tcpdump -w, little-endian, microseconds). */
function readUdp(file: string): Udp[] {
  const b = readFileSync(file);
  const out: Udp[] = [];
  if (b.length < 24) return out;
  for (let at = 24; at + 16 <= b.length;) {
    const len = b.readUInt32LE(at + 8);
    if (at + 16 + len > b.length) break;
    const f = b.subarray(at + 16, at + 16 + len);
    at += 16 + len;
    if (f.length < 14 + 20 + 8 || f.readUInt16BE(12) !== 0x0800 || f[14 + 9] !== 17) continue;
    const ihl = (f[14]! & 0x0f) * 4;
    const udp = f.subarray(14 + ihl);
    out.push({
      dst: [...f.subarray(30, 34)].join('.'),
      dstPort: udp.readUInt16BE(2),
      payload: Buffer.from(udp.subarray(8, udp.readUInt16BE(4))),
    });
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Wake-on-LAN', { timeout: 240_000 }, () => {
  let lab: Lab;
  let served: Segment;
  let other: Segment;
  let onServed: LabHost;
  let onOther: LabHost;
  let dataDir: string;
  let dir: string;
  let server: RunningBootbench | null = null;
  const captures: { child: ChildProcess; file: string }[] = [];
  const target = randomMac();
  const SECURE_ON = 'a1:b2:c3:d4:e5:f6';

  const capture = async (host: LabHost, name: string) => {
    const file = join(dir, `${name}.pcap`);
    const child = lab.spawn(host.ns, 'tcpdump', ['-i', 'eth0', '--immediate-mode', '-U', '-n', '-w', file, 'udp']);
    await watchOutput(child).waitFor(/listening on/, 10_000);
    captures.push({ child, file });
    return file;
  };

  before(async () => {
    lab = Lab.create('pwrwol');
    served = lab.segment('pwrwol0', '10.231.160.1/24');
    other = lab.segment('pwrwol1', '10.231.161.1/24');
    onServed = lab.host(served, { cidr: '10.231.160.20/24' });
    onOther = lab.host(other, { cidr: '10.231.161.20/24' });
    dataDir = tempDataDir('pwrwol');
    dir = mkdtempSync(join(tmpdir(), 'bootbench-pwrwol-'));
  });

  after(async () => {
    await server?.stop();
    lab?.destroy();
    if (dataDir) removeDir(dataDir);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('in setup (no interface chosen) the packet is not sent: the words say to choose the lab interface', async () => {
    server = await startBootbench(lab, [], dataDir);
    await server.cliOk(['bmc', 'set', target, '--wol']);
    const r = await server.cli(['power', target, 'on']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /not serving an interface yet.*choose the lab interface/);
    await server.stop();
    server = null;
  });

  test('served: the magic packet for exactly this MAC, with its SecureOn password, on the chosen NIC only', async () => {
    server = await startBootbench(lab, ['--interface', served.name, '--mode', 'dhcp', '--no-probe'], dataDir);
    const secureOnFile = join(dir, 'secureon');
    writeFileSync(secureOnFile, `${SECURE_ON}\n`, { mode: 0o600 });
    const shown = await server.cliOk(['bmc', 'set', target, '--wol', '--secureon-file', secureOnFile, '--json']);
    assert.deepEqual(JSON.parse(shown).wol, { mac: target, secureOnSet: true });
    assert.ok(!shown.includes(SECURE_ON));
    const servedFile = await capture(onServed, 'served');
    const otherFile = await capture(onOther, 'other');
    const out = JSON.parse(await server.cliOk(['power', target, 'on', '--json']));
    assert.equal(out.method, 'wol');
    assert.equal(out.state, 'unknown');
    const wanted = (u: Udp) => u.dstPort === 9;
    for (let i = 0; i < 50 && readUdp(servedFile).filter(wanted).length < 2; i++) await sleep(100);
    await sleep(500); // anything that would reach the other segment has had time to
    for (const c of captures) {
      const exited = new Promise((r) => c.child.once('exit', r));
      c.child.kill('SIGINT');
      await exited;
    }
    const packets = readUdp(servedFile).filter(wanted);
    assert.deepEqual(packets.map((p) => p.dst).sort(), ['10.231.160.255', '255.255.255.255']);
    for (const p of packets) {
      const magic = decodeMagicPacket(p.payload);
      assert.ok(magic, `not a magic packet: ${p.payload.toString('hex')}`);
      assert.equal(magic.mac, target);
      assert.equal(magic.secureOn?.toString('hex'), SECURE_ON.replace(/:/g, ''));
    }
    const leaked = readUdp(otherFile).filter((u) => u.dstPort === 9 || decodeMagicPacket(u.payload));
    assert.deepEqual(leaked, [], 'a magic packet reached the segment that is not served');
    const timeline = await server.timeline(target);
    assert.ok(
      timeline.some((e) => e.source === 'power' && e.kind === 'power.done'),
      JSON.stringify(timeline),
    );
    const everything =
      server.output() + JSON.stringify(timeline) + readFileSync(join(dataDir, 'timeline', `${target.replace(/:/g, '-')}.jsonl`), 'utf8');
    assert.ok(!everything.toLowerCase().includes(SECURE_ON) && !everything.includes(SECURE_ON.replace(/:/g, '')));
  });

  test('what Wake-on-LAN cannot do is refused in words (off)', async () => {
    const r = await server!.cli(['power', target, 'off']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Wake-on-LAN can only wake a machine; it cannot switch it off/);
  });
});
