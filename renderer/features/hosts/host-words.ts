// What the machine list says of a host, pure (tested in test/ui/hosts-logic.test.ts): its order,
// its name, whether a search matches it, how long ago a waiting machine last polled, and whether
// its installed system has booted.
import type { Host } from '../../../electron/shared/contract.js';
import { vendorOf } from './oui.js';

/**
 * A stable order: newest first-seen first, then by MAC. Nothing a host does later (DHCP, polls,
 * installs) moves its row; a machine seen for the first time appears at the top.
 */
export function sortHosts(hosts: Iterable<Host>): Host[] {
  return [...hosts].sort((a, b) => b.firstSeen.localeCompare(a.firstSeen) || a.mac.localeCompare(b.mac));
}

/** The name to show: the technician's label, else the host name its install gives it, else null. */
export function nameOf(host: Pick<Host, 'label' | 'hostname'>): string | null {
  return host.label || host.hostname || null;
}

/** "web-01 (52:54:00:…)" or the MAC alone: how dialogs name a machine. */
export function machineWords(host: Pick<Host, 'mac' | 'label' | 'hostname'>): string {
  const name = nameOf(host);
  return name ? `${name} (${host.mac})` : host.mac;
}

/**
 * Whether a host matches a search: every word of the query is found in its name, host name, MAC
 * (with or without separators), IP or vendor, case-insensitive.
 */
export function matchesSearch(host: Host, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack = [host.label ?? '', host.hostname ?? '', host.mac, host.mac.replace(/[:-]/g, ''), host.ip ?? '', vendorOf(host.mac) ?? '']
    .join(' ')
    .toLowerCase();
  return words.every((w) => haystack.includes(w.replace(/-/g, ':')) || haystack.includes(w));
}

// A loop polls every 5 s: a host silent for longer than this has left it (powered off, booted elsewhere).
const STILL_POLLING_S = 30;

/**
 * For a host waiting in the boot loop: "waiting — polled 3 s ago", or "not polling — last poll
 * 5 min ago" once it has stopped; null when it never polled or does not wait.
 */
export function pollWords(host: Pick<Host, 'state' | 'lastPolledAt'>, now: number): string | null {
  if ((host.state !== 'discovered' && host.state !== 'failed') || !host.lastPolledAt) return null;
  const t = Date.parse(host.lastPolledAt);
  if (Number.isNaN(t)) return null;
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s <= STILL_POLLING_S) return `waiting — polled ${s} s ago`;
  const ago = s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min` : `${Math.floor(s / 3600)} h`;
  return `not polling — last poll ${ago} ago`;
}

/**
 * What an installed host says of its first boot from its own disk: "first boot confirmed", or a
 * warning once it is overdue (the install itself stays installed); null otherwise (not installed,
 * still within the expected time, or an install whose answer file has no first-boot unit).
 */
export function firstBootWords(
  host: Pick<Host, 'state' | 'firstBoot' | 'firstBootOverdue'>,
): { text: string; warn: boolean; at: string | null } | null {
  if (host.state !== 'installed') return null;
  if (host.firstBoot) return { text: 'first boot confirmed', warn: false, at: host.firstBoot };
  if (host.firstBootOverdue) return { text: 'no first boot reported', warn: true, at: null };
  return null;
}
