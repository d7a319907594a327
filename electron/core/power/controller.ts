// Runs power actions: each driver call with a timeout and bounded retries, one action at a time per
// host, each action and its result on the host's timeline (source `power`), the host's power method
// and last reading kept on its record. A failure becomes an error that says which it was: the BMC
// did not answer, refused the credentials, or answered with an error; no message carries a secret.
import type { Host } from '../../shared/contract.js';
import type {
  PowerAction,
  PowerActionResult,
  PowerMethod,
  PowerReading,
  PowerSettingsUpdate,
  PowerSettingsView,
  PowerState,
} from '../../shared/power.js';
import { BootbenchError } from '../errors.js';
import type { EventBus } from '../events.js';
import { isPowerFailure, PowerFailure, type PowerDriver } from './driver.js';
import { scrubSecrets } from './scrub.js';
import type { PowerSettingsStore, StoredHostPower } from './settings-store.js';

export const METHOD_NAMES: Readonly<Record<PowerMethod, string>> = { wol: 'Wake-on-LAN', ipmi: 'IPMI', redfish: 'Redfish' };

/** What the controller needs of the host registry. */
export interface PowerHosts {
  get(mac: string): Host | undefined;
  expect(mac: string): Host;
  setPower(mac: string, patch: { powerMethod?: PowerMethod | null; power?: PowerReading | null }): Host | undefined;
}

/** Builds the driver for one host's settings (drivers.ts; tests hand in their own). */
export type DriverFactory = (input: { mac: string; settings: StoredHostPower; host: Host | undefined }) => PowerDriver;

export interface PowerControllerOptions {
  store: PowerSettingsStore;
  hosts: PowerHosts;
  bus: EventBus;
  createDriver: DriverFactory;
  /** How long one attempt of one driver call may take (default 30 s: ipmitool's own retries fit in it). */
  attemptTimeoutMs?: number;
  /** Attempts per driver call when nothing answered or the BMC answered an error (default 2). */
  attempts?: number;
  retryDelayMs?: number;
  clock?: () => Date;
  /** Trusting a changed Redfish certificate (the Redfish module's; default: the store's). */
  acceptCertificate?: (mac: string, fingerprint: string) => Promise<unknown>;
}

type Step = 'status' | 'on' | 'off' | 'cycle' | 'pxeOnce';
const STEP_WORDS: Readonly<Record<Step, string>> = {
  status: 'read the power state',
  on: 'power on',
  off: 'power off',
  cycle: 'power-cycle',
  pxeOnce: 'set the next boot to the network (PXE, once)',
};

export class PowerController {
  private readonly busy = new Map<string, Promise<unknown>>();
  private readonly attemptTimeoutMs: number;
  private readonly attempts: number;
  private readonly retryDelayMs: number;
  private readonly clock: () => Date;

  constructor(private readonly o: PowerControllerOptions) {
    this.attemptTimeoutMs = o.attemptTimeoutMs ?? 30_000;
    this.attempts = Math.max(1, o.attempts ?? 2);
    this.retryDelayMs = o.retryDelayMs ?? 1000;
    this.clock = o.clock ?? (() => new Date());
  }

  view(mac: string): PowerSettingsView {
    return this.o.store.view(mac, this.o.hosts.get(mac)?.power ?? null);
  }

  async update(mac: string, update: PowerSettingsUpdate): Promise<PowerSettingsView> {
    const stored = await this.o.store.update(mac, update);
    this.o.hosts.expect(mac);
    this.o.hosts.setPower(mac, { powerMethod: stored?.method ?? null, ...(stored ? {} : { power: null }) });
    const method = stored?.method;
    this.log(
      mac,
      'info',
      'power.settings',
      method ? `power settings saved: ${METHOD_NAMES[method]}${describe(stored)}` : 'power settings removed',
    );
    if (stored?.method === 'redfish' && stored.redfish?.allowHttp && stored.redfish.url.startsWith('http:'))
      this.log(
        mac,
        'warn',
        'power.insecure',
        `Redfish over plain HTTP (${stored.redfish.url}) was allowed: the BMC password crosses the network in clear`,
      );
    return this.view(mac);
  }

  /** The host was forgotten: its power settings (secrets included) go with it. */
  async forget(mac: string): Promise<void> {
    if (this.o.store.get(mac)) await this.o.store.update(mac, { method: null });
  }

