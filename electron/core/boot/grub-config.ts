// The per-host GRUB config of the signed chain (shim → GRUB → signed kernel), rendered on each
// request from the host's state: the same behaviour as the iPXE script (ipxe-script.ts). Pure: text
// in, text out; boot/grub-routes.ts serves it over TFTP and HTTP.
//
//   discovered / failed / unknown MAC → wait: a banner, then a `while` loop that sleeps and sources
//                                      the host's poll config every few seconds (a `source` runs in
//                                      the loop's own context and returns: hours of polling nest
//                                      nothing, unlike a `configfile` that reloads itself);
//   queued / booting / installing     → the installer (linux + initrd + boot), at once; the poll
//                                      config of a waiting host is the same lines, so a click on
//                                      Install boots a host that is already in the loop;
//   installed                         → `exit 1`: back to the firmware, which tries its next boot
//                                      option (the local disk), as the iPXE script's `exit 1`.
//
// The loader set (a shim + GRUB pair: the bundled Debian one, or an ISO's own, install-loaders.ts) a
// host needs can change while it waits: a host in the Debian GRUB's loop queued for a RHEL-family
// install needs Red Hat's shim, which refuses nothing Red Hat signed but Debian's shim refuses Red
// Hat's kernel. The wait loop names the set it runs under in its poll path (`grub/poll/<set>/<mac>.cfg`,
// the bundled set as plain `grub/poll/<mac>.cfg`); a poll whose set is not the one needed now answers
// `reboot`, and the machine's next PXE boot gets the right shim from DHCP.
//
// Files come from the server GRUB asked: Debian's signed netboot GRUB has TFTP but no http module
// (and under Secure Boot it loads no module it does not carry), so its config names
// `(tftp,SERVER)/…`; a GRUB that fetched its config over HTTP gets `(http,SERVER:PORT)/…`.
//
// Quoting: every word that carries data (kernel arguments, paths, the banner) is single-quoted, a
// `'` inside written as `'\''`, control characters (line breaks) replaced by spaces: inside single
// quotes GRUB's lexer expands nothing (`$`, `;`, `{`, `}`, `\`, `"` are literal), so a user's kernel
// argument cannot end the word, the command or the line.
import type { Host, WaitPolicy } from '../../shared/contract.js';
import { assertNever } from '../../shared/assert-never.js';
import type { InstallerBoot } from './installer-boot.js';

/** How GRUB reaches Bootbench: the transport it fetched its config with. */
export interface GrubServer {
  ip: string;
  httpPort: number;
  via: 'tftp' | 'http';
}

export interface GrubConfigInput {
  /** Lower-case, colon-separated. */
  mac: string;
  /** The registry's record, or undefined for a MAC Bootbench has not seen over DHCP. */
  host: Host | undefined;
  server: GrubServer;
  /** Seconds between two polls of the wait loop. */
  pollSeconds: number;
  /** This is the wait loop's poll (sourced inside the loop): no banner and no loop of its own. */
  poll?: boolean;
  /** What boots the installer, for a host with an install under way; null: wait. */
  installer?: InstallerBoot | null;
  /** The loader set the host needs now (BUNDLED_SET, or an ISO's set): named in the wait loop's poll path. */
  loaderSet?: string;
  /** The loader set the polling GRUB runs under (from its poll path); differs from loaderSet: reboot. */
  runningSet?: string;
  /**
   * The waiting host's policy when it has a boot menu (grub-menu.ts, grub/menu/<mac>.cfg): `menu` opens
   * the menu, `local` boots the disk, `wait` (and absent) the plain wait loop.
   */
  waitPolicy?: WaitPolicy | null;
}

/** The bundled loader set's name (its polls keep the plain path). */
export const BUNDLED_SET = 'bundled';

