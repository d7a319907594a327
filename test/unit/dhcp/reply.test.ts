import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeDhcp, encodeDhcp } from '../../../electron/core/dhcp/codec.js';
import { BOOTREPLY, BROADCAST_FLAG, MessageType, Opt, type DhcpMessage } from '../../../electron/core/dhcp/message.js';
import { ipOption, leaseTime, messageType, serverId } from '../../../electron/core/dhcp/options.js';
import { buildProxyReply, buildReply, replyDestination, type BootAnswer, type NetworkParams } from '../../../electron/core/dhcp/reply.js';
import { loadPacket } from '../../fixtures/dhcp/fixtures.js';

const net: NetworkParams = {
  serverIp: '10.231.77.1',
  subnetMask: '255.255.255.0',
  broadcast: '10.231.77.255',
  router: '10.231.77.254',
  dns: ['10.231.77.53', '10.231.77.54'],
  domain: 'lab.test',
};

function fixture(name: string): DhcpMessage {
  const r = decodeDhcp(loadPacket(name));
  if (!r.ok) assert.fail(r.error);
  return r.message;
}

/** Encodes and decodes, so the assertions are on the bytes a client would receive. */
function wire(m: DhcpMessage): DhcpMessage {
  const r = decodeDhcp(encodeDhcp(m));
  if (!r.ok) assert.fail(r.error);
  return r.message;
}

const u32 = (m: DhcpMessage, code: number) => m.options.get(code)?.readUInt32BE(0);
const str = (m: DhcpMessage, code: number) => m.options.get(code)?.toString('latin1');
const codes = (m: DhcpMessage) => [...m.options.keys()].sort((a, b) => a - b);

const tftp: BootAnswer = { file: 'snponly.efi', nextServer: '10.231.77.1', vendorClass: 'PXEClient' };

