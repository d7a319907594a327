// Installs: queue, cancel, and the state machine driven by what each host fetches and reports.
// Owns the install records and their tokens (installs.json, mode 0600: a token is what lets a host
// fetch its answer file and report), hands the boot scripts what boots the installer and the
// installer its answer file (both made by install-media.ts), and mirrors each install into the host
// registry (Host.state, Host.install) for the UI and the CLI.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { AnswerFilePreview, Host, HostInstall, InstallRequest, ValidationProblem } from '../../shared/contract.js';
import type { InstallerBoot } from '../boot/installer-boot.js';
import { BootbenchError } from '../errors.js';
import type { EventBus } from '../events.js';
import type { OpenResult } from '../files/file-source.js';
import type { HostRegistry } from '../hosts/registry.js';
import { readJsonFile, writeJsonAtomic } from '../store/atomic.js';
import { FIRST_BOOT_SCRIPT_PATH, firstBootDue, firstBootLine, overdueLine, type FirstBootReport } from './first-boot.js';
import { InstallMedia, type AnswerRenderer, type InstallLibrary, type RenderedAnswer } from './install-media.js';
import { deadlineTickMs } from './limits.js';
import { migrateRun } from './legacy-failure.js';
import { kernelArgs } from './recipes.js';
import {
  advance,
  DEFAULT_LIMITS,
  hostViewOf,
  isFinished,
  newRun,
  priorStateOf,
  type InstallRun,
  type Observation,
  type PriorState,
  type StageLimits,
} from './state-machine.js';

export interface InstallManagerOptions {
  dataDir: string;
  bus: EventBus;
  hosts: HostRegistry;
  library: InstallLibrary;
  answers: AnswerRenderer;
  serverIp: string;
  /** http://SERVER[:PORT] of the boot HTTP server. */
  httpBase: string;
  syslogPort: number;
  /** Bootbench's lab DNS server, when it runs one (installers are told about it where DHCP cannot). */
  labDns?: string | null;
  /** The MAC that holds an address (leases, registry): who is asking for a script. */
  macForIp: (ip: string) => string | null;
  clock?: () => Date;
  limits?: StageLimits;
  /** How often deadlines are checked (default: limits.ts, deadlineTickMs). */
  tickMs?: number;
  /** Root of Debian's installed netboot images (tests). */
  debianImages?: string;
}

interface Entry {
  token: string;
  counter: number;
  run: InstallRun;
  /** The host's state before this install was queued: what Cancel gives back (absent in installs stored before it was kept). */
  prior?: PriorState;
  /** The host name this install gives the host. */
  hostname?: string;
  /** Whether its answer file installs the first-boot unit (absent in installs stored before it did). */
  firstBootExpected?: boolean;
  /** When its installed system first reported from its own disk; null until then. */
  firstBoot?: string | null;
  /** Installed, and no first boot within limits.firstBootMs (a warning; the install stays installed). */
  firstBootOverdue?: boolean;
}

/** An install checked and ready to queue (InstallManager.prepare → commit). */
export interface PreparedInstall {
  mac: string;
  distro: { id: string; name: string; version: string };
  overrides: Record<string, string>;
  template: HostInstall['template'];
  /** The answer file installs the first-boot unit: a first boot is awaited after `installed`. */
  firstBootExpected: boolean;
}

/** What a first-boot report under a token comes to (http-routes.ts answers accordingly). */
export type FirstBootOutcome = 'confirmed' | 'already-confirmed' | 'not-installed' | 'unknown-token';

interface InstallsFile {
  version: 1;
  counter: number;
  installs: Record<string, Entry>;
}

const INSTALLS_FILE = 'installs.json';
// An activity-only change (a log line) reaches the registry, and so the UI, at most this often.
const ACTIVITY_PUBLISH_MS = 1000;

export class InstallManager {
  private readonly entries = new Map<string, Entry>(); // by MAC
  private readonly byToken = new Map<string, string>(); // token → MAC, installs under way
  // token → MAC, installs that ended `installed`: their token still takes one report, the first boot.
  private readonly installedByToken = new Map<string, string>();
  private counter = 0;
  private saveTimer: NodeJS.Timeout | null = null;
  private saving: Promise<void> = Promise.resolve();
  private readonly tick: NodeJS.Timeout;
  private readonly publishTimers = new Map<string, NodeJS.Timeout>();
  private readonly clock: () => Date;
  private readonly limits: StageLimits;

  private readonly media: InstallMedia;

