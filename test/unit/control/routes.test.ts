// Route mechanics that later routes rely on (path parameters, zod-validated JSON bodies, 204),
// through the untyped layer under startControlApi with a route table of this test's own.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { MacAddress } from '../../../electron/shared/schemas.js';
import { BootbenchError } from '../../../electron/core/errors.js';
import { EventBus } from '../../../electron/core/events.js';
import {
  startRouteServer,
  type ControlApi,
  type RouteKey,
  type RouteTable,
  type UntypedHandler,
} from '../../../electron/core/control/control-api.js';
import { newToken } from '../../../electron/core/control/auth.js';
import { ControlClient } from '../../../electron/core/control/client.js';

const routes: RouteTable = {
  'GET /api/hosts/:mac': { params: z.object({ mac: MacAddress }) },
  'POST /api/hosts/:mac/install': {
    params: z.object({ mac: MacAddress }),
    body: z.object({ distro: z.string().min(1), settings: z.record(z.string(), z.string()).optional() }),
  },
  'DELETE /api/hosts/:mac/install': { params: z.object({ mac: MacAddress }) },
  'GET /api/declared-only': {},
};

describe('control API route mechanics', () => {
  const token = newToken();
  const bus = new EventBus();
  const calls: unknown[] = [];
  let api: ControlApi;
  const handlers: Record<string, UntypedHandler> = {
    'GET /api/hosts/:mac': ({ params }) => ({ got: params }),
    'POST /api/hosts/:mac/install': (input) => {
      calls.push(input);
      const { body } = input as { body: { distro: string } };
      if (body.distro === 'missing') throw new BootbenchError('BAD_ARGUMENT', { message: 'No distro "missing".' });
      return { queued: true, ...input };
    },
    'DELETE /api/hosts/:mac/install': () => undefined,
  };
  const post = (path: string, body: string, contentType = 'application/json') =>
    fetch(`${api.url}${path}`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': contentType }, body });

  before(async () => {
    api = await startRouteServer({ port: 0, token, bus, routes, handlers });
  });
  after(async () => {
    await api.close();
  });

  test('path parameters are decoded per segment and validated by their schema', async () => {
    const res = await fetch(`${api.url}/api/hosts/52-54-00-AA-BB-CC`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { got: { mac: '52:54:00:aa:bb:cc' } });
    const encoded = await fetch(`${api.url}/api/hosts/52%3A54%3A00%3Aaa%3Abb%3Acc`, { headers: { Authorization: `Bearer ${token}` } });
    assert.deepEqual(await encoded.json(), { got: { mac: '52:54:00:aa:bb:cc' } });
    const bad = await fetch(`${api.url}/api/hosts/nope`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: { message: string } }).error.message, /^params\.mac: /);
  });

  test('a POST body is JSON, validated, and handed to the handler with params', async () => {
    const ok = await post('/api/hosts/52:54:00:aa:bb:cc/install', JSON.stringify({ distro: 'debian-12', extra: 'stripped' }));
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { queued: true, params: { mac: '52:54:00:aa:bb:cc' }, body: { distro: 'debian-12' } });

    const invalid = await post('/api/hosts/52:54:00:aa:bb:cc/install', JSON.stringify({ distro: '' }));
    assert.equal(invalid.status, 400);
    assert.match(((await invalid.json()) as { error: { message: string } }).error.message, /^body\.distro: /);

    const notJson = await post('/api/hosts/52:54:00:aa:bb:cc/install', '{distro:');
    assert.equal(notJson.status, 400);
    assert.equal(((await notJson.json()) as { error: { code: string } }).error.code, 'BAD_REQUEST');

    const form = await post('/api/hosts/52:54:00:aa:bb:cc/install', 'distro=debian', 'application/x-www-form-urlencoded');
    assert.equal(form.status, 415, 'a cross-site form cannot send application/json, and is not accepted');

    const huge = await post('/api/hosts/52:54:00:aa:bb:cc/install', JSON.stringify({ distro: 'x'.repeat(2 * 1024 * 1024) }));
    assert.equal(huge.status, 413);

    const refused = await post('/api/hosts/52:54:00:aa:bb:cc/install', JSON.stringify({ distro: 'missing' }));
    assert.equal(refused.status, 400);
    assert.deepEqual(await refused.json(), { error: { code: 'BAD_ARGUMENT', message: 'No distro "missing".' } });
  });

  test('a handler returning nothing answers 204; other methods 405 listing the allowed ones', async () => {
    const del = await fetch(`${api.url}/api/hosts/52:54:00:aa:bb:cc/install`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${token}` },
    });
    assert.equal(del.status, 204);
    assert.equal(del.headers.get('cache-control'), 'no-store');
    const put = await fetch(`${api.url}/api/hosts/52:54:00:aa:bb:cc/install`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${token}` },
    });
    assert.equal(put.status, 405);
    assert.equal(put.headers.get('allow'), 'POST, DELETE');
  });

  test('a declared route without a handler answers 501', async () => {
    const res = await fetch(`${api.url}/api/declared-only`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(res.status, 501);
  });

  test('the client fills path parameters (encoded) and sends the JSON body', async () => {
    const client = new ControlClient(api.url, token);
    calls.length = 0;
    // The contract has no such route yet: the cast stands in for a future ControlRoutes entry.
    const route = 'POST /api/hosts/:mac/install' as unknown as RouteKey;
    const out = await client.call(route, { params: { mac: '52:54:00:AA:BB:CC' }, body: { distro: 'alma-9' } } as never);
    assert.deepEqual(out, { queued: true, params: { mac: '52:54:00:aa:bb:cc' }, body: { distro: 'alma-9' } });
    await assert.rejects(
      client.call(route, { params: {}, body: { distro: 'x' } } as never),
      (e: BootbenchError) => e.code === 'BAD_ARGUMENT' && /mac/.test(e.message),
    );
  });
});