/** Where the per-host configs live, below the TFTP root and the HTTP root alike. */
export function grubConfigPath(mac: string, poll = false, loaderSet = BUNDLED_SET): string {
  const set = poll && loaderSet !== BUNDLED_SET ? `${loaderSet}/` : '';
  return `/grub/${poll ? 'poll/' : ''}${set}${mac.replace(/:/g, '-')}.cfg`;
}

/** Why a polling GRUB must reboot, or null: it runs under another loader set than the host needs now. */
export function loaderSetChange(input: Pick<GrubConfigInput, 'poll' | 'loaderSet' | 'runningSet'>): string | null {
  if (!input.poll || input.loaderSet === undefined) return null;
  const running = input.runningSet ?? BUNDLED_SET;
  if (running === input.loaderSet) return null;
  return `this GRUB runs under the ${setWords(running)}; the host now needs the ${setWords(input.loaderSet)}: rebooting to get it from DHCP`;
}

function setWords(set: string): string {
  return set === BUNDLED_SET ? 'bundled shim + GRUB' : `shim + GRUB of ${set}`;
}

/** The config text. */
export function renderGrubConfig(input: GrubConfigInput): string {
  const state = input.host?.state ?? 'unknown';
  const head = `# Bootbench GRUB config for ${input.mac} (state: ${state}${input.poll ? ', poll' : ''}); generated on each request.`;
  const change = loaderSetChange(input);
  if (change) return lines(head, [`echo ${grubWord(`Bootbench: ${change}`)}`, 'sleep 3', 'reboot']);
  switch (state) {
    case 'unknown':
    case 'discovered':
    case 'failed':
      return lines(head, input.poll ? stillWaiting(state) : withMenu(input, waitLoop(input)));
    case 'queued':
    case 'booting':
    case 'installing':
      // Without an installer (the install could not be prepared, or the asker is not the host) it waits.
      if (!input.installer) return lines(head, input.poll ? stillWaiting(state) : waitLoop(input));
      return lines(head, [...installerLines(input, input.installer), ...(input.poll ? [] : waitLoop(input))]);
    case 'installed':
      return lines(head, ["echo 'Bootbench: installed, booting from the local disk'", 'exit 1']);
    default:
      return assertNever(state, 'host state');
  }
}

/**
 * The bootstrap GRUB reads from its prefix (`/grub/grub.cfg`, `/grub/x86_64-efi/grub.cfg`, the
 * net-config names): the same text for every host. It names the host by the MAC GRUB booted from
 * and sources that host's config from the server it booted from ($root: `tftp,SERVER` after a PXE
 * boot). The per-host config never returns while the host waits; the loop here only retries a
 * failed fetch (server restarting).
 */
export function renderGrubBootstrap(pollSeconds: number): string {
  const seconds = Math.max(1, Math.round(pollSeconds));
  return lines('# Bootbench GRUB bootstrap: this host’s own config is generated for its state.', [
    'set timeout=0',
    'while true; do',
    '  source "($root)/grub/${net_default_mac}.cfg"',
    `  echo 'Bootbench: could not read this host'\\''s config; trying again in ${seconds} s'`,
    `  sleep -v ${seconds}`,
    'done',
  ]);
}

