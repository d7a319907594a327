// The control API over real HTTP on loopback (port 0): token, Host and Origin guards, routing and
// input validation, error mapping, and the UI's static files confined to their folder.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request, type OutgoingHttpHeaders } from 'node:http';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Host, ServerStatus } from '../../../electron/shared/contract.js';
import { BootbenchError } from '../../../electron/core/errors.js';
import { EventBus } from '../../../electron/core/events.js';
import { startControlApi, type ControlApi, type ControlHandlers } from '../../../electron/core/control/control-api.js';
import { stubHandlers } from '../../helpers/control-handlers.js';
import { newToken } from '../../../electron/core/control/auth.js';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** http.request rather than fetch: fetch forbids setting Host and normalises '..' in paths. */
function raw(
  port: number,
  path: string,
  options: { headers?: OutgoingHttpHeaders; method?: string; setHost?: boolean; body?: string; address?: string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: options.address ?? '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: options.headers ?? {},
        setHost: options.setHost ?? true,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.end(options.body);
  });
}

const HOST: Host = {
  mac: '52:54:00:12:34:56',
  firmware: 'uefi',
  arch: 'x86_64',
  clientArch: 7,
  ip: '10.231.1.50',
  state: 'discovered',
  distro: null,
  uuid: null,
  vendorClass: 'PXEClient:Arch:00007:UNDI:003000',
  userClass: null,
  hostname: null,
  firstSeen: '2025-01-01T00:00:00.000Z',
  lastSeen: '2025-01-01T00:00:00.000Z',
  chain: 'ipxe',
};

const STATUS: ServerStatus = {
  state: 'serving',
  version: '0.1.0',
  interface: 'lab0',
  serverIp: '10.231.1.1',
  requestedMode: 'auto',
  mode: 'proxy',
  foreignDhcp: [],
  services: [],
  startedAt: '2025-01-01T00:00:00.000Z',
  chain: 'auto',
  newHosts: { action: 'wait', distro: null },
  menu: { timeoutSeconds: 0 },
};