  private constructor(private readonly opts: InstallManagerOptions) {
    this.media = new InstallMedia(opts);
    this.clock = opts.clock ?? (() => new Date());
    this.limits = opts.limits ?? DEFAULT_LIMITS;
    this.tick = setInterval(() => this.checkDeadlines(), opts.tickMs ?? deadlineTickMs(this.limits));
    this.tick.unref();
  }

  static async open(opts: InstallManagerOptions): Promise<InstallManager> {
    const manager = new InstallManager(opts);
    const file = await readJsonFile<InstallsFile>(join(opts.dataDir, INSTALLS_FILE), { version: 1, counter: 0, installs: {} });
    manager.counter = file.counter;
    const migrated: string[] = [];
    for (const [mac, stored] of Object.entries(file.installs)) {
      const { run, migrated: changed } = migrateRun(stored.run);
      const entry = { ...stored, run };
      manager.entries.set(mac, entry);
      if (!isFinished(entry.run.stage)) manager.byToken.set(entry.token, mac);
      else if (entry.run.stage === 'installed') manager.installedByToken.set(entry.token, mac);
      if (changed) migrated.push(mac);
    }
    // Installs stored before failure codes: saved in today's shape, and mirrored into their hosts
    // (hosts.json holds a copy of each install, and the host's failure code).
    if (migrated.length > 0) {
      for (const mac of migrated) if (opts.hosts.get(mac)) manager.publish(mac);
      manager.scheduleSave();
    }
    // Deadlines passed while the server was down fail now, with their reasons.
    manager.checkDeadlines();
    return manager;
  }

  /** Queues an install (one click): validates the distro, its recipe and the answer file first. */
  async queue(mac: string, request: InstallRequest): Promise<Host> {
    return this.commit(await this.prepare(mac, request));
  }

  /**
   * Checks an install without queuing it: the distro, its recipe, the installer files, and that the
   * answer file renders and passes its validator. Changes nothing (a MAC not seen yet is not
   * recorded), so that an inventory import checks every row before it applies any.
   */
  async prepare(mac: string, request: InstallRequest): Promise<PreparedInstall> {
    const distro = this.opts.library.get(request.distro);
    if (!distro) throw new BootbenchError('DISTRO_NOT_FOUND', { id: request.distro });
    const refuse = (reason: string) => new BootbenchError('INSTALL_REFUSED', { distro: distro.id, mac, reason });
    if (distro.status !== 'ok') throw refuse(`its ISO is ${distro.status} (${distro.iso}): import it again`);
    const host = this.opts.hosts.draft(mac);
    const overrides = request.settings ?? {};
    const counter = this.counter + 1;
    const urls = this.media.urlsFor('TOKEN', distro);
    // Everything that can be checked before the host boots is checked now: the recipe, the
    // installer files, and that the answer file renders and passes its validator.
    let template: HostInstall['template'];
    // A first boot is awaited only from an answer file that installs the unit (not from a generic
    // distro's installer, nor from a template edited before the unit was added).
    let firstBootExpected = false;
    try {
      const recipe = await this.media.recipeFor(distro, host, overrides, counter, urls);
      template = recipe.answerKind ?? 'none';
      if (recipe.answerKind) {
        const answer = await this.media.renderAnswer({ name: recipe.answerKind, host, distro, overrides, urls, counter });
        if (!answer.validation.ok)
          throw new Error(`its ${recipe.answerKind} does not pass validation: ${describeProblems(answer.validation.problems)}`);
        firstBootExpected = answer.text.includes(FIRST_BOOT_SCRIPT_PATH) || answer.text.includes('event=first-boot');
      }
    } catch (e) {
      if (e instanceof BootbenchError) throw e;
      throw refuse((e as Error).message);
    }
    return { mac, distro: { id: distro.id, name: distro.name, version: distro.version }, overrides, template, firstBootExpected };
  }

