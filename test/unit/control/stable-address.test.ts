// The UI's address kept per data folder (control.json): the same port and token after a restart,
// a new port (said in the log) when another program holds the old one, --ui-port respected, and a
// file others could read, or a malformed one, replaced rather than trusted.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type RunningServer } from '../../../electron/core/app.js';
import {
  STABLE_ADDRESS_FILE,
  checkStableAddress,
  listenOnStablePort,
  nextStableAddress,
  readStableAddress,
} from '../../../electron/core/control/stable-address.js';
import { BootbenchError } from '../../../electron/core/errors.js';

const options = (dataDir: string, uiPort = 0) => ({ dataDir, mode: 'dhcp' as const, httpPort: 0, uiPort, force: false });

function logMessages(server: RunningServer): string[] {
  return server.bus.history().flatMap((e) => (e.type === 'log' ? [e.message] : []));
}

function holdPort(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => resolve(s));
  });
}

describe('the UI address of a data folder', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bootbench-stable-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('a restart keeps the port and the token; control.json is 0600', async () => {
    const first = await serve(options(dir));
    const firstUrl = first.uiUrl;
    await first.stop();
    const mode = (await stat(join(dir, STABLE_ADDRESS_FILE))).mode & 0o777;
    assert.equal(mode, 0o600);
    const second = await serve(options(dir));
    try {
      assert.equal(second.uiUrl, firstUrl);
    } finally {
      await second.stop();
    }
  });

  test('the remembered port taken by another program: a new port, said in the log, and remembered', async () => {
    const before = JSON.parse(await readFile(join(dir, STABLE_ADDRESS_FILE), 'utf8')) as { port: number; token: string };
    const squatter = await holdPort(before.port);
    let moved: RunningServer | undefined;
    try {
      moved = await serve(options(dir));
      const url = new URL(moved.uiUrl);
      assert.notEqual(Number(url.port), before.port);
      assert.equal(url.searchParams.get('token'), before.token, 'the token stays');
      assert.ok(
        logMessages(moved).some((m) => m.includes(`usual port ${before.port} is taken`)),
        logMessages(moved).join('\n'),
      );
      const after = JSON.parse(await readFile(join(dir, STABLE_ADDRESS_FILE), 'utf8')) as { port: number };
      assert.equal(after.port, Number(url.port));
    } finally {
      await moved?.stop();
      await new Promise((r) => squatter.close(r));
    }
  });

  test('--ui-port is used as given and does not replace the remembered port', async () => {
    const before = JSON.parse(await readFile(join(dir, STABLE_ADDRESS_FILE), 'utf8')) as { port: number };
    const probe = await holdPort(0);
    const free = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r));
    const explicit = await serve(options(dir, free));
    try {
      assert.equal(new URL(explicit.uiUrl).port, String(free));
    } finally {
      await explicit.stop();
    }
    const after = JSON.parse(await readFile(join(dir, STABLE_ADDRESS_FILE), 'utf8')) as { port: number };
    assert.equal(after.port, before.port);
  });

  test('a control.json readable by others is not trusted: new token, said in the log', async () => {
    const before = JSON.parse(await readFile(join(dir, STABLE_ADDRESS_FILE), 'utf8')) as { token: string };
    await chmod(join(dir, STABLE_ADDRESS_FILE), 0o644);
    assert.equal((await readStableAddress(dir)).ok, false);
    const server = await serve(options(dir));
    try {
      assert.notEqual(new URL(server.uiUrl).searchParams.get('token'), before.token);
      assert.ok(logMessages(server).some((m) => /readable by other users/.test(m)));
    } finally {
      await server.stop();
    }
    assert.equal((await stat(join(dir, STABLE_ADDRESS_FILE))).mode & 0o777, 0o600, 'rewritten 0600');
  });

  test('a malformed control.json is replaced, not guessed at', async () => {
    await writeFile(join(dir, STABLE_ADDRESS_FILE), '{"token": "short"}', { mode: 0o600 });
    const read = await readStableAddress(dir);
    assert.equal(read.ok, false);
    assert.match(read.ok ? '' : read.reason, /malformed \(token/);
  });
});

describe('stable address rules', () => {
  test('checkStableAddress', () => {
    const token = 'a'.repeat(43);
    assert.deepEqual(checkStableAddress({ port: 41234, token }), { ok: true, address: { port: 41234, token } });
    assert.deepEqual(checkStableAddress({ token }), { ok: true, address: { port: null, token } });
    assert.equal(checkStableAddress({ port: 0, token }).ok, false);
    assert.equal(checkStableAddress({ port: 70000, token }).ok, false);
    assert.equal(checkStableAddress({ port: 41234, token: 'has spaces in it and is long enough to pass' }).ok, false);
    assert.equal(checkStableAddress([]).ok, false);
  });

  test('nextStableAddress remembers only a port the server chose', () => {
    const previous = { port: 41000, token: 't' };
    assert.deepEqual(nextStableAddress({ requested: 0, listening: 42000, previous, token: 't' }), { port: 42000, token: 't' });
    assert.deepEqual(nextStableAddress({ requested: 8080, listening: 8080, previous, token: 't' }), { port: 41000, token: 't' });
    assert.deepEqual(nextStableAddress({ requested: 8080, listening: 8080, previous: null, token: 't' }), { port: null, token: 't' });
  });

  test('listenOnStablePort: asked port as is, remembered port first, fallback only when it is taken', async () => {
    const tried: number[] = [];
    const listen = (taken: number[]) => async (port: number) => {
      tried.push(port);
      if (taken.includes(port)) throw new BootbenchError('PORT_IN_USE', { port, proto: 'tcp', address: '127.0.0.1' });
      return { port: port || 50000 };
    };
    const fallbacks: number[] = [];
    const onFallback = (p: number) => fallbacks.push(p);
    assert.equal((await listenOnStablePort({ requested: 8080, remembered: 41000, listen: listen([]), onFallback })).port, 8080);
    assert.equal((await listenOnStablePort({ requested: 0, remembered: 41000, listen: listen([]), onFallback })).port, 41000);
    assert.equal((await listenOnStablePort({ requested: 0, remembered: 41000, listen: listen([41000]), onFallback })).port, 50000);
    assert.deepEqual(tried, [8080, 41000, 41000, 0]);
    assert.deepEqual(fallbacks, [41000]);
    // An asked-for port that is taken fails as before: the user chose it.
    await assert.rejects(listenOnStablePort({ requested: 8080, remembered: 41000, listen: listen([8080]), onFallback }), /8080/);
    // Other errors are not hidden by a fallback.
    await assert.rejects(
      listenOnStablePort({
        requested: 0,
        remembered: 41000,
        listen: async () => {
          throw new Error('boom');
        },
        onFallback,
      }),
      /boom/,
    );
  });
});
