// A socket pinned to one interface hears and speaks on that interface only. The lab: a server
// namespace with two segments (bridges bbA and bbB), one client on each. This test process moves
// its main thread into the server namespace (setns), so the sockets under test are created there;
// clients are short node scripts run inside their own namespaces.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:dgram';
import { Lab, enterNamespace, watchOutput, type LabHost, type Segment } from '../../helpers/netns.js';
import { nobodyRuns } from '../../helpers/as-nobody.js';
import { openBoundUdpSocket, boundPort } from '../../../electron/core/net/bound-socket.js';
import { BootbenchError, isBootbenchError } from '../../../electron/core/errors.js';

const node = process.execPath;

/** Sends one UDP datagram from a client namespace (bound to its own address, so the limited broadcast has a route). */
function sendFrom(lab: Lab, host: LabHost, from: string, to: string, port: number, text: string): void {
  const code = `const s = require('dgram').createSocket('udp4');
s.bind({ address: '${from}', port: 0 }, () => { s.setBroadcast(true); s.send('${text}', ${port}, '${to}', (e) => { if (e) { console.error(e.message); process.exit(2); } s.close(); }); });`;
  const r = lab.run(host.ns, node, ['-e', code], { timeoutMs: 15_000 });
  assert.equal(r.code, 0, `sender in ${host.ns} failed: ${r.stderr}`);
}

function collect(socket: Socket): string[] {
  const got: string[] = [];
  socket.on('message', (msg) => got.push(msg.toString()));
  return got;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(cond: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond() && Date.now() < end) await sleep(20);
}

describe('openBoundUdpSocket in a two-segment lab', { timeout: 120_000 }, () => {
  let lab: Lab;
  let a: Segment;
  let b: Segment;
  let clientA: LabHost;
  let clientB: LabHost;
  let leave: (() => void) | null = null;
  const sockets: Socket[] = [];

  before(() => {
    lab = Lab.create('bsock');
    a = lab.segment('bbA', '10.231.61.1/24');
    b = lab.segment('bbB', '10.231.62.1/24');
    clientA = lab.host(a, { cidr: '10.231.61.10/24' });
    clientB = lab.host(b, { cidr: '10.231.62.10/24' });
    leave = enterNamespace(lab.serverNs);
  });

  after(() => {
    for (const s of sockets) s.close();
    leave?.();
    lab?.destroy();
  });

  test('two sockets on port 67, pinned to A and B side by side, each hears only its own segment', async () => {
    const sockA = await openBoundUdpSocket({ iface: 'bbA', port: 67, broadcast: true, reuseAddr: true });
    const sockB = await openBoundUdpSocket({ iface: 'bbB', port: 67, broadcast: true, reuseAddr: true });
    sockets.push(sockA, sockB);
    assert.equal(boundPort(sockA), 67);
    const gotA = collect(sockA);
    const gotB = collect(sockB);

    sendFrom(lab, clientA, '10.231.61.10', '255.255.255.255', 67, 'bcast-from-A');
    sendFrom(lab, clientB, '10.231.62.10', '255.255.255.255', 67, 'bcast-from-B');
    // Linux accepts a datagram for any local address on any interface (weak host model): this one
    // arrives on bbB although it is addressed to A's server address, so pinning must still drop it.
    lab.run(clientB.ns, 'ip', ['route', 'add', `${a.subnet}.0/24`, 'via', b.serverIp], { allowFail: false });
    sendFrom(lab, clientB, '10.231.62.10', a.serverIp, 67, 'unicast-from-B-to-A-address');
    await waitUntil(() => gotA.length >= 1 && gotB.length >= 2, 5_000);
    await sleep(300); // a straggler would show up here

    assert.deepEqual(gotA, ['bcast-from-A']);
    assert.deepEqual(gotB.sort(), ['bcast-from-B', 'unicast-from-B-to-A-address']);
  });

  test('a broadcast sent from the socket pinned to A reaches A’s client and not B’s', async () => {
    const listen = `const s = require('dgram').createSocket('udp4');
s.on('message', (m, r) => console.log('got ' + m + ' from ' + r.address));
s.bind(68, () => console.log('ready'));`;
    const listenerA = watchOutput(lab.spawn(clientA.ns, node, ['-e', listen]));
    const listenerB = watchOutput(lab.spawn(clientB.ns, node, ['-e', listen]));
    await listenerA.waitFor(/ready/, 15_000);
    await listenerB.waitFor(/ready/, 15_000);

    const sock = sockets[0]!; // pinned to bbA, SO_BROADCAST on
    await new Promise<void>((resolve, reject) => sock.send('offer-on-A', 68, '255.255.255.255', (e) => (e ? reject(e) : resolve())));
    const m = await listenerA.waitFor(/got offer-on-A from (\S+)/, 5_000);
    assert.equal(m[1], a.serverIp, 'the source address is the server’s address on A');
    await sleep(500);
    assert.doesNotMatch(listenerB.text(), /got/, 'nothing may leave on segment B');
  });

  test('binding the same port on the same interface twice without reuseAddr is PORT_IN_USE naming the holder', async () => {
    const first = await openBoundUdpSocket({ iface: 'bbA', port: 6767 });
    sockets.push(first);
    const attempt = (reuseAddr: boolean) => openBoundUdpSocket({ iface: 'bbA', port: 6767, reuseAddr });
    for (const reuseAddr of [false, true]) {
      // with reuseAddr too: libuv turned SO_REUSEADDR on when it adopted `first`; we turned it off again
      await assert.rejects(attempt(reuseAddr), (e: unknown) => {
        assert.ok(e instanceof BootbenchError);
        assert.equal(e.code, 'PORT_IN_USE');
        assert.ok(isBootbenchError(e, 'PORT_IN_USE'));
        assert.match(String(e.context.holder), new RegExp(`\\(pid ${process.pid}\\)`));
        assert.match(e.message, /6767\/udp on bbA is already in use by /);
        return true;
      });
    }
    // the same port on the other interface is free: pinned sockets do not conflict
    const other = await openBoundUdpSocket({ iface: 'bbB', port: 6767 });
    sockets.push(other);
  });

  test('an interface that does not exist is BIND_TO_DEVICE_FAILED, never an unpinned socket', async () => {
    await assert.rejects(openBoundUdpSocket({ iface: 'eth0', port: 6768 }), (e: unknown) => {
      // the server namespace has no eth0; the machine's real eth0 must not be reachable from here
      assert.ok(e instanceof BootbenchError);
      assert.equal(e.code, 'BIND_TO_DEVICE_FAILED');
      assert.match(e.message, /no interface named eth0/);
      return true;
    });
  });

  test('as an unprivileged user, port 67 is BIND_DENIED with a message naming the port and the fix', () => {
    const code = `import { openBoundUdpSocket } from ${JSON.stringify(new URL('../../../electron/core/net/bound-socket.ts', import.meta.url).pathname)};
try { const s = await openBoundUdpSocket({ iface: 'bbA', port: 67 }); s.close(); console.log(JSON.stringify({ code: 'BOUND' })); }
catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }`;
    const [cmd, args] = nobodyRuns(code, 'bound-socket-unprivileged');
    const r = lab.run(lab.serverNs, cmd, args, { timeoutMs: 30_000 });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { code: string; message: string };
    assert.equal(out.code, 'BIND_DENIED');
    assert.match(out.message, /Port 67\/udp on bbA/);
    assert.match(out.message, /sudo|setcap/);
  });
});
