// GRUB's files, generated per request, below grub/ in the TFTP tree (Debian's signed GRUB has TFTP
// only) and /grub on the boot HTTP server (a GRUB with http, or one loaded by UEFI HTTP boot):
//   grub/grub.cfg, grub/<cpu>-efi/grub.cfg       the bootstrap every GRUB reads from its prefix
//   grub/grub.cfg-01-<mac>                       GRUB's net-config search: that host's config
//   grub/<mac>.cfg                               the host's config (grub-config.ts)
//   grub/poll/<mac>.cfg                          its wait loop's poll (logged at debug level)
//   grub/poll/<set>/<mac>.cfg                    the same from a GRUB of another loader set than the
//                                                bundled one (an ISO's own); a poll from a GRUB whose
//                                                set is not the one the host needs now is told to
//                                                reboot, once on the timeline (grub-config.ts)
//   grub/menu/<mac>.cfg                          the host's boot menu (grub-menu.ts), opened by its config
//   grub/choose/<mac>/<entry>.cfg                a choice at that menu (menu-choice.ts): recorded, and
//                                                answered with the lines that boot it
// A MAC with dashes or colons. GRUB's module lists (<cpu>-efi/*.lst, *.mod) are absent on purpose:
// "not found" quietly. Anything else is not found.
import type { Host } from '../../shared/contract.js';
import type { Asker, FileResolver, OpenResult } from '../files/file-source.js';
import { textFileSource } from '../files/text-file.js';
import { requireGetOrHead, sendText } from '../http/file-response.js';
import { logQuietly, type BootHttpServer } from '../http/server.js';
import { BUNDLED_SET, grubWord, loaderSetChange, renderGrubBootstrap, renderGrubConfig, type GrubServer } from './grub-config.js';
import type { InstallerFor } from './installer-boot.js';
import { grubTargetLines, renderGrubMenu } from './grub-menu.js';
import type { BootChoices, BootClient } from './menu-choice.js';
import type { BootTarget } from './boot-target.js';
import { httpBase } from './urls.js';

export interface GrubFilesOptions {
  hosts: { get(mac: string): Host | undefined };
  serverIp: string;
  httpPort: number;
  /** The MAC Bootbench knows holds an address (HTTP requests; TFTP's asker carries it already). */
  macForIp?: (ip: string) => string | null;
  /** Seconds between polls of a waiting host (default 5). */
  pollSeconds?: number;
  /** The installer of a host with an install under way (the install manager's answer). */
  installerFor?: InstallerFor;
  /** The loader set the host needs now (install-loaders.ts: loaderSetName); absent: never checked. */
  loaderSetOf?: (mac: string) => string;
  /** Told once per host and set when a polling GRUB is sent to reboot for another loader set. */
  onLoaderSetChange?: (mac: string, message: string) => void;
  /** The boot menu and its choices; absent: the plain wait loop. */
  choices?: BootChoices;
}

