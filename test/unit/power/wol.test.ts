import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMagicPacket, encodeMagicPacket, macBytes, secureOnBytes } from '../../../electron/core/power/wol.js';
import { wolDestinations } from '../../../electron/core/power/wol-driver.js';

describe('Wake-on-LAN magic packet', () => {
  test('6 × 0xFF then the MAC 16 times: 102 bytes', () => {
    const p = encodeMagicPacket('52:54:00:12:34:56');
    assert.equal(p.length, 102);
    assert.deepEqual([...p.subarray(0, 6)], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    for (let i = 0; i < 16; i += 1) assert.equal(p.subarray(6 + i * 6, 12 + i * 6).toString('hex'), '525400123456');
  });

  test('golden: the packet ether-wake sends for 00:11:22:33:44:55 with SecureOn 01:02:03:04:05:06', () => {
    const expected = 'ff'.repeat(6) + '001122334455'.repeat(16) + '010203040506';
    assert.equal(encodeMagicPacket('00-11-22-33-44-55', '01:02:03:04:05:06').toString('hex'), expected);
  });

  test('a 4-byte SecureOn password, as hex or as a dotted quad', () => {
    assert.equal(encodeMagicPacket('52:54:00:12:34:56', 'c0:a8:01:02').length, 106);
    assert.deepEqual(secureOnBytes('192.168.1.2'), Buffer.from([192, 168, 1, 2]));
    assert.deepEqual(secureOnBytes('c0-a8-01-02'), Buffer.from([192, 168, 1, 2]));
  });

  test('round trip, with and without a password', () => {
    for (const [mac, pw] of [
      ['52:54:00:12:34:56', null],
      ['aa:bb:cc:dd:ee:ff', '01:02:03:04'],
      ['00:00:00:00:00:01', 'de:ad:be:ef:00:01'],
    ] as const) {
      const decoded = decodeMagicPacket(encodeMagicPacket(mac, pw));
      assert.equal(decoded?.mac, mac);
      assert.equal(decoded?.secureOn?.toString('hex') ?? null, pw === null ? null : pw.replace(/:/g, ''));
    }
  });

  test('malformed input: MACs and passwords refused, non-packets decode to null', () => {
    assert.equal(macBytes('52:54:00:12:34'), null);
    assert.equal(macBytes('52:54:00:12:34:zz'), null);
    assert.throws(() => encodeMagicPacket('nope'));
    assert.throws(() => encodeMagicPacket('52:54:00:12:34:56', '01:02:03'));
    assert.equal(secureOnBytes('01:02:03:04:05'), null);
    assert.equal(secureOnBytes('300.1.1.1'), null);
    assert.equal(decodeMagicPacket(Buffer.alloc(102)), null);
    const broken = encodeMagicPacket('52:54:00:12:34:56');
    broken[51] = 0; // the 8th copy of the MAC (bytes 48–53), its 4th byte (0x12)
    assert.equal(decodeMagicPacket(broken), null);
    assert.equal(decodeMagicPacket(Buffer.alloc(10, 0xff)), null);
  });

  test('destinations: the limited broadcast and the directed broadcast of the served subnet', () => {
    assert.deepEqual(wolDestinations({ iface: 'x', address: '10.231.160.1', prefix: 24 }), ['255.255.255.255', '10.231.160.255']);
    assert.deepEqual(wolDestinations({ iface: 'x', address: '192.168.77.1', prefix: 23 }), ['255.255.255.255', '192.168.77.255']);
    assert.deepEqual(wolDestinations({ iface: 'x', address: '10.0.0.1', prefix: 0 }), ['255.255.255.255']);
  });
});
