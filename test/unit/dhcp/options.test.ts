import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeDhcp } from '../../../electron/core/dhcp/codec.js';
import { Opt, type DhcpMessage } from '../../../electron/core/dhcp/message.js';
import * as o from '../../../electron/core/dhcp/options.js';
import { loadPacket } from '../../fixtures/dhcp/fixtures.js';

function opts(entries: [number, Buffer | number[] | string][]): Map<number, Buffer> {
  return new Map(entries.map(([code, v]) => [code, typeof v === 'string' ? Buffer.from(v, 'latin1') : Buffer.from(v)]));
}

function fixture(name: string): DhcpMessage {
  const r = decodeDhcp(loadPacket(name));
  if (!r.ok) assert.fail(r.error);
  return r.message;
}

describe('readers', () => {
  test('work on a message and on its options map alike', () => {
    const m = fixture('ovmf-pxe-request');
    assert.equal(o.requestedIp(m), '10.231.77.114');
    assert.equal(o.requestedIp(m.options), '10.231.77.114');
    assert.equal(o.serverId(m.options), '10.231.77.1');
    assert.equal(o.messageType(m.options), 3);
  });

  test('missing or malformed options read as null or empty, never throw', () => {
    const empty = new Map<number, Buffer>();
    assert.equal(o.messageType(empty), null);
    assert.equal(o.requestedIp(empty), null);
    assert.deepEqual(o.parameterList(empty), []);
    assert.deepEqual(o.userClasses(empty), []);
    assert.deepEqual(o.clientArch(empty), []);
    assert.equal(o.clientUuid(empty), null);
    const bad = opts([
      [Opt.MessageType, [1, 2]],
      [Opt.RequestedIp, [10, 0, 0]],
      [Opt.ServerId, [10, 0, 0, 1, 2]],
      [Opt.ClientArch, [0, 7, 9]], // odd length: the trailing byte is ignored
      [Opt.ClientNdi, [1, 2]],
      [Opt.ClientUuid, [0, 1, 2, 3]],
      [Opt.MaxMessageSize, [5]],
      [Opt.LeaseTime, [0, 0, 1]],
      [Opt.UserClass, []],
    ]);
    assert.equal(o.messageType(bad), null);
    assert.equal(o.requestedIp(bad), null);
    assert.equal(o.serverId(bad), null);
    assert.deepEqual(o.clientArch(bad), [7]);
    assert.equal(o.clientNdi(bad), null);
    assert.equal(o.clientUuid(bad), null);
    assert.equal(o.maxMessageSize(bad), null);
    assert.equal(o.leaseTime(bad), null);
    assert.deepEqual(o.userClasses(bad), []);
  });

  test('user class: iPXE sends a plain string (0x69 is no valid RFC 3004 length for 4 bytes)', () => {
    assert.deepEqual(o.userClasses(opts([[Opt.UserClass, 'iPXE']])), ['iPXE']);
    assert.deepEqual(o.userClasses(fixture('ipxe-bios-discover')), ['iPXE']);
    assert.deepEqual(o.userClasses(fixture('snponly-discover')), ['iPXE']);
  });

  test('user class: the RFC 3004 list form', () => {
    assert.deepEqual(o.userClasses(opts([[Opt.UserClass, '\x04iPXE']])), ['iPXE']);
    assert.deepEqual(o.userClasses(opts([[Opt.UserClass, '\x04iPXE\x07lab-one']])), ['iPXE', 'lab-one']);
    // a zero length or a length past the end means it was not the list form after all
    assert.deepEqual(o.userClasses(opts([[Opt.UserClass, '\x04iPXE\x00']])), ['\x04iPXE']);
    assert.deepEqual(o.userClasses(opts([[Opt.UserClass, '\x05iPXE']])), ['\x05iPXE']);
    assert.deepEqual(o.userClasses(opts([[Opt.UserClass, 'gPXE-lab']])), ['gPXE-lab']);
  });

  test('strings: latin1, trailing NULs dropped', () => {
    const m = opts([
      [Opt.Hostname, 'win-pc\0'],
      [Opt.VendorClass, 'MSFT 5.0'],
    ]);
    assert.equal(o.hostname(m), 'win-pc');
    assert.equal(o.vendorClass(m), 'MSFT 5.0');
    assert.equal(o.hostname(opts([[Opt.Hostname, [0x63, 0x61, 0x66, 0xe9]]])), 'caf\u00e9');
  });

  test('client arch is a list of uint16 (RFC 4578 allows several, most preferred first)', () => {
    assert.deepEqual(o.clientArch(opts([[Opt.ClientArch, [0, 7, 0, 16]]])), [7, 16]);
    assert.deepEqual(o.clientArch(fixture('ovmf-http-discover')), [16]);
    assert.deepEqual(o.clientArch(fixture('ipxe-bios-discover')), [0]);
  });

  test('client NDI', () => {
    assert.deepEqual(o.clientNdi(fixture('ovmf-pxe-discover')), { type: 1, major: 3, minor: 0 });
    assert.deepEqual(o.clientNdi(fixture('snponly-discover')), { type: 1, major: 3, minor: 10 });
    assert.deepEqual(o.clientNdi(fixture('ipxe-bios-discover')), { type: 1, major: 2, minor: 1 });
  });

  test('UUID: EFI/SMBIOS 2.6 byte order, the same string qemu -uuid and dmidecode show', () => {
    const wire = Buffer.from('00' + '78563412bc9af0de1122334455667788', 'hex');
    assert.equal(o.clientUuid(opts([[Opt.ClientUuid, wire]])), '12345678-9abc-def0-1122-334455667788');
    // real captures, all from VMs started with -uuid 12345678-9abc-def0-1122-334455667788: OVMF copies the
    // SMBIOS bytes, iPXE mangles its UUID into the same layout, so the host keeps one UUID across the chain
    for (const name of ['ovmf-pxe-discover', 'ovmf-http-discover', 'ipxe-bios-discover', 'snponly-discover']) {
      assert.equal(o.clientUuid(fixture(name)), '12345678-9abc-def0-1122-334455667788', name);
    }
    assert.equal(o.clientUuid(opts([[Opt.ClientUuid, Buffer.alloc(17)]])), null, 'all zeros = no UUID');
    assert.equal(o.clientUuid(opts([[Opt.ClientUuid, Buffer.concat([Buffer.from([1]), wire.subarray(1)])]])), null, 'unknown type');
  });

  test('client id, max message size, lease time, parameter list', () => {
    const d = fixture('udhcpc-discover');
    assert.deepEqual(o.clientId(d), Buffer.from('01525400aabb01', 'hex'));
    assert.equal(o.maxMessageSize(d), 576);
    assert.deepEqual(o.parameterList(d), [1, 3, 6, 12, 15, 28, 42]);
    assert.equal(o.leaseTime(fixture('dnsmasq-ack')), 3600);
    assert.equal(o.clientId(fixture('ovmf-pxe-discover')), null);
  });

  test('macOf uses hlen bytes of chaddr', () => {
    assert.equal(o.macOf(fixture('udhcpc-discover')), '52:54:00:aa:bb:01');
    assert.equal(o.macOf({ hlen: 3, chaddr: Buffer.from('0a0b0c0d', 'hex') }), '0a:0b:0c');
    assert.equal(o.macOf({ hlen: 0, chaddr: Buffer.alloc(16) }), '');
    assert.equal(o.macOf({ hlen: 16, chaddr: Buffer.alloc(6) }), '00:00:00:00:00:00', 'never reads past chaddr');
  });
});

