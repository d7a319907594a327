// The controller with drivers that misbehave on purpose: timeouts, retries, refused credentials,
// what goes on the timeline and the host record, and that no secret reaches any of it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Host, LogEvent } from '../../../electron/shared/contract.js';
import type { PowerState } from '../../../electron/shared/power.js';
import { BootbenchError } from '../../../electron/core/errors.js';
import { EventBus } from '../../../electron/core/events.js';
import { PowerController, type PowerHosts } from '../../../electron/core/power/controller.js';
import { PowerFailure, type PowerDriver } from '../../../electron/core/power/driver.js';
import { PowerSettingsStore } from '../../../electron/core/power/settings-store.js';
import { withTempDir } from '../../helpers/store-fixtures.js';

const MAC = '52:54:00:12:34:56';
const SECRET = 'S3cret-of-the-bmc';

function fakeHosts(): PowerHosts & { hosts: Map<string, Host> } {
  const hosts = new Map<string, Host>();
  const base = (mac: string): Host =>
    ({ mac, firmware: 'bios', arch: 'x86', state: 'discovered', ip: null, distro: null, firstSeen: '', lastSeen: '' }) as unknown as Host;
  return {
    hosts,
    get: (mac) => hosts.get(mac),
    expect: (mac) => hosts.get(mac) ?? (hosts.set(mac, base(mac)), hosts.get(mac)!),
    setPower: (mac, patch) => {
      const h = { ...(hosts.get(mac) ?? base(mac)), ...patch };
      hosts.set(mac, h);
      return h;
    },
  };
}

type Behaviour = Partial<Record<'status' | 'on' | 'off' | 'cycle' | 'pxeOnce', (signal: AbortSignal) => Promise<unknown>>>;

function setup(
  behaviour: Behaviour,
  run: (c: { power: PowerController; calls: string[]; log: LogEvent[]; hosts: ReturnType<typeof fakeHosts> }) => Promise<void>,
  method: 'ipmi' | 'wol' = 'ipmi',
) {
  return withTempDir('power-ctl', async (dir) => {
    const store = await PowerSettingsStore.open(dir);
    const bus = new EventBus();
    const log: LogEvent[] = [];
    bus.subscribe((e) => e.type === 'log' && log.push(e));
    const hosts = fakeHosts();
    const calls: string[] = [];
    let powered: PowerState = 'off';
    const step = (name: keyof Behaviour, fallback: () => unknown) => async (signal: AbortSignal) => {
      calls.push(name);
      const b = behaviour[name];
      if (b) return b(signal);
      return fallback();
    };
    const driver: PowerDriver = {
      method,
      target: '10.0.0.5:623',
      status: step('status', () => powered) as PowerDriver['status'],
      on: step('on', () => (powered = 'on')) as PowerDriver['on'],
      off: step('off', () => (powered = 'off')) as PowerDriver['off'],
      cycle: step('cycle', () => (powered = 'on')) as PowerDriver['cycle'],
      pxeOnce: step('pxeOnce', () => undefined) as PowerDriver['pxeOnce'],
    };
    const power = new PowerController({
      store,
      hosts,
      bus,
      createDriver: () => driver,
      attemptTimeoutMs: 300,
      attempts: 2,
      retryDelayMs: 10,
    });
    await power.update(MAC, { method: 'ipmi', ipmi: { address: '10.0.0.5', user: 'admin', password: SECRET } });
    await run({ power, calls, log, hosts });
    for (const e of log) assert.ok(!JSON.stringify(e).includes(SECRET), `a log line carries the secret: ${e.message}`);
  });
}

const isCode = (code: string) => (e: unknown) => {
  assert.ok(e instanceof BootbenchError, String(e));
  assert.equal(e.code, code);
  assert.ok(!e.message.includes(SECRET));
  return true;
};