const MAC = '((?:[0-9a-f]{2}[-:]){5}[0-9a-f]{2})';
const HOST_CONFIG = new RegExp(`^(?:(poll/)([a-z][a-z0-9._-]{0,63}/)?)?${MAC}\\.cfg$`, 'i');
const NET_SEARCH = new RegExp(`^grub\\.cfg-01-${MAC}$`, 'i');
const MENU = new RegExp(`^menu/${MAC}\\.cfg$`, 'i');
const CHOOSE = new RegExp(`^choose/${MAC}/([A-Za-z0-9:._-]{1,110})\\.cfg$`, 'i');
const BOOTSTRAP = /^(?:[a-z0-9_]+-efi\/)?grub\.cfg$/;
const MODULE_FILES = /^(?:[a-z0-9_]+-efi\/)?[a-z0-9_]+\.(?:lst|mod)$|^grub\.cfg-/i;
const CONFIG_HEADERS = { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' } as const;
/** Longer than any name served: refused before any pattern runs. */
const MAX_NAME = 128;

type GrubAnswer = { kind: 'text'; text: string; quiet: boolean } | { kind: 'absent'; quiet: boolean };

/** What GRUB gets for `name` (the part after grub/), asked over `via` by `asker`. */
export async function grubAnswer(
  opts: GrubFilesOptions,
  name: string,
  via: GrubServer['via'],
  asker: Asker | undefined,
): Promise<GrubAnswer> {
  const pollSeconds = opts.pollSeconds ?? 5;
  if (name.length > MAX_NAME) return { kind: 'absent', quiet: false };
  if (BOOTSTRAP.test(name)) return { kind: 'text', text: renderGrubBootstrap(pollSeconds), quiet: false };
  const menuAnswer = await menuFiles(opts, name, via, asker);
  if (menuAnswer) return menuAnswer;
  const m = HOST_CONFIG.exec(name) ?? NET_SEARCH.exec(name);
  if (!m) return { kind: 'absent', quiet: MODULE_FILES.test(name) };
  const hostConfig = m.length === 4;
  const poll = hostConfig && m[1] === 'poll/';
  const runningSet = hostConfig && m[2] ? m[2].slice(0, -1) : BUNDLED_SET;
  const mac = (hostConfig ? m[3] : m[1])!.toLowerCase().replace(/-/g, ':');
  const host = opts.hosts.get(mac);
  const server: GrubServer = { ip: opts.serverIp, httpPort: opts.httpPort, via };
  const loaderSet = opts.loaderSetOf?.(mac);
  const change = loaderSetChange({ poll, loaderSet, runningSet });
  if (change) {
    tellOnce(opts, mac, `${runningSet}→${loaderSet}`, `GRUB told to reboot: ${change}`);
    return { kind: 'text', text: renderGrubConfig({ mac, host, server, pollSeconds, poll, loaderSet, runningSet }), quiet: false };
  }
  const underWay = host?.state === 'queued' || host?.state === 'booting' || host?.state === 'installing';
  const installer = underWay && opts.installerFor ? await opts.installerFor(mac, asker?.ip ?? '') : null;
  // "Boot this next" from the app: taken by this fetch (the config or a poll), unless an install starts.
  const next = !installer && opts.choices ? await opts.choices.takeNext(mac, clientOf(opts, asker)) : null;
  if (next) return { kind: 'text', text: targetConfig(mac, next, server), quiet: false };
  const waitPolicy = opts.choices?.waitPolicyOf(host) ?? null;
  const text = renderGrubConfig({
    mac,
    host: opts.hosts.get(mac),
    server,
    pollSeconds,
    poll,
    installer,
    loaderSet,
    runningSet,
    waitPolicy,
  });
  // Polls are debug-level, except the one that hands out the installer: the host starts then.
  return { kind: 'text', text, quiet: poll && !installer };
}

/** The menu file and the choice files; null for any other name. */
async function menuFiles(
  opts: GrubFilesOptions,
  name: string,
  via: GrubServer['via'],
  asker: Asker | undefined,
): Promise<GrubAnswer | null> {
  const menu = MENU.exec(name);
  const choose = menu ? null : CHOOSE.exec(name);
  if (!menu && !choose) return null;
  const choices = opts.choices;
  if (!choices) return { kind: 'absent', quiet: false };
  const mac = (menu ?? choose)![1]!.toLowerCase().replace(/-/g, ':');
  const server: GrubServer = { ip: opts.serverIp, httpPort: opts.httpPort, via };
  const host = opts.hosts.get(mac);
  if (menu) {
    const policy = choices.waitPolicyOf(host) === 'menu' ? 'menu' : 'wait';
    const name = host?.label ?? host?.hostname ?? null;
    const text = renderGrubMenu({
      mac,
      menu: choices.menuFor(host, 'signed'),
      policy,
      timeoutSeconds: choices.menuTimeoutSeconds(),
      pollSeconds: opts.pollSeconds ?? 5,
      server,
      ...(opts.loaderSetOf ? { loaderSet: opts.loaderSetOf(mac) } : {}),
      heading: `Bootbench: ${mac}${name ? ` ${name}` : ''}`,
    });
    return { kind: 'text', text, quiet: false };
  }
  const outcome = await choices.choose(mac, choose![2]!, clientOf(opts, asker));
  if (outcome.kind === 'target') return { kind: 'text', text: targetConfig(mac, outcome.target, server), quiet: false };
  if (outcome.kind === 'refused')
    return { kind: 'text', text: `echo ${grubWord(`Bootbench: ${outcome.reason}`)}\nsleep 5\n`, quiet: false };
  // An install: queued; its installer lines as the host's poll gets them (GRUB returns to its menu on failure).
  return grubAnswer(opts, `poll/${mac.replace(/:/g, '-')}.cfg`, via, asker);
}

function clientOf(opts: GrubFilesOptions, asker: Asker | undefined): BootClient {
  return { serverBase: httpBase(opts.serverIp, opts.httpPort), ip: asker?.ip ?? '', chain: 'signed', ownerMac: asker?.mac ?? null };
}

function targetConfig(mac: string, target: BootTarget, server: GrubServer): string {
  return [`# Bootbench GRUB config for ${mac}: boot what was chosen (${target.kind}).`, ...grubTargetLines(target, server), ''].join('\n');
}

/** What each host was last told about its loader set, per set of options (one timeline line per change). */
const told = new WeakMap<GrubFilesOptions, Map<string, string>>();

function tellOnce(opts: GrubFilesOptions, mac: string, key: string, message: string): void {
  const byMac = told.get(opts) ?? new Map<string, string>();
  told.set(opts, byMac);
  if (byMac.get(mac) === key) return;
  byMac.set(mac, key);
  opts.onLoaderSetChange?.(mac, message);
}

/** The grub/ part of the TFTP tree (boot/tftp-files.ts): names without the leading grub/. */
export function grubTftpFiles(opts: GrubFilesOptions): FileResolver {
  return async (path, asker): Promise<OpenResult> => {
    const answer = await grubAnswer(opts, path.replace(/^grub\//, ''), 'tftp', asker);
    if (answer.kind === 'text') return { ok: true, file: textFileSource(answer.text, { quiet: answer.quiet }) };
    return { ok: false, failure: { kind: 'not-found', message: `grub/: no such file`, quiet: answer.quiet } };
  };
}

/** /grub on the boot HTTP server. */
export function mountGrubRoutes(server: Pick<BootHttpServer, 'mount'>, opts: GrubFilesOptions): void {
  server.mount('/grub', async (req, res, rest) => {
    if (!requireGetOrHead(req, res)) return;
    const ip = req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '';
    const answer = await grubAnswer(opts, rest.split('?')[0] ?? '', 'http', { ip, mac: opts.macForIp?.(ip) ?? null });
    if (answer.quiet) logQuietly(res);
    if (answer.kind === 'absent') return sendText(req, res, 404, 'Not found\n');
    sendText(req, res, 200, answer.text, CONFIG_HEADERS);
  });
}
