// The Redfish client against the test Redfish service (real HTTPS, a self-signed certificate made by
// openssl), with Debian's redfishtool run against the same service to show that a real client
// accepts it. Power actions, PXE-once, certificate pinning (first use, same, changed, accepted),
// and bad input: wrong password, a BMC that never answers, malformed JSON, a body over 1 MiB, plain
// http. Every error is clear, nothing crashes, and the password appears in no output.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { acceptPresented, type CertificatePins } from '../../../electron/core/power/cert-pin.js';
import { isPowerFailure } from '../../../electron/core/power/driver.js';
import { redfishDrivers } from '../../../electron/core/power/redfish-driver.js';
import { PowerSettingsStore } from '../../../electron/core/power/settings-store.js';
import { createRedfishDriver, type RedfishDriverOptions } from '../../../electron/core/power/redfish.js';
import { isRedfishError, type RedfishErrorCode } from '../../../electron/core/power/redfish-error.js';
import { startRedfishBmc, switchMachine, type RedfishBmc, type RedfishBmcOptions } from '../../helpers/redfish-bmc.js';

const USER = 'bootbench';
const PASSWORD = 'Rf-test-pw-7Qz!x';
const BASIC = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');

/** Everything the client said: errors (message, stack, JSON), warnings. Checked for the password at the end. */
const outputs: string[] = [];

/** An in-memory stand-in for the power settings store's pinnedFingerprint / presentedFingerprint. */
function memoryPins(): CertificatePins & { state: { pinned: string | null; presented: string | null } } {
  const state = { pinned: null as string | null, presented: null as string | null };
  return {
    state,
    pinned: () => state.pinned,
    pin: async (fp) => {
      state.pinned = fp;
      state.presented = null;
    },
    presented: async (fp) => {
      state.presented = fp;
    },
  };
}

const bmcs: RedfishBmc[] = [];
async function bmc(o: Partial<RedfishBmcOptions> = {}): Promise<RedfishBmc> {
  const b = await startRedfishBmc({ user: USER, password: PASSWORD, machine: switchMachine(), ...o });
  bmcs.push(b);
  return b;
}

function driver(url: string, o: Partial<RedfishDriverOptions> = {}) {
  return createRedfishDriver({
    url,
    user: USER,
    password: PASSWORD,
    allowHttp: false,
    pins: memoryPins(),
    requestTimeoutMs: 5_000,
    warn: (m) => outputs.push(`warn: ${m}`),
    ...o,
  });
}