  /** Queues a prepared install: synchronous and in memory (saved soon after), so it cannot fail half-way. */
  commit(prepared: PreparedInstall): Host {
    const { mac, distro, overrides, template, firstBootExpected } = prepared;
    const host = this.opts.hosts.expect(mac);
    const token = randomBytes(18).toString('base64url');
    const counter = this.counter + 1;
    const id = `${this.clock().getTime().toString(36)}-${randomBytes(3).toString('hex')}`;
    const previous = this.entries.get(mac);
    if (previous) {
      this.byToken.delete(previous.token);
      this.installedByToken.delete(previous.token);
    }
    const run = newRun({ id, distro: distro.id, template, settings: overrides }, this.clock(), this.limits);
    // Remembered (and saved with the install) so that Cancel gives it back, after a restart too.
    const prior = priorStateOf(host, previous && !isFinished(previous.run.stage) ? (previous.prior ?? null) : null);
    const hostname = this.opts.answers.hostname(host, overrides, counter).hostname;
    this.counter = counter;
    this.entries.set(mac, { token, counter, run, prior, hostname, firstBootExpected, firstBoot: null, firstBootOverdue: false });
    this.byToken.set(token, mac);
    const verb = previous && !isFinished(previous.run.stage) ? 'requeued' : previous ? 'reinstall queued' : 'install queued';
    this.opts.bus.log(
      'install',
      'info',
      'install.queued',
      `${verb}: ${distro.name} ${distro.version} (${distro.id}) on ${mac}; it starts at the host's next network boot or poll`,
      { mac, data: { distro: distro.id, install: id } },
    );
    this.scheduleSave();
    return this.publish(mac);
  }

  /**
   * Cancels a queued or running install: the install ends `failed` with code `cancelled`, and the
   * host goes back to the state it had before it was queued (installed: it boots its disk again).
   */
  cancel(mac: string): Host {
    const entry = this.entries.get(mac);
    const host = this.opts.hosts.get(mac);
    if (!host) throw new BootbenchError('HOST_NOT_FOUND', { mac });
    if (!entry || isFinished(entry.run.stage)) throw new BootbenchError('NOTHING_TO_CANCEL', { mac, state: host.state });
    this.observe(mac, { type: 'cancel' });
    const back = this.opts.hosts.get(mac) ?? host;
    const next =
      back.state === 'installed'
        ? 'installed again: its next network boot boots its local disk'
        : back.state === 'discovered'
          ? 'discovered again: it waits in the boot loop'
          : `${back.state} again`;
    this.opts.bus.log('install', 'info', 'install.restored', `${mac} is ${next}`, {
      mac,
      data: { install: entry.run.id, state: back.state },
    });
    return back;
  }

  /** Drops the install record of a host being forgotten (the registry refuses while one is under way). */
  forget(mac: string): void {
    const entry = this.entries.get(mac);
    if (!entry) return;
    if (!isFinished(entry.run.stage)) throw new BootbenchError('HOST_BUSY', { mac, state: entry.run.stage });
    this.byToken.delete(entry.token);
    this.installedByToken.delete(entry.token);
    this.entries.delete(mac);
    this.scheduleSave();
  }

  /** Feeds an observation to the host's install, if one is running. */
  observe(mac: string, obs: Observation): void {
    const entry = this.entries.get(mac);
    if (!entry) return;
    const step = advance(entry.run, obs, this.clock(), this.limits);
    if (!step.changed) return;
    const stageChanged = step.run.stage !== entry.run.stage;
    entry.run = step.run;
    if (isFinished(entry.run.stage)) this.byToken.delete(entry.token);
    if (entry.run.stage === 'installed') this.installedByToken.set(entry.token, mac);
    if (step.note)
      this.opts.bus.log('install', step.note.level, `install.${entry.run.stage}`, step.note.message, {
        mac,
        data: { install: entry.run.id, stage: entry.run.stage },
      });
    this.scheduleSave();
    if (stageChanged || obs.type !== 'activity') this.publish(mac);
    else this.publishSoon(mac);
  }

  /** The MAC and install of a token, if it belongs to an install still running. */
  byTokenOf(token: string): { mac: string; run: InstallRun } | null {
    const mac = this.byToken.get(token);
    const entry = mac ? this.entries.get(mac) : undefined;
    return mac && entry && entry.token === token ? { mac, run: entry.run } : null;
  }

  /**
   * A first-boot report under `token`: accepted once, only from an install that ended `installed`
   * (its token is refused for every other report once installed). A replay, a report before
   * `installed`, or an unknown token changes nothing.
   */
  confirmFirstBoot(token: string, report: FirstBootReport): { outcome: FirstBootOutcome; mac: string | null } {
    const running = this.byToken.get(token);
    if (running) {
      this.opts.bus.log(
        'install',
        'warn',
        'install.first-boot-early',
        `a first-boot report came before the installer reported "installed": ignored`,
        { mac: running },
      );
      return { outcome: 'not-installed', mac: running };
    }
    const mac = this.installedByToken.get(token);
    const entry = mac ? this.entries.get(mac) : undefined;
    if (!mac || !entry || entry.token !== token || entry.run.stage !== 'installed') return { outcome: 'unknown-token', mac: null };
    if (entry.firstBoot) return { outcome: 'already-confirmed', mac };
    const overdue = entry.firstBootOverdue === true;
    entry.firstBoot = this.clock().toISOString();
    entry.firstBootOverdue = false;
    this.opts.bus.log('install', 'info', 'install.first-boot', firstBootLine(report, overdue), {
      mac,
      data: { install: entry.run.id, hostname: report.hostname, kernel: report.kernel },
    });
    this.scheduleSave();
    this.publish(mac);
    return { outcome: 'confirmed', mac };
  }

