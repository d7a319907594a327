// `bootbench`: the command line (see ARCHITECTURE.md ★ Command line). `serve` and `check` run here;
// every other verb talks to the running server through its control API.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { CoreEvent, DhcpMode } from '../shared/contract.js';
import { resolve } from 'node:path';
import { isChainSetting, isDhcpMode, normalizeMac } from '../shared/contract.js';
import { isPowerAction } from '../shared/power.js';
import { runBmc } from './cli-bmc.js';
import { macsArg, runBatchVerb, runHostsImport } from './cli-inventory.js';
import { BootbenchError, isBootbenchError } from './errors.js';
import type { StageTimeouts } from './install/limits.js';
import { resolveDataDir } from './store/data-dir.js';
import type { CheckReport } from './check.js';
import { ControlClient } from './control/client.js';
import { BOOT_ASSETS_DIR, UI_ROOT } from './paths.js';
import { runChain } from './cli-chain.js';
import { parseNewHostsFlag, runDistrosSet, runHostsSet, runPolicy } from './cli-policy.js';
import { formatDistros, formatEvent, formatHosts, formatImported } from './format.js';
import { VERSION } from './version.js';

// The server and the preflight are loaded only by the verbs that need them: every other verb is
// a small HTTP client, and starts in a fraction of the time (`bootbench import` is timed).
const loadServer = () => import('./app.js');
const loadCheck = () => import('./check.js');
const loadInterfaces = () => import('./net/interfaces.js');

const USAGE = `Bootbench ${VERSION}: PXE and unattended installs from this machine.

Usage:
  bootbench serve [--interface IF] [--mode auto|dhcp|proxy] [--pool A-B] [--data DIR] [--http-port N] [--ui-port N] [--force]
                  [--reserve MAC=IP …] [--lease-time S] [--router IP] [--dns IP,IP] [--domain NAME] [--no-probe] [--quiet]
                  [--install-timeouts queued=60m,booting=15m,installing=30m,firstboot=30m] [--bios-chain] [--no-dns] [--no-ra]
                  [--chain auto|ipxe|signed] [--new-hosts wait|menu|local|install:DISTRO_ID]
  bootbench check --interface IF [--http-port N] [--json]
  bootbench interfaces [--json]
  bootbench import FILE.iso [--verify] [--json]
  bootbench distros [--json]
  bootbench distros set ID --kernel-args "ARGS" [--json]
  bootbench hosts [--json]
  bootbench hosts set MAC [--kernel-args "ARGS"] [--wait-policy wait|menu|local|default] [--json]
  bootbench hosts import FILE.csv [--dry-run] [--json]
  bootbench policy [--new-hosts wait|menu|local|install:DISTRO_ID] [--menu-timeout S] [--json]
  bootbench install MAC [MAC …] --distro ID [--set KEY=VALUE …] [--now] [--json]
  bootbench cancel MAC [MAC …] [--json]
  bootbench rename MAC NAME [--json]     (NAME "" removes the name)
  bootbench forget MAC [--json]
  bootbench chain [MAC auto|ipxe|signed|default] [--global auto|ipxe|signed] [--json]
  bootbench logs [MAC] [--follow] [--json]
  bootbench power MAC on|off|cycle|status [--json]
  bootbench bmc set MAC --ipmi ADDR --user U --password-file F [--port N] [--cipher-suite N] [--json]
  bootbench bmc set MAC --redfish URL --user U --password-file F [--allow-http] [--json]
  bootbench bmc set MAC --wol [--wol-mac MAC] [--secureon-file F] [--json]
  bootbench bmc show|clear MAC [--json]

serve without --interface starts the UI only: choose the interface there.
In full-DHCP mode Bootbench answers DNS for the lab (installers want a name server) unless --dns or
--no-dns is given, and sends IPv6 router advertisements that announce nothing but end iPXE's 13 s
wait for one at every start (--no-ra: not if the segment has its own router).
--exit-with-stdin: stop when stdin closes (the desktop app's privileged helper).
--bios-chain: BIOS machines whose NIC ROM is iPXE (QEMU, some labs) chain undionly.kpxe over TFTP
once, as a vendor PXE ROM would, so that the TFTP path of real hardware is exercised.
--chain: the UEFI boot chain (stored; default auto): iPXE, or the signed shim + GRUB that Secure Boot
accepts; auto starts with iPXE and switches a machine whose firmware refuses it. \`bootbench chain\`
changes it while serving, for all machines (--global) or one (default: back to the global one).
--new-hosts: what a machine seen for the first time does (stored; default wait): wait for a click,
show the boot menu, boot its local disk, or install DISTRO_ID at once with the current settings.
\`bootbench policy\` changes it while serving, and the boot menu's timeout (default 10 s).
Kernel arguments (\`distros set\`, \`hosts set\`) go on every boot of that distro or host, the
host's after the distro's; "" removes them. --wait-policy: what the host does while it waits with
nothing queued (default: as the global policy says).

install and cancel take several MACs: one line per host, and exit 1 if any host failed (the others
are still acted on).
hosts import: an inventory CSV, header mac,hostname,ip,distro (the last three optional) plus the
power columns power (ipmi|redfish|wol), bmc, bmc_user, bmc_password. Every row is checked first:
one bad row refuses the whole file (each problem by line) and nothing is applied. --dry-run checks only.
A stored reservation (from an import) and a --reserve flag that disagree: the flag wins while that
server runs, and the start says so.

install --now: once queued, set the machine's next boot to the network and power-cycle it (power it
on when off; Wake-on-LAN: wake it) through its power settings (\`bootbench bmc set\`).
Secrets are read from files (--password-file F, --secureon-file F; "-" reads stdin), never taken on
the command line, and never shown again: \`bmc show\` says whether one is set.

Every verb takes --data DIR (default: $BOOTBENCH_DATA, else the per-user data folder).`;

