// What the UI says about booting other than installing, pure (tested in test/ui/boot-logic.test.ts):
// how a distro boots (installer, live, whole ISO, and why), the entries a host can be booted into
// from the app, its last such boot, and the wait policies in words.
import type { Distro, Host, HostBoot, NewHostPolicy, WaitPolicy } from '../../../electron/shared/contract.js';

export const BOOT_KIND_WORDS: Readonly<Record<Distro['boot'], string>> = {
  installer: 'Installer',
  live: 'Live',
  'whole-iso': 'Whole ISO',
};

const LIVE_FAMILY_WORDS: Readonly<Record<NonNullable<Distro['liveFamily']>, string>> = {
  casper: 'casper',
  'live-boot': 'Debian live-boot',
  dracut: 'dracut live',
  archiso: 'archiso',
};

export interface DistroBootWords {
  /** "Installer", "Live (casper)", "Whole ISO". */
  kind: string;
  /** Why it boots that way (always given for a whole ISO: why it is not an installer or live). */
  why: string | null;
  /** The ISO may not fit in a client's memory. */
  warning: string | null;
}

/** How a machine boots this distro. Records from a server before boot kinds read as installers. */
export function distroBootWords(d: Pick<Distro, 'boot' | 'bootReason' | 'liveFamily' | 'memoryWarning'>): DistroBootWords {
  const boot = d.boot ?? 'installer';
  const family = boot === 'live' && d.liveFamily ? ` (${LIVE_FAMILY_WORDS[d.liveFamily] ?? d.liveFamily})` : '';
  return { kind: `${BOOT_KIND_WORDS[boot] ?? boot}${family}`, why: d.bootReason ?? null, warning: d.memoryWarning ?? null };
}

/** Whether a distro can be installed (a live system or a whole ISO has no unattended install). */
export function isInstaller(d: Pick<Distro, 'boot'>): boolean {
  return (d.boot ?? 'installer') === 'installer';
}

export interface BootChoice {
  /** The menu entry id sent to POST /api/hosts/:mac/boot. */
  entry: string;
  /** The option's words. */
  label: string;
  /** The button's words once chosen. */
  action: string;
}

/**
 * What a host can boot from the app without installing: each live distro and each whole ISO, then
 * memtest and the local disk. None of these touches a disk, so none asks for confirmation.
 */
export function bootChoices(distros: Iterable<Distro>): BootChoice[] {
  const usable = [...distros].filter((d) => d.status === 'ok').sort((a, b) => a.name.localeCompare(b.name));
  const name = (d: Distro) => (d.version ? `${d.name} ${d.version}` : d.name);
  return [
    ...usable
      .filter((d) => d.boot === 'live')
      .map((d) => ({ entry: `live:${d.id}`, label: `${name(d)} (live system)`, action: 'Boot live' })),
    ...usable
      .filter((d) => d.boot === 'whole-iso')
      .map((d) => ({ entry: `iso:${d.id}`, label: `${name(d)} (whole ISO)`, action: 'Boot whole ISO' })),
    { entry: 'memtest', label: 'Memory test (memtest86+)', action: 'Run memory test' },
    { entry: 'local', label: 'Local disk', action: 'Boot local disk' },
  ];
}

/** "10:42" in the viewer's time zone. */
export function clockOf(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', hour12: false });
}

/** "Booted Debian Live 12 (live system), chosen at the machine, 10:42"; null before any. */
export function lastBootWords(boot: HostBoot | null | undefined, clock: (iso: string) => string = clockOf): string | null {
  if (!boot) return null;
  const where = boot.chosenAt === 'machine' ? 'chosen at the machine' : 'chosen in the app';
  return `Booted ${boot.title}, ${where}, ${clock(boot.at)}`;
}

export const WAIT_POLICY_WORDS: Readonly<Record<WaitPolicy, string>> = {
  wait: 'Wait for Install in the app',
  menu: 'Show the boot menu',
  local: 'Boot the local disk',
};

/** The global policy in words, for a host that follows it ("Show the boot menu"). */
export function newHostPolicyWords(
  policy: NewHostPolicy | undefined,
  distros: ReadonlyMap<string, Pick<Distro, 'name' | 'version'>>,
): string {
  if (!policy) return 'not reported by this server';
  if (policy.action !== 'install') return WAIT_POLICY_WORDS[policy.action];
  const d = policy.distro ? distros.get(policy.distro) : undefined;
  return `Install ${d ? `${d.name} ${d.version}`.trim() : (policy.distro ?? '?')}`;
}

/**
 * What a waiting host does under the global policy: a new machine under `install` is queued when
 * first seen, and once that install is over it waits (the contract: `install` waits).
 */
export function followedWaitPolicy(policy: NewHostPolicy | undefined): WaitPolicy {
  return !policy || policy.action === 'install' ? 'wait' : policy.action;
}

/** The host's wait policy and where it comes from, in words. */
export function hostWaitWords(host: Pick<Host, 'waitPolicy'>, global: NewHostPolicy | undefined): string {
  if (host.waitPolicy) return `${WAIT_POLICY_WORDS[host.waitPolicy]} (this machine’s own setting)`;
  return `${WAIT_POLICY_WORDS[followedWaitPolicy(global)]} (follows the global setting)`;
}