  /**
   * What boots the installer of this host's install under way (for its boot script), or null when it
   * has nothing to boot. It carries the install's token: it is given only to the address the host
   * holds (when Bootbench knows it), so that no other machine on the segment learns it.
   */
  async installerFor(mac: string, clientIp: string): Promise<InstallerBoot | null> {
    const entry = this.entries.get(mac);
    if (!entry || isFinished(entry.run.stage)) return null;
    const owner = this.opts.macForIp(clientIp);
    if (owner && owner !== mac) {
      this.opts.bus.log(
        'install',
        'warn',
        'install.script-refused',
        `${clientIp} (${owner}) asked for the installer script of ${mac}: refused`,
        { mac },
      );
      return null;
    }
    const distro = this.opts.library.get(entry.run.distro);
    const host = this.opts.hosts.get(mac);
    if (!distro || !host) {
      this.observe(mac, { type: 'unbootable', code: 'distro-removed', message: `distro ${entry.run.distro} is no longer imported` });
      return null;
    }
    try {
      const recipe = await this.media.recipeFor(distro, host, entry.run.settings, entry.counter, this.media.urlsFor(entry.token, distro));
      this.observe(mac, { type: 'pxe-boot' });
      return {
        title: `installing ${distro.name} ${distro.version} (${distro.id})`,
        kernelUrl: recipe.kernelUrl,
        initrds: recipe.initrds,
        args: kernelArgs(recipe),
      };
    } catch (e) {
      this.observe(mac, {
        type: 'unbootable',
        code: 'installer-unavailable',
        message: `the installer cannot be booted: ${(e as Error).message}`,
      });
      return null;
    }
  }

  /** The installer kernel or initrd of a running install (served under its token). */
  async openBootFile(mac: string, which: 'kernel' | 'initrd'): Promise<OpenResult> {
    const entry = this.entries.get(mac);
    const distro = entry ? this.opts.library.get(entry.run.distro) : undefined;
    if (!entry || !distro) return { ok: false, failure: { kind: 'not-found', message: 'no such install' } };
    return this.media.openBootFile(distro, which);
  }

  /** The answer file of a running install (fetched by its installer), or null. */
  async answerFor(mac: string): Promise<RenderedAnswer | null> {
    const entry = this.entries.get(mac);
    const distro = entry ? this.opts.library.get(entry.run.distro) : undefined;
    const host = this.opts.hosts.get(mac);
    if (!entry || !distro || !host || entry.run.template === 'none') return null;
    return this.media.renderAnswer({
      name: entry.run.template,
      host,
      distro,
      overrides: entry.run.settings,
      urls: this.media.urlsFor(entry.token, distro),
      counter: entry.counter,
    });
  }

  /** The hostname of a running install (cloud-init meta-data). */
  hostnameFor(mac: string): string {
    const entry = this.entries.get(mac);
    const host = this.opts.hosts.get(mac);
    if (!entry || !host) return mac.replace(/:/g, '');
    return this.opts.answers.hostname(host, entry.run.settings, entry.counter).hostname;
  }

  /** The answer file a host would get for `distroId` (or its current install's distro), rendered with placeholder tokens. */
  async preview(mac: string, distroId?: string): Promise<AnswerFilePreview> {
    const host = this.opts.hosts.get(mac) ?? null;
    if (!host) throw new BootbenchError('HOST_NOT_FOUND', { mac });
    const entry = this.entries.get(mac);
    const id = distroId ?? entry?.run.distro;
    if (!id) throw new BootbenchError('BAD_ARGUMENT', { message: `${mac} has no install: choose a distro to preview its answer file.` });
    const distro = this.opts.library.get(id);
    if (!distro) throw new BootbenchError('DISTRO_NOT_FOUND', { id });
    const token = entry && entry.run.distro === id && !isFinished(entry.run.stage) ? entry.token : 'TOKEN';
    const counter = entry?.counter ?? this.counter + 1;
    const overrides = entry && entry.run.distro === id ? entry.run.settings : {};
    const urls = this.media.urlsFor(token, distro);
    const recipe = await this.media.recipeFor(distro, host, overrides, counter, urls, { checkFiles: false });
    if (!recipe.answerKind)
      throw new BootbenchError('BAD_ARGUMENT', {
        message: `${distro.name} (${distro.family}) installs without an answer file: its kernel arguments say what it does.`,
      });
    const answer = await this.media.renderAnswer({ name: recipe.answerKind, host, distro, overrides, urls, counter });
    return {
      mac,
      distro: distro.id,
      template: recipe.answerKind,
      contentType: answer.contentType,
      text: answer.text,
      validation: answer.validation,
    };
  }

