import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DecodeError } from '../../../electron/core/iso/errors.js';
import {
  decodeSusp,
  findSp,
  hasRockRidgeExtension,
  newRockRidgeState,
  rockName,
  rockTarget,
  S_IFLNK,
} from '../../../electron/core/iso/rock-ridge.js';
import { ce, cl, entry, er, nm, px, re, sl, sp } from './fixture.js';

function decode(...entries: Buffer[]) {
  const buf = Buffer.concat(entries);
  const st = newRockRidgeState();
  const cont = decodeSusp(buf, 0, buf.length, st);
  return { st, cont };
}

describe('SUSP and Rock Ridge entries', () => {
  test('SP: found at 0 or after 14 XA bytes, with its skip length', () => {
    const a = Buffer.concat([sp(0), er()]);
    assert.deepEqual(findSp(a, 0, a.length), { skip: 0, at: 0 });
    const b = Buffer.concat([Buffer.alloc(14), sp(14)]);
    assert.deepEqual(findSp(b, 0, b.length), { skip: 14, at: 14 });
    assert.equal(findSp(Buffer.concat([nm('x')]), 0, 6), null);
  });

  test('ER identifies Rock Ridge', () => {
    assert.ok(hasRockRidgeExtension(decode(sp(), er('IEEE_P1282')).st));
    assert.ok(!hasRockRidgeExtension(decode(sp(), er('AAIP_0200')).st));
  });

  test('NM continued across entries, UTF-8 split between them', () => {
    const bytes = Buffer.from('vmlinuz-ünïcode', 'utf8');
    const cut = bytes.indexOf(0xc3) + 1; // inside the two bytes of "ü"
    const nm1 = entry('NM', Buffer.concat([Buffer.from([1]), bytes.subarray(0, cut)]));
    const nm2 = entry('NM', Buffer.concat([Buffer.from([0]), bytes.subarray(cut)]));
    const { st } = decode(px(0o100644), nm1, nm2);
    assert.equal(rockName(st), 'vmlinuz-ünïcode');
    assert.equal(st.mode, 0o100644);
    assert.ok(st.rock);
  });

  test('NM "." and ".." flags carry no name', () => {
    assert.equal(rockName(decode(nm('', 2)).st), null);
  });

  test('SL: root, components, parent and current', () => {
    assert.equal(
      rockTarget(
        decode(
          sl([
            [8, ''],
            [0, 'usr'],
            [0, 'lib64'],
          ]),
        ).st,
      ),
      '/usr/lib64',
    );
    assert.equal(
      rockTarget(
        decode(
          sl([
            [4, ''],
            [4, ''],
            [0, 'x'],
          ]),
        ).st,
      ),
      '../../x',
    );
    assert.equal(
      rockTarget(
        decode(
          sl([
            [2, ''],
            [0, 'y'],
          ]),
        ).st,
      ),
      './y',
    );
    assert.equal(rockTarget(decode(sl([[8, '']])).st), '/');
    assert.equal(rockTarget(decode(nm('plain')).st), null);
  });

  test('SL: a component continued in the next record and across SL entries', () => {
    const { st } = decode(
      px(S_IFLNK | 0o777),
      sl(
        [
          [0, 'a'],
          [1, 'long-com'],
        ],
        1,
      ),
      sl([
        [0, 'ponent'],
        [0, 'b'],
      ]),
    );
    assert.equal(rockTarget(st), 'a/long-component/b');
  });

  test('SL continued into a continuation area (state carried by the accumulator)', () => {
    const first = Buffer.concat([
      sl(
        [
          [8, ''],
          [1, 'ab'],
        ],
        1,
      ),
      ce(40, 100, 20),
    ]);
    const st = newRockRidgeState();
    const cont = decodeSusp(first, 0, first.length, st);
    assert.deepEqual(cont, { block: 40, offset: 100, length: 20 });
    const area = sl([
      [0, 'cd'],
      [0, 'e'],
    ]);
    assert.equal(decodeSusp(area, 0, area.length, st), null);
    assert.equal(rockTarget(st), '/abcd/e');
  });

  test('TF: modify time in short and long form', () => {
    const short = entry('TF', [0x03, 124, 1, 1, 0, 0, 0, 0, 124, 6, 30, 23, 59, 58, 0]); // creation, modify
    assert.equal(decode(short).st.mtime?.toISOString(), '2024-06-30T23:59:58.000Z');
    const long = entry('TF', Buffer.concat([Buffer.from([0x82]), Buffer.from('2021123123595900'), Buffer.from([4])]));
    assert.equal(decode(long).st.mtime?.toISOString(), '2021-12-31T22:59:59.000Z');
    assert.equal(decode(entry('TF', [0x01, 124, 1, 1, 0, 0, 0, 0])).st.mtime, null);
  });

  test('RE and CL: deep directory relocation', () => {
    assert.ok(decode(re()).st.relocated);
    assert.equal(decode(cl(321)).st.childLink, 321);
  });

  test('ST ends the area; zero padding ends it', () => {
    assert.equal(rockName(decode(nm('a'), entry('ST', []), nm('b')).st), 'a');
    assert.equal(rockName(decode(nm('a'), Buffer.alloc(6)).st), 'a');
  });

  test('entries that do not fit throw DecodeError', () => {
    const bad = nm('abc');
    bad[2] = 200;
    assert.throws(() => decode(bad), DecodeError);
    const tiny = nm('abc');
    tiny[2] = 2;
    assert.throws(() => decode(tiny), /length 2/);
    const slBad = sl([[0, 'abc']]);
    slBad[6] = 50; // component length past the entry
    assert.throws(() => decode(slBad), /SL component/);
    assert.throws(() => decode(entry('CE', [1, 2, 3])), /CE entry/);
  });
});