/** Runs `fn`, expects a RedfishError with `code`, records everything about it, returns its message. */
async function refused(code: RedfishErrorCode, fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (e) {
    outputs.push(String(e), (e as Error).stack ?? '', JSON.stringify(e), JSON.stringify((e as { context?: unknown }).context));
    assert.ok(isRedfishError(e), `a RedfishError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return e.message;
  }
  assert.fail(`expected ${code}, but it succeeded`);
}

/** redfishtool, run without blocking this process: the service it talks to lives in it. */
function redfishtool(b: RedfishBmc, args: string[], password = PASSWORD): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn('redfishtool', ['-r', `127.0.0.1:${b.port}`, '-u', USER, '-p', password, '-S', 'Always', '-T', '20', ...args]);
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    }),
  );
}

after(async () => {
  for (const b of bmcs) await b.close();
});

describe(
  "Debian's redfishtool accepts the test Redfish service",
  { skip: spawnSync('which', ['redfishtool']).status !== 0 ? 'redfishtool is not installed (apt-get install -y redfishtool)' : false },
  () => {
    let b: RedfishBmc;
    before(async () => {
      b = await bmc();
    });

    test('root, the Systems collection, a system, reset and boot override, with its self-signed certificate', async () => {
      const root = await redfishtool(b, ['root']);
      assert.equal(root.code, 0, root.err);
      assert.equal(JSON.parse(root.out).Systems['@odata.id'], '/redfish/v1/Systems');

      const systems = await redfishtool(b, ['Systems']);
      assert.equal(systems.code, 0, systems.err);
      assert.deepEqual(JSON.parse(systems.out).Members, [{ '@odata.id': '/redfish/v1/Systems/vm1' }]);

      const get = await redfishtool(b, ['Systems', '-1', 'get']);
      assert.equal(get.code, 0, get.err);
      assert.equal(JSON.parse(get.out).PowerState, 'Off');

      const boot = await redfishtool(b, ['Systems', '-1', 'setBootOverride', 'Once', 'Pxe']);
      assert.equal(boot.code, 0, boot.err);
      assert.deepEqual({ target: b.boot.target, enabled: b.boot.enabled }, { target: 'Pxe', enabled: 'Once' });

      const on = await redfishtool(b, ['Systems', '-1', 'reset', 'On']);
      assert.equal(on.code, 0, on.err);
      assert.deepEqual(b.powerOns.at(-1)?.pxeFirst, true, 'the PXE-once override applied to this power-on');
      assert.equal(b.boot.enabled, 'Disabled', 'and then reverted, as DSP0268 says for Once');
      assert.equal(JSON.parse((await redfishtool(b, ['Systems', '-1', 'get', '-P', 'PowerState'])).out).PowerState, 'On');

      const off = await redfishtool(b, ['Systems', '-1', 'reset', 'ForceOff']);
      assert.equal(off.code, 0, off.err);
      assert.equal(JSON.parse((await redfishtool(b, ['Systems', '-1', 'get'])).out).PowerState, 'Off');
    });

    test('a wrong password is refused (401)', async () => {
      const r = await redfishtool(b, ['Systems'], 'wrong-password');
      assert.notEqual(r.code, 0);
      assert.ok(b.requests.some((q) => q.path === '/redfish/v1/Systems' && !q.authorized));
    });
  },
);

describe('the Redfish client against the test service', () => {
  test('status, PXE once, power on / cycle / off through the action target, each with what it did', async () => {
    const b = await bmc();
    const d = driver(b.url(), { bootMode: 'Legacy' });
    assert.equal(await d.status(), 'off');
    assert.equal(await d.pxeOnce(), 'Boot override Pxe Once (Legacy)');
    assert.deepEqual({ ...b.boot }, { target: 'Pxe', enabled: 'Once', mode: 'Legacy' });
    assert.equal(await d.cycle(), 'ComputerSystem.Reset On (was Off)', 'a cycle of a machine that is off powers it on');
    assert.deepEqual(b.powerOns, [{ pxeFirst: true, at: b.powerOns[0]!.at }]);
    assert.equal(b.boot.enabled, 'Disabled');
    assert.equal(await d.status(), 'on');
    assert.equal(await d.on(), 'already on (PowerState On)');
    assert.equal(await d.cycle(), 'ComputerSystem.Reset ForceRestart (was On)');
    assert.equal(b.powerOns.at(-1)?.pxeFirst, false, 'the override was for one boot only');
    assert.equal(await d.off(), 'ComputerSystem.Reset ForceOff (was On)');
    assert.equal(await d.status(), 'off');
    assert.deepEqual(b.resets, ['On', 'ForceRestart', 'ForceOff']);
    // The PATCH carried the ETag it read (If-Match) and every request its credentials.
    assert.ok(b.requests.every((q) => q.authorized));
  });

  test('PowerCycle where ForceRestart is not offered; allowable values from an ActionInfo; no boot mode choice', async () => {
    const b = await bmc({ resetTypes: ['On', 'ForceOff', 'PowerCycle'], resetInfo: 'action-info', bootModes: null });
    const d = driver(b.url(), { bootMode: 'UEFI' });
    assert.equal(await d.pxeOnce(), 'Boot override Pxe Once', 'no mode: this BMC offers none');
    await d.on();
    assert.equal(await d.cycle(), 'ComputerSystem.Reset PowerCycle (was On)');
    assert.ok(b.requests.some((q) => q.path === '/redfish/v1/Systems/vm1/ResetActionInfo'));
  });

  test('the system named in the URL is used without discovery', async () => {
    const b = await bmc();
    const d = driver(`${b.url()}/redfish/v1/Systems/vm1`);
    assert.equal(await d.status(), 'off');
    assert.deepEqual(
      b.requests.map((q) => q.path),
      ['/redfish/v1/Systems/vm1'],
    );
  });
});

describe('certificate pinning', () => {
  test('first use pins; the same certificate passes; a changed one is refused before any credential is sent, until accepted', async () => {
    const b = await bmc();
    const pins = memoryPins();
    const d = driver(b.url(), { pins });
    assert.equal(await d.status(), 'off');
    assert.equal(pins.state.pinned, b.fingerprint(), 'pinned on first use');
    assert.equal(await d.status(), 'off', 'the same certificate passes');

    const old = b.fingerprint();
    const presented = b.rotateCertificate();
    const seen = b.requests.length;
    const message = await refused('CERTIFICATE_CHANGED', () => d.status());
    assert.ok(message.startsWith(`The BMC's certificate changed: ${old.slice(0, 11)}…`), message);
    assert.ok(message.includes(`→ ${presented.slice(0, 11)}…`), message);
    assert.match(message, /accept it in the UI if expected/);
    assert.equal(b.requests.length, seen, 'no request (so no credentials) reached the BMC with the changed certificate');
    assert.deepEqual(pins.state, { pinned: old, presented }, 'recorded as presented, still pinned to the old one');
    await refused('CERTIFICATE_CHANGED', () => d.cycle()); // still refused: nobody accepted it

    const accepted = acceptPresented(pins.state, presented);
    assert.ok(accepted.ok);
    // What the accept-certificate route does with the store (deepEqual above narrowed pins.state's type).
    Object.assign(pins.state, { pinned: accepted.ok ? accepted.pinned : null, presented: null });
    assert.equal(await d.status(), 'off', 'accepted: it works again');
    assert.ok(b.requests.length > seen);
  });
});

