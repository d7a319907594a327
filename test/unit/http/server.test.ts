import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bindError } from '../../../electron/core/http/server.js';
import { BootbenchError } from '../../../electron/core/errors.js';

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