const common = {
  data: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const verbs = {
  serve: {
    ...common,
    interface: { type: 'string', short: 'i' },
    mode: { type: 'string', default: 'auto' },
    pool: { type: 'string' },
    'http-port': { type: 'string', default: '80' },
    'ui-port': { type: 'string', default: '0' },
    force: { type: 'boolean', default: false },
    reserve: { type: 'string', multiple: true },
    'lease-time': { type: 'string', default: '3600' },
    router: { type: 'string' },
    dns: { type: 'string' },
    domain: { type: 'string' },
    'no-probe': { type: 'boolean', default: false },
    quiet: { type: 'boolean', short: 'q', default: false },
    'install-timeouts': { type: 'string' },
    'bios-chain': { type: 'boolean', default: false },
    'no-dns': { type: 'boolean', default: false },
    'no-ra': { type: 'boolean', default: false },
    'exit-with-stdin': { type: 'boolean', default: false },
    chain: { type: 'string' },
    'new-hosts': { type: 'string' },
  },
  check: { ...common, interface: { type: 'string', short: 'i' }, 'http-port': { type: 'string', default: '80' } },
  interfaces: common,
  hosts: {
    ...common,
    'kernel-args': { type: 'string' },
    'wait-policy': { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
  },
  import: { ...common, verify: { type: 'boolean', default: false } },
  distros: { ...common, 'kernel-args': { type: 'string' } },
  policy: { ...common, 'new-hosts': { type: 'string' }, 'menu-timeout': { type: 'string' } },
  logs: { ...common, follow: { type: 'boolean', short: 'f', default: false } },
  install: {
    ...common,
    distro: { type: 'string', short: 'd' },
    set: { type: 'string', multiple: true },
    now: { type: 'boolean', default: false },
  },
  power: common,
  bmc: {
    ...common,
    ipmi: { type: 'string' },
    redfish: { type: 'string' },
    wol: { type: 'boolean', default: false },
    'wol-mac': { type: 'string' },
    user: { type: 'string' },
    'password-file': { type: 'string' },
    'secureon-file': { type: 'string' },
    'cipher-suite': { type: 'string' },
    port: { type: 'string' },
    'allow-http': { type: 'boolean', default: false },
  },
  cancel: common,
  rename: common,
  forget: common,
  chain: { ...common, global: { type: 'string' } },
} as const satisfies Record<string, ParseArgsConfig['options']>;

type Verb = keyof typeof verbs;

function fail(message: string): never {
  throw new BootbenchError('BAD_ARGUMENT', { message });
}

function portArg(value: string | undefined, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) fail(`--${name} must be a port number (0-65535), not "${value}".`);
  return n;
}

function requireInterface(value: string | undefined, verb: string): string {
  if (value) return value;
  return fail(
    `${verb} needs --interface IF: the network interface plugged into the lab switch. Run \`bootbench interfaces\` to list them.`,
  );
}

async function main(argv: string[]): Promise<number> {
  const [verbArg, ...rest] = argv;
  if (!verbArg || verbArg === '--help' || verbArg === '-h' || verbArg === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return verbArg ? 0 : 2;
  }
  if (verbArg === '--version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (!(verbArg in verbs)) fail(`unknown command "${verbArg}".\n\n${USAGE}`);
  const verb = verbArg as Verb;
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: verbs[verb], allowPositionals: true, strict: true });
  } catch (e) {
    return fail(`${(e as Error).message}\n\n${USAGE}`);
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const dataDir = resolveDataDir(values.data as string | undefined);
  const json = values.json === true;
  switch (verb) {
    case 'serve':
      return runServe(values, dataDir);
    case 'check': {
      const { runChecks } = await loadCheck();
      const report = await runChecks({
        iface: requireInterface(values.interface as string | undefined, 'check'),
        assetsDir: BOOT_ASSETS_DIR,
        httpPort: portArg(values['http-port'] as string, 'http-port'),
      });
      process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
      return report.ok ? 0 : 1;
    }
    case 'interfaces': {
      const nics = await (await loadInterfaces()).listInterfaces();
      if (json) process.stdout.write(`${JSON.stringify(nics, null, 2)}\n`);
      else
        for (const n of nics)
          process.stdout.write(
            `${n.name.padEnd(16)} ${n.kind.padEnd(9)} ${(n.up ? 'up' : 'down').padEnd(5)} ${n.ipv4.map((a) => `${a.address}/${a.prefix}`).join(' ') || '(no IPv4)'}\n`,
          );
      return 0;
    }
    case 'hosts': {
      const [sub, ...subArgs] = parsed.positionals;
      if (sub === 'import') return runHostsImport(await ControlClient.fromDataDir(dataDir), subArgs, values['dry-run'] === true, json);
      if (sub === 'set') return runHostsSet(await ControlClient.fromDataDir(dataDir), subArgs, values, json);
      if (sub !== undefined)
        fail(`unknown hosts command "${sub}": bootbench hosts [--json], bootbench hosts set MAC …, bootbench hosts import FILE.csv`);
      const client = await ControlClient.fromDataDir(dataDir);
      noSubcommand(parsed.positionals, values, 'hosts', ['kernel-args', 'wait-policy']);
      const hosts = await client.call('GET /api/hosts');
      process.stdout.write(json ? `${JSON.stringify(hosts, null, 2)}\n` : formatHosts(hosts));
      return 0;
    }
    case 'import': {
      const file = parsed.positionals[0];
      if (!file || parsed.positionals.length > 1) fail('import takes one ISO file: bootbench import FILE.iso');
      const client = await ControlClient.fromDataDir(dataDir);
      // The server reads the file itself: hand it an absolute path.
      const distro = await client.call('POST /api/distros/import', { body: { path: resolve(file), verify: values.verify === true } });
      process.stdout.write(json ? `${JSON.stringify(distro, null, 2)}\n` : formatImported(distro));
      return 0;
    }
    case 'distros': {
      const client = await ControlClient.fromDataDir(dataDir);
      if (parsed.positionals[0] === 'set') return runDistrosSet(client, parsed.positionals.slice(1), values, json);
      noSubcommand(parsed.positionals, values, 'distros', ['kernel-args']);
      const distros = await client.call('GET /api/distros');
      process.stdout.write(json ? `${JSON.stringify(distros, null, 2)}\n` : formatDistros(distros));
      return 0;
    }
    case 'install': {
      const macs = macsArg(parsed.positionals, 'install');
      const distro = values.distro as string | undefined;
      if (!distro) fail('install needs --distro ID: one of the ids `bootbench distros` lists.');
      const settings: Record<string, string> = {};
      for (const pair of (values.set as string[] | undefined) ?? []) {
        const eq = pair.indexOf('=');
        if (eq <= 0) fail(`--set takes KEY=VALUE (e.g. --set timezone=Europe/Paris), not "${pair}".`);
        settings[pair.slice(0, eq)] = pair.slice(eq + 1);
      }
      const now = values.now === true;
      const client = await ControlClient.fromDataDir(dataDir);
      if (macs.length > 1) {
        const install = { distro, ...(Object.keys(settings).length ? { settings } : {}), ...(now ? { now } : {}) };
        return runBatchVerb(client, { macs, action: 'install', install }, json);
      }
      const mac = macs[0]!;
      const host = await client.call('POST /api/hosts/:mac/install', {
        params: { mac },
        body: { distro, ...(Object.keys(settings).length ? { settings } : {}), ...(now ? { now } : {}) },
      });
      process.stdout.write(
        json
          ? `${JSON.stringify(host, null, 2)}\n`
          : now
            ? `${host.mac}: ${host.state} (${host.distro}); ${host.powerMethod === 'wol' ? 'woken (Wake-on-LAN)' : `next boot set to the network, powered on (${host.powerMethod ?? 'power control'})`}: it installs now (\`bootbench logs ${host.mac}\` shows each power action)\n`
            : `${host.mac}: ${host.state} (${host.distro}); it installs at its next network boot, or now if it is waiting in Bootbench's boot menu\n`,
      );
      return 0;
    }
    case 'cancel': {
      const macs = macsArg(parsed.positionals, 'cancel');
      const client = await ControlClient.fromDataDir(dataDir);
      if (macs.length > 1) return runBatchVerb(client, { macs, action: 'cancel' }, json);
      const mac = macs[0]!;
      const host = await client.call('POST /api/hosts/:mac/cancel', { params: { mac } });
      process.stdout.write(
        json
          ? `${JSON.stringify(host, null, 2)}\n`
          : host.state === 'installed'
            ? `${host.mac}: install cancelled; the host is installed and boots its local disk again\n`
            : `${host.mac}: install cancelled; the host waits in Bootbench's boot menu again\n`,
      );
      return 0;
    }
    case 'rename': {
      const [macText, label, ...extra] = parsed.positionals;
      if (!macText || label === undefined || extra.length > 0)
        fail('rename takes a MAC and a name: bootbench rename 52:54:00:12:34:56 web-01');
      const mac = macArg([macText], 'rename');
      const client = await ControlClient.fromDataDir(dataDir);
      const host = await client.call('PUT /api/hosts/:mac/label', { params: { mac }, body: { label } });
      process.stdout.write(
        json ? `${JSON.stringify(host, null, 2)}\n` : `${host.mac}: ${host.label ? `named ${host.label}` : 'name removed'}\n`,
      );
      return 0;
    }
    case 'forget': {
      const mac = macArg(parsed.positionals, 'forget');
      const client = await ControlClient.fromDataDir(dataDir);
      const host = await client.call('DELETE /api/hosts/:mac', { params: { mac } });
      process.stdout.write(json ? `${JSON.stringify(host, null, 2)}\n` : `${host.mac}: forgotten\n`);
      return 0;
    }
    case 'policy':
      return runPolicy(await ControlClient.fromDataDir(dataDir), parsed.positionals, values, json);
    case 'chain':
      return runChain(await ControlClient.fromDataDir(dataDir), parsed.positionals, values.global as string | undefined, json);
    case 'power': {
      const [macText, action, ...extra] = parsed.positionals;
      if (!macText || !action || extra.length > 0 || !isPowerAction(action))
        fail('power takes a MAC and an action: bootbench power 52:54:00:12:34:56 on|off|cycle|status');
      const mac = macArg([macText], 'power');
      const client = await ControlClient.fromDataDir(dataDir);
      const result = await client.call('POST /api/hosts/:mac/power/:action', { params: { mac, action } });
      process.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : `${result.mac}: ${result.message}\n`);
      return 0;
    }
    case 'bmc':
      return runBmc(parsed.positionals, values, dataDir, json);
    case 'logs': {
      const client = await ControlClient.fromDataDir(dataDir);
      const macText = parsed.positionals[0];
      const mac = macText ? normalizeMac(macText) : null;
      if (macText && !mac) fail(`"${macText}" is not a MAC address (like 52:54:00:12:34:56).`);
      const filter = mac ? { mac } : {};
      const print = (e: CoreEvent) => process.stdout.write(json ? `${JSON.stringify(e)}\n` : `${formatEvent(e)}\n`);
      // One host: its persisted timeline (it outlives restarts); everything: the server's backlog.
      const history: CoreEvent[] = mac
        ? await client.call('GET /api/hosts/:mac/timeline', { params: { mac }, query: { limit: 5000 } })
        : await client.call('GET /api/events', { query: filter });
      history.forEach(print);
      if (!values.follow) return 0;
      const since = history.at(-1)?.seq ?? 0;
      await new Promise<void>((resolve, reject) => {
        client.streamEvents({ ...filter, since }, print).then((stop) => {
          process.once('SIGINT', () => {
            stop();
            resolve();
          });
        }, reject);
      });
      return 0;
    }
  }
}

