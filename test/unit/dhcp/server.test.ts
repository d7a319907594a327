import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { RemoteInfo, Socket } from 'node:dgram';
import { decodeDhcp, encodeDhcp } from '../../../electron/core/dhcp/codec.js';
import { ConflictGuard, type AddressProber } from '../../../electron/core/dhcp/conflict.js';
import { ipToInt, subnetOf } from '../../../electron/core/dhcp/ipv4.js';
import type { LeaseStore } from '../../../electron/core/dhcp/lease-store.js';
import { LeaseTable, type LeaseRecord, type Reservation } from '../../../electron/core/dhcp/leases.js';
import { BOOTREPLY, BROADCAST_FLAG, MessageType, Opt, ZERO_IP, type DhcpMessage } from '../../../electron/core/dhcp/message.js';
import { ipOption, leaseTime, messageType, requestedIp, serverId, u8Option } from '../../../electron/core/dhcp/options.js';
import type { ClientInfo } from '../../../electron/core/dhcp/pxe.js';
import type { BootAnswer } from '../../../electron/core/dhcp/reply.js';
import { DhcpServer } from '../../../electron/core/dhcp/server.js';
import { EventBus } from '../../../electron/core/events.js';
import { loadPacket } from '../../fixtures/dhcp/fixtures.js';

const SERVER_IP = '10.231.77.1';
const OWN_MAC = '02:00:00:00:00:01';

interface Sent {
  msg: DhcpMessage;
  address: string;
  port: number;
}

class FakeSocket extends EventEmitter {
  readonly sent: Sent[] = [];
  closed = false;
  private waiters: (() => void)[] = [];

  send(buf: Buffer, port: number, address: string, cb?: (err: Error | null) => void): void {
    const r = decodeDhcp(buf);
    if (!r.ok) throw new Error(`server sent an undecodable packet: ${r.error}`);
    this.sent.push({ msg: r.message, address, port });
    queueMicrotask(() => cb?.(null));
    for (const w of this.waiters.splice(0)) w();
  }

  close(): void {
    this.closed = true;
  }

  /** The next reply sent after `count` replies, or a failure after a while. */
  async reply(count: number, timeoutMs = 2000): Promise<Sent> {
    const deadline = Date.now() + timeoutMs;
    while (this.sent.length <= count) {
      if (Date.now() > deadline) assert.fail(`no reply (have ${this.sent.length})`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 20);
      });
    }
    return this.sent[count] as Sent;
  }
}

/** A lease store whose appends the test can hold back. */
class FakeStore {
  readonly appended: LeaseRecord[] = [];
  /** Appends begun (the server awaits each before it answers). */
  calls = 0;
  gate: Promise<void> | null = null;
  append(record: LeaseRecord): Promise<void> {
    this.calls += 1;
    const done = async () => {
      if (this.gate) await this.gate;
      this.appended.push(record);
    };
    return done();
  }
}

class ListProber implements AddressProber {
  readonly probed: string[] = [];
  constructor(private readonly inUse: Set<string>) {}
  probeMany(ips: string[]): Promise<Set<string>> {
    this.probed.push(...ips);
    return Promise.resolve(new Set(ips.filter((ip) => this.inUse.has(ip))));
  }
  close(): void {}
}

function bootPolicy(client: ClientInfo): BootAnswer | null {
  if (client.kind === 'plain') return null;
  if (client.ipxe) return { file: `http://${SERVER_IP}:8080/ipxe/${client.mac}`, nextServer: SERVER_IP, vendorClass: null };
  if (client.kind === 'http') return { file: `http://${SERVER_IP}:8080/boot/x64.efi`, nextServer: SERVER_IP, vendorClass: 'HTTPClient' };
  return { file: client.firmware === 'bios' ? 'undionly.kpxe' : 'snponly.efi', nextServer: SERVER_IP, vendorClass: 'PXEClient' };
}

