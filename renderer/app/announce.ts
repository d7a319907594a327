// Which installs finished between two views of the hosts, in words for the window title, a screen
// reader (aria-live) and a desktop notification. Pure, so the wording is tested in Node.
import type { Host } from '../../electron/shared/contract.js';

export interface Finish {
  mac: string;
  outcome: 'installed' | 'failed' | 'cancelled';
  /** Short, for the window title: "Installed: web-01 (52:54:…)". */
  title: string;
  /** A sentence for the aria-live region and the notification. */
  message: string;
}

const ACTIVE: ReadonlySet<Host['state']> = new Set(['queued', 'booting', 'installing']);

function nameOf(h: Host): string {
  return h.hostname ? `${h.hostname} (${h.mac})` : h.mac;
}

/** Hosts that were installing in `before` and have finished in `after`; hosts new to `after` are not news. */
export function finishedInstalls(before: ReadonlyMap<string, Host>, after: ReadonlyMap<string, Host>): Finish[] {
  const out: Finish[] = [];
  for (const [mac, h] of after) {
    const prev = before.get(mac);
    if (!prev || !ACTIVE.has(prev.state) || ACTIVE.has(h.state) || h === prev) continue;
    const name = nameOf(h);
    if (h.state === 'installed') {
      out.push({
        mac,
        outcome: 'installed',
        title: `Installed: ${name}`,
        message: `${name} is installed; its next network boot boots its disk.`,
      });
    } else if (h.state === 'failed' && h.failureCode === 'cancelled') {
      out.push({ mac, outcome: 'cancelled', title: `Cancelled: ${name}`, message: `The install of ${name} was cancelled.` });
    } else if (h.state === 'failed') {
      const why = h.failureReason ?? h.install?.failure?.message;
      out.push({
        mac,
        outcome: 'failed',
        title: `Install failed: ${name}`,
        message: `The install of ${name} failed${why ? `: ${why}` : '.'}`,
      });
    }
  }
  return out;
}

export function activeCount(hosts: ReadonlyMap<string, Host>): number {
  let n = 0;
  for (const h of hosts.values()) if (ACTIVE.has(h.state)) n += 1;
  return n;
}

/** "Installed: web-01 · 2 installing · Bootbench". */
export function windowTitle(lastFinish: Finish | null, active: number): string {
  return [lastFinish?.title, active > 0 ? `${active} installing` : null, 'Bootbench'].filter(Boolean).join(' · ');
}
