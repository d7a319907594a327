import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { jolietLevel, scanDescriptors, ucs2 } from '../../../electron/core/iso/descriptors.js';
import { DecodeError } from '../../../electron/core/iso/errors.js';
import { record, terminator, volumeDescriptor } from './fixture.js';

const root = record({ name: '\0', location: 20, length: 2048, flags: 2 });

function udfSector(id: string): Buffer {
  const d = Buffer.alloc(2048);
  d.write(id, 1, 'latin1');
  d[6] = 1;
  return d;
}

describe('volume descriptors', () => {
  test('primary + terminator', () => {
    const scan = scanDescriptors(Buffer.concat([volumeDescriptor({ volid: 'ROCKY_9', root, volumeBlocks: 1234 }), terminator()]));
    assert.equal(scan.kind, 'ok');
    if (scan.kind !== 'ok') return;
    assert.equal(scan.set.primary.volumeId, 'ROCKY_9');
    assert.equal(scan.set.primary.blockSize, 2048);
    assert.equal(scan.set.primary.volumeBlocks, 1234);
    assert.equal(scan.set.primary.root[2], 20);
    assert.equal(scan.set.joliet, null);
    assert.equal(scan.set.udf, false);
  });

  test('Joliet SVD with its level and UCS-2 volume id; UDF after the terminator', () => {
    const svd = volumeDescriptor({ type: 2, root, escapes: Buffer.from('%/E'), volid: '' });
    Buffer.from('\0W\0i\0n', 'latin1').copy(svd, 40);
    svd.fill(0, 46, 72);
    const scan = scanDescriptors(
      Buffer.concat([volumeDescriptor({ root }), svd, terminator(), udfSector('BEA01'), udfSector('NSR02'), udfSector('TEA01')]),
    );
    assert.equal(scan.kind, 'ok');
    if (scan.kind !== 'ok') return;
    assert.equal(scan.set.joliet?.level, 3);
    assert.equal(scan.set.joliet?.volumeId, 'Win');
    assert.equal(scan.set.udf, true);
  });

  test('an SVD without a UCS-2 escape is not Joliet', () => {
    const scan = scanDescriptors(Buffer.concat([volumeDescriptor({ root }), volumeDescriptor({ type: 2, root }), terminator()]));
    assert.ok(scan.kind === 'ok' && scan.set.joliet === null);
  });

  test('not an ISO: text, zeros, a UDF-only volume', () => {
    const text = scanDescriptors(Buffer.from('hello world, this is a text file\n'.repeat(100)));
    assert.equal(text.kind, 'not-iso');
    assert.match(text.kind === 'not-iso' ? text.found : '', /^text "hello world/);
    const zeros = scanDescriptors(Buffer.alloc(4096));
    assert.ok(zeros.kind === 'not-iso' && zeros.found === 'zeros');
    const udf = scanDescriptors(Buffer.concat([udfSector('BEA01'), udfSector('NSR03')]));
    assert.ok(udf.kind === 'not-iso' && /UDF/.test(udf.found));
  });

  test('no terminator in the bytes given: unterminated', () => {
    assert.equal(scanDescriptors(volumeDescriptor({ root })).kind, 'unterminated');
  });

  test('impossible values throw DecodeError', () => {
    assert.throws(() => scanDescriptors(Buffer.concat([volumeDescriptor({ root, blockSize: 3000 }), terminator()])), DecodeError);
    assert.throws(() => scanDescriptors(Buffer.concat([volumeDescriptor({ root, volumeBlocks: 0 }), terminator()])), /0 blocks/);
    assert.throws(
      () => scanDescriptors(Buffer.concat([volumeDescriptor({ root: Buffer.alloc(34) }), terminator()])),
      /root directory record/,
    );
    assert.throws(() => scanDescriptors(Buffer.concat([volumeDescriptor({ root }), Buffer.alloc(2048), terminator()])), /no CD001/);
    assert.throws(
      () => scanDescriptors(Buffer.concat([volumeDescriptor({ type: 2, root, escapes: Buffer.from('%/@') }), terminator()])),
      /no primary/,
    );
  });

  test('Joliet escapes and UCS-2', () => {
    assert.equal(jolietLevel(Buffer.from('%/@')), 1);
    assert.equal(jolietLevel(Buffer.from('\0\0%/C')), 2);
    assert.equal(jolietLevel(Buffer.from('%/X')), null);
    assert.equal(ucs2(Buffer.from([0x00, 0x41, 0x00, 0xe9, 0x4e, 0x2d, 0, 0])), 'Aé中');
  });
});