  async close(): Promise<void> {
    clearInterval(this.tick);
    for (const t of this.publishTimers.values()) clearTimeout(t);
    this.publishTimers.clear();
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = null;
      this.saving = this.saving.then(() => this.save());
    }
    await this.saving.catch(() => undefined);
  }

  private checkDeadlines(): void {
    for (const [mac, entry] of this.entries) {
      if (!isFinished(entry.run.stage) && entry.run.deadline && this.clock().getTime() >= Date.parse(entry.run.deadline))
        this.observe(mac, { type: 'tick' });
      else if (entry.run.stage === 'installed') this.checkFirstBoot(mac, entry);
    }
  }

  /** Installed, first-boot unit installed, and no first boot in time: a warning, once; the install stays installed. */
  private checkFirstBoot(mac: string, entry: Entry): void {
    if (!entry.firstBootExpected || entry.firstBootOverdue) return;
    const due = firstBootDue(entry.run.finishedAt, entry.firstBoot, this.limits.firstBootMs);
    if (due === null || this.clock().getTime() < due) return;
    entry.firstBootOverdue = true;
    this.opts.bus.log('install', 'warn', 'install.first-boot-overdue', overdueLine(this.limits.firstBootMs), {
      mac,
      data: { install: entry.run.id },
    });
    this.scheduleSave();
    this.publish(mac);
  }

  /** Mirrors the install into the registry (and so onto the event stream). */
  private publish(mac: string): Host {
    const pending = this.publishTimers.get(mac);
    if (pending) {
      clearTimeout(pending);
      this.publishTimers.delete(mac);
    }
    const entry = this.entries.get(mac);
    if (!entry) throw new BootbenchError('HOST_NOT_FOUND', { mac });
    const { boots: _boots, lastActivityAt: _last, ...install } = entry.run;
    const { restored, ...view } = hostViewOf(install, entry.prior);
    // A cancelled install gives back the host name too (that of an earlier install, or none).
    const hostname = restored && entry.prior?.hostname !== undefined ? entry.prior.hostname : entry.hostname;
    // …and its confirmed first boot; a new install starts without one.
    const firstBoot = restored ? (entry.prior?.firstBoot ?? null) : (entry.firstBoot ?? null);
    const firstBootOverdue = !restored && entry.run.stage === 'installed' && entry.firstBootOverdue === true;
    const host = this.opts.hosts.setInstall(mac, install, {
      ...view,
      ...(hostname !== undefined ? { hostname } : {}),
      firstBoot,
      firstBootOverdue,
    });
    if (!host) throw new BootbenchError('HOST_NOT_FOUND', { mac });
    return host;
  }

  private publishSoon(mac: string): void {
    if (this.publishTimers.has(mac)) return;
    const timer = setTimeout(() => {
      this.publishTimers.delete(mac);
      if (this.entries.has(mac)) this.publish(mac);
    }, ACTIVITY_PUBLISH_MS);
    timer.unref();
    this.publishTimers.set(mac, timer);
  }

  private scheduleSave(): void {
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      this.saving = this.saving
        .then(() => this.save())
        .catch((e: unknown) => this.opts.bus.log('core', 'error', 'store.write', `could not save installs: ${(e as Error).message}`));
    }, 200);
  }

  private save(): Promise<void> {
    const file: InstallsFile = { version: 1, counter: this.counter, installs: Object.fromEntries(this.entries) };
    // Tokens are secrets of the boot server's routes: owner-only.
    return writeJsonAtomic(join(this.opts.dataDir, INSTALLS_FILE), file, 0o600);
  }
}

function describeProblems(problems: ValidationProblem[]): string {
  return problems
    .slice(0, 3)
    .map((p) => (p.line !== null ? `line ${p.line}: ${p.message}` : p.message))
    .join('; ');
}
