// The power routes over real HTTP with a real settings store and controller (the driver is a stand-in
// that refuses credentials): secrets go in and never come out, bad bodies are refused with the field
// named, accept-certificate is not taken for an action, and BMC failures answer 502 with their code.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiErrorBody, Host } from '../../../electron/shared/contract.js';
import type { PowerSettingsView } from '../../../electron/shared/power.js';
import { newToken } from '../../../electron/core/control/auth.js';
import { startControlApi, type ControlApi } from '../../../electron/core/control/control-api.js';
import { controlHandlers, type ControlContext } from '../../../electron/core/control/handlers.js';
import { EventBus } from '../../../electron/core/events.js';
import { PowerController } from '../../../electron/core/power/controller.js';
import { PowerFailure, type PowerDriver } from '../../../electron/core/power/driver.js';
import { PowerSettingsStore } from '../../../electron/core/power/settings-store.js';
import { stubHandlers } from '../../helpers/control-handlers.js';

const MAC = '52:54:00:ab:cd:ef';
const SECRET = 'route-secret-5521';

describe('power routes', () => {
  const token = newToken();
  const bus = new EventBus();
  let dir: string;
  let api: ControlApi;

  const call = async <T>(method: string, path: string, body?: unknown): Promise<{ status: number; text: string; body: T }> => {
    const res = await fetch(`${api.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, text, body: (text ? JSON.parse(text) : null) as T };
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bootbench-power-routes-'));
    const store = await PowerSettingsStore.open(dir);
    const hosts = new Map<string, Host>();
    const refusing = (): PowerDriver => {
      const refuse = async (): Promise<never> => {
        throw new PowerFailure('refused', 'RAKP 2 HMAC is invalid');
      };
      return { method: 'ipmi', target: '10.0.0.5:623', status: refuse, on: refuse, off: refuse, cycle: refuse, pxeOnce: refuse };
    };
    const power = new PowerController({
      store,
      bus,
      hosts: {
        get: (mac) => hosts.get(mac),
        expect: (mac) => hosts.get(mac) ?? (hosts.set(mac, { mac } as Host), hosts.get(mac)!),
        setPower: (mac, patch) => (hosts.set(mac, { ...(hosts.get(mac) ?? ({ mac } as Host)), ...patch }), hosts.get(mac)),
      },
      createDriver: refusing,
      retryDelayMs: 1,
    });
    const real = controlHandlers({ power } as unknown as ControlContext);
    api = await startControlApi({
      port: 0,
      token,
      bus,
      handlers: stubHandlers({
        'GET /api/hosts/:mac/power': real['GET /api/hosts/:mac/power'],
        'PUT /api/hosts/:mac/power': real['PUT /api/hosts/:mac/power'],
        'POST /api/hosts/:mac/power/accept-certificate': real['POST /api/hosts/:mac/power/accept-certificate'],
        'POST /api/hosts/:mac/power/:action': real['POST /api/hosts/:mac/power/:action'],
      }),
    });
  });
  after(async () => {
    await api.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('PUT takes the password; neither PUT nor GET answer it', async () => {
    const put = await call<PowerSettingsView>('PUT', `/api/hosts/${MAC}/power`, {
      method: 'ipmi',
      ipmi: { address: '10.0.0.5', user: 'admin', password: SECRET },
    });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.body.ipmi?.passwordSet, true);
    const get = await call<PowerSettingsView>('GET', `/api/hosts/${MAC.toUpperCase()}/power`);
    assert.equal(get.status, 200);
    assert.equal(get.body.mac, MAC);
    for (const r of [put, get]) assert.ok(!r.text.includes(SECRET));
  });

  test('bad bodies: 400 with the field named, the value never echoed', async () => {
    const bad = await call<ApiErrorBody>('PUT', `/api/hosts/${MAC}/power`, {
      method: 'ipmi',
      ipmi: { address: '10.0.0.5', user: 'admin', password: `${SECRET}\n` },
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.field?.name, 'ipmi');
    assert.ok(!bad.text.includes(SECRET));
    const http = await call<ApiErrorBody>('PUT', `/api/hosts/${MAC}/power`, {
      method: 'redfish',
      redfish: { url: 'http://bmc', user: 'a' },
    });
    assert.equal(http.status, 400);
    assert.equal(http.body.error.field?.name, 'url');
    assert.match(http.body.error.message, /plain HTTP/);
    assert.equal((await call('PUT', `/api/hosts/${MAC}/power`, { method: 'magic' })).status, 400);
    assert.equal((await call('POST', `/api/hosts/${MAC}/power/reboot`)).status, 400);
  });

  test('accept-certificate is its own route, not an action', async () => {
    const r = await call<ApiErrorBody>('POST', `/api/hosts/${MAC}/power/accept-certificate`, { fingerprint: 'AB:'.repeat(31) + 'CD' });
    assert.equal(r.status, 400);
    assert.equal(r.body.error.field?.name, 'fingerprint');
    assert.match(r.body.error.message, /no Redfish settings/);
    assert.equal((await call('POST', `/api/hosts/${MAC}/power/accept-certificate`, { fingerprint: 'nope' })).status, 400);
  });

  test('refused credentials: 502 BMC_CREDENTIALS_REFUSED; no settings: 409 POWER_NOT_CONFIGURED', async () => {
    const r = await call<ApiErrorBody>('POST', `/api/hosts/${MAC}/power/status`);
    assert.equal(r.status, 502);
    assert.equal(r.body.error.code, 'BMC_CREDENTIALS_REFUSED');
    assert.ok(!r.text.includes(SECRET));
    const none = await call<ApiErrorBody>('POST', '/api/hosts/52:54:00:00:00:09/power/on');
    assert.equal(none.status, 409);
    assert.equal(none.body.error.code, 'POWER_NOT_CONFIGURED');
  });
});