describe("as the power core's Redfish driver, pins kept in the power settings store", () => {
  const mac = '52:54:00:aa:bb:01';
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  async function storeFor(url: string, allowHttp = false): Promise<PowerSettingsStore> {
    const dir = mkdtempSync(join(tmpdir(), 'bootbench-rfs-store-'));
    dirs.push(dir);
    const store = await PowerSettingsStore.open(dir);
    await store.update(mac, { method: 'redfish', redfish: { url, user: USER, password: PASSWORD, allowHttp } });
    return store;
  }
  const kindOf = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (e) {
      outputs.push(String(e), JSON.stringify(e));
      assert.ok(isPowerFailure(e), String(e));
      return { kind: e.kind, detail: e.detail };
    }
    assert.fail('expected a PowerFailure');
  };

  test('first contact pins in the store; a changed certificate is recorded as presented and fails until the store accepts it', async () => {
    const b = await bmc();
    const store = await storeFor(b.url());
    const driver = () => redfishDrivers()({ mac, settings: store.get(mac)!.redfish!, host: undefined, store });
    const signal = new AbortController().signal;
    assert.equal(driver().target, b.url());
    assert.equal(await driver().status(signal), 'off');
    assert.equal(store.get(mac)?.redfish?.pinnedFingerprint, b.fingerprint());
    await driver().pxeOnce(signal);
    await driver().on(signal);
    assert.equal(b.powerOns.at(-1)?.pxeFirst, true);

    const presented = b.rotateCertificate();
    const failure = await kindOf(driver().status(signal));
    assert.equal(failure.kind, 'failed');
    assert.match(failure.detail, /^The BMC's certificate changed: .* accept it in the UI if expected/);
    assert.equal(store.get(mac)?.redfish?.presentedFingerprint, presented);
    await store.acceptCertificate(mac, presented);
    assert.equal(await driver().status(signal), 'on');
  });

  test('a wrong password is "refused" (never retried), a silent BMC "no-answer", plain http warns on the host', async () => {
    const b = await bmc();
    const store = await storeFor(b.url());
    await store.update(mac, { method: 'redfish', redfish: { url: b.url(), user: USER, password: 'wrong' } });
    const signal = new AbortController().signal;
    const make = (o: Parameters<typeof redfishDrivers>[0] = {}) =>
      redfishDrivers(o)({ mac, settings: store.get(mac)!.redfish!, host: undefined, store });
    assert.equal((await kindOf(make().status(signal))).kind, 'refused');

    const h = await bmc({ scheme: 'http' });
    const plain = await storeFor(h.url(), true);
    const warned: string[] = [];
    const d = redfishDrivers({ warn: (m, message) => warned.push(`${m} ${message}`) })({
      mac,
      settings: plain.get(mac)!.redfish!,
      host: undefined,
      store: plain,
    });
    await d.pxeOnce(signal);
    await d.cycle(signal);
    assert.equal(warned.length, 2);
    assert.ok(warned.every((w) => w.startsWith(`${mac} Redfish`) && /password crosses the network in clear/.test(w)));
    outputs.push(...warned);
  });
});

