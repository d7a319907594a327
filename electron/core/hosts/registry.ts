// The host registry: every network-booting client seen, persisted in hosts.json (atomic writes,
// coalesced so that a burst of packets costs one write), and announced on the event bus.
import { join } from 'node:path';
import type { BootChain, Host, HostBoot, HostInstall, HostState, InstallFailure } from '../../shared/contract.js';
import { BootbenchError } from '../errors.js';
import type { ClientInfo } from '../dhcp/pxe.js';
import type { EventBus } from '../events.js';
import { readJsonFile, writeJsonAtomic } from '../store/atomic.js';
import { dataFiles } from '../store/data-dir.js';

/** What the DHCP server learns of a client that the registry keeps. */
export type ClientSighting = Pick<ClientInfo, 'mac' | 'firmware' | 'arch' | 'clientArch' | 'uuid' | 'vendorClass' | 'userClass'> &
  Partial<Pick<ClientInfo, 'ipxe'>>;

/** Runs `run` after `ms`; returns a cancel. Injected by tests to fire the coalesced save themselves. */
export type Schedule = (run: () => void, ms: number) => () => void;

/** What a host shows of its install: its state and failure (a cancelled install gives back the earlier ones), and its host name. */
export interface InstallView {
  state: HostState;
  failure: InstallFailure | null;
  /** The host name to show; null removes it, absent keeps the one it has. */
  hostname?: string | null;
  /** When its installed system first booted (null: not yet); absent keeps what it has. */
  firstBoot?: string | null;
  /** Installed, and no first boot within the expected time; absent keeps what it has. */
  firstBootOverdue?: boolean;
}

// A host's contacts move its lastSeen at most this often: an installer fetching hundreds of files
// costs one host event (and one coalesced save) a second, not one per request.
const TOUCH_EVERY_MS = 1000;
const UNDER_WAY: ReadonlySet<HostState> = new Set<HostState>(['queued', 'booting', 'installing']);

const realTimer: Schedule = (run, ms) => {
  const timer = setTimeout(run, ms);
  return () => clearTimeout(timer);
};

interface HostsFile {
  version: 1;
  hosts: Host[];
}

export class HostRegistry {
  private readonly hosts = new Map<string, Host>();
  private cancelSave: (() => void) | null = null;
  private saving: Promise<void> = Promise.resolve();

  private constructor(
    private readonly path: string,
    private readonly bus: EventBus,
    private readonly clock: () => Date,
    private readonly saveDelayMs: number,
    private readonly schedule: Schedule,
    private readonly chainOfNewHost: () => BootChain,
  ) {}

  /** Address → MAC, kept with every change: HTTP and TFTP ask it for every request. */
  private readonly byIp = new Map<string, string>();

  static async open(
    dataDir: string,
    bus: EventBus,
    options: {
      clock?: () => Date;
      saveDelayMs?: number;
      schedule?: Schedule;
      /** The chain a host seen for the first time gets (the global setting's; default ipxe). */
      chainOfNewHost?: () => BootChain;
    } = {},
  ): Promise<HostRegistry> {
    const registry = new HostRegistry(
      join(dataDir, dataFiles.hosts),
      bus,
      options.clock ?? (() => new Date()),
      options.saveDelayMs ?? 200,
      options.schedule ?? realTimer,
      options.chainOfNewHost ?? (() => 'ipxe'),
    );
    const file = await readJsonFile<HostsFile>(registry.path, { version: 1, hosts: [] });
    // Hosts stored before boot chains were chosen have none: they booted iPXE, and keep it.
    for (const host of file.hosts) registry.put({ ...host, chain: host.chain ?? 'ipxe' });
    return registry;
  }

  list(): Host[] {
    return [...this.hosts.values()].sort((a, b) => a.firstSeen.localeCompare(b.firstSeen) || a.mac.localeCompare(b.mac));
  }

  /** The host last seen with this address (proxy mode: the network's DHCP server gave it). */
  macForIp(ip: string): string | null {
    return this.byIp.get(ip) ?? null;
  }

  private put(host: Host): void {
    const old = this.hosts.get(host.mac);
    if (old?.ip && old.ip !== host.ip && this.byIp.get(old.ip) === host.mac) this.byIp.delete(old.ip);
    this.hosts.set(host.mac, host);
    if (host.ip) this.byIp.set(host.ip, host.mac); // the latest host seen with an address has it
  }

  get(mac: string): Host | undefined {
    return this.hosts.get(mac);
  }

