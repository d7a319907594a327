// What Bootbench does with a boot-menu choice, made at the machine (the iPXE or GRUB menu calls
// back: routes.ts, grub-routes.ts) or in the app ("boot this next": POST /api/hosts/:mac/boot):
//   install:<id>  queued exactly as a click on Install (the install manager, current settings); the
//                 machine then gets its host script, which boots the installer (the confirmation
//                 happened at the machine, before the call);
//   anything else recorded as the host's lastBoot and on its timeline, then booted: memtest86+, the
//                 disk, reboot, the shell (menu-targets.ts), a live or whole ISO (the live boots,
//                 handed in as `targetFor`).
// A choice in the app is one-shot: kept in memory until the host's next script fetch takes it.
// The wait policy and the menu timeout come from their owner (the boot policy), handed in.
import type { Distro, Host, HostBoot, WaitPolicy } from '../../shared/contract.js';
import { BootbenchError } from '../errors.js';
import type { BootTarget } from './boot-target.js';
import { buildBootMenu, parseMenuEntryId, type BootMenu, type MenuEntry, menuEntries } from './menu.js';
import { fixedTarget, targetTitle } from './menu-targets.js';

/** Who asks, for a target that depends on it (its firmware, the server address it reached). */
export interface BootClient {
  /** http://SERVER[:PORT] the host reached. */
  serverBase: string;
  /** The asking client's address. */
  ip: string;
  /** Which program will boot it. */
  chain: 'ipxe' | 'signed';
  /**
   * The MAC Bootbench knows holds the asking address (its lease, else the host registry), or null.
   * A choice is a machine's own: another machine on the segment cannot choose for it (an install
   * erases a disk), as it cannot fetch its installer (install manager, installerFor).
   */
  ownerMac?: string | null;
}

/** The live boots (live:<id>, iso:<id>): the BootTarget of such an entry, or null when it cannot boot. */
export type LiveTargetFor = (entry: string, host: Host | undefined, client: BootClient) => BootTarget | null | Promise<BootTarget | null>;

export interface BootChoicesOptions {
  hosts: { get(mac: string): Host | undefined; setLastBoot(mac: string, boot: HostBoot): Host | undefined };
  distros: () => readonly Distro[];
  /** Queues an install with the current settings, as a click on Install does. */
  queueInstall: (mac: string, distro: string) => Promise<unknown>;
  /** A line on the host's timeline. */
  log: (level: 'info' | 'warn', mac: string, kind: string, message: string, data?: Record<string, unknown>) => void;
  /** The policy of a waiting host (the boot policy's; default `wait`). */
  waitPolicyOf?: (host: Host | undefined) => WaitPolicy;
  /** Seconds the menu waits for a choice (the boot policy's; default 10). */
  menuTimeoutSeconds?: () => number;
  /** The live boots; absent: no live or whole-ISO entries. */
  targetFor?: LiveTargetFor;
  now?: () => Date;
}

export type ChoiceOutcome =
  { kind: 'install'; host: Host | undefined } | { kind: 'target'; target: BootTarget } | { kind: 'refused'; reason: string };

/** How long a whole ISO handed to a UEFI HTTP-boot client's DHCP stays on offer (one boot's DHCP, and a retry). */
export const HTTP_BOOT_GRACE_MS = 120_000;

export class BootChoices {
  private readonly next = new Map<string, { entry: string; title: string; httpBootAt?: number }>();

  constructor(private readonly opts: BootChoicesOptions) {}

  waitPolicyOf(host: Host | undefined): WaitPolicy {
    return this.opts.waitPolicyOf?.(host) ?? 'wait';
  }

  menuTimeoutSeconds(): number {
    return this.opts.menuTimeoutSeconds?.() ?? 10;
  }

  /** The menu this host is offered by this program. */
  menuFor(host: Host | undefined, chain: 'ipxe' | 'signed'): BootMenu {
    return buildBootMenu({ distros: this.opts.distros(), host, chain, liveBoots: this.opts.targetFor !== undefined });
  }

