// Power control through a Redfish BMC (DMTF DSP0266): find the ComputerSystem from the service
// root, read its PowerState, set a one-time PXE boot override, and reset it through the action
// target the resource names. Every request goes through redfish-http.ts (pinned HTTPS, bounded,
// timed out); every body is checked by redfish-json.ts before it is used.
import type { PowerState } from '../../shared/power.js';
import type { CertificatePins } from './cert-pin.js';
import { RedfishError } from './redfish-error.js';
import { redfishCall, type RedfishEndpoint, type RedfishReply } from './redfish-http.js';
import {
  chooseResetType,
  parseActionInfo,
  parseCollection,
  parseServiceRoot,
  parseSystem,
  planPxeOnce,
  powerStateOf,
  type BootMode,
  type Parsed,
  type ResetIntent,
  type SystemFacts,
} from './redfish-json.js';

export interface RedfishDriverOptions {
  /** https://BMC, or https://BMC/redfish/v1/Systems/ID to name the system on a multi-system BMC. */
  url: string;
  user: string;
  password: string;
  /** Plain http was allowed explicitly: each action then warns that the password crosses in clear. */
  allowHttp: boolean;
  pins: CertificatePins;
  /** The boot mode for the PXE override, when known (the host's firmware) and the BMC offers the choice. */
  bootMode?: BootMode | null;
  /** Per request (connect, TLS, answer). Default 10 s. */
  requestTimeoutMs?: number;
  warn?: (message: string) => void;
}

export interface RedfishDriver {
  readonly method: 'redfish';
  status(signal?: AbortSignal): Promise<PowerState>;
  /** Each action says what it did, for the host's timeline (e.g. "ComputerSystem.Reset ForceRestart"). */
  on(signal?: AbortSignal): Promise<string>;
  off(signal?: AbortSignal): Promise<string>;
  cycle(signal?: AbortSignal): Promise<string>;
  pxeOnce(signal?: AbortSignal): Promise<string>;
}

const SERVICE_ROOT = '/redfish/v1/';
const SYSTEM_PATH = /^\/redfish\/v1\/Systems\/[^/]+\/?$/;

/** The BMC's origin and, when the URL names one, the system's path. Refuses http:// unless allowed. */
export function parseRedfishUrl(url: string, allowHttp: boolean): { origin: URL; system: string | null } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RedfishError('BAD_URL', { url: url.replace(/\/\/[^/]*@/, '//…@'), reason: 'not a URL' }); // never echo user info
  }
  const shown = `${parsed.protocol}//${parsed.host}${parsed.pathname}`; // never the user info
  if (parsed.username || parsed.password)
    throw new RedfishError('BAD_URL', { url: shown, reason: 'credentials belong in the user and password settings, not in the URL' });
  if (parsed.protocol === 'http:' && !allowHttp) throw new RedfishError('HTTP_REFUSED', { url: shown });
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new RedfishError('BAD_URL', { url: shown, reason: 'not https://' });
  const path = parsed.pathname.replace(/\/+$/, '');
  let system: string | null = null;
  if (SYSTEM_PATH.test(parsed.pathname)) system = path;
  else if (path !== '' && path !== '/redfish/v1' && path !== '/redfish')
    throw new RedfishError('BAD_URL', { url: shown, reason: 'the path is neither the service root nor /redfish/v1/Systems/ID' });
  return { origin: new URL(parsed.origin), system };
}