  /** A PXE/HTTP-boot client was seen: record it (new hosts start `discovered`). */
  seen(sighting: ClientSighting, ip: string | null = null): Host {
    const now = this.clock().toISOString();
    const known = this.hosts.get(sighting.mac);
    // The iPXE that UEFI HTTP boot started says PXE type 7 like any EFI iPXE (it cannot tell how it
    // was loaded): a host whose firmware asked over HTTP stays uefi-http, with the firmware's type.
    const httpBooted = known?.firmware === 'uefi-http' && sighting.ipxe === true && sighting.firmware === 'uefi';
    const host: Host = known
      ? {
          ...known,
          // A later sighting from a chainloaded iPXE may lack some options: keep what we knew.
          firmware: httpBooted || sighting.firmware === 'unknown' ? known.firmware : sighting.firmware,
          arch: sighting.arch !== 'unknown' ? sighting.arch : known.arch,
          clientArch: httpBooted ? known.clientArch : (sighting.clientArch ?? known.clientArch),
          uuid: sighting.uuid ?? known.uuid,
          vendorClass: sighting.vendorClass ?? known.vendorClass,
          userClass: sighting.userClass ?? known.userClass,
          ip: ip ?? known.ip,
          lastSeen: now,
        }
      : newHost(sighting, ip, now, this.chainOfNewHost());
    this.put(host);
    if (!known)
      this.bus.log(
        'dhcp',
        'info',
        'host.discovered',
        `new ${host.firmware.toUpperCase()} host ${host.mac} (${host.vendorClass ?? 'no vendor class'})`,
        { mac: host.mac },
      );
    this.changed(host);
    return host;
  }

  /**
   * Whether a MAC has never been seen on the network: no record, or only one made ahead of its first
   * DHCP request (expect(): an install queued ahead, power settings …), which has learnt nothing
   * from the network yet (a sighting always brings a firmware or a vendor class).
   */
  neverSighted(mac: string): boolean {
    const known = this.hosts.get(mac);
    return !known || (known.firmware === 'unknown' && known.vendorClass === null && known.userClass === null && !known.lastPolledAt);
  }

  /**
   * A host asked for by MAC before it network-booted (an install queued ahead): recorded as
   * `discovered` with what is known, its firmware learnt at its first DHCP request.
   */
  expect(mac: string): Host {
    const known = this.hosts.get(mac);
    if (known) return known;
    const host = this.draft(mac);
    this.put(host);
    this.changed(host);
    return host;
  }

  /** The record `expect` would make for a MAC not seen yet, without recording it (checks before an import applies). */
  draft(mac: string): Host {
    return (
      this.hosts.get(mac) ??
      newHost(
        { mac, firmware: 'unknown', arch: 'unknown', clientArch: null, uuid: null, vendorClass: null, userClass: null },
        null,
        this.clock().toISOString(),
        this.chainOfNewHost(),
      )
    );
  }

  /**
   * The host's install changed: by default its state follows the install's stage and its failure
   * the install's; `view` says otherwise (a cancelled install gives back the state it replaced).
   */
  setInstall(mac: string, install: HostInstall, view?: InstallView): Host | undefined {
    const known = this.hosts.get(mac);
    if (!known) return undefined;
    const { failureReason: _reason, failureCode: _code, ...rest } = known;
    const state = view?.state ?? install.stage;
    const failure = view ? view.failure : install.stage === 'failed' ? install.failure : null;
    const host: Host = {
      ...rest,
      state,
      distro: install.distro,
      install,
      ...(view?.hostname !== undefined ? { hostname: view.hostname } : {}),
      ...(view?.firstBoot !== undefined ? { firstBoot: view.firstBoot } : {}),
      ...(view?.firstBootOverdue !== undefined ? { firstBootOverdue: view.firstBootOverdue } : {}),
      ...(state === 'failed' && failure ? { failureReason: failure.message, failureCode: failure.code } : {}),
    };
    this.put(host);
    this.changed(host);
    return host;
  }

  setState(mac: string, state: HostState, extra: Partial<Pick<Host, 'distro' | 'failureReason' | 'failureCode'>> = {}): Host | undefined {
    const known = this.hosts.get(mac);
    if (!known) return undefined;
    const host = { ...known, state, ...extra };
    this.put(host);
    this.changed(host);
    return host;
  }

  /**
   * The host made contact (a TFTP or HTTP request, a syslog line, a report): its lastSeen moves, and
   * a fetch of its iPXE script is a poll of the wait loop. At most once a second per host.
   */
  touch(mac: string, contact: { polled?: boolean } = {}): void {
    const known = this.hosts.get(mac);
    if (!known) return;
    const now = this.clock();
    const stale = (iso: string | null | undefined) => !iso || now.getTime() - Date.parse(iso) >= TOUCH_EVERY_MS;
    const polled = contact.polled === true && stale(known.lastPolledAt);
    if (!polled && !stale(known.lastSeen)) return;
    const at = now.toISOString();
    const host: Host = { ...known, lastSeen: at, ...(polled ? { lastPolledAt: at } : {}) };
    this.put(host);
    this.changed(host);
  }