describe('buildReply: OFFER and ACK', () => {
  for (const kind of ['offer', 'ack'] as const) {
    test(`${kind} carries type, server id, lease times, mask, broadcast and the network options`, () => {
      const req = fixture('udhcpc-discover');
      const m = wire(buildReply(req, kind, { net, yiaddr: '10.231.77.134', leaseTimeSec: 3600 }));
      assert.equal(m.op, BOOTREPLY);
      assert.equal(m.xid, req.xid);
      assert.deepEqual(m.chaddr, req.chaddr);
      assert.equal(messageType(m), kind === 'offer' ? MessageType.Offer : MessageType.Ack);
      assert.equal(serverId(m), '10.231.77.1');
      assert.equal(m.yiaddr, '10.231.77.134');
      assert.equal(leaseTime(m), 3600);
      assert.equal(u32(m, Opt.RenewalTime), 1800, 'T1 = lease/2');
      assert.equal(u32(m, Opt.RebindingTime), 3150, 'T2 = lease*7/8');
      assert.deepEqual(m.options.get(Opt.SubnetMask), ipOption('255.255.255.0'));
      assert.deepEqual(m.options.get(Opt.BroadcastAddress), ipOption('10.231.77.255'));
      assert.deepEqual(m.options.get(Opt.Router), ipOption('10.231.77.254'));
      assert.equal(m.options.get(Opt.DnsServers)?.toString('hex'), '0ae74d350ae74d36');
      assert.equal(str(m, Opt.DomainName), 'lab.test');
      // a plain client gets no boot information
      for (const code of [Opt.VendorClass, Opt.VendorSpecific, Opt.TftpServerName, Opt.BootfileName, Opt.ClientUuid])
        assert.ok(!m.options.has(code), `option ${code}`);
      assert.equal(m.file, '');
      assert.equal(m.siaddr, '0.0.0.0');
    });
  }

  test('odd lease times round down; no router/DNS/domain when there are none', () => {
    const m = wire(
      buildReply(fixture('udhcpc-discover'), 'offer', {
        net: { ...net, router: null, dns: [], domain: null },
        yiaddr: '10.231.77.134',
        leaseTimeSec: 601,
      }),
    );
    assert.equal(leaseTime(m), 601);
    assert.equal(u32(m, Opt.RenewalTime), 300);
    assert.equal(u32(m, Opt.RebindingTime), 525);
    assert.deepEqual(
      codes(m),
      [Opt.SubnetMask, Opt.BroadcastAddress, Opt.LeaseTime, Opt.MessageType, Opt.ServerId, Opt.RenewalTime, Opt.RebindingTime].sort(
        (a, b) => a - b,
      ),
    );
  });

  test('a PXE answer fills siaddr, file, 66, 67, 60 PXEClient, 43 (6=8) and echoes 97', () => {
    const req = fixture('ovmf-pxe-discover');
    const m = wire(buildReply(req, 'offer', { net, yiaddr: '10.231.77.114', leaseTimeSec: 3600, boot: tftp }));
    assert.equal(m.siaddr, '10.231.77.1');
    assert.equal(m.file, 'snponly.efi');
    assert.equal(str(m, Opt.TftpServerName), '10.231.77.1');
    assert.equal(str(m, Opt.BootfileName), 'snponly.efi');
    assert.equal(str(m, Opt.VendorClass), 'PXEClient');
    const pxe = m.options.get(Opt.VendorSpecific);
    assert.ok(pxe);
    assert.equal(pxe[0], 6, 'PXE_DISCOVERY_CONTROL');
    assert.equal(pxe[1], 1);
    assert.equal(pxe[2], 8, 'use the boot file in this offer');
    assert.deepEqual(m.options.get(Opt.ClientUuid), req.options.get(Opt.ClientUuid));
    assert.equal(m.options.get(Opt.ClientUuid)?.length, 17);
    assert.equal(m.flags & BROADCAST_FLAG, BROADCAST_FLAG, 'the client asked for broadcast');
  });

  test('an HTTPClient answer says HTTPClient and has no PXE option 43', () => {
    const boot: BootAnswer = {
      file: 'http://10.231.77.1:8080/boot/uefi-http/x64.efi',
      nextServer: '10.231.77.1',
      vendorClass: 'HTTPClient',
    };
    const m = wire(buildReply(fixture('ovmf-http-discover'), 'offer', { net, yiaddr: '10.231.77.115', boot }));
    assert.equal(str(m, Opt.VendorClass), 'HTTPClient');
    assert.ok(!m.options.has(Opt.VendorSpecific));
    assert.equal(str(m, Opt.BootfileName), boot.file);
  });

  test('an HTTP URL longer than 127 bytes goes only to option 67; the file field stays empty', () => {
    const long = `http://10.231.77.1:8080/ipxe/${'x'.repeat(127 - 'http://10.231.77.1:8080/ipxe/'.length)}`;
    assert.equal(long.length, 127);
    const fits = wire(
      buildReply(fixture('ipxe-bios-discover'), 'ack', {
        net,
        yiaddr: '10.231.77.149',
        boot: { file: long, nextServer: net.serverIp, vendorClass: null },
      }),
    );
    assert.equal(fits.file, long, '127 bytes + NUL fit the 128-byte field');
    const longer = `${long}/more`;
    const m = wire(
      buildReply(fixture('ipxe-bios-discover'), 'ack', {
        net,
        yiaddr: '10.231.77.149',
        boot: { file: longer, nextServer: net.serverIp, vendorClass: null },
      }),
    );
    assert.equal(m.file, '');
    assert.equal(str(m, Opt.BootfileName), longer);
    const huge = `http://10.231.77.1/${'y'.repeat(300)}`;
    const h = wire(
      buildReply(fixture('ipxe-bios-discover'), 'ack', {
        net,
        yiaddr: '10.231.77.149',
        boot: { file: huge, nextServer: net.serverIp, vendorClass: null },
      }),
    );
    assert.equal(str(h, Opt.BootfileName), huge, 'split across option instances (RFC 3396) and joined again');
  });
});

describe('buildReply: NAK and INFORM', () => {
  test('NAK carries only 53, 54, 56 and sets the broadcast flag', () => {
    const req = fixture('dhclient-request');
    assert.equal(req.flags & BROADCAST_FLAG, 0);
    const m = wire(buildReply(req, 'nak', { net, yiaddr: '10.231.77.134', leaseTimeSec: 3600, boot: tftp, message: 'wrong network' }));
    assert.deepEqual(
      codes(m),
      [Opt.MessageType, Opt.ServerId, Opt.Message].sort((a, b) => a - b),
    );
    assert.equal(messageType(m), MessageType.Nak);
    assert.equal(str(m, Opt.Message), 'wrong network');
    assert.equal(m.flags & BROADCAST_FLAG, BROADCAST_FLAG);
    assert.equal(m.yiaddr, '0.0.0.0');
    assert.equal(m.ciaddr, '0.0.0.0');
    assert.equal(m.siaddr, '0.0.0.0');
    assert.equal(m.file, '');
  });

  test('INFORM ACK has ciaddr, no yiaddr, no lease times', () => {
    const req = { ...fixture('udhcpc-request'), ciaddr: '10.231.77.20' };
    req.options = new Map(req.options);
    req.options.set(Opt.MessageType, Buffer.from([MessageType.Inform]));
    const m = wire(buildReply(req, 'ack', { net, inform: true }));
    assert.equal(messageType(m), MessageType.Ack);
    assert.equal(m.ciaddr, '10.231.77.20');
    assert.equal(m.yiaddr, '0.0.0.0');
    for (const code of [Opt.LeaseTime, Opt.RenewalTime, Opt.RebindingTime]) assert.ok(!m.options.has(code), `option ${code}`);
    assert.equal(serverId(m), '10.231.77.1');
    assert.deepEqual(m.options.get(Opt.SubnetMask), ipOption('255.255.255.0'));
  });
});

