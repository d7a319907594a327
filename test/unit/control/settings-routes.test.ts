// The settings routes over real HTTP with a real SettingsStore: the generated admin password is
// served only with the token and only while it is the one in force, and a refused setting or pool
// names its field (ApiErrorBody.field) in words without CLI flags.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiErrorBody, InitialPassword, InstallSettingsView } from '../../../electron/shared/contract.js';
import { newToken } from '../../../electron/core/control/auth.js';
import { startControlApi, type ControlApi } from '../../../electron/core/control/control-api.js';
import { controlHandlers, type ControlContext } from '../../../electron/core/control/handlers.js';
import { choosePool } from '../../../electron/core/dhcp/pool-choice.js';
import { EventBus } from '../../../electron/core/events.js';
import { INITIAL_PASSWORD_FILE, SettingsStore } from '../../../electron/core/install/settings-store.js';
import { stubHandlers } from '../../helpers/control-handlers.js';

describe('settings routes', () => {
  const token = newToken();
  const bus = new EventBus();
  let dir: string;
  let api: ControlApi;
  let password: string;

  const call = async <T>(method: string, path: string, body?: unknown, withToken = true): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${api.url}${path}`, {
      method,
      headers: {
        ...(withToken ? { Authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bootbench-settings-routes-'));
    const settings = await SettingsStore.open(dir);
    password = /^password: (\S+)$/m.exec(await readFile(join(dir, INITIAL_PASSWORD_FILE), 'utf8'))?.[1] ?? '';
    const real = controlHandlers({ settings } as unknown as ControlContext);
    api = await startControlApi({
      port: 0,
      token,
      bus,
      handlers: stubHandlers({
        'GET /api/settings': real['GET /api/settings'],
        'PUT /api/settings': real['PUT /api/settings'],
        'POST /api/settings/initial-password': real['POST /api/settings/initial-password'],
        'POST /api/serve': ({ body }) => {
          choosePool({ text: body.pool, serverIp: '10.231.84.1', prefix: 24, iface: body.interface });
          throw new Error('not reached in this test');
        },
      }),
    });
  });
  after(async () => {
    await api.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('the generated password needs the token, and reading it marks it as shown', async () => {
    assert.equal((await call('POST', '/api/settings/initial-password', undefined, false)).status, 401);
    assert.equal((await call<InstallSettingsView>('GET', '/api/settings')).body.loginKnown, false);
    const shown = await call<InitialPassword>('POST', '/api/settings/initial-password');
    assert.equal(shown.status, 200);
    assert.deepEqual(shown.body, { user: 'bootbench', password });
    const view = (await call<InstallSettingsView>('GET', '/api/settings')).body;
    assert.deepEqual(view.adminPasswordInfo, { source: 'generated', setAt: null, revealed: true });
    assert.equal(view.loginKnown, true);
    assert.ok(!bus.history({}).some((e) => JSON.stringify(e).includes(password)), 'the password is never logged');
  });

  test('a refused setting names its field; the words say what is wrong without the key', async () => {
    const res = await call<ApiErrorBody>('PUT', '/api/settings', { timezone: 'Mars/Base' });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'BAD_ARGUMENT');
    assert.match(res.body.error.message, /timezone "Mars\/Base"/, 'the API and CLI words keep the key');
    assert.equal(res.body.error.field?.name, 'timezone');
    assert.match(res.body.error.field?.detail ?? '', /^"Mars\/Base" is not a known IANA time zone/);
  });

  test('a body refused by its schema names the field too', async () => {
    const res = await call<ApiErrorBody>('PUT', '/api/settings', { timezone: 'x'.repeat(100) });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'BAD_REQUEST');
    assert.equal(res.body.error.field?.name, 'timezone');
  });

  test('a bad pool names the pool field; the CLI words say --pool, the field words do not', async () => {
    const res = await call<ApiErrorBody>('POST', '/api/serve', { interface: 'lab0', pool: '10.9.9.1-10.9.9.5' });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'POOL_INVALID');
    assert.match(res.body.error.message, /--pool 10\.231\.84\./);
    assert.equal(res.body.error.field?.name, 'pool');
    assert.doesNotMatch(res.body.error.field?.detail ?? '', /--/);
    assert.match(res.body.error.field?.detail ?? '', /inside 10\.231\.84\.0\/24, e\.g\. 10\.231\.84\./);
  });

  test('once the user sets their own password, the generated one is gone and cannot be read', async () => {
    const put = await call<InstallSettingsView>('PUT', '/api/settings', { adminPassword: 'correct horse battery' });
    assert.equal(put.status, 200);
    assert.equal(put.body.adminPasswordInfo.source, 'own');
    assert.ok(put.body.adminPasswordInfo.setAt);
    const res = await call<ApiErrorBody>('POST', '/api/settings/initial-password');
    assert.equal(res.status, 409);
    assert.equal(res.body.error.code, 'PASSWORD_NOT_GENERATED');
    assert.ok(!JSON.stringify(res.body).includes(password));
  });
});
