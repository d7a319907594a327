import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { contentTypeFor, parseRange } from '../../../electron/core/http/file-response.js';

const GiB = 1024 ** 3;

describe('parseRange (RFC 9110 §14)', () => {
  test('no header, other units and syntax errors mean the whole file', () => {
    assert.deepEqual(parseRange(undefined, 100), { kind: 'full' });
    assert.deepEqual(parseRange('items=0-5', 100), { kind: 'full' });
    assert.deepEqual(parseRange('bytes=abc', 100), { kind: 'full' });
    assert.deepEqual(parseRange('bytes=5-2', 100), { kind: 'full' }); // last < first: invalid, ignored
    assert.deepEqual(parseRange('bytes=', 100), { kind: 'full' });
    assert.deepEqual(parseRange('bytes=1.5-2', 100), { kind: 'full' });
  });

  test('a-b, a- and -n', () => {
    assert.deepEqual(parseRange('bytes=0-9', 100), { kind: 'partial', start: 0, end: 9 });
    assert.deepEqual(parseRange('bytes=10-', 100), { kind: 'partial', start: 10, end: 99 });
    assert.deepEqual(parseRange('bytes=-10', 100), { kind: 'partial', start: 90, end: 99 });
    assert.deepEqual(parseRange('Bytes = 3-3', 100), { kind: 'partial', start: 3, end: 3 });
  });

  test('the last byte is clamped to the size; a suffix longer than the file is all of it', () => {
    assert.deepEqual(parseRange('bytes=50-1000', 100), { kind: 'partial', start: 50, end: 99 });
    assert.deepEqual(parseRange('bytes=-1000', 100), { kind: 'partial', start: 0, end: 99 });
  });

  test('offsets beyond 4 GiB stay exact', () => {
    const size = 5 * GiB + 123;
    assert.deepEqual(parseRange(`bytes=${4 * GiB + 7}-${4 * GiB + 1030}`, size), {
      kind: 'partial',
      start: 4 * GiB + 7,
      end: 4 * GiB + 1030,
    });
    assert.deepEqual(parseRange('bytes=-16', size), { kind: 'partial', start: size - 16, end: size - 1 });
  });

  test('unsatisfiable: start at or past the end, zero suffix, anything of an empty file', () => {
    assert.deepEqual(parseRange('bytes=100-', 100), { kind: 'unsatisfiable' });
    assert.deepEqual(parseRange('bytes=100-200', 100), { kind: 'unsatisfiable' });
    assert.deepEqual(parseRange('bytes=-0', 100), { kind: 'unsatisfiable' });
    assert.deepEqual(parseRange('bytes=0-', 0), { kind: 'unsatisfiable' });
    assert.deepEqual(parseRange('bytes=99999999999999999999-', 100), { kind: 'unsatisfiable' });
  });

  test('several ranges: the whole file when one is satisfiable, 416 when none is', () => {
    assert.deepEqual(parseRange('bytes=0-1,5-6', 100), { kind: 'full' });
    assert.deepEqual(parseRange('bytes=0-1, 500-600', 100), { kind: 'full' });
    assert.deepEqual(parseRange('bytes=200-300,400-', 100), { kind: 'unsatisfiable' });
  });
});

describe('contentTypeFor', () => {
  test('by extension, octets by default', () => {
    assert.match(contentTypeFor('x/52-54-00-00-00-01.ipxe'), /^text\/plain/);
    assert.equal(contentTypeFor('undionly.kpxe'), 'application/octet-stream');
    assert.equal(contentTypeFor('snponly.EFI'), 'application/octet-stream');
    assert.equal(contentTypeFor('install/vmlinuz'), 'application/octet-stream');
    assert.equal(contentTypeFor('preseed.cfg'), 'text/plain; charset=utf-8');
  });
});
