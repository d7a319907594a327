import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeTftp, encodeAck, encodeError, encodeTftp, writeDataHeader, type TftpPacket } from '../../../electron/core/tftp/codec.js';

function roundTrip(p: TftpPacket): TftpPacket {
  const r = decodeTftp(encodeTftp(p));
  if (!r.ok) assert.fail(r.error);
  return r.packet;
}

describe('TFTP codec', () => {
  test('round trips every packet type', () => {
    const packets: TftpPacket[] = [
      {
        op: 'rrq',
        filename: 'undionly.kpxe',
        mode: 'octet',
        options: [
          { name: 'blksize', value: '1432' },
          { name: 'tsize', value: '0' },
        ],
      },
      { op: 'wrq', filename: 'up/load.bin', mode: 'netascii', options: [] },
      { op: 'data', block: 65535, data: Buffer.from('hello') },
      { op: 'data', block: 0, data: Buffer.alloc(0) },
      { op: 'ack', block: 0 },
      { op: 'ack', block: 65535 },
      { op: 'error', code: 8, message: 'User aborted the transfer' },
      {
        op: 'oack',
        options: [
          { name: 'tsize', value: '123' },
          { name: 'blksize', value: '1468' },
          { name: 'windowsize', value: '4' },
        ],
      },
      { op: 'rrq', filename: 'grüße/ü.efi', mode: 'octet', options: [] },
    ];
    for (const p of packets) assert.deepEqual(roundTrip(p), p);
  });

  test("decodes OVMF's size probe byte for byte", () => {
    // As OVMF sends it (ENVIRONMENT.md): RRQ snponly.efi octet tsize 0 blksize 1468 windowsize 4
    const bytes = Buffer.concat([
      Buffer.from([0, 1]),
      Buffer.from('snponly.efi\0octet\0tsize\x000\0blksize\x001468\0windowsize\x004\0', 'latin1'),
    ]);
    assert.deepEqual(decodeTftp(bytes), {
      ok: true,
      packet: {
        op: 'rrq',
        filename: 'snponly.efi',
        mode: 'octet',
        options: [
          { name: 'tsize', value: '0' },
          { name: 'blksize', value: '1468' },
          { name: 'windowsize', value: '4' },
        ],
      },
    });
  });

  test('mode is lower-cased (RFC 1350: case-insensitive); option names are kept as sent', () => {
    const r = decodeTftp(Buffer.concat([Buffer.from([0, 1]), Buffer.from('f\0OCTET\0BLKSIZE\x00512\0')]));
    assert.ok(r.ok && r.packet.op === 'rrq');
    assert.equal(r.packet.mode, 'octet');
    assert.deepEqual(r.packet.options, [{ name: 'BLKSIZE', value: '512' }]);
  });

  test('DATA payload is a view of the packet; header helpers write opcode and wrapped block', () => {
    const buf = Buffer.alloc(8);
    writeDataHeader(buf, 65536 + 7);
    assert.deepEqual([...buf.subarray(0, 4)], [0, 3, 0, 7]);
    assert.deepEqual([...encodeAck(65536)], [0, 4, 0, 0]);
    assert.deepEqual([...encodeError(2, 'x')], [0, 5, 0, 2, 0x78, 0]);
  });

  test('lenient where real clients are sloppy: ERROR without NUL, dangling option name, padded ACK', () => {
    assert.deepEqual(decodeTftp(Buffer.from([0, 5, 0, 8, 0x61])), { ok: true, packet: { op: 'error', code: 8, message: 'a' } });
    const r = decodeTftp(Buffer.concat([Buffer.from([0, 1]), Buffer.from('f\0octet\0blksize\0')]));
    assert.ok(r.ok && r.packet.op === 'rrq' && r.packet.options.length === 0);
    assert.deepEqual(decodeTftp(Buffer.from([0, 4, 0, 1, 0, 0])), { ok: true, packet: { op: 'ack', block: 1 } });
  });

  test('malformed packets are errors, not exceptions', () => {
    const bad = ['', '00', '000100', '0001616263', '00016100', '000100006f6300', '0000ffff', '0007000000', '0006616263'];
    for (const hex of bad) {
      const r = decodeTftp(Buffer.from(hex, 'hex'));
      assert.equal(r.ok, false, `${hex} decoded: ${JSON.stringify(r)}`);
    }
  });

  test('fuzz: 20,000 random and mutated packets never throw', () => {
    let seed = 12345;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const base = encodeTftp({ op: 'rrq', filename: 'a/b.efi', mode: 'octet', options: [{ name: 'tsize', value: '0' }] });
    for (let i = 0; i < 20_000; i += 1) {
      let buf: Buffer;
      if (i % 2 === 0) {
        buf = Buffer.from(Array.from({ length: Math.floor(rnd() * 40) }, () => Math.floor(rnd() * 256)));
        if (buf.length >= 2 && rnd() < 0.8) buf[1] = 1 + Math.floor(rnd() * 6);
        if (buf.length >= 1) buf[0] = 0;
      } else {
        buf = Buffer.from(base.subarray(0, Math.floor(rnd() * (base.length + 1))));
        for (let k = 0; k < 3 && buf.length > 0; k += 1) buf[Math.floor(rnd() * buf.length)] = Math.floor(rnd() * 256);
      }
      const r = decodeTftp(buf);
      assert.equal(typeof r.ok, 'boolean');
    }
  });
});