async function setup(options: { mode?: 'dhcp' | 'proxy'; reservations?: Reservation[]; inUse?: string[]; poolStart?: string } = {}) {
  let now = 1_700_000_000_000;
  const table = new LeaseTable({
    pool: { start: ipToInt(options.poolStart ?? '10.231.77.100'), end: ipToInt('10.231.77.199') },
    subnet: subnetOf(SERVER_IP, 24),
    serverIp: SERVER_IP,
    reservations: options.reservations ?? [],
    leaseTimeSec: 3600,
    clock: () => now,
  });
  const store = new FakeStore();
  const prober = options.inUse ? new ListProber(new Set(options.inUse)) : null;
  const guard = prober ? new ConflictGuard(prober, table, { clock: () => now }) : null;
  const sockets = new Map<number, FakeSocket>();
  const clients: { client: ClientInfo; ip: string | null }[] = [];
  const bus = new EventBus();
  const server = new DhcpServer({
    mode: options.mode ?? 'dhcp',
    iface: 'test0',
    net: { serverIp: SERVER_IP, subnetMask: '255.255.255.0', broadcast: '10.231.77.255', router: null, dns: [], domain: null },
    bus,
    bootPolicy,
    onClient: (client, ip) => clients.push({ client, ip }),
    ownMac: OWN_MAC,
    openSocket: (port) => {
      const s = new FakeSocket();
      sockets.set(port, s);
      return Promise.resolve(s as unknown as Socket);
    },
    ...(options.mode === 'proxy' ? {} : { leases: { table, store: store as unknown as LeaseStore, guard } }),
    ports: { dhcp: 67, proxy: 4011 },
  });
  await server.start();
  const dhcp = sockets.get(67);
  const pxe = sockets.get(4011);
  assert.ok(dhcp && pxe);
  const rinfo = (address = '0.0.0.0', port = 68): RemoteInfo => ({ address, port, family: 'IPv4', size: 300 });
  return {
    server,
    table,
    store,
    prober,
    clients,
    bus,
    dhcp,
    pxe,
    advance: (ms: number) => (now += ms),
    now: () => now,
    /** A client packet arriving on port 67 (or 4011). */
    receive: (buf: Buffer, from = rinfo(), on: FakeSocket = dhcp) => on.emit('message', buf, from),
    rinfo,
  };
}

function fixture(name: string): DhcpMessage {
  const r = decodeDhcp(loadPacket(name));
  if (!r.ok) assert.fail(r.error);
  return r.message;
}

/** A fixture with header fields and options changed (an option set to null is removed). */
function edit(name: string | DhcpMessage, fields: Partial<DhcpMessage> = {}, options: [number, Buffer | null][] = []): Buffer {
  const base = typeof name === 'string' ? fixture(name) : name;
  const opts = new Map(base.options);
  for (const [code, value] of options) {
    if (value) opts.set(code, value);
    else opts.delete(code);
  }
  return encodeDhcp({ ...base, ...fields, options: opts });
}

const type = (t: number): [number, Buffer] => [Opt.MessageType, u8Option(t)];
const macBytes = (mac: string) => {
  const b = Buffer.alloc(16);
  Buffer.from(mac.split(':').map((h) => parseInt(h, 16))).copy(b);
  return b;
};

type Env = Awaited<ReturnType<typeof setup>>;

const SENTINEL_MAC = '52:54:00:5e:00:01';

/**
 * Waits, without the clock, until the server has answered everything `on` received so far: a
 * sentinel message that the server always answers goes in last, on the same socket, and is awaited.
 * Handlers run concurrently and a reply leaves when its handler reaches it, so the sentinel takes the
 * slowest way there is: on port 67 in DHCP mode a REQUEST acknowledged only after the lease store's
 * append (appends complete in order); elsewhere every answer leaves without an await (a proxy
 * offer, a port 4011 ACK). Any earlier reply has left by then. The sentinel's reply is removed, so
 * the test's counts hold; its lease (.199, the pool's end), its onClient call and counters stay.
 */
