import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeEchoRequest, internetChecksum, parseEchoReply } from '../../../electron/core/net/icmp-probe.js';

describe('ICMP echo codec', () => {
  test('the RFC 1071 checksum of a packet including its checksum is 0', () => {
    const req = encodeEchoRequest(0x1234, 0xbeef, Buffer.from('abc')); // odd length on purpose
    assert.equal(internetChecksum(req), 0);
    assert.deepEqual([...req.subarray(0, 2)], [8, 0]);
    assert.equal(req.readUInt16BE(4), 0x1234);
    assert.equal(req.readUInt16BE(6), 0xbeef);
  });

  test('an echo request captured from iputils ping has the checksum ping computed', () => {
    // tcpdump -xx of `ping -c 1 -s 16 127.0.0.1`: ICMP echo request, id 13683, seq 1, length 24
    const captured = Buffer.from('0800228135730001' + '53d7076b0000000040c8040000000000', 'hex');
    assert.deepEqual(encodeEchoRequest(13683, 1, captured.subarray(8)), captured);
  });

  test('parses an echo reply read from a raw socket (IPv4 header first)', () => {
    const icmp = encodeEchoRequest(7, 9);
    icmp[0] = 0; // echo reply
    const ip = Buffer.from('4500000000004000400100000a e7 3f 0a 0a e7 3f 01'.replace(/ /g, ''), 'hex');
    assert.deepEqual(parseEchoReply(Buffer.concat([ip, icmp])), { source: '10.231.63.10', id: 7, seq: 9 });
  });

  test('ignores what is not an echo reply', () => {
    const ip = Buffer.from('450000000000400040010000' + '0ae73f0a' + '0ae73f01', 'hex');
    assert.equal(parseEchoReply(Buffer.concat([ip, encodeEchoRequest(7, 9)])), null, 'a request');
    assert.equal(parseEchoReply(Buffer.alloc(10)), null, 'too short');
    const udp = Buffer.from(ip);
    udp[9] = 17;
    const reply = encodeEchoRequest(7, 9);
    reply[0] = 0;
    assert.equal(parseEchoReply(Buffer.concat([udp, reply])), null, 'not ICMP');
  });
});
