// The CLI's client against a real control API on loopback, found through server.json.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CoreEvent, Host, NicInfo, ServerStatus } from '../../../electron/shared/contract.js';
import { BootbenchError, isBootbenchError } from '../../../electron/core/errors.js';
import { EventBus } from '../../../electron/core/events.js';
import { startControlApi, type ControlApi } from '../../../electron/core/control/control-api.js';
import { newToken } from '../../../electron/core/control/auth.js';
import { ControlClient } from '../../../electron/core/control/client.js';
import { stubHandlers } from '../../helpers/control-handlers.js';
import { writeServerInfo } from '../../../electron/core/control/server-info.js';

const STATUS: ServerStatus = {
  state: 'serving',
  version: '0.1.0',
  interface: 'lab0',
  serverIp: '10.231.1.1',
  requestedMode: 'dhcp',
  mode: 'dhcp',
  foreignDhcp: [],
  services: [{ name: 'dhcp', state: 'up', address: '10.231.1.1:67', error: null, counters: { offers: 2 } }],
  startedAt: '2025-01-01T00:00:00.000Z',
  chain: 'auto',
  newHosts: { action: 'wait', distro: null },
  menu: { timeoutSeconds: 0 },
};
const HOSTS: Host[] = [
  {
    mac: '52:54:00:12:34:56',
    firmware: 'bios',
    arch: 'x86',
    clientArch: 0,
    ip: null,
    state: 'discovered',
    distro: null,
    uuid: null,
    vendorClass: null,
    userClass: 'iPXE',
    hostname: null,
    firstSeen: '2025-01-01T00:00:00.000Z',
    lastSeen: '2025-01-01T00:00:00.000Z',
    chain: 'ipxe',
  },
];
const NICS: NicInfo[] = [
  {
    name: 'lab0',
    mac: '02:00:00:00:00:01',
    ipv4: [{ address: '10.231.1.1', prefix: 24 }],
    mtu: 1500,
    up: true,
    kind: 'ethernet',
    speedMbps: null,
  },
];

function isControlError(status: number, pattern?: RegExp) {
  return (e: unknown) => isBootbenchError(e, 'CONTROL_API') && e.context.status === status && (!pattern || pattern.test(e.message));
}