/**
 * `queued=60m,booting=15m,installing=30m,firstboot=30m` (s, m, h): how long each install stage may
 * take, and how long after `installed` a first boot is expected before the host shows a warning.
 */
function parseTimeouts(text: string): StageTimeouts {
  const out: StageTimeouts = {};
  for (const part of text.split(',')) {
    const m = /^(queued|booting|installing|firstboot)=(\d+(?:\.\d+)?)(s|m|h)$/.exec(part.trim());
    if (!m)
      fail(
        `--install-timeouts takes stage=duration pairs, e.g. queued=60m,booting=15m,installing=30m,firstboot=30m (s, m or h), not "${part}".`,
      );
    const [, stage, n, unit] = m as unknown as [string, keyof StageTimeouts, string, 's' | 'm' | 'h'];
    out[stage] = Number(n) * { s: 1000, m: 60_000, h: 3_600_000 }[unit];
  }
  return out;
}

/** A listing verb given words or flags that belong to its `set`. */
function noSubcommand(positionals: string[], values: Record<string, unknown>, verb: string, setFlags: string[]): void {
  if (positionals.length > 0)
    fail(`unknown ${verb} subcommand "${positionals[0]}": \`bootbench ${verb}\` lists, \`bootbench ${verb} set …\` changes one.`);
  const flag = setFlags.find((f) => values[f] !== undefined);
  if (flag) fail(`--${flag} goes with \`bootbench ${verb} set …\`.`);
}

