import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeLongDate, decodeShortDate } from '../../../electron/core/iso/bytes.js';
import { decodeDirectory, decodeRecord, FLAG_DIRECTORY, isSelfOrParent, recordDate } from '../../../electron/core/iso/directory.js';
import { DecodeError } from '../../../electron/core/iso/errors.js';
import { checkName, jolietName, plainName } from '../../../electron/core/iso/names.js';
import { directory, record } from './fixture.js';

describe('directory records', () => {
  test('fields, the padding byte after an even name, the system use area', () => {
    const su = Buffer.from('SUSPDATA');
    const buf = record({ name: 'AB.TXT;1', location: 77, length: 5000, flags: 0x80, su, xar: 2 });
    const rec = decodeRecord(buf, 0);
    assert.equal(rec.location, 77);
    assert.equal(rec.dataLength, 5000);
    assert.equal(rec.flags, 0x80);
    assert.equal(rec.xarLength, 2);
    assert.equal(plainName(buf, rec.nameStart, rec.nameLength), 'AB.TXT');
    assert.equal(rec.suStart, 33 + 8 + 1);
    assert.equal(buf.toString('latin1', rec.suStart, rec.suStart + 8), 'SUSPDATA');
    const odd = decodeRecord(record({ name: 'ABC', su }), 0);
    assert.equal(odd.suStart, 36);
  });

  test('a whole extent: "." and "..", records in two blocks, zero bytes skip to the next block', () => {
    const recs = [record({ name: '\0', flags: FLAG_DIRECTORY }), record({ name: '\x01', flags: FLAG_DIRECTORY })];
    for (let i = 0; i < 80; i++) recs.push(record({ name: `FILE${String(i).padStart(4, '0')}.BIN;1`, location: 100 + i, length: i }));
    const buf = directory(recs);
    assert.equal(buf.length, 4096);
    const decoded = decodeDirectory(buf, buf.length, 2048);
    assert.equal(decoded.length, 82);
    assert.ok(isSelfOrParent(buf, decoded[0]!) && isSelfOrParent(buf, decoded[1]!));
    assert.ok(
      decoded.some((r) => r.offset >= 2048),
      'records continue in the second block',
    );
    assert.equal(plainName(buf, decoded[81]!.nameStart, decoded[81]!.nameLength), 'FILE0079.BIN');
    assert.equal(decoded[81]!.location, 179);
  });

  test('a length shorter than the extent stops there', () => {
    const buf = directory([record({ name: '\0' }), record({ name: 'A' })]);
    assert.equal(decodeDirectory(buf, 34, 2048).length, 1);
  });

  test('bad records throw DecodeError', () => {
    const buf = directory([record({ name: '\0' })]);
    buf[34] = 20; // a record of 20 bytes: too short
    assert.throws(() => decodeDirectory(buf, 2048, 2048), /20 bytes long/);
    const past = directory([record({ name: '\0' })]);
    past[34] = 100; // a 100-byte record at 34 in an extent of 100 bytes
    assert.throws(() => decodeDirectory(past, 100, 2048), /runs past/);
    const filler = [
      ...Array.from({ length: 8 }, () => record({ name: 'A', su: Buffer.alloc(192) })),
      record({ name: 'A', su: Buffer.alloc(198) }),
    ];
    const block = Buffer.alloc(4096);
    Buffer.concat(filler).copy(block); // 8 × 226 + 232 = 2040 bytes of records
    block[2040] = 40; // 40 bytes from 2040 cross into the next block
    assert.throws(() => decodeDirectory(block, 4096, 2048), /runs past the end of its block/);
    const name = record({ name: 'ABC' });
    name[32] = 200;
    assert.throws(() => decodeRecord(name, 0), DecodeError);
    const zeroName = record({ name: 'A' });
    zeroName[32] = 0;
    assert.throws(() => decodeRecord(zeroName, 0), /name of 0 bytes/);
  });

  test('dates: 7-byte record dates with time zone, 17-byte long dates, unspecified', () => {
    const buf = record({ name: 'A', date: [124, 5, 17, 12, 30, 15, 8] }); // 2024-05-17 12:30:15 GMT+2
    assert.equal(recordDate(buf, decodeRecord(buf, 0))?.toISOString(), '2024-05-17T10:30:15.000Z');
    assert.equal(decodeShortDate(Buffer.alloc(7), 0), null);
    const long = Buffer.concat([Buffer.from('2023010203040550'), Buffer.from([0xfc])]); // GMT-1
    assert.equal(decodeLongDate(long, 0)?.toISOString(), '2023-01-02T04:04:05.500Z');
    assert.equal(decodeLongDate(Buffer.concat([Buffer.from('0000000000000000'), Buffer.from([0])]), 0), null);
  });
});

describe('names', () => {
  test('plain ISO 9660: version and the dot of an extension-less name go', () => {
    const n = (s: string) => plainName(Buffer.from(s, 'latin1'), 0, s.length);
    assert.equal(n('VMLINUZ.;1'), 'VMLINUZ');
    assert.equal(n('INITRD.IMG;1'), 'INITRD.IMG');
    assert.equal(n('ISOLINUX'), 'ISOLINUX');
    assert.equal(n('A.B.C;12'), 'A.B.C');
  });

  test('Joliet: UCS-2 BE with ;1', () => {
    const b = Buffer.from('\0r\0e\0a\0d\0m\0e\0.\0t\0x\0t\0;\x001', 'latin1');
    assert.equal(jolietName(b, 0, b.length), 'readme.txt');
  });

  test('names that would break paths are refused', () => {
    for (const bad of ['', '.', '..', 'a/b', 'x\0']) assert.throws(() => checkName(bad), DecodeError);
    assert.doesNotThrow(() => checkName('ok name ü'));
  });
});