describe('writers', () => {
  test('numbers, addresses and strings', () => {
    assert.deepEqual(o.u8Option(8), Buffer.from([8]));
    assert.deepEqual(o.u16Option(1500), Buffer.from([0x05, 0xdc]));
    assert.deepEqual(o.u32Option(86400), Buffer.from([0, 1, 0x51, 0x80]));
    assert.deepEqual(o.u32Option(0xffffffff), Buffer.from([255, 255, 255, 255]));
    assert.throws(() => o.u8Option(256));
    assert.throws(() => o.u16Option(-1));
    assert.deepEqual(o.ipOption('10.231.1.254'), Buffer.from([10, 231, 1, 254]));
    assert.deepEqual(o.ipListOption(['10.0.0.1', '10.0.0.2']), Buffer.from([10, 0, 0, 1, 10, 0, 0, 2]));
    assert.deepEqual(o.ipListOption([]), Buffer.alloc(0));
    assert.deepEqual(o.stringOption('undionly.kpxe'), Buffer.from('undionly.kpxe'));
    assert.throws(() => o.stringOption('\u{1f680}'), /latin1/);
  });

  test('PXE vendor options: sub-option 6 (discovery control) = 8, then End', () => {
    assert.deepEqual(o.pxeVendorOptions(), Buffer.from([6, 1, 8, 255]));
    assert.deepEqual(o.pxeVendorOptions({ discoveryControl: 3 }), Buffer.from([6, 1, 3, 255]));
  });
});
