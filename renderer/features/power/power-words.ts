// What the UI says about a host's power, pure (tested in test/ui/power-logic.test.ts): the method,
// the last state read and when, which actions the method can do, the words of an action while it
// runs, and what a queued machine waits for.
import type { Host } from '../../../electron/shared/contract.js';
import type { PowerAction, PowerMethod, PowerReading } from '../../../electron/shared/power.js';
import { formatAgo } from '../../components/format.js';

export const METHOD_WORDS: Readonly<Record<PowerMethod, string>> = { wol: 'Wake-on-LAN', ipmi: 'IPMI', redfish: 'Redfish' };

export function methodWords(method: PowerMethod | null | undefined): string {
  return method ? METHOD_WORDS[method] : 'none';
}

/** The buttons, in the order shown: Wake-on-LAN can only switch a machine on (and never reads its state). */
export function actionsOf(method: PowerMethod | null | undefined): readonly PowerAction[] {
  if (!method) return [];
  return method === 'wol' ? ['on'] : ['on', 'off', 'cycle', 'status'];
}

export const ACTION_LABEL: Readonly<Record<PowerAction, string>> = {
  on: 'Power on',
  off: 'Power off',
  cycle: 'Power cycle',
  status: 'Refresh status',
};

export const ACTION_BUSY: Readonly<Record<PowerAction, string>> = {
  on: 'Powering on…',
  off: 'Powering off…',
  cycle: 'Power-cycling…',
  status: 'Reading the power state…',
};

/** Power off and cycle cut a running system: they ask first. */
export function needsConfirm(action: PowerAction): boolean {
  return action === 'off' || action === 'cycle';
}

/** The newer of two readings (the live host's and the settings view's), or null. */
export function latestReading(...readings: (PowerReading | null | undefined)[]): PowerReading | null {
  let best: PowerReading | null = null;
  for (const r of readings) if (r && (!best || Date.parse(r.at) > Date.parse(best.at))) best = r;
  return best;
}

/** "on (2 min ago)", "unknown", "never read". */
export function powerStateWords(reading: PowerReading | null, method: PowerMethod | null | undefined, now: number): string {
  if (!reading) return method === 'wol' ? 'unknown (Wake-on-LAN cannot read it)' : 'not read yet';
  const state = reading.state === 'unknown' && method === 'wol' ? 'unknown (Wake-on-LAN cannot read it)' : reading.state;
  return `${state} (${formatAgo(reading.at, now)})`;
}

// The wait loop polls every few seconds: a queued machine that polled this recently starts by itself.
const POLLING_S = 30;

/**
 * What a queued machine waits for, or null when it is not queued or is about to start (it polls
 * the loop). Without power settings nobody but a person can start it: say so.
 */
export function queuedWords(host: Pick<Host, 'state' | 'lastPolledAt' | 'powerMethod'>, now: number): string | null {
  if (host.state !== 'queued') return null;
  const polled = host.lastPolledAt ? Date.parse(host.lastPolledAt) : NaN;
  if (!Number.isNaN(polled) && now - polled <= POLLING_S * 1000) return 'starting: it is waiting in the boot loop';
  if (!host.powerMethod) return 'reboot this machine to start';
  return host.powerMethod === 'wol'
    ? 'waiting for its next network boot: Power on wakes it'
    : 'waiting for its next network boot: Power cycle starts it';
}

/** The choice in the install confirmation, named for what it does with this method. */
export function nowChoiceWords(method: PowerMethod, reinstall: boolean): string {
  const verb = reinstall ? 'Reinstall now' : 'Install now';
  return method === 'wol' ? `${verb} (wake it with Wake-on-LAN)` : `${verb} (power-cycle through the BMC)`;
}