function macArg(positionals: string[], verb: string): string {
  const text = positionals[0];
  if (!text || positionals.length > 1) fail(`${verb} takes one MAC address: bootbench ${verb} 52:54:00:12:34:56`);
  const mac = normalizeMac(text);
  if (!mac) fail(`"${text}" is not a MAC address (like 52:54:00:12:34:56).`);
  return mac;
}

async function runServe(values: Record<string, string | boolean | string[] | undefined>, dataDir: string): Promise<number> {
  const { isIpv4 } = await import('./dhcp/ipv4.js');
  const iface = values.interface as string | undefined;
  const mode = values.mode as string;
  if (!isDhcpMode(mode)) fail(`--mode must be auto, dhcp or proxy, not "${mode}".`);
  const leaseTime = Number(values['lease-time']);
  if (!Number.isInteger(leaseTime) || leaseTime < 60) fail('--lease-time must be a whole number of seconds, at least 60.');
  const reservations = ((values.reserve as string[] | undefined) ?? []).map((text) => {
    const [macText, ip] = text.split('=');
    const mac = normalizeMac(macText ?? '');
    if (!mac || !ip) fail(`--reserve takes MAC=IP, e.g. --reserve 52:54:00:12:34:56=10.0.0.50, not "${text}".`);
    return { mac, ip };
  });
  const ipList = (name: string): string[] => {
    const text = values[name] as string | undefined;
    if (!text) return [];
    const ips = text.split(',').map((s) => s.trim());
    for (const ip of ips) if (!isIpv4(ip)) fail(`--${name} takes IPv4 addresses separated by commas, not "${text}".`);
    return ips;
  };
  const chain = values.chain as string | undefined;
  if (chain !== undefined && !isChainSetting(chain)) fail(`--chain must be auto, ipxe or signed, not "${chain}".`);
  const newHosts = values['new-hosts'] === undefined ? undefined : parseNewHostsFlag(values['new-hosts'] as string);
  const domain = values.domain as string | undefined;
  if (domain !== undefined && !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(domain))
    fail(`--domain takes a DNS name like lab.example, not "${domain}".`);
  const { serve } = await loadServer();
  const server = await serve({
    router: ipList('router')[0] ?? null,
    dns: ipList('dns'),
    domain: domain ?? null,
    ...(iface ? { iface } : {}),
    mode: mode as DhcpMode,
    ...(values.pool ? { pool: values.pool as string } : {}),
    dataDir,
    httpPort: portArg(values['http-port'] as string, 'http-port'),
    uiPort: portArg(values['ui-port'] as string, 'ui-port'),
    force: values.force === true,
    reservations,
    leaseTimeSec: leaseTime,
    conflictProbe: values['no-probe'] !== true,
    biosChain: values['bios-chain'] === true,
    ...(chain !== undefined ? { chain } : {}),
    ...(newHosts ? { newHosts } : {}),
    dnsResponder: values['no-dns'] !== true,
    routerAdvert: values['no-ra'] !== true,
    ...(values['install-timeouts'] ? { installTimeouts: parseTimeouts(values['install-timeouts'] as string) } : {}),
    uiRoot: UI_ROOT,
  }).catch((e: unknown) => {
    // The policy's distro is checked once the library is open: say it in the flag's words.
    if (newHosts?.distro && isBootbenchError(e, 'DISTRO_NOT_FOUND'))
      fail(
        `--new-hosts install:${newHosts.distro}: no imported distro has that id. Start without --new-hosts, import the ISO (\`bootbench import\`), then set it (\`bootbench policy --new-hosts install:ID\`) or start again.`,
      );
    throw e;
  });
  if (!values.quiet) {
    server.bus.history().forEach((e) => process.stdout.write(`${formatEvent(e)}\n`));
    server.bus.subscribe((e) => {
      if (e.type === 'log' && e.level !== 'debug') process.stdout.write(`${formatEvent(e)}\n`);
    });
  }
  const status = server.status();
  if (status.state === 'serving')
    process.stdout.write(
      `Bootbench ${VERSION} serving on ${status.interface} (${status.serverIp}), mode ${status.mode}${status.requestedMode === 'auto' ? ' (auto)' : ''}\n`,
    );
  else process.stdout.write(`Bootbench ${VERSION}: no interface chosen yet. Open the UI to choose the one plugged into the lab switch.\n`);
  process.stdout.write(`UI: ${server.uiUrl}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    // A privileged helper (the desktop app through pkexec) cannot be signalled by its unprivileged
    // parent: the parent closes our stdin instead.
    if (values['exit-with-stdin']) {
      process.stdin.once('end', stop).once('close', stop);
      process.stdin.resume();
    }
  });
  await server.stop();
  process.stdout.write('stopped\n');
  return 0;
}

function formatReport(report: CheckReport): string {
  const mark = { ok: '[ ok ]', warn: '[warn]', fail: '[FAIL]' } as const;
  const lines = report.checks.map((c) => `${mark[c.status]} ${c.message}${c.fix ? `\n       ${c.fix}` : ''}`);
  lines.push(
    report.ok ? `Ready to serve on ${report.interface}.` : `Not ready to serve on ${report.interface}: fix the items marked FAIL.`,
  );
  return `${lines.join('\n')}\n`;
}

// A stray exception in one handler must not take the server down with every lab machine mid-boot.
process.on('uncaughtException', (e) => {
  process.stderr.write(`bootbench: internal error (kept running): ${e.stack ?? e.message}\n`);
});

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`bootbench: ${isBootbenchError(e) ? e.message : ((e as Error).stack ?? String(e))}\n`);
    process.exit(isBootbenchError(e) && e.code === 'BAD_ARGUMENT' ? 2 : 1);
  },
);