export function createRedfishDriver(o: RedfishDriverOptions): RedfishDriver {
  const { origin, system: configured } = parseRedfishUrl(o.url, o.allowHttp);
  const endpoint: RedfishEndpoint = { origin, user: o.user, password: o.password, pins: o.pins };
  const timeoutMs = o.requestTimeoutMs ?? 10_000;
  const where = origin.origin;
  let systemPath = configured;

  const call = (method: 'GET' | 'PATCH' | 'POST', path: string, signal?: AbortSignal, body?: unknown, ifMatch?: string | null) =>
    redfishCall(endpoint, { method, path, body, ifMatch, timeoutMs, signal });
  const checked = <T>(r: Parsed<T>, what: string): T => {
    if (!r.ok) throw new RedfishError('MALFORMED', { origin: where, what, reason: r.reason });
    return r.value;
  };
  /** An @odata.id or action target as a path on this BMC (a link to another host is refused). */
  const pathOf = (ref: string, what: string): string => {
    const url = new URL(ref, origin);
    if (url.origin !== origin.origin)
      throw new RedfishError('MALFORMED', { origin: where, what, reason: `a link to another host (${url.origin})` });
    return url.pathname + url.search;
  };
  const warnIfClear = (action: string) => {
    if (origin.protocol === 'http:')
      o.warn?.(`Redfish ${action} on ${where} over plain http (allowed for this host): the BMC password crosses the network in clear.`);
  };

  async function findSystem(signal?: AbortSignal): Promise<string> {
    if (systemPath) return systemPath;
    const root = checked(parseServiceRoot((await call('GET', SERVICE_ROOT, signal)).json), `GET ${SERVICE_ROOT}`);
    const systemsPath = pathOf(root.systems, `GET ${SERVICE_ROOT}`);
    const members = checked(parseCollection((await call('GET', systemsPath, signal)).json), `GET ${systemsPath}`);
    if (members.length !== 1)
      throw new RedfishError('UNSUPPORTED', {
        origin: where,
        message:
          members.length === 0
            ? 'its Systems collection is empty'
            : `it manages ${members.length} systems (${members.join(', ')}): give the one to use as the URL, e.g. ${where}${members[0]}`,
      });
    systemPath = pathOf(members[0]!, `GET ${systemsPath}`);
    return systemPath;
  }

  async function readSystem(signal?: AbortSignal): Promise<{ path: string; facts: SystemFacts; reply: RedfishReply }> {
    const path = await findSystem(signal);
    const reply = await call('GET', path, signal);
    return { path, facts: checked(parseSystem(reply.json), `GET ${path}`), reply };
  }

  async function allowedResetTypes(facts: SystemFacts, signal?: AbortSignal): Promise<readonly string[] | null> {
    if (!facts.reset) return null;
    if (facts.reset.types || !facts.reset.actionInfo) return facts.reset.types;
    const infoPath = pathOf(facts.reset.actionInfo, 'the reset ActionInfo');
    return checked(parseActionInfo((await call('GET', infoPath, signal)).json, 'ResetType'), `GET ${infoPath}`);
  }

  async function reset(intent: ResetIntent, signal?: AbortSignal): Promise<string> {
    warnIfClear(intent === 'cycle' ? 'power cycle' : `power ${intent}`);
    const { facts } = await readSystem(signal);
    const state = powerStateOf(facts.powerState);
    if ((intent === 'on' && state === 'on') || (intent === 'off' && state === 'off'))
      return `already ${state} (PowerState ${facts.powerState})`;
    if (!facts.reset) throw new RedfishError('UNSUPPORTED', { origin: where, message: 'the system has no #ComputerSystem.Reset action' });
    const type = chooseResetType(intent, state, await allowedResetTypes(facts, signal));
    if (!type.ok) throw new RedfishError('UNSUPPORTED', { origin: where, message: type.reason });
    await call('POST', pathOf(facts.reset.target, 'the reset action target'), signal, { ResetType: type.value });
    return `ComputerSystem.Reset ${type.value} (was ${facts.powerState ?? 'unknown'})`;
  }

  return {
    method: 'redfish',
    async status(signal) {
      warnIfClear('status');
      return powerStateOf((await readSystem(signal)).facts.powerState);
    },
    on: (signal) => reset('on', signal),
    off: (signal) => reset('off', signal),
    cycle: (signal) => reset('cycle', signal),
    async pxeOnce(signal) {
      warnIfClear('PXE-once boot override');
      const { path, facts, reply } = await readSystem(signal);
      const plan = planPxeOnce(facts, o.bootMode ?? null);
      if (!plan.ok) throw new RedfishError('UNSUPPORTED', { origin: where, message: plan.reason });
      await call('PATCH', path, signal, plan.value, reply.etag);
      const b = plan.value.Boot;
      return `Boot override ${b.BootSourceOverrideTarget} ${b.BootSourceOverrideEnabled}${b.BootSourceOverrideMode ? ` (${b.BootSourceOverrideMode})` : ''}`;
    },
  };
}