  /** How the host is switched on and off, and its power state as last read or set (power/controller.ts). */
  setPower(mac: string, patch: Partial<Pick<Host, 'powerMethod' | 'power'>>): Host | undefined {
    const known = this.hosts.get(mac);
    if (!known) return undefined;
    const host: Host = { ...known, ...patch };
    this.put(host);
    this.changed(host);
    return host;
  }

  /** The last thing booted for it that is not its install (boot/menu-choice.ts), or null. */
  setLastBoot(mac: string, lastBoot: HostBoot | null): Host | undefined {
    const known = this.hosts.get(mac);
    if (!known) return undefined;
    const host: Host = { ...known, lastBoot };
    this.put(host);
    this.changed(host);
    return host;
  }

  /** The technician's name for the host; null or blank removes it. */
  setLabel(mac: string, label: string | null): Host {
    const known = this.hosts.get(mac);
    if (!known) throw new BootbenchError('HOST_NOT_FOUND', { mac });
    const text = label?.trim() ?? '';
    const host: Host = { ...known, label: text === '' ? null : text };
    this.put(host);
    this.changed(host);
    return host;
  }

  /**
   * The host's boot chain, its own chain setting and why `auto` chose the chain (boot/ decides
   * them). A change that changes nothing is not announced.
   */
  setChain(mac: string, update: Partial<Pick<Host, 'chain' | 'chainOverride' | 'chainReason'>>): Host {
    const known = this.hosts.get(mac);
    if (!known) throw new BootbenchError('HOST_NOT_FOUND', { mac });
    const host: Host = { ...known, ...update };
    const same = (['chain', 'chainOverride', 'chainReason'] as const).every((k) => (host[k] ?? null) === (known[k] ?? null));
    if (same) return known;
    this.put(host);
    this.changed(host);
    return host;
  }

  /** What the host does while it waits (its own wait policy) and its extra kernel arguments (boot/boot-policy.ts checks them). */
  setBootPrefs(mac: string, patch: Partial<Pick<Host, 'waitPolicy' | 'kernelArgs'>>): Host {
    const known = this.hosts.get(mac);
    if (!known) throw new BootbenchError('HOST_NOT_FOUND', { mac });
    const host: Host = { ...known, ...patch };
    this.put(host);
    this.changed(host);
    return host;
  }

  /** Deletes the host's record (refused while an install is under way); the record as it was. */
  forget(mac: string): Host {
    const known = this.hosts.get(mac);
    if (!known) throw new BootbenchError('HOST_NOT_FOUND', { mac });
    if (UNDER_WAY.has(known.state)) throw new BootbenchError('HOST_BUSY', { mac, state: known.state });
    this.hosts.delete(mac);
    if (known.ip && this.byIp.get(known.ip) === mac) this.byIp.delete(known.ip);
    this.bus.emit({ type: 'host', host: known, forgotten: true });
    this.bus.log('core', 'info', 'host.forgotten', `${mac} forgotten${known.label ? ` (${known.label})` : ''}`, { mac });
    this.scheduleSave();
    return known;
  }

  private changed(host: Host): void {
    this.bus.emit({ type: 'host', host });
    this.scheduleSave();
  }

  private scheduleSave(): void {
    if (this.cancelSave) return;
    this.cancelSave = this.schedule(() => {
      this.cancelSave = null;
      this.saving = this.saving
        .then(() => this.save())
        .catch((e: unknown) => {
          this.bus.log('core', 'error', 'store.write', `could not save hosts: ${(e as Error).message}`);
        });
    }, this.saveDelayMs);
  }

  private save(): Promise<void> {
    return writeJsonAtomic(this.path, { version: 1, hosts: this.list() } satisfies HostsFile);
  }

  /** Resolves when the saves begun so far have ended: written, or failed and logged. */
  async saved(): Promise<void> {
    await this.saving;
  }

  /** Writes any pending change now (at shutdown). */
  async flush(): Promise<void> {
    if (this.cancelSave) {
      this.cancelSave();
      this.cancelSave = null;
      const save = this.saving.then(() => this.save());
      // The caller hears of a failure; the chain must not keep it, or every later save is skipped.
      this.saving = save.catch(() => undefined);
      return save;
    }
    return this.saved();
  }
}

/** A host seen for the first time: `discovered`, nothing installed. */
function newHost(sighting: ClientSighting, ip: string | null, now: string, chain: BootChain): Host {
  return {
    mac: sighting.mac,
    firmware: sighting.firmware,
    arch: sighting.arch,
    clientArch: sighting.clientArch,
    uuid: sighting.uuid,
    vendorClass: sighting.vendorClass,
    userClass: sighting.userClass,
    ip,
    state: 'discovered',
    distro: null,
    hostname: null,
    firstSeen: now,
    lastSeen: now,
    chain,
  };
}
