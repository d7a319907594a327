// GRUB's files, generated per request, below grub/ in the TFTP tree (Debian's signed GRUB has TFTP
// only) and /grub on the boot HTTP server (a GRUB with http, or one loaded by UEFI HTTP boot):
//   grub/grub.cfg, grub/<cpu>-efi/grub.cfg       the bootstrap every GRUB reads from its prefix
//   grub/grub.cfg-01-<mac>                       GRUB's net-config search: that host's config
//   grub/<mac>.cfg                               the host's config (grub-config.ts)
//   grub/poll/<mac>.cfg                          its wait loop's poll (logged at debug level)
// A MAC with dashes or colons. GRUB's module lists (<cpu>-efi/*.lst, *.mod) are absent on purpose:
// "not found" quietly. Anything else is not found.
import type { Host } from '../../shared/contract.js';
import type { Asker, FileResolver, OpenResult } from '../files/file-source.js';
import { textFileSource } from '../files/text-file.js';
import { requireGetOrHead, sendText } from '../http/file-response.js';
import { logQuietly, type BootHttpServer } from '../http/server.js';
import { renderGrubBootstrap, renderGrubConfig, type GrubServer } from './grub-config.js';
import type { InstallerFor } from './installer-boot.js';

export interface GrubFilesOptions {
  hosts: { get(mac: string): Host | undefined };
  serverIp: string;
  httpPort: number;
  /** Seconds between polls of a waiting host (default 5). */
  pollSeconds?: number;
  /** The installer of a host with an install under way (the install manager's answer). */
  installerFor?: InstallerFor;
}

const MAC = '((?:[0-9a-f]{2}[-:]){5}[0-9a-f]{2})';
const HOST_CONFIG = new RegExp(`^(poll/)?${MAC}\\.cfg$`, 'i');
const NET_SEARCH = new RegExp(`^grub\\.cfg-01-${MAC}$`, 'i');
const BOOTSTRAP = /^(?:[a-z0-9_]+-efi\/)?grub\.cfg$/;
const MODULE_FILES = /^(?:[a-z0-9_]+-efi\/)?[a-z0-9_]+\.(?:lst|mod)$|^grub\.cfg-/i;
const CONFIG_HEADERS = { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' } as const;
/** Longer than any name served: refused before any pattern runs. */
const MAX_NAME = 64;

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
  const m = HOST_CONFIG.exec(name) ?? NET_SEARCH.exec(name);
  if (!m) return { kind: 'absent', quiet: MODULE_FILES.test(name) };
  const poll = m.length === 3 && m[1] === 'poll/';
  const mac = (m.length === 3 ? m[2] : m[1])!.toLowerCase().replace(/-/g, ':');
  const host = opts.hosts.get(mac);
  const underWay = host?.state === 'queued' || host?.state === 'booting' || host?.state === 'installing';
  const installer = underWay && opts.installerFor ? await opts.installerFor(mac, asker?.ip ?? '') : null;
  const server: GrubServer = { ip: opts.serverIp, httpPort: opts.httpPort, via };
  const text = renderGrubConfig({ mac, host: opts.hosts.get(mac), server, pollSeconds, poll, installer });
  // Polls are debug-level, except the one that hands out the installer: the host starts then.
  return { kind: 'text', text, quiet: poll && !installer };
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
    const answer = await grubAnswer(opts, rest.split('?')[0] ?? '', 'http', { ip, mac: null });
    if (answer.quiet) logQuietly(res);
    if (answer.kind === 'absent') return sendText(req, res, 404, 'Not found\n');
    sendText(req, res, 200, answer.text, CONFIG_HEADERS);
  });
}