async function settle(env: Env, on: FakeSocket = env.dhcp): Promise<void> {
  const chaddr = macBytes(SENTINEL_MAC);
  const from = on.sent.length;
  const proxyMode = env.server.status()[0]?.name === 'proxydhcp';
  if (on === env.pxe)
    env.receive(
      edit('ovmf-pxe-request', { ciaddr: '10.231.77.198', flags: 0, chaddr }, [
        [Opt.RequestedIp, null],
        [Opt.ServerId, null],
      ]),
      env.rinfo('10.231.77.198', 4011),
      on,
    );
  else if (proxyMode) env.receive(edit('ovmf-pxe-discover', { chaddr }), env.rinfo(), on);
  else
    env.receive(
      edit('udhcpc-request', { chaddr }, [
        [Opt.RequestedIp, ipOption('10.231.77.199')],
        [Opt.ServerId, null],
      ]),
      env.rinfo(),
      on,
    );
  const isSentinel = (x: Sent) => x.msg.chaddr.subarray(0, 6).equals(chaddr.subarray(0, 6));
  for (let n = from; ; n += 1) {
    const next = await on.reply(n);
    if (!isSentinel(next)) continue;
    const slowest = on === env.dhcp && !proxyMode ? MessageType.Ack : messageType(next.msg);
    assert.equal(messageType(next.msg), slowest, 'the sentinel took the way through the lease store');
    on.sent.splice(n, 1);
    return;
  }
}

/** After settle(): nothing beyond the first `count` replies was sent. */
async function silence(env: Env, count: number, on: FakeSocket = env.dhcp): Promise<void> {
  await settle(env, on);
  assert.equal(
    on.sent.length,
    count,
    `expected no reply, got ${on.sent
      .slice(count)
      .map((x) => messageType(x.msg))
      .join(',')}`,
  );
}

/** Resolves with the first log event of `kind`: a handler's last step, so its end. */
function logged(env: Env, kind: string): Promise<string> {
  return new Promise((resolve) => {
    const stop = env.bus.subscribe((e) => {
      if (e.type === 'log' && e.kind === kind) {
        stop();
        resolve(e.message);
      }
    });
  });
}

/** DISCOVER + REQUEST with udhcpc's packets (its own MAC unless `mac` is given). */
async function dora(env: Env, mac?: string): Promise<string> {
  const chaddr = mac ? { chaddr: macBytes(mac) } : {};
  const n = env.dhcp.sent.length;
  env.receive(edit('udhcpc-discover', chaddr));
  const offer = await env.dhcp.reply(n);
  assert.equal(messageType(offer.msg), MessageType.Offer);
  env.receive(edit('udhcpc-request', chaddr, [[Opt.RequestedIp, ipOption(offer.msg.yiaddr)]]));
  const ack = await env.dhcp.reply(n + 1);
  assert.equal(messageType(ack.msg), MessageType.Ack);
  assert.equal(ack.msg.yiaddr, offer.msg.yiaddr);
  return ack.msg.yiaddr;
}

