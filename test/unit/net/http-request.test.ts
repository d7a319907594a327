import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequestTarget } from '../../../electron/core/net/http-request.js';

function segmentsOf(target: string): string[] {
  const r = parseRequestTarget(target);
  assert.ok(r.ok, `${target}: ${r.ok ? '' : r.reason}`);
  return r.ok ? r.segments : [];
}

describe('parseRequestTarget', () => {
  test('plain paths split into decoded segments, query dropped, empty segments ignored', () => {
    assert.deepEqual(segmentsOf('/boot/undionly.kpxe'), ['boot', 'undionly.kpxe']);
    assert.deepEqual(segmentsOf('/iso/deb12//install/vmlinuz?x=1'), ['iso', 'deb12', 'install', 'vmlinuz']);
    assert.deepEqual(segmentsOf('/a%20b/c%2Bd'), ['a b', 'c+d']);
    assert.deepEqual(segmentsOf('/'), []);
  });

  test('the query is kept apart, decoded', () => {
    const r = parseRequestTarget('/api/events?since=5&mac=52%3A54');
    assert.ok(r.ok);
    if (r.ok)
      assert.deepEqual(
        [...r.query],
        [
          ['since', '5'],
          ['mac', '52:54'],
        ],
      );
  });

  for (const bad of [
    '/boot/../etc/passwd',
    '/boot/%2e%2e/etc/passwd',
    '/boot/%2E%2E/x',
    '/boot/..%2fetc%2fpasswd',
    '/boot/a%2fb',
    '/boot/.',
    '/boot/a\\b',
    '/boot/..\\..\\x',
    '/boot/a%5cb',
    '/boot/a%00b',
    '/boot/%zz',
    'boot/x',
    'http://evil/boot/x',
  ]) {
    test(`refuses ${JSON.stringify(bad)} with a reason`, () => {
      const r = parseRequestTarget(bad);
      assert.equal(r.ok, false);
      if (!r.ok) assert.ok(r.reason.length > 0);
    });
  }

  test('percent-encoding is decoded once only: %252e%252e stays a literal name', () => {
    assert.deepEqual(segmentsOf('/boot/%252e%252e'), ['boot', '%2e%2e']);
  });
});