  /** A choice at the machine's menu: recorded, queued or resolved to what boots it. */
  async choose(mac: string, entry: string, client: BootClient): Promise<ChoiceOutcome> {
    if (client.ownerMac && client.ownerMac !== mac) {
      const reason = `${client.ip} (${client.ownerMac}) chose ${entry} for ${mac}: a machine chooses only for itself`;
      this.opts.log('warn', mac, 'boot.menu-refused', `Boot menu: ${reason}`, { entry, from: client.ip });
      return { kind: 'refused', reason };
    }
    const host = this.opts.hosts.get(mac);
    const offered = this.offered(host, entry, client.chain);
    if (!offered) {
      const reason = `${entry} is not on this machine's boot menu (any more)`;
      this.opts.log('warn', mac, 'boot.menu-refused', `Boot menu: ${reason}`, { entry });
      return { kind: 'refused', reason };
    }
    if (offered.kind === 'install') {
      this.opts.log('info', mac, 'boot.menu-choice', `Boot menu at the machine: ${offered.title} (confirmed there)`, {
        entry,
        chosenAt: 'machine',
      });
      try {
        await this.opts.queueInstall(mac, offered.distro!);
      } catch (e) {
        const reason = (e as Error).message;
        this.opts.log('warn', mac, 'boot.menu-refused', `Boot menu: the install could not be queued: ${reason}`, { entry });
        return { kind: 'refused', reason };
      }
      this.opts.hosts.setLastBoot(mac, this.record(entry, offered.title, 'machine'));
      return { kind: 'install', host: this.opts.hosts.get(mac) };
    }
    const target = await this.targetOf(entry, host, client);
    if (!target) return { kind: 'refused', reason: `${offered.title} cannot be booted on this machine` };
    this.opts.hosts.setLastBoot(mac, this.record(entry, offered.title, 'machine'));
    this.opts.log('info', mac, 'boot.menu-choice', `Boot menu at the machine: ${offered.title}`, { entry, chosenAt: 'machine' });
    return { kind: 'target', target };
  }

  /** "Boot this next" from the app: checked now, booted at the host's next script fetch. */
  setNext(mac: string, entry: string): Host {
    const host = this.opts.hosts.get(mac);
    if (!host) throw new BootbenchError('HOST_NOT_FOUND', { mac });
    const parsed = parseMenuEntryId(entry);
    if (!parsed) throw new BootbenchError('BAD_ARGUMENT', { message: `not a boot menu entry: ${JSON.stringify(entry)}` });
    if (parsed.kind === 'install')
      throw new BootbenchError('BAD_ARGUMENT', { message: 'an install is queued with the install route (POST /api/hosts/:mac/install)' });
    const offered = this.offered(host, entry, host.chain);
    if (!offered) throw new BootbenchError('BAD_ARGUMENT', { message: `${entry} is not on this host's boot menu` });
    this.next.set(mac, { entry, title: offered.title });
    this.opts.log('info', mac, 'boot.next', `Boots ${offered.title} at its next network boot (chosen in the app)`, {
      entry,
      chosenAt: 'app',
    });
    return this.opts.hosts.setLastBoot(mac, this.record(entry, offered.title, 'app')) ?? host;
  }

  /** The target chosen in the app for this host's next boot, taken (one-shot); null when none. */
  async takeNext(mac: string, client: BootClient): Promise<BootTarget | null> {
    const pending = this.next.get(mac);
    if (!pending || (client.ownerMac && client.ownerMac !== mac)) return null; // kept for the machine itself
    const host = this.opts.hosts.get(mac);
    // A UEFI HTTP-boot host's whole ISO is its firmware's to boot: the script reboots it, and its
    // next DHCP takes the entry (takeHttpBootIso).
    if (!(pending.entry.startsWith('iso:') && host?.firmware === 'uefi-http')) this.next.delete(mac);
    const target = await this.targetOf(pending.entry, host, client);
    if (!target) {
      this.opts.log('warn', mac, 'boot.menu-refused', `${pending.title} cannot be booted on this machine: waiting instead`, {
        entry: pending.entry,
      });
      return null;
    }
    this.opts.log('info', mac, 'boot.next-taken', `Booting ${targetTitle(target)} (chosen in the app)`, {
      entry: pending.entry,
      chosenAt: 'app',
    });
    return target;
  }

  /**
   * The distro id of a whole ISO chosen in the app for this host, for its DHCP answer (the firmware
   * boots the .iso); null when none. Answered for HTTP_BOOT_GRACE_MS after the first time: one boot
   * asks twice (DISCOVER, REQUEST), and a firmware may retry.
   */
  takeHttpBootIso(mac: string, now = Date.now()): string | null {
    const pending = this.next.get(mac);
    if (!pending?.entry.startsWith('iso:')) return null;
    pending.httpBootAt ??= now;
    if (now - pending.httpBootAt > HTTP_BOOT_GRACE_MS) {
      this.next.delete(mac);
      return null;
    }
    return pending.entry.slice('iso:'.length);
  }

  hasNext(mac: string): boolean {
    return this.next.has(mac);
  }

  private offered(host: Host | undefined, entry: string, chain: 'ipxe' | 'signed'): (MenuEntry & { distro: string | null }) | null {
    return menuEntries(this.menuFor(host, chain)).find((e) => e.id === entry) ?? null;
  }

  private async targetOf(entry: string, host: Host | undefined, client: BootClient): Promise<BootTarget | null> {
    const fixed = fixedTarget(entry, host, client.serverBase);
    if (fixed) return fixed;
    return this.opts.targetFor ? await this.opts.targetFor(entry, host, client) : null;
  }

  private record(entry: string, title: string, chosenAt: HostBoot['chosenAt']): HostBoot {
    return { entry, title, chosenAt, at: (this.opts.now?.() ?? new Date()).toISOString() };
  }
}