describe('DhcpServer: full DHCP', () => {
  test('DORA with udhcpc: broadcast OFFER and ACK of a pool address, lease on disk', async () => {
    const env = await setup();
    env.receive(loadPacket('udhcpc-discover'));
    const offer = await env.dhcp.reply(0);
    assert.equal(offer.msg.op, BOOTREPLY);
    assert.equal(messageType(offer.msg), MessageType.Offer);
    assert.equal(offer.msg.yiaddr, '10.231.77.100');
    assert.equal(serverId(offer.msg), SERVER_IP);
    assert.equal(leaseTime(offer.msg), 3600);
    assert.deepEqual({ address: offer.address, port: offer.port }, { address: '255.255.255.255', port: 68 });
    assert.equal(offer.msg.xid, fixture('udhcpc-discover').xid);
    env.receive(edit('udhcpc-request', {}, [[Opt.RequestedIp, ipOption('10.231.77.100')]]));
    const ack = await env.dhcp.reply(1);
    assert.equal(messageType(ack.msg), MessageType.Ack);
    assert.equal(ack.msg.yiaddr, '10.231.77.100');
    assert.deepEqual({ address: ack.address, port: ack.port }, { address: '255.255.255.255', port: 68 });
    assert.deepEqual(
      env.store.appended.map((r) => [r.mac, r.ip]),
      [['52:54:00:aa:bb:01', '10.231.77.100']],
    );
    assert.equal(env.server.counters.offers, 1);
    assert.equal(env.server.counters.acks, 1);
    assert.equal(env.table.leaseOf('52:54:00:aa:bb:01')?.ip, '10.231.77.100');
  });

  test('DORA with the captured dhclient and OVMF packets (requests as sent)', async () => {
    const env = await setup({ poolStart: '10.231.77.114' });
    env.receive(loadPacket('ovmf-pxe-discover'));
    const offer = await env.dhcp.reply(0);
    assert.equal(offer.msg.yiaddr, '10.231.77.114', 'the address the captured REQUEST asks for');
    assert.equal(offer.msg.file, 'snponly.efi');
    env.receive(loadPacket('ovmf-pxe-request'));
    const ack = await env.dhcp.reply(1);
    assert.equal(messageType(ack.msg), MessageType.Ack);
    assert.equal(ack.msg.yiaddr, '10.231.77.114');
    assert.equal(ack.msg.file, 'snponly.efi');
    assert.deepEqual(ack.msg.options.get(Opt.ClientUuid), fixture('ovmf-pxe-request').options.get(Opt.ClientUuid));
    env.receive(loadPacket('dhclient-discover'));
    const o2 = await env.dhcp.reply(2);
    assert.equal(messageType(o2.msg), MessageType.Offer);
    assert.notEqual(o2.msg.yiaddr, '10.231.77.114');
  });

  test('RENEW (unicast, ciaddr): ACK unicast to ciaddr:68, same address, lease extended', async () => {
    const env = await setup();
    const ip = await dora(env);
    const first = env.store.appended.at(-1);
    env.advance(1_800_000);
    env.receive(
      edit('udhcpc-request', { ciaddr: ip, flags: 0 }, [
        [Opt.RequestedIp, null],
        [Opt.ServerId, null],
      ]),
      env.rinfo(ip),
    );
    const ack = await env.dhcp.reply(2);
    assert.equal(messageType(ack.msg), MessageType.Ack);
    assert.equal(ack.msg.yiaddr, ip);
    assert.deepEqual({ address: ack.address, port: ack.port }, { address: ip, port: 68 });
    const renewed = env.store.appended.at(-1);
    assert.ok(first && renewed && renewed.expiresAt === first.expiresAt + 1_800_000, 'lease extended by the time that passed');
  });

  test('REBIND (broadcast, ciaddr, no server id): ACK to ciaddr:68', async () => {
    const env = await setup();
    const ip = await dora(env);
    env.receive(
      edit('udhcpc-request', { ciaddr: ip, flags: BROADCAST_FLAG }, [
        [Opt.RequestedIp, null],
        [Opt.ServerId, null],
      ]),
    );
    const ack = await env.dhcp.reply(2);
    assert.equal(messageType(ack.msg), MessageType.Ack);
    assert.equal(ack.msg.yiaddr, ip);
    assert.deepEqual({ address: ack.address, port: ack.port }, { address: ip, port: 68 });
  });

  test('INIT-REBOOT for an address on another subnet: NAK, broadcast', async () => {
    const env = await setup();
    env.receive(
      edit('udhcpc-request', {}, [
        [Opt.RequestedIp, ipOption('192.168.1.77')],
        [Opt.ServerId, null],
      ]),
    );
    const nak = await env.dhcp.reply(0);
    assert.equal(messageType(nak.msg), MessageType.Nak);
    assert.equal(nak.address, '255.255.255.255');
    assert.equal(nak.msg.flags & BROADCAST_FLAG, BROADCAST_FLAG);
    assert.equal(env.server.counters.naks, 1);
    assert.deepEqual(env.store.appended, []);
  });

  test('INIT-REBOOT for its own address: ACK', async () => {
    const env = await setup();
    const ip = await dora(env);
    env.receive(
      edit('udhcpc-request', {}, [
        [Opt.RequestedIp, ipOption(ip)],
        [Opt.ServerId, null],
      ]),
    );
    const ack = await env.dhcp.reply(2);
    assert.equal(messageType(ack.msg), MessageType.Ack);
    assert.equal(ack.msg.yiaddr, ip);
  });

  test('INIT-REBOOT for an address leased to another client: NAK', async () => {
    const env = await setup();
    const ip = await dora(env, '52:54:00:00:00:01');
    env.receive(
      edit('udhcpc-request', {}, [
        [Opt.RequestedIp, ipOption(ip)],
        [Opt.ServerId, null],
      ]),
    );
    const nak = await env.dhcp.reply(2);
    assert.equal(messageType(nak.msg), MessageType.Nak);
    assert.equal(env.table.leaseOf('52:54:00:00:00:01')?.ip, ip);
  });

  test("REQUEST naming another server's id: silence", async () => {
    const env = await setup();
    env.receive(loadPacket('udhcpc-discover'));
    await env.dhcp.reply(0);
    env.receive(edit('udhcpc-request', {}, [[Opt.ServerId, ipOption('10.231.77.2')]]));
    await silence(env, 1);
    assert.equal(env.table.leaseOf('52:54:00:aa:bb:01'), null);
  });

  test('DECLINE: the next DISCOVER of that MAC gets a different address', async () => {
    const env = await setup();
    const ip = await dora(env);
    env.receive(edit('udhcpc-request', {}, [type(MessageType.Decline), [Opt.RequestedIp, ipOption(ip)]]));
    await silence(env, 2);
    assert.equal(env.server.counters.declines, 1);
    env.receive(loadPacket('udhcpc-discover'));
    const offer = await env.dhcp.reply(2);
    assert.notEqual(offer.msg.yiaddr, ip);
    // another client does not get it either
    env.receive(edit('udhcpc-discover', { chaddr: macBytes('52:54:00:00:00:09') }));
    assert.notEqual((await env.dhcp.reply(3)).msg.yiaddr, ip);
  });

  test("a DECLINE for an address the client does not hold is ignored (no one can block others' leases)", async () => {
    const env = await setup();
    const ip = await dora(env, '52:54:00:00:00:01');
    env.receive(edit('udhcpc-request', {}, [type(MessageType.Decline), [Opt.RequestedIp, ipOption(ip)]]));
    await silence(env, 2);
    assert.equal(env.server.counters.declines, 0);
    assert.equal(env.table.leaseOf('52:54:00:00:00:01')?.ip, ip);
  });

  test('RELEASE then DISCOVER: the same address back', async () => {
    const env = await setup();
    const ip = await dora(env);
    await dora(env, '52:54:00:00:00:02');
    const released = logged(env, 'dhcp.release'); // after the store's append: the RELEASE's last step
    env.receive(edit('udhcpc-request', { ciaddr: ip }, [type(MessageType.Release), [Opt.RequestedIp, null]]), env.rinfo(ip));
    await released;
    assert.equal(env.server.counters.releases, 1);
    assert.deepEqual(env.store.appended.at(-1), { mac: '52:54:00:aa:bb:01', ip, expiresAt: 0 });
    await silence(env, 4);
    env.receive(loadPacket('udhcpc-discover'));
    assert.equal((await env.dhcp.reply(4)).msg.yiaddr, ip);
  });

  test('INFORM: ACK to ciaddr:68 without a lease time', async () => {
    const env = await setup();
    env.receive(
      edit('udhcpc-request', { ciaddr: '10.231.77.20' }, [type(MessageType.Inform), [Opt.RequestedIp, null], [Opt.ServerId, null]]),
      env.rinfo('10.231.77.20'),
    );
    const ack = await env.dhcp.reply(0);
    assert.equal(messageType(ack.msg), MessageType.Ack);
    assert.deepEqual({ address: ack.address, port: ack.port }, { address: '10.231.77.20', port: 68 });
    assert.equal(ack.msg.ciaddr, '10.231.77.20');
    assert.equal(ack.msg.yiaddr, ZERO_IP);
    assert.ok(!ack.msg.options.has(Opt.LeaseTime));
    assert.equal(env.table.records().length, 0, 'no lease for an INFORM');
    assert.equal(env.server.counters.informs, 1);
  });

  test('relayed DISCOVER: giaddr in the subnet gets the OFFER at giaddr:67; outside: silence', async () => {
    const env = await setup();
    env.receive(edit('udhcpc-discover', { giaddr: '10.231.77.2', hops: 1 }), env.rinfo('10.231.77.2', 67));
    const offer = await env.dhcp.reply(0);
    assert.equal(messageType(offer.msg), MessageType.Offer);
    assert.deepEqual({ address: offer.address, port: offer.port }, { address: '10.231.77.2', port: 67 });
    assert.equal(offer.msg.giaddr, '10.231.77.2');
    env.receive(
      edit('udhcpc-discover', { giaddr: '10.99.0.1', hops: 1, chaddr: macBytes('52:54:00:00:00:05') }),
      env.rinfo('10.99.0.1', 67),
    );
    await silence(env, 1);
  });

  test('static reservation honoured (even outside the pool)', async () => {
    const env = await setup({ reservations: [{ mac: '52:54:00:aa:bb:01', ip: '10.231.77.50' }] });
    assert.equal(await dora(env), '10.231.77.50');
    env.receive(edit('udhcpc-discover', { chaddr: macBytes('52:54:00:00:00:07') }, [[Opt.RequestedIp, ipOption('10.231.77.50')]]));
    assert.notEqual((await env.dhcp.reply(2)).msg.yiaddr, '10.231.77.50');
  });

  test('conflict guard: an address that answers a ping is skipped and the next one offered', async () => {
    const env = await setup({ inUse: ['10.231.77.100', '10.231.77.101'] });
    env.receive(loadPacket('udhcpc-discover'));
    const offer = await env.dhcp.reply(0);
    assert.equal(offer.msg.yiaddr, '10.231.77.102');
    assert.ok(env.prober?.probed.includes('10.231.77.100'));
    assert.ok(env.server.counters.conflicts >= 1, 'the conflict is counted');
    env.receive(edit('udhcpc-request', {}, [[Opt.RequestedIp, ipOption('10.231.77.100')]]));
    const nak = await env.dhcp.reply(1);
    assert.equal(messageType(nak.msg), MessageType.Nak, 'a squatted address cannot be requested either');
  });

  test('the ACK leaves only after the lease store append resolved', async () => {
    const env = await setup();
    env.receive(loadPacket('udhcpc-discover'));
    const offer = await env.dhcp.reply(0);
    let open!: () => void;
    env.store.gate = new Promise<void>((r) => (open = r));
    env.receive(edit('udhcpc-request', {}, [[Opt.RequestedIp, ipOption(offer.msg.yiaddr)]]));
    assert.equal(env.store.calls, 1, 'the server is waiting on the append');
    assert.equal(env.dhcp.sent.length, 1, 'no ACK before the append resolved');
    assert.deepEqual(env.store.appended, []);
    open();
    const ack = await env.dhcp.reply(1);
    assert.equal(messageType(ack.msg), MessageType.Ack);
    assert.equal(env.store.appended.length, 1);
  });

  test('a failing lease store means no ACK (and no crash)', async () => {
    const env = await setup();
    env.receive(loadPacket('udhcpc-discover'));
    const offer = await env.dhcp.reply(0);
    env.store.gate = Promise.reject(new Error('ENOSPC'));
    env.store.gate.catch(() => undefined);
    const failed = logged(env, 'dhcp.error'); // the handler's end when it throws
    env.receive(edit('udhcpc-request', {}, [[Opt.RequestedIp, ipOption(offer.msg.yiaddr)]]));
    assert.match(await failed, /ENOSPC/, 'the failure is logged');
    assert.equal(env.dhcp.sent.length, 1, 'no ACK');
    assert.equal(env.store.appended.length, 0);
  });
});

