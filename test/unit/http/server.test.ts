import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bindError, parseRequestPath } from '../../../electron/core/http/server.js';
import { BootbenchError } from '../../../electron/core/errors.js';

describe('parseRequestPath', () => {
  test('plain paths split into decoded segments, query dropped, empty segments ignored', () => {
    assert.deepEqual(parseRequestPath('/boot/undionly.kpxe'), { ok: true, segments: ['boot', 'undionly.kpxe'] });
    assert.deepEqual(parseRequestPath('/iso/deb12//install/vmlinuz?x=1'), { ok: true, segments: ['iso', 'deb12', 'install', 'vmlinuz'] });
    assert.deepEqual(parseRequestPath('/a%20b/c%2Bd'), { ok: true, segments: ['a b', 'c+d'] });
    assert.deepEqual(parseRequestPath('/'), { ok: true, segments: [] });
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
    test(`refuses ${JSON.stringify(bad)} with 400`, () => {
      const r = parseRequestPath(bad);
      assert.equal(r.ok, false);
      if (!r.ok) assert.equal(r.status, 400);
    });
  }

  test('percent-encoding is decoded once only: %252e%252e stays a literal name', () => {
    assert.deepEqual(parseRequestPath('/boot/%252e%252e'), { ok: true, segments: ['boot', '%2e%2e'] });
  });
});

describe('bindError', () => {
  const err = (code: string) => Object.assign(new Error(code), { code });

  test('EADDRINUSE → PORT_IN_USE naming the holder and tcp', async () => {
    const e = await bindError(err('EADDRINUSE'), 80, '10.231.1.1', async () => 'nginx (pid 42)');
    assert.ok(e instanceof BootbenchError);
    assert.equal(e.code, 'PORT_IN_USE');
    assert.match(e.message, /Port 80\/tcp on 10\.231\.1\.1 is already in use by nginx \(pid 42\)/);
  });

  test('EACCES → BIND_DENIED with proto tcp', async () => {
    const e = await bindError(err('EACCES'), 80, '10.231.1.1', async () => null);
    assert.ok(e instanceof BootbenchError);
    assert.equal(e.code, 'BIND_DENIED');
    assert.match(e.message, /Port 80\/tcp on 10\.231\.1\.1 needs privileges/);
  });

  test('other errors pass through', async () => {
    const original = err('EADDRNOTAVAIL');
    assert.equal(await bindError(original, 80, '10.9.9.9'), original);
  });
});
