import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bufferToIp, ipToBuffer, readIp, writeIp } from '../../../electron/core/net/ipv4-bytes.js';

describe('IPv4 addresses as bytes', () => {
  test('ipToBuffer and bufferToIp are inverses; bad input is a programmer error', () => {
    for (const ip of ['0.0.0.0', '255.255.255.255', '10.231.7.42', '192.168.100.1']) {
      assert.equal(bufferToIp(ipToBuffer(ip)), ip);
    }
    assert.equal(bufferToIp(Buffer.from([9, 9, 10, 231, 0, 1]), 2), '10.231.0.1');
    for (const bad of ['', '1.2.3', '1.2.3.4.', '256.1.1.1', '1.2.3.1000', 'a.b.c.d', ' 1.2.3.4', '-1.2.3.4']) {
      assert.throws(() => ipToBuffer(bad), /not an IPv4 address/, bad);
    }
    assert.throws(() => bufferToIp(Buffer.from([1, 2, 3])));
  });

  test('readIp and writeIp work in place, at any offset', () => {
    const b = Buffer.alloc(8);
    writeIp(b, 3, '10.231.77.9');
    assert.deepEqual([...b], [0, 0, 0, 10, 231, 77, 9, 0]);
    assert.equal(readIp(b, 3), '10.231.77.9');
    assert.throws(() => writeIp(b, 0, '10.0.0', 'yiaddr'), /yiaddr is not an IPv4 address/);
  });
});