describe('DhcpServer: what it ignores and drops', () => {
  test('malformed packets are counted in counters.dropped and never throw', async () => {
    const env = await setup();
    const good = loadPacket('udhcpc-discover');
    const noType = edit('udhcpc-discover', {}, [[Opt.MessageType, null]]);
    const badCookie = Buffer.from(good);
    badCookie.writeUInt32BE(0xdeadbeef, 236);
    const overrun = Buffer.concat([good.subarray(0, 240), Buffer.from([Opt.MessageType, 40, 1])]);
    const tokenRing = edit('udhcpc-discover', { htype: 6 });
    const bad = [Buffer.alloc(0), Buffer.from('hello'), good.subarray(0, 239), badCookie, overrun, noType, tokenRing];
    for (const b of bad) assert.doesNotThrow(() => env.receive(b));
    let seed = 7;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    let fuzzed = 0;
    for (let i = 0; i < 2000; i += 1) {
      const b = Buffer.from(good);
      for (let k = 0; k < 1 + Math.floor(random() * 8); k += 1) b[Math.floor(random() * b.length)] = Math.floor(random() * 256);
      assert.doesNotThrow(() => env.receive(random() < 0.2 ? b.subarray(0, Math.floor(random() * b.length)) : b));
      fuzzed += 1;
    }
    await settle(env); // every reply to the fuzzed packets has left
    assert.ok(env.server.counters.dropped >= bad.length, `dropped ${env.server.counters.dropped}`);
    assert.equal(env.server.counters.received, bad.length + fuzzed + 1, 'and the sentinel');
    for (const s of env.dhcp.sent) assert.equal(s.msg.op, BOOTREPLY);
  });

  test('BOOTREPLY packets (op 2) are ignored', async () => {
    const env = await setup();
    env.receive(loadPacket('dnsmasq-offer'));
    env.receive(loadPacket('dnsmasq-ack'));
    await silence(env, 0);
    assert.equal(env.server.counters.dropped, 0);
  });

  test("the server's own MAC is ignored", async () => {
    const env = await setup();
    env.receive(edit('udhcpc-discover', { chaddr: macBytes(OWN_MAC) }));
    await silence(env, 0);
    assert.equal(env.table.candidateFor('52:54:00:00:00:99', null), '10.231.77.100', 'nothing held for it');
  });

  test('PXE clients are reported through onClient; plain clients are not', async () => {
    const env = await setup({ poolStart: '10.231.77.114' });
    env.receive(loadPacket('ovmf-pxe-discover'));
    await env.dhcp.reply(0);
    env.receive(loadPacket('ovmf-pxe-request'));
    assert.equal(messageType((await env.dhcp.reply(1)).msg), MessageType.Ack);
    const before = env.clients.length;
    await dora(env); // udhcpc: a plain client
    assert.equal(env.clients.length, before, 'plain clients are not hosts');
    const seen = env.clients.map((c) => [c.client.mac, c.client.firmware, c.ip]);
    assert.deepEqual(seen.at(0), ['52:54:00:aa:bb:20', 'uefi', null]);
    assert.deepEqual(seen.at(-1), ['52:54:00:aa:bb:20', 'uefi', '10.231.77.114'], 'its address once acknowledged');
    assert.equal(env.clients[0]?.client.uuid, '12345678-9abc-def0-1122-334455667788');
  });

  test('an iPXE client gets its script URL, not iPXE again', async () => {
    const env = await setup();
    env.receive(loadPacket('ipxe-bios-discover'));
    const offer = await env.dhcp.reply(0);
    assert.equal(offer.msg.options.get(Opt.BootfileName)?.toString(), `http://${SERVER_IP}:8080/ipxe/52:54:00:aa:bb:10`);
  });
});