describe('control API over HTTP', () => {
  const token = newToken();
  const bus = new EventBus();
  let api: ControlApi;
  let port: number;
  // Each test may swap what a handler does.
  const behaviour: { status: () => ServerStatus; interfaces: () => never[] } = { status: () => STATUS, interfaces: () => [] };
  const handlers: ControlHandlers = stubHandlers({
    'GET /api/status': () => behaviour.status(),
    'GET /api/hosts': async () => [HOST],
    'GET /api/interfaces': () => behaviour.interfaces(),
    'PUT /api/boot/chain': ({ body }) => ({ ...STATUS, chain: body.chain }),
    'PUT /api/hosts/:mac/chain': ({ params, body }) => ({ ...HOST, mac: params.mac, chainOverride: body.chain }),
  });
  const auth = () => ({ Authorization: `Bearer ${token}` });

  before(async () => {
    api = await startControlApi({ port: 0, token, bus, handlers });
    port = api.port;
  });
  after(async () => {
    await api.close();
  });

  test('url and uiUrl name loopback and carry the token', () => {
    assert.equal(api.url, `http://127.0.0.1:${port}`);
    assert.equal(api.uiUrl, `http://127.0.0.1:${port}/?token=${token}`);
  });

  test('listens on 127.0.0.1 only (another loopback address is refused)', async () => {
    await assert.rejects(
      raw(port, '/', { address: '127.0.0.2', headers: { Host: `127.0.0.1:${port}` } }),
      (e: NodeJS.ErrnoException) => e.code === 'ECONNREFUSED',
    );
  });

  test('401 without a token, with a wrong one, or with the token in the query string', async () => {
    for (const headers of [
      {},
      { Authorization: 'Bearer wrong-token-wrong-token' },
      { Authorization: `Bearer ${token}x` },
      { Authorization: `Basic ${token}` },
    ]) {
      const res = await raw(port, '/api/hosts', { headers });
      assert.equal(res.status, 401, JSON.stringify(headers));
      assert.equal(JSON.parse(res.body).error.code, 'UNAUTHORIZED');
      assert.match(String(res.headers['www-authenticate']), /^Bearer/);
    }
    const viaQuery = await raw(port, `/api/hosts?token=${token}`);
    assert.equal(viaQuery.status, 401, 'the HTTP API takes the token from the header only');
  });

  test('200 with the token: hosts come from the handler, with API security headers', async () => {
    const res = await raw(port, '/api/hosts', { headers: auth() });
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.body), [HOST]);
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['referrer-policy'], 'no-referrer');
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal(res.headers['set-cookie'], undefined);
  });

  test('a foreign Host is refused with 421 (DNS rebinding), on the API and on the page', async () => {
    for (const path of ['/api/hosts', '/']) {
      const res = await raw(port, path, { headers: { ...auth(), Host: `evil.example:${port}` } });
      assert.equal(res.status, 421, path);
      assert.equal(JSON.parse(res.body).error.code, 'WRONG_HOST');
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
    }
    const otherPort = await raw(port, '/api/hosts', { headers: { ...auth(), Host: `127.0.0.1:${port + 1}` } });
    assert.equal(otherPort.status, 421);
    // Node's own HTTP/1.1 parser already answers 400 to a request without Host (requireHostHeader).
    const noHost = await raw(port, '/api/hosts', { headers: auth(), setHost: false });
    assert.ok([400, 421].includes(noHost.status), `no Host answered ${noHost.status}`);
    assert.ok(!noHost.body.includes(HOST.mac));
  });

  test('loopback names are accepted as Host', async () => {
    for (const host of [`localhost:${port}`, `[::1]:${port}`, `127.0.0.1:${port}`]) {
      const res = await raw(port, '/api/hosts', { headers: { ...auth(), Host: host } });
      assert.equal(res.status, 200, host);
    }
  });

  test('a foreign Origin is refused with 403; our own origin is accepted', async () => {
    for (const origin of ['http://evil.example', 'null', `https://127.0.0.1:${port}`, `http://127.0.0.1:${port + 1}`]) {
      const res = await raw(port, '/api/hosts', { headers: { ...auth(), Origin: origin } });
      assert.equal(res.status, 403, origin);
      assert.equal(JSON.parse(res.body).error.code, 'FOREIGN_ORIGIN');
    }
    for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`]) {
      const res = await raw(port, '/api/hosts', { headers: { ...auth(), Origin: origin } });
      assert.equal(res.status, 200, origin);
    }
  });

  test('unknown routes are 404 JSON, wrong methods 405 with Allow', async () => {
    const missing = await raw(port, '/api/nope', { headers: auth() });
    assert.equal(missing.status, 404);
    assert.equal(JSON.parse(missing.body).error.code, 'NOT_FOUND');
    const post = await raw(port, '/api/hosts', { method: 'POST', headers: { ...auth(), 'Content-Type': 'application/json' }, body: '{}' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.allow, 'GET');
  });

  test('GET /api/events serves the bus history, validated by EventsQuery', async () => {
    bus.log('dhcp', 'info', 'dhcp.discover', 'one', { mac: HOST.mac });
    bus.log('tftp', 'info', 'tftp.rrq', 'two');
    bus.log('dhcp', 'info', 'dhcp.offer', 'three', { mac: HOST.mac });
    const all = JSON.parse((await raw(port, '/api/events', { headers: auth() })).body) as { seq: number; message: string }[];
    const lastSeq = all.at(-1)?.seq ?? 0;
    assert.ok(lastSeq >= 3);

    const since = JSON.parse((await raw(port, `/api/events?since=${lastSeq - 2}`, { headers: auth() })).body) as { message: string }[];
    assert.deepEqual(
      since.map((e) => e.message),
      ['two', 'three'],
    );

    // MACs are normalised by the shared schema (upper case, dashes).
    const one = JSON.parse((await raw(port, '/api/events?mac=52-54-00-12-34-56', { headers: auth() })).body) as {
      message: string;
      mac: string;
    }[];
    assert.deepEqual(
      one.map((e) => e.message),
      ['one', 'three'],
    );

    const bad = await raw(port, '/api/events?since=-1', { headers: auth() });
    assert.equal(bad.status, 400);
    const badBody = JSON.parse(bad.body);
    assert.equal(badBody.error.code, 'BAD_REQUEST');
    assert.match(badBody.error.message, /^query\.since: /);
    const badMac = await raw(port, '/api/events?mac=not-a-mac', { headers: auth() });
    assert.equal(badMac.status, 400);
    assert.match(JSON.parse(badMac.body).error.message, /query\.mac: .*MAC address/);
  });

  test('a BootbenchError from a handler answers 409 (state) or 400 (input) with its code and words', async () => {
    behaviour.status = () => {
      throw new BootbenchError('FOREIGN_DHCP', { iface: 'lab0', servers: '10.231.1.254' });
    };
    const conflict = await raw(port, '/api/status', { headers: auth() });
    assert.equal(conflict.status, 409);
    const body = JSON.parse(conflict.body);
    assert.equal(body.error.code, 'FOREIGN_DHCP');
    assert.match(body.error.message, /Another DHCP server answers on lab0/);

    behaviour.interfaces = () => {
      throw new BootbenchError('NO_SUCH_INTERFACE', { iface: 'nope0', available: 'lab0' });
    };
    const input = await raw(port, '/api/interfaces', { headers: auth() });
    assert.equal(input.status, 400);
    assert.equal(JSON.parse(input.body).error.code, 'NO_SUCH_INTERFACE');
    behaviour.status = () => STATUS;
    behaviour.interfaces = () => [];
  });

  test('the boot-chain routes take auto, ipxe or signed (and null for a host: the global one), nothing else', async () => {
    const put = (path: string, body: unknown) =>
      raw(port, path, { method: 'PUT', headers: { ...auth(), 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const global = await put('/api/boot/chain', { chain: 'signed' });
    assert.equal(global.status, 200);
    assert.equal(JSON.parse(global.body).chain, 'signed');
    for (const bad of [{ chain: 'grub' }, { chain: null }, {}, { chain: 'auto', extra: 1 }])
      assert.equal((await put('/api/boot/chain', bad)).status, 400, JSON.stringify(bad));
    const host = await put('/api/hosts/52-54-00-12-34-56/chain', { chain: null });
    assert.equal(host.status, 200);
    assert.equal(JSON.parse(host.body).mac, '52:54:00:12:34:56', 'the MAC in the contract form');
    assert.equal(JSON.parse(host.body).chainOverride, null);
    assert.equal((await put('/api/hosts/52-54-00-12-34-56/chain', { chain: 'default' })).status, 400);
    assert.equal((await put('/api/hosts/not-a-mac/chain', { chain: 'auto' })).status, 400);
  });

  test('any other error answers a generic 500 and is logged on the bus', async () => {
    behaviour.status = () => {
      throw new Error('secret internal detail');
    };
    const res = await raw(port, '/api/status', { headers: auth() });
    behaviour.status = () => STATUS;
    assert.equal(res.status, 500);
    const body = JSON.parse(res.body);
    assert.equal(body.error.code, 'INTERNAL');
    assert.ok(!res.body.includes('secret internal detail'), 'internals never reach the client');
    const logged = bus.history().filter((e) => e.type === 'log' && e.kind === 'control.error');
    assert.equal(logged.length, 1);
    assert.match(logged[0]?.type === 'log' ? logged[0].message : '', /secret internal detail/);
    assert.equal(logged[0]?.type === 'log' ? logged[0].level : '', 'error');
  });

  test('without uiRoot, GET / (no token needed) is a small page saying the UI is not built, with a strict CSP', async () => {
    const res = await raw(port, '/');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(res.body, /not built/);
    assert.match(res.body, /GET \/api\/hosts/);
    assert.match(res.body, /\/api\/events\/stream/);
    const csp = String(res.headers['content-security-policy']);
    assert.match(csp, /default-src 'self'/);
    assert.ok(csp.includes(`ws://127.0.0.1:${port}`));
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(res.headers['referrer-policy'], 'no-referrer');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    const post = await raw(port, '/', { method: 'POST', body: 'x' });
    assert.equal(post.status, 405);
  });

  test('a port already taken is PORT_IN_USE, not a bare errno', async () => {
    await assert.rejects(
      startControlApi({ port, token, bus, handlers }),
      (e: BootbenchError) => e.code === 'PORT_IN_USE' && e.message.includes(String(port)),
    );
  });

  test('refuses to start with a short token', async () => {
    await assert.rejects(startControlApi({ port: 0, token: 'short', bus, handlers }), (e: BootbenchError) => e.code === 'BAD_ARGUMENT');
  });
});