describe('buildProxyReply', () => {
  test('proxy OFFER: yiaddr 0.0.0.0, no lease, the PXE boot information', () => {
    const req = fixture('ovmf-pxe-discover');
    const m = wire(buildProxyReply(req, 'offer', '10.231.77.1', { file: 'snponly.efi', nextServer: '10.231.77.1', vendorClass: null }));
    assert.equal(messageType(m), MessageType.Offer);
    assert.equal(m.yiaddr, '0.0.0.0');
    for (const code of [Opt.LeaseTime, Opt.RenewalTime, Opt.RebindingTime, Opt.SubnetMask])
      assert.ok(!m.options.has(code), `option ${code}`);
    assert.equal(serverId(m), '10.231.77.1');
    assert.equal(str(m, Opt.VendorClass), 'PXEClient', 'a proxy answer always says PXEClient');
    assert.equal(m.options.get(Opt.VendorSpecific)?.[2], 8);
    assert.deepEqual(m.options.get(Opt.ClientUuid), req.options.get(Opt.ClientUuid));
    assert.equal(m.file, 'snponly.efi');
    assert.equal(m.siaddr, '10.231.77.1');
  });

  test('proxy ACK (port 4011) echoes ciaddr', () => {
    const req = { ...fixture('ovmf-pxe-request'), ciaddr: '10.231.77.114' };
    const m = wire(buildProxyReply(req, 'ack', '10.231.77.1', tftp));
    assert.equal(messageType(m), MessageType.Ack);
    assert.equal(m.ciaddr, '10.231.77.114');
    assert.equal(m.yiaddr, '0.0.0.0');
    assert.ok(!m.options.has(Opt.LeaseTime));
  });
});

describe('replyDestination (RFC 2131 §4.1)', () => {
  const base = fixture('udhcpc-discover');
  const req = (o: Partial<DhcpMessage>): DhcpMessage => ({ ...base, ...o });

  test('relayed: to the relay, port 67, whatever the kind', () => {
    for (const kind of ['offer', 'ack', 'nak'] as const) {
      assert.deepEqual(replyDestination(req({ giaddr: '10.231.77.2', ciaddr: '10.231.77.50', flags: BROADCAST_FLAG }), kind), {
        address: '10.231.77.2',
        port: 67,
      });
    }
  });

  test('client with an address (RENEW, INFORM): unicast to ciaddr:68, even with the broadcast flag', () => {
    assert.deepEqual(replyDestination(req({ ciaddr: '10.231.77.50' }), 'ack'), { address: '10.231.77.50', port: 68 });
    assert.deepEqual(replyDestination(req({ ciaddr: '10.231.77.50', flags: BROADCAST_FLAG }), 'ack'), {
      address: '10.231.77.50',
      port: 68,
    });
  });

  test('no address yet, or broadcast flag: 255.255.255.255:68', () => {
    assert.deepEqual(replyDestination(req({}), 'offer'), { address: '255.255.255.255', port: 68 });
    assert.deepEqual(replyDestination(req({ flags: BROADCAST_FLAG }), 'offer'), { address: '255.255.255.255', port: 68 });
  });

  test('NAK is broadcast unless relayed, even to a client with ciaddr', () => {
    assert.deepEqual(replyDestination(req({ ciaddr: '10.231.77.50' }), 'nak'), { address: '255.255.255.255', port: 68 });
    assert.deepEqual(replyDestination(req({ ciaddr: '10.231.77.50', giaddr: '10.231.77.3' }), 'nak'), { address: '10.231.77.3', port: 67 });
  });
});