/** One word for GRUB's parser, whatever the text: single-quoted, `'` as `'\''`, no control characters. */
export function grubWord(text: string): string {
  const clean = text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  return `'${clean.replace(/'/g, `'\\''`)}'`;
}

/**
 * A file of the boot server as GRUB names it: http://SERVER[:PORT]/path → (tftp,SERVER)/path or
 * (http,SERVER:PORT)/path. The TFTP tree mirrors the HTTP paths a GRUB asks for (boot/tftp-files.ts).
 */
export function grubFile(url: string, server: GrubServer): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url; // not a URL: a path GRUB reads from its own root
  }
  const path = `${parsed.pathname}${parsed.search}`;
  // The loaders (/boot/<file> over HTTP) sit at the TFTP root (tftp-files.ts).
  if (server.via === 'tftp') return `(tftp,${parsed.hostname})${path.replace(/^\/boot\//, '/')}`;
  const port = parsed.port === '' ? '' : `:${parsed.port}`;
  return `(http,${parsed.hostname}${port})${path}`;
}

function serverFile(server: GrubServer, path: string): string {
  return server.via === 'tftp' ? `(tftp,${server.ip})${path}` : `(http,${server.ip}:${server.httpPort})${path}`;
}

function waitLoop(input: GrubConfigInput): string[] {
  const seconds = Math.max(1, Math.round(input.pollSeconds));
  const state = input.host?.state ?? 'unknown';
  const banner =
    state === 'queued' || state === 'booting' || state === 'installing'
      ? 'Waiting for Bootbench to prepare the install.'
      : 'Waiting for Bootbench: click Install in the app.';
  return [
    `echo ${grubWord(`Bootbench  mac ${input.mac}`)}`,
    `echo ${grubWord(`${banner} Checking again every ${seconds} s.`)}`,
    'while true; do',
    // -v: a countdown on the screen. Without it GRUB's sleep idles the CPU until an interrupt, and
    // under QEMU/TCG with OVMF none came for minutes (seen with Debian's GRUB 2.06; -v's output does).
    `  sleep -v ${seconds}`,
    `  source ${grubWord(serverFile(input.server, grubConfigPath(input.mac, true, input.loaderSet)))}`,
    'done',
  ];
}

/** A waiting host's first config with a menu: the menu (its file), else `lines` (the wait loop). */
function withMenu(input: GrubConfigInput, loop: string[]): string[] {
  // `wait` keeps today's loop: GRUB's menu countdown and `sleep -i` are time-polling loops, and under
  // QEMU/TCG with OVMF Debian's GRUB idled for minutes in such loops (see `sleep -v` below); until
  // that is proven harmless on the signed chain, its menu opens under the `menu` policy only.
  if (!input.waitPolicy || input.waitPolicy === 'wait') return loop;
  if (input.waitPolicy === 'local') return ["echo 'Bootbench: this machine is set to boot its local disk while it waits'", 'exit 1'];
  const menu = `/grub/menu/${input.mac.replace(/:/g, '-')}.cfg`; // grub-menu.ts: grubMenuPath
  // configfile: the menu's entries in a context of their own; it returns only if the file cannot be read.
  return [
    `echo ${grubWord(`Bootbench  mac ${input.mac}: the boot menu`)}`,
    `configfile ${grubWord(serverFile(input.server, menu))}`,
    ...loop,
  ];
}

/** A waiting host's poll: nothing to do but say so (GRUB returns to the loop that sourced it). */
function stillWaiting(state: string): string[] {
  return [`set bootbench_state=${state}`];
}

function installerLines(input: GrubConfigInput, installer: InstallerBoot): string[] {
  const kernel = grubWord(grubFile(installer.kernelUrl, input.server));
  // GRUB hands the initrds to the kernel itself: `initrd=NAME` (for the EFI stub loading its own,
  // as under iPXE) would name files GRUB's device does not have.
  const names = new Set(installer.initrds.map((i) => `initrd=${i.name}`));
  const args = installer.args.filter((a) => !names.has(a)).map(grubWord);
  const initrds = installer.initrds.map((i) => grubWord(grubFile(i.url, input.server)));
  return [
    `echo ${grubWord(`Bootbench: ${installer.title} on ${input.mac}`)}`,
    // A failed download boots nothing: no kernel without its initrd. The poll returns to the loop.
    `if linux ${[kernel, ...args].join(' ')}; then`,
    `  if initrd ${initrds.join(' ')}; then`,
    '    boot',
    '  fi',
    'fi',
    "echo 'Bootbench: the installer could not be booted (see the host timeline); trying again'",
  ];
}

function lines(head: string, body: string[]): string {
  return [head, ...body, ''].join('\n');
}