describe('PowerController', () => {
  test('an action: on the timeline before and after, the host record updated', () =>
    setup({}, async ({ power, log, hosts }) => {
      const r = await power.run(MAC, 'on');
      assert.equal(r.state, 'on');
      assert.equal(hosts.get(MAC)?.powerMethod, 'ipmi');
      assert.equal(hosts.get(MAC)?.power?.state, 'on');
      const kinds = log.filter((e) => e.source === 'power').map((e) => e.kind);
      assert.deepEqual(kinds, ['power.settings', 'power.action', 'power.done']);
      assert.ok(log.every((e) => e.mac === MAC));
    }));

  test('Reinstall now: PXE once first, then on when off, cycle when on', () =>
    setup({}, async ({ power, calls }) => {
      const first = await power.startInstall(MAC, 'stays queued');
      assert.equal(first.action, 'on');
      assert.deepEqual(calls, ['pxeOnce', 'status', 'on']);
      calls.length = 0;
      const second = await power.startInstall(MAC, 'stays queued');
      assert.equal(second.action, 'cycle');
      assert.deepEqual(calls, ['pxeOnce', 'status', 'cycle']);
    }));

  test('Reinstall now with Wake-on-LAN: it wakes the host, nothing else', () =>
    setup(
      {},
      async ({ power, calls }) => {
        const r = await power.startInstall(MAC, 'stays queued');
        assert.equal(r.method, 'wol');
        assert.deepEqual(calls, ['on']);
      },
      'wol',
    ));

  test('refused credentials: one attempt only (BMCs lock accounts), a code of its own, the install note added', () =>
    setup(
      { pxeOnce: async () => Promise.reject(new PowerFailure('refused', `RAKP 2 HMAC is invalid for ${SECRET}`)) },
      async ({ power, calls, log }) => {
        await assert.rejects(power.startInstall(MAC, 'The install stays queued.'), (e: unknown) => {
          isCode('BMC_CREDENTIALS_REFUSED')(e);
          assert.match((e as Error).message, /refused the credentials of user "admin".*stays queued/);
          return true;
        });
        assert.deepEqual(calls, ['pxeOnce']);
        assert.ok(log.some((e) => e.kind === 'power.failed' && e.level === 'error'));
      },
    ));

  test('a BMC that never answers: each attempt aborted after its timeout, retried, then BMC_NO_ANSWER within a bounded time', () => {
    const aborted: boolean[] = [];
    return setup(
      {
        status: (signal) =>
          new Promise(() => {
            signal.addEventListener('abort', () => aborted.push(true));
          }),
      },
      async ({ power, calls, log }) => {
        const t0 = Date.now();
        await assert.rejects(power.run(MAC, 'status'), isCode('BMC_NO_ANSWER'));
        assert.ok(Date.now() - t0 < 2000, `took ${Date.now() - t0} ms`);
        assert.deepEqual(calls, ['status', 'status']);
        assert.equal(aborted.length, 2);
        assert.ok(log.some((e) => e.kind === 'power.retry'));
      },
    );
  });

  test('an error answer is retried once and may then succeed; secrets in a driver message are scrubbed', () => {
    let n = 0;
    return setup(
      { off: async () => (n += 1) === 1 && Promise.reject(new PowerFailure('failed', `odd answer ${SECRET}`)) },
      async ({ power, log }) => {
        const r = await power.run(MAC, 'off');
        assert.equal(r.state, 'off');
        assert.ok(log.some((e) => e.kind === 'power.retry' && e.message.includes('***')));
      },
    );
  });

  test('no settings: POWER_NOT_CONFIGURED, and the timeline says to reboot it by hand', () =>
    setup({}, async ({ power, log }) => {
      await assert.rejects(power.run('52:54:00:00:00:01', 'on'), isCode('POWER_NOT_CONFIGURED'));
      assert.ok(log.some((e) => e.kind === 'power.none' && /reboot this machine/.test(e.message)));
    }));

  test('forgetting the host removes its power settings, secrets included', () =>
    setup({}, async ({ power }) => {
      assert.equal(power.view(MAC).ipmi?.passwordSet, true);
      await power.forget(MAC);
      assert.equal(power.view(MAC).method, null);
      assert.equal(power.view(MAC).ipmi, null);
    }));

  test('one action at a time per host', () => {
    let inFlight = 0;
    let most = 0;
    const slow = async () => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 30));
      inFlight -= 1;
      return 'on' as const;
    };
    return setup({ status: slow }, async ({ power }) => {
      await Promise.all([power.run(MAC, 'status'), power.run(MAC, 'status'), power.run(MAC, 'status')]);
      assert.equal(most, 1);
    });
  });
});