describe('bad input: each a clear error, no crash', () => {
  test('a wrong password: "credentials refused", naming the user', async () => {
    const b = await bmc();
    const message = await refused('CREDENTIALS_REFUSED', () => driver(b.url(), { password: 'not-the-password' }).status());
    assert.match(message, /refused the credentials of user "bootbench" \(HTTP 401\): credentials refused/);
  });

  test('a BMC that never answers: a timeout in bounded time, after TLS and before it (a silent TCP peer)', async () => {
    const b = await bmc();
    b.fault = 'silent';
    let t0 = Date.now();
    let message = await refused('TIMEOUT', () => driver(b.url(), { requestTimeoutMs: 1_500 }).status());
    assert.ok(Date.now() - t0 < 5_000, `bounded: ${Date.now() - t0} ms`);
    assert.match(message, /did not answer GET \/redfish\/v1\/ within 1\.5 s/);

    const sockets = new Set<Socket>();
    const silent: Server = createServer((s) => sockets.add(s)); // accepts, never speaks TLS
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    try {
      t0 = Date.now();
      message = await refused('TIMEOUT', () => driver(`https://127.0.0.1:${port}`, { requestTimeoutMs: 1_500 }).on());
      assert.ok(Date.now() - t0 < 5_000, `bounded: ${Date.now() - t0} ms`);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
    // And one whose port is closed: unreachable, at once.
    message = await refused('UNREACHABLE', () => driver(`https://127.0.0.1:${port}`).status());
    assert.match(message, /does not answer: connection refused/);
  });

  test('the caller can abort (the controller deadline), and the abort is its reason', async () => {
    const b = await bmc();
    b.fault = 'silent';
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('power action deadline')), 300);
    await assert.rejects(driver(b.url()).status(ac.signal), /power action deadline/);
  });

  test('a malformed JSON body; a body that is JSON but not a Redfish resource', async () => {
    const b = await bmc();
    b.fault = 'malformed-json';
    let message = await refused('MALFORMED', () => driver(b.url()).status());
    assert.match(message, /answered GET \/redfish\/v1\/ with a malformed Redfish body: not JSON/);
    b.fault = 'not-redfish';
    message = await refused('MALFORMED', () => driver(b.url()).status());
    assert.match(message, /malformed Redfish body: not a ServiceRoot with a Systems link: Systems:/);
  });

  test('a response over 1 MiB is refused without reading it all, with and without Content-Length', async () => {
    const b = await bmc();
    for (const fault of ['oversize', 'oversize-chunked'] as const) {
      b.fault = fault;
      const message = await refused('TOO_LARGE', () => driver(b.url()).status());
      assert.match(message, /answered GET \/redfish\/v1\/ with more than 1 MiB: refused without reading it/);
    }
  });

  test('http:// is refused unless allowed, and then every action warns that the password crosses in clear', async () => {
    const b = await bmc({ scheme: 'http' });
    const message = await refused('HTTP_REFUSED', async () => driver(b.url()).status());
    assert.match(message, /is plain http: the BMC password would cross the network in clear/);
    assert.equal(b.requests.length, 0, 'nothing was sent');

    const warnings: string[] = [];
    const d = driver(b.url(), { allowHttp: true, warn: (m) => (warnings.push(m), outputs.push(m)) });
    assert.equal(await d.status(), 'off');
    await d.pxeOnce();
    await d.on();
    assert.equal(warnings.length, 3, warnings.join('\n'));
    for (const w of warnings) assert.match(w, /over plain http \(allowed for this host\): the BMC password crosses the network in clear/);
  });

  test('a URL with credentials in it, or another path, is refused without echoing them', async () => {
    const message = await refused('BAD_URL', async () => driver(`https://admin:${PASSWORD}@10.0.0.5/`).status());
    assert.match(message, /credentials belong in the user and password settings/);
    await refused('BAD_URL', async () => driver('https://10.0.0.5/some/where').status());
    assert.match(
      await refused('BAD_URL', async () => driver(`https://admin:${PASSWORD}@[10.0.0.5/`).status()),
      /https:\/\/…@\[10\.0\.0\.5\/ is not usable \(not a URL\)/,
    );
    await refused('BAD_URL', async () => driver('ftp://10.0.0.5/').status());
  });

  test('the password is in no error, stack, context or warning of this file', () => {
    assert.ok(outputs.length > 20, `outputs collected: ${outputs.length}`);
    for (const text of outputs) {
      assert.ok(!text.includes(PASSWORD), `the password leaked: ${text}`);
      assert.ok(!text.includes(BASIC), `the Basic credentials leaked: ${text}`);
    }
  });
});