  async acceptCertificate(mac: string, fingerprint: string): Promise<PowerSettingsView> {
    await (this.o.acceptCertificate ?? ((m: string, f: string) => this.o.store.acceptCertificate(m, f)))(mac, fingerprint);
    this.log(mac, 'info', 'power.certificate', `Redfish certificate ${fingerprint} accepted`);
    return this.view(mac);
  }

  /** One action now (the API's power buttons, `bootbench power MAC ACTION`). */
  run(mac: string, action: PowerAction): Promise<PowerActionResult> {
    return this.exclusive(mac, async () => {
      const driver = this.driverFor(mac);
      const state = await this.step(mac, driver, action);
      return { mac, action, method: driver.method, state, message: resultWords(driver, action, state) };
    });
  }

  /**
   * Reinstall now (an install was just queued): the next boot from the network, then a power cycle,
   * or power on when the host is off; Wake-on-LAN wakes it. A failure throws with `then` in its
   * words (the install stays queued), and is on the timeline.
   */
  startInstall(mac: string, then: string): Promise<PowerActionResult> {
    return this.exclusive(mac, async () => {
      let driver: PowerDriver;
      try {
        driver = this.driverFor(mac);
      } catch (e) {
        throw withThen(e, then);
      }
      try {
        if (driver.method === 'wol') {
          const state = await this.step(mac, driver, 'on');
          return { mac, action: 'on' as const, method: driver.method, state, message: `${mac}: woken (${METHOD_NAMES.wol})` };
        }
        await this.step(mac, driver, 'pxeOnce');
        const before = await this.step(mac, driver, 'status');
        const action = before === 'off' ? 'on' : 'cycle';
        const state = await this.step(mac, driver, action);
        return { mac, action, method: driver.method, state, message: resultWords(driver, action, state) };
      } catch (e) {
        throw withThen(e, then);
      }
    });
  }

  private driverFor(mac: string): PowerDriver {
    const settings = this.o.store.get(mac);
    if (!settings) {
      this.log(mac, 'warn', 'power.none', 'no power settings: reboot this machine to start');
      throw new BootbenchError('POWER_NOT_CONFIGURED', { mac });
    }
    try {
      return this.o.createDriver({ mac, settings, host: this.o.hosts.get(mac) });
    } catch (e) {
      throw this.failed(mac, settings.method, '-', 'status', e);
    }
  }

  /** One driver call, timed out and retried, logged before and after; the state it leaves the host in. */
  private async step(mac: string, driver: PowerDriver, step: Step): Promise<PowerState> {
    const name = METHOD_NAMES[driver.method];
    this.log(mac, 'info', 'power.action', `${name}: ${STEP_WORDS[step]} (${driver.target})`, { action: step, method: driver.method });
    let lastError: unknown = null;
    const t0 = Date.now();
    for (let attempt = 1; attempt <= this.attempts; attempt += 1) {
      try {
        const state = await this.attempt(driver, step);
        this.log(mac, 'info', 'power.done', `${name}: ${STEP_WORDS[step]}: done${state !== 'unknown' ? `, the host is ${state}` : ''}`, {
          action: step,
          method: driver.method,
          state,
        });
        if (step !== 'pxeOnce')
          this.o.hosts.setPower(mac, { powerMethod: driver.method, power: { state, at: this.clock().toISOString() } });
        return state;
      } catch (e) {
        lastError = e;
        const retry = isPowerFailure(e) && (e.kind === 'no-answer' || e.kind === 'failed') && attempt < this.attempts;
        if (!retry) break;
        this.log(mac, 'warn', 'power.retry', `${name}: ${STEP_WORDS[step]}: ${this.scrub(mac, e.detail)}; trying again`, { action: step });
        await new Promise((r) => setTimeout(r, this.retryDelayMs));
      }
    }
    const error = this.failed(mac, driver.method, driver.target, step, lastError, Date.now() - t0);
    this.log(mac, 'error', 'power.failed', error.message, { action: step, method: driver.method, code: error.code });
    throw error;
  }

