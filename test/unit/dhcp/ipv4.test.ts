import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultPool, inSubnet, intToIp, ipToInt, isIpv4, parsePool, prefixToMask, subnetOf } from '../../../electron/core/dhcp/ipv4.js';

describe('ipToInt / intToIp', () => {
  test('round trip over edge and random addresses', () => {
    const samples = ['0.0.0.0', '255.255.255.255', '10.231.77.1', '192.168.0.255', '128.0.0.0', '127.0.0.1'];
    for (let i = 0; i < 500; i += 1) samples.push([0, 0, 0, 0].map(() => Math.floor(Math.random() * 256)).join('.'));
    for (const ip of samples) assert.equal(intToIp(ipToInt(ip)), ip);
  });

  test('values are unsigned 32-bit numbers', () => {
    assert.equal(ipToInt('255.255.255.255'), 0xffffffff);
    assert.equal(ipToInt('128.0.0.1'), 0x80000001);
    assert.equal(ipToInt('10.0.0.1'), 0x0a000001);
    assert.equal(intToIp(0xc0a80101), '192.168.1.1');
  });

  test('rejects what is not a dotted quad', () => {
    for (const bad of [
      '',
      '1.2.3',
      '1.2.3.4.5',
      '1.2.3.256',
      '1.2.3.-1',
      'a.b.c.d',
      '1.2.3.',
      ' 1.2.3.4',
      '1.2.3.4 ',
      '1.2.3.1000',
      '0x1.2.3.4',
    ]) {
      assert.throws(() => ipToInt(bad), /not an IPv4 address/, bad);
      assert.equal(isIpv4(bad), false, bad);
    }
    assert.equal(isIpv4('10.231.77.1'), true);
  });
});

describe('subnetOf', () => {
  test('a /24', () => {
    const s = subnetOf('10.231.77.1', 24);
    assert.equal(intToIp(s.network), '10.231.77.0');
    assert.equal(intToIp(s.broadcast), '10.231.77.255');
    assert.equal(intToIp(s.mask), '255.255.255.0');
    assert.equal(s.prefix, 24);
  });

  test('/30, /16, /0, /32 and a high-bit network', () => {
    const s30 = subnetOf('10.0.0.6', 30);
    assert.deepEqual([intToIp(s30.network), intToIp(s30.broadcast)], ['10.0.0.4', '10.0.0.7']);
    const s16 = subnetOf('172.16.200.9', 16);
    assert.deepEqual([intToIp(s16.network), intToIp(s16.broadcast)], ['172.16.0.0', '172.16.255.255']);
    const s0 = subnetOf('1.2.3.4', 0);
    assert.deepEqual([intToIp(s0.network), intToIp(s0.broadcast)], ['0.0.0.0', '255.255.255.255']);
    const s32 = subnetOf('1.2.3.4', 32);
    assert.deepEqual([intToIp(s32.network), intToIp(s32.broadcast)], ['1.2.3.4', '1.2.3.4']);
    const high = subnetOf('200.1.2.3', 8);
    assert.ok(high.network >= 0 && high.broadcast >= 0, 'no negative numbers from bit operations');
    assert.deepEqual([intToIp(high.network), intToIp(high.broadcast)], ['200.0.0.0', '200.255.255.255']);
    assert.equal(prefixToMask(0), 0);
    assert.equal(prefixToMask(32), 0xffffffff);
  });

  test('inSubnet', () => {
    const s = subnetOf('192.168.10.1', 24);
    assert.equal(inSubnet(ipToInt('192.168.10.200'), s), true);
    assert.equal(inSubnet(ipToInt('192.168.11.1'), s), false);
    assert.equal(inSubnet(ipToInt('200.168.10.1'), subnetOf('200.168.10.1', 24)), true);
  });
});

describe('defaultPool', () => {
  function check(serverIp: string, prefix: number) {
    const pool = defaultPool(serverIp, prefix);
    const s = subnetOf(serverIp, prefix);
    const server = ipToInt(serverIp);
    assert.ok(pool.start <= pool.end, 'non-empty');
    assert.ok(pool.start > s.network, 'never the network address');
    assert.ok(pool.end < s.broadcast, 'never the broadcast address');
    assert.ok(pool.end - pool.start + 1 <= 1024, 'at most 1,024 addresses');
    return { pool, server };
  }

  test('/24 with the server at .1 is .128-.254, never the server', () => {
    const { pool, server } = check('10.231.77.1', 24);
    assert.equal(intToIp(pool.start), '10.231.77.128');
    assert.equal(intToIp(pool.end), '10.231.77.254');
    assert.ok(server < pool.start || server > pool.end);
  });

  test('/30: the two host addresses (the lease table skips the server)', () => {
    const { pool } = check('10.0.0.1', 30);
    assert.deepEqual([intToIp(pool.start), intToIp(pool.end)], ['10.0.0.1', '10.0.0.2']);
  });

  test('/16 is capped at 1,024 addresses in the upper half', () => {
    const { pool } = check('172.16.0.1', 16);
    assert.equal(pool.end - pool.start + 1, 1024);
    assert.equal(intToIp(pool.start), '172.16.128.0');
    assert.equal(intToIp(pool.end), '172.16.131.255');
  });

  test('various prefixes stay inside the subnet', () => {
    for (const prefix of [8, 12, 20, 23, 25, 26, 27, 28, 29, 30]) check('10.20.30.41', prefix);
  });
});

describe('parsePool', () => {
  test('valid range', () => {
    assert.deepEqual(parsePool('10.0.0.100-10.0.0.199'), { start: ipToInt('10.0.0.100'), end: ipToInt('10.0.0.199') });
    assert.deepEqual(parsePool('10.0.0.5-10.0.0.5'), { start: ipToInt('10.0.0.5'), end: ipToInt('10.0.0.5') });
  });

  test('errors are reasons, not exceptions', () => {
    assert.match(parsePool('10.0.0.1') as string, /START-END/);
    assert.match(parsePool('10.0.0.1-') as string, /START-END/);
    assert.match(parsePool('-10.0.0.1') as string, /START-END/);
    assert.match(parsePool('10.0.0.1-10.0.0.2-10.0.0.3') as string, /START-END/);
    assert.match(parsePool('10.0.0.1-10.0.0.300') as string, /IPv4/);
    assert.match(parsePool('foo-bar') as string, /IPv4/);
    assert.match(parsePool('10.0.0.9-10.0.0.1') as string, /before the start/);
  });
});