describe('ControlClient', () => {
  const token = newToken();
  const bus = new EventBus();
  let dir: string;
  let api: ControlApi;
  let failStatus = false;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bootbench-client-'));
    api = await startControlApi({
      port: 0,
      token,
      bus,
      handlers: stubHandlers({
        'GET /api/status': () => {
          if (failStatus) throw new BootbenchError('PORT_IN_USE', { port: 67, iface: 'lab0', holder: 'dnsmasq' });
          return STATUS;
        },
        'GET /api/hosts': () => HOSTS,
        'GET /api/interfaces': async () => NICS,
      }),
    });
    await writeServerInfo(dir, {
      pid: process.pid,
      controlUrl: api.url,
      token,
      uiUrl: api.uiUrl,
      interface: 'lab0',
      startedAt: STATUS.startedAt,
    });
  });
  after(async () => {
    await api.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('fromDataDir: SERVER_NOT_RUNNING without server.json or when its pid is dead', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'bootbench-client-empty-'));
    try {
      await assert.rejects(
        ControlClient.fromDataDir(empty),
        (e: BootbenchError) => e.code === 'SERVER_NOT_RUNNING' && e.message.includes(empty),
      );
      const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
      await new Promise((resolve) => child.once('exit', resolve));
      await writeServerInfo(empty, {
        pid: child.pid ?? 0,
        controlUrl: api.url,
        token,
        uiUrl: api.uiUrl,
        interface: 'lab0',
        startedAt: STATUS.startedAt,
      });
      await assert.rejects(ControlClient.fromDataDir(empty), (e: BootbenchError) => e.code === 'SERVER_NOT_RUNNING');
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  test('typed calls through server.json: status, hosts, interfaces', async () => {
    const client = await ControlClient.fromDataDir(dir);
    assert.deepEqual(await client.status(), STATUS);
    assert.deepEqual(await client.hosts(), HOSTS);
    assert.deepEqual(await client.interfaces(), NICS);
    assert.deepEqual(await client.get('GET /api/hosts'), HOSTS);
  });

  test('events({ since, mac }) filters on the server', async () => {
    bus.log('dhcp', 'info', 'dhcp.discover', 'a', { mac: '52:54:00:12:34:56' });
    const b = bus.emit({ type: 'log', source: 'tftp', level: 'info', kind: 'tftp.rrq', message: 'b', mac: null });
    bus.log('dhcp', 'info', 'dhcp.offer', 'c', { mac: '52:54:00:12:34:56' });
    const client = await ControlClient.fromDataDir(dir);
    const since = await client.events({ since: b.seq - 1 });
    assert.deepEqual(
      since.map((e) => (e.type === 'log' ? e.message : '')),
      ['b', 'c'],
    );
    const host = await client.events({ mac: '52:54:00:12:34:56' });
    assert.deepEqual(
      host.map((e) => (e.type === 'log' ? e.message : '')),
      ['a', 'c'],
    );
  });

  test('maps ApiErrorBody answers to CONTROL_API errors with status and message', async () => {
    const client = await ControlClient.fromDataDir(dir);
    failStatus = true;
    try {
      await assert.rejects(
        client.status(),
        (e: unknown) =>
          isControlError(409, /already in use by dnsmasq/)(e) && isBootbenchError(e, 'CONTROL_API') && e.context.apiCode === 'PORT_IN_USE',
      );
    } finally {
      failStatus = false;
    }
    await assert.rejects(client.events({ since: -5 }), isControlError(400, /query\.since/));
    const wrong = new ControlClient(api.url, `${token}-wrong`);
    await assert.rejects(wrong.hosts(), isControlError(401, /control token/));
  });

  test('a server that is gone: SERVER_NOT_RUNNING from a data dir, CONTROL_API otherwise', async () => {
    const gone = await startControlApi({ port: 0, token, bus, handlers: stubHandlers({ 'GET /api/status': () => STATUS }) });
    await gone.close();
    await assert.rejects(new ControlClient(gone.url, token, dir).hosts(), (e: BootbenchError) => e.code === 'SERVER_NOT_RUNNING');
    await assert.rejects(
      new ControlClient(gone.url, token).hosts(),
      (e: BootbenchError) => e.code === 'CONTROL_API' && /ECONNREFUSED/.test(e.message),
    );
  });

  test('streamEvents: backlog after `since`, live events, onClose when the server stops', { timeout: 10_000 }, async () => {
    const streamBus = new EventBus();
    const server = await startControlApi({ port: 0, token, bus: streamBus, handlers: stubHandlers({ 'GET /api/status': () => STATUS }) });
    try {
      for (const m of ['old-1', 'old-2', 'old-3']) streamBus.log('core', 'info', 'test', m);
      const client = new ControlClient(server.url, token);
      const got: CoreEvent[] = [];
      let thirdEvent: () => void = () => undefined;
      const third = new Promise<void>((resolve) => (thirdEvent = resolve));
      let closeCode = 0;
      const closed = new Promise<void>((resolve) => {
        void client
          .streamEvents({ since: 1 }, (e) => got.push(e) === 3 && thirdEvent(), {
            onClose: (code) => {
              closeCode = code;
              resolve();
            },
          })
          .then(() => streamBus.log('core', 'info', 'test', 'live'));
      });
      await third;
      assert.deepEqual(
        got.map((e) => (e.type === 'log' ? e.message : '')),
        ['old-2', 'old-3', 'live'],
      );
      await server.close();
      await closed;
      assert.equal(closeCode, 1001);
    } finally {
      await server.close().catch(() => undefined);
    }
  });

  test('streamEvents: refused with a wrong token, and stop() ends the stream', { timeout: 10_000 }, async () => {
    await assert.rejects(
      new ControlClient(api.url, `${token}-wrong`).streamEvents({}, () => undefined),
      isControlError(401),
    );
    const client = new ControlClient(api.url, token);
    const got: CoreEvent[] = [];
    let closedWith: (code: number) => void = () => undefined;
    const closed = new Promise<number>((resolve) => (closedWith = resolve));
    const stop = await client.streamEvents({ since: Number.MAX_SAFE_INTEGER }, (e) => got.push(e), { onClose: (code) => closedWith(code) });
    // A second stream witnesses that the event below was sent to every subscriber.
    let witnessed: () => void = () => undefined;
    const witness = new Promise<void>((resolve) => (witnessed = resolve));
    const stopWitness = await client.streamEvents(
      { since: Number.MAX_SAFE_INTEGER },
      (e) => e.type === 'log' && e.message === 'after stop' && witnessed(),
    );
    stop();
    assert.equal(await closed, 1000, 'stop() closed the stream normally');
    bus.log('core', 'info', 'test', 'after stop');
    await witness;
    stopWitness();
    assert.equal(got.length, 0);
  });
});