describe('DhcpServer: proxy mode and port 4011', () => {
  test('proxy mode: a plain DISCOVER gets silence, a PXE DISCOVER a proxy offer without an address', async () => {
    const env = await setup({ mode: 'proxy' });
    env.receive(loadPacket('udhcpc-discover'));
    env.receive(loadPacket('dhclient-discover'));
    await silence(env, 0);
    const sentinelOffers = env.server.counters.proxyOffers;
    assert.equal(sentinelOffers, 1, 'the plain DISCOVERs got no proxy offer (only the sentinel did)');
    env.receive(loadPacket('ovmf-pxe-discover'));
    const offer = await env.dhcp.reply(0);
    assert.equal(messageType(offer.msg), MessageType.Offer);
    assert.equal(offer.msg.yiaddr, ZERO_IP);
    assert.ok(!offer.msg.options.has(Opt.LeaseTime));
    assert.equal(offer.msg.options.get(Opt.VendorClass)?.toString(), 'PXEClient');
    assert.equal(offer.msg.file, 'snponly.efi');
    assert.equal(offer.address, '255.255.255.255');
    assert.equal(env.server.counters.proxyOffers, sentinelOffers + 1);
    // the REQUEST that goes to the network's own DHCP server is not ours to answer
    env.receive(loadPacket('ovmf-pxe-request'));
    await silence(env, 1);
    assert.equal(env.clients.filter((c) => c.client.mac !== SENTINEL_MAC).length, 2, 'the PXE client was still seen');
  });

  test('a REQUEST to the 4011 socket gets an ACK unicast to where it came from', async () => {
    for (const mode of ['proxy', 'dhcp'] as const) {
      const env = await setup({ mode });
      const req = edit('ovmf-pxe-request', { ciaddr: '10.231.77.114', flags: 0 }, [
        [Opt.RequestedIp, null],
        [Opt.ServerId, null],
      ]);
      env.receive(req, env.rinfo('10.231.77.114', 4011), env.pxe);
      const ack = await env.pxe.reply(0);
      assert.equal(messageType(ack.msg), MessageType.Ack, mode);
      assert.deepEqual({ address: ack.address, port: ack.port }, { address: '10.231.77.114', port: 4011 });
      assert.equal(ack.msg.ciaddr, '10.231.77.114');
      assert.equal(ack.msg.file, 'snponly.efi');
      assert.equal(env.dhcp.sent.length, 0, 'answered through the 4011 socket');
      // a plain client on 4011 gets nothing
      env.receive(edit('udhcpc-request', { ciaddr: '10.231.77.134' }), env.rinfo('10.231.77.134', 4011), env.pxe);
      await silence(env, 1, env.pxe);
    }
  });

  test('stop() closes both sockets', async () => {
    const env = await setup();
    await env.server.stop();
    assert.ok(env.dhcp.closed && env.pxe.closed);
    assert.equal(env.server.status()[0]?.state, 'stopped');
  });
});

describe('DhcpServer: request option handling', () => {
  test('a SELECTING REQUEST without option 50 is NAKed, not crashed on', async () => {
    const env = await setup();
    env.receive(edit('udhcpc-request', {}, [[Opt.RequestedIp, null]]));
    const nak = await env.dhcp.reply(0);
    assert.equal(messageType(nak.msg), MessageType.Nak);
    assert.equal(requestedIp(fixture('udhcpc-request')), '10.231.77.134');
  });
});
