// The boot routes every network boot starts with, mounted on the boot HTTP server (a transport that
// knows none of this):
//   /boot/<file>        the first-stage loaders (undionly.kpxe, snponly.efi, ipxe.efi) through a
//                       FileResolver (UEFI HTTP-boot clients get /boot/snponly.efi from DHCP, or
//                       /boot/shimx64.efi on the signed chain, which asks for /boot/grubx64.efi);
//   /ipxe/<mac>.ipxe    the host's iPXE script, rendered on each request from its current state
//                       (dhcp-boot.ts hands iPXE this URL; MAC with dashes, colons accepted);
//   /ipxe/<mac>/choose/<entry>   a choice at the machine's boot menu (menu-choice.ts): recorded, and
//                       answered with the script that boots it.
import type { Host } from '../../shared/contract.js';
import type { FileResolver } from '../files/file-source.js';
import { requireGetOrHead, sendOpened, sendText } from '../http/file-response.js';
import { logQuietly, type BootHttpServer } from '../http/server.js';
import type { InstallerFor } from './installer-boot.js';
import { renderIpxeScript, renderIpxeTargetScript } from './ipxe-script.js';
import type { BootChoices, BootClient } from './menu-choice.js';
import { OPTIONAL_SHIM_FILES } from './signed-loaders.js';
import { ipxeLabel } from './ipxe-lines.js';
import { httpBase, ipxeScriptPath } from './urls.js';

export interface BootRoutesOptions {
  loaders: FileResolver;
  hosts: { get(mac: string): Host | undefined };
  serverIp: string;
  httpPort: number;
  /** Seconds between polls of a waiting host (default 5). */
  pollSeconds?: number;
  /**
   * Emulate a vendor BIOS PXE ROM on iPXE NIC ROMs (QEMU): chain tftp://serverIp/undionly.kpxe
   * once. Off by default: real BIOS machines already run undionly.kpxe. See ipxe-script.ts.
   */
  biosChain?: boolean;
  /** The installer of a host with an install under way (the install manager's answer). */
  installerFor?: InstallerFor;
  /** The MAC Bootbench knows holds an address (lease, registry): a machine chooses only for itself. */
  macForIp?: (ip: string) => string | null;
  /** The boot menu and its choices; absent: the plain wait loop. */
  choices?: BootChoices;
}

const MAC_CHOOSE = /^((?:[0-9a-f]{2}[-:]){5}[0-9a-f]{2})\/choose\/([A-Za-z0-9:._-]{1,110})$/i;
const MAC_SCRIPT = /^((?:[0-9a-f]{2}[-:]){5}[0-9a-f]{2})\.ipxe$/i;
const SCRIPT_HEADERS = { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' } as const;

export function mountBootRoutes(server: Pick<BootHttpServer, 'mount'>, opts: BootRoutesOptions): void {
  const serverBase = httpBase(opts.serverIp, opts.httpPort);
  const pollSeconds = opts.pollSeconds ?? 5;
  const biosChainUrl = opts.biosChain ? `tftp://${opts.serverIp}/undionly.kpxe` : null;

  server.mount('/boot', async (req, res, rest) => {
    if (!requireGetOrHead(req, res)) return;
    if (rest === '') return sendText(req, res, 404, 'Not found\n'); // no directory listings
    // The shim (HTTP boot) asks for these beside itself; absent is normal: not a warning.
    if (OPTIONAL_SHIM_FILES.test(rest)) {
      logQuietly(res);
      return sendText(req, res, 404, 'Not found\n');
    }
    await sendOpened(req, res, await opts.loaders(rest), rest);
  });

  server.mount('/ipxe', async (req, res, rest) => {
    if (!requireGetOrHead(req, res)) return;
    const path = rest.split('?')[0] ?? '';
    const choice = MAC_CHOOSE.exec(path);
    const m = choice ?? MAC_SCRIPT.exec(path);
    if (!m?.[1]) return sendText(req, res, 404, 'Not found: use /ipxe/<mac-with-dashes>.ipxe\n');
    const mac = m[1].toLowerCase().replace(/-/g, ':');
    // The wait loop polls with ?poll=1 (see ipxe-script.ts): quiet log lines, no banner.
    const poll = (req.url ?? '').endsWith('?poll=1');
    const ip = req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '';
    const client: BootClient = { serverBase, ip, chain: 'ipxe', ownerMac: opts.macForIp?.(ip) ?? null };
    const choices = opts.choices;
    if (choice && choices) {
      const outcome = await choices.choose(mac, m[2]!, client);
      if (outcome.kind === 'target')
        return sendScript(renderIpxeTargetScript({ mac, host: opts.hosts.get(mac), serverBase }, outcome.target));
      if (outcome.kind === 'refused') return sendScript(refusedScript(mac, outcome.reason));
      // An install: queued; the host's own script boots it (below).
    } else if (choice) return sendText(req, res, 404, 'Not found: no boot menu here\n');
    const host = opts.hosts.get(mac);
    const underWay = host?.state === 'queued' || host?.state === 'booting' || host?.state === 'installing';
    const installer = underWay && opts.installerFor ? await opts.installerFor(mac, ip) : null;
    // "Boot this next" from the app: taken by this fetch, unless an install is starting.
    const next = !installer && choices ? await choices.takeNext(mac, client) : null;
    if (next) return sendScript(renderIpxeTargetScript({ mac, host, serverBase }, next));
    // Polls are debug-level, except the one that hands out the installer: the host starts then.
    if (poll && !installer) logQuietly(res);
    const menu = choices
      ? { menu: choices.menuFor(host, 'ipxe'), policy: choices.waitPolicyOf(host), timeoutSeconds: choices.menuTimeoutSeconds() }
      : null;
    const script = renderIpxeScript({ mac, host, serverBase, pollSeconds, poll, biosChainUrl, installer, menu });
    sendScript(script);

    function sendScript(text: string): void {
      sendText(req, res, 200, text, SCRIPT_HEADERS);
    }
    function refusedScript(forMac: string, reason: string): string {
      return [
        '#!ipxe',
        `echo Bootbench: ${ipxeLabel(reason)}`,
        'sleep 5',
        `chain --replace --autofree ${serverBase}${ipxeScriptPath(forMac)} || reboot`,
        '',
      ].join('\n');
    }
  });
}