describe('control API serving the built UI', () => {
  const token = newToken();
  const bus = new EventBus();
  let dir: string;
  let api: ControlApi;
  let port: number;
  const SECRET = 'TOP-SECRET-OUTSIDE-UI-ROOT';

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bootbench-ui-'));
    const ui = join(dir, 'ui');
    await mkdir(join(ui, 'assets'), { recursive: true });
    await writeFile(
      join(ui, 'index.html'),
      '<!doctype html><title>Bootbench UI</title><script type="module" src="/assets/app.js"></script>',
    );
    await writeFile(join(ui, 'assets', 'app.js'), 'console.log("app");');
    await writeFile(join(dir, 'secret.txt'), SECRET);
    await writeFile(join(dir, 'package.json'), `{"secret":"${SECRET}"}`);
    await symlink(join(dir, 'secret.txt'), join(ui, 'assets', 'link.txt'));
    api = await startControlApi({
      port: 0,
      token,
      bus,
      uiRoot: ui,
      handlers: stubHandlers({ 'GET /api/status': () => STATUS }),
    });
    port = api.port;
  });
  after(async () => {
    await api.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('GET / serves index.html with the CSP and without needing the token', async () => {
    const res = await raw(port, '/?token=whatever');
    assert.equal(res.status, 200);
    assert.match(res.body, /Bootbench UI/);
    assert.match(String(res.headers['content-security-policy']), /object-src 'none'/);
    assert.equal(res.headers['x-frame-options'], 'DENY');
    assert.equal(res.headers['cache-control'], 'no-store');
  });

  test('assets are served with their type; client-side routes get the app; missing assets 404', async () => {
    const js = await raw(port, '/assets/app.js');
    assert.equal(js.status, 200);
    assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(js.headers['x-content-type-options'], 'nosniff');
    assert.equal(js.body, 'console.log("app");');
    const route = await raw(port, '/hosts/52:54:00:12:34:56');
    assert.equal(route.status, 200);
    assert.match(route.body, /Bootbench UI/);
    const missing = await raw(port, '/assets/missing.js');
    assert.equal(missing.status, 404);
  });

  test('path traversal never leaves uiRoot', async () => {
    const attempts = [
      '/../secret.txt',
      '/../package.json',
      '/%2e%2e/package.json',
      '/%2E%2E/secret.txt',
      '/..%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/assets/..\\..\\secret.txt',
      '/assets/%5c..%5c..%5csecret.txt',
      '/%00/secret.txt',
      '/assets/link.txt', // a symlink inside the UI folder pointing out of it
      '//secret.txt',
    ];
    for (const path of attempts) {
      const res = await raw(port, path);
      assert.ok([400, 403, 404].includes(res.status), `${path} answered ${res.status}`);
      assert.ok(!res.body.includes(SECRET), `${path} leaked the file outside uiRoot`);
    }
    assert.equal((await raw(port, '/../secret.txt')).status, 400);
    assert.equal((await raw(port, '/%2e%2e/package.json')).status, 400);
    assert.equal((await raw(port, '/assets/link.txt')).status, 403);
  });

  test('a uiRoot without index.html gives the not-built page', async () => {
    const empty = join(dir, 'empty');
    await mkdir(empty);
    const other = await startControlApi({
      port: 0,
      token,
      bus,
      uiRoot: empty,
      handlers: stubHandlers({ 'GET /api/status': () => STATUS }),
    });
    try {
      const res = await raw(other.port, '/');
      assert.equal(res.status, 200);
      assert.match(res.body, /not built/);
    } finally {
      await other.close();
    }
  });
});