  private async attempt(driver: PowerDriver, step: Step): Promise<PowerState> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new PowerFailure('no-answer', `no answer within ${Math.round(this.attemptTimeoutMs / 1000)} s`));
      }, this.attemptTimeoutMs);
    });
    try {
      const run = async (): Promise<PowerState> => {
        switch (step) {
          case 'status':
            return driver.status(controller.signal);
          case 'pxeOnce':
            await driver.pxeOnce(controller.signal);
            return 'unknown';
          default:
            await driver[step](controller.signal);
            return step === 'off' ? 'off' : driver.method === 'wol' ? 'unknown' : 'on';
        }
      };
      return await Promise.race([run(), timeout]);
    } finally {
      clearTimeout(timer);
      controller.abort();
    }
  }

  /** The error a failed call ends in: which failure it was, in words without secrets. */
  private failed(mac: string, method: PowerMethod, target: string, step: Step, e: unknown, elapsedMs = 0): BootbenchError {
    const m = METHOD_NAMES[method];
    if (!isPowerFailure(e)) {
      const detail = this.scrub(mac, e instanceof Error ? e.message : String(e));
      return new BootbenchError('BMC_FAILED', { mac, method: m, target, action: STEP_WORDS[step], detail });
    }
    const detail = this.scrub(mac, e.detail);
    switch (e.kind) {
      case 'no-answer':
        return new BootbenchError('BMC_NO_ANSWER', {
          mac,
          method: m,
          target,
          seconds: Math.max(1, Math.round(elapsedMs / 1000)),
        });
      case 'refused':
        return new BootbenchError('BMC_CREDENTIALS_REFUSED', { mac, method: m, target, user: this.userOf(mac) });
      case 'unsupported':
        return new BootbenchError('POWER_UNSUPPORTED', { mac, method: m, detail });
      case 'unavailable':
        return new BootbenchError('POWER_UNAVAILABLE', { mac, method: m, detail });
      case 'failed':
        return new BootbenchError('BMC_FAILED', { mac, method: m, target, action: STEP_WORDS[step], detail });
    }
  }

  private userOf(mac: string): string {
    const s = this.o.store.get(mac);
    return s?.ipmi && s.method === 'ipmi' ? s.ipmi.user : (s?.redfish?.user ?? '');
  }

  private scrub(mac: string, text: string): string {
    return scrubSecrets(text, this.o.store.secretsOf(mac));
  }

  private log(mac: string, level: 'info' | 'warn' | 'error', kind: string, message: string, data?: Record<string, unknown>): void {
    this.o.bus.log('power', level, kind, this.scrub(mac, message), { mac, ...(data ? { data } : {}) });
  }

  /** One action at a time per host: a second click waits for the first instead of interleaving BMC commands. */
  private exclusive<T>(mac: string, run: () => Promise<T>): Promise<T> {
    const before = this.busy.get(mac) ?? Promise.resolve();
    const next = before.catch(() => undefined).then(run);
    const settled = next.catch(() => undefined);
    this.busy.set(mac, settled);
    void settled.then(() => {
      if (this.busy.get(mac) === settled) this.busy.delete(mac);
    });
    return next;
  }
}

/** What a successful action did, in words. */
function resultWords(driver: PowerDriver, action: PowerAction, state: PowerState): string {
  const via = `${METHOD_NAMES[driver.method]}, ${driver.target}`;
  if (action === 'status') return `${state === 'unknown' ? 'power state unknown' : `powered ${state}`} (${via})`;
  if (driver.method === 'wol') return `magic packet sent (${via}); Wake-on-LAN cannot tell whether the host woke`;
  return `${STEP_WORDS[action]}: done, the host is ${state} (${via})`;
}

/** The settings in words for the timeline: addresses and users, never a secret. */
function describe(s: StoredHostPower | null): string {
  if (s?.method === 'wol' && s.wol) return ` (MAC ${s.wol.mac}${s.wol.secureOn ? ', SecureOn set' : ''})`;
  if (s?.method === 'ipmi' && s.ipmi) return ` (${s.ipmi.address}:${s.ipmi.port}, user ${s.ipmi.user}, cipher suite ${s.ipmi.cipherSuite})`;
  if (s?.method === 'redfish' && s.redfish) return ` (${s.redfish.url}, user ${s.redfish.user})`;
  return '';
}

/** The same error with what it means for the queued install added to its words. */
function withThen(e: unknown, then: string): unknown {
  if (!(e instanceof BootbenchError) || !('mac' in e.context)) return e;
  const copy = new BootbenchError(e.code, { ...e.context, then } as never, { cause: e });
  return copy;
}
