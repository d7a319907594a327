// `bootbench bmc set|show|clear MAC`: a host's power settings from the command line. Secrets come
// from files (or stdin with "-"), never from arguments: a command line is visible to every user of
// the machine (ps, /proc) and stays in shell history.
import { readFile } from 'node:fs/promises';
import { normalizeMac } from '../shared/contract.js';
import type { PowerSettingsUpdate, PowerSettingsView } from '../shared/power.js';
import { BootbenchError } from './errors.js';
import { ControlClient } from './control/client.js';

type Values = Record<string, string | boolean | string[] | undefined>;

function fail(message: string): never {
  throw new BootbenchError('BAD_ARGUMENT', { message });
}

export async function runBmc(positionals: string[], values: Values, dataDir: string, json: boolean): Promise<number> {
  const [sub, macText, ...extra] = positionals;
  if (!sub || !['set', 'show', 'clear'].includes(sub) || !macText || extra.length > 0)
    fail('bmc takes set, show or clear and a MAC: bootbench bmc set 52:54:00:12:34:56 --ipmi 10.0.0.5 --user admin --password-file pw.txt');
  const mac = normalizeMac(macText);
  if (!mac) fail(`"${macText}" is not a MAC address (like 52:54:00:12:34:56).`);
  const client = await ControlClient.fromDataDir(dataDir);
  let view: PowerSettingsView;
  if (sub === 'show') view = await client.call('GET /api/hosts/:mac/power', { params: { mac } });
  else if (sub === 'clear') view = await client.call('PUT /api/hosts/:mac/power', { params: { mac }, body: { method: null } });
  else view = await client.call('PUT /api/hosts/:mac/power', { params: { mac }, body: await updateFrom(values) });
  process.stdout.write(json ? `${JSON.stringify(view, null, 2)}\n` : formatPowerSettings(view));
  return 0;
}

async function updateFrom(v: Values): Promise<PowerSettingsUpdate> {
  const chosen = [v.ipmi !== undefined, v.redfish !== undefined, v.wol === true].filter(Boolean).length;
  if (chosen !== 1) fail('bmc set takes exactly one of --ipmi ADDR, --redfish URL or --wol.');
  if (v.wol === true) {
    const wolMac = v['wol-mac'] as string | undefined;
    if (wolMac !== undefined && !normalizeMac(wolMac)) fail(`--wol-mac takes a MAC address, not "${wolMac}".`);
    const secureOn = await secretFile(v['secureon-file'], '--secureon-file');
    return { method: 'wol', wol: { ...(wolMac ? { mac: normalizeMac(wolMac)! } : {}), ...(secureOn !== undefined ? { secureOn } : {}) } };
  }
  const user = v.user as string | undefined;
  if (user === undefined) fail('bmc set needs --user U (the BMC account).');
  const password = await secretFile(v['password-file'], '--password-file');
  if (v.ipmi !== undefined) {
    const port = v.port === undefined ? undefined : intArg(v.port as string, '--port', 1, 65535);
    const cipherSuite = v['cipher-suite'] === undefined ? undefined : intArg(v['cipher-suite'] as string, '--cipher-suite', 0, 17);
    return {
      method: 'ipmi',
      ipmi: {
        address: v.ipmi as string,
        user,
        ...(password !== undefined ? { password } : {}),
        ...(port !== undefined ? { port } : {}),
        ...(cipherSuite !== undefined ? { cipherSuite } : {}),
      },
    };
  }
  return {
    method: 'redfish',
    redfish: {
      url: v.redfish as string,
      user,
      ...(password !== undefined ? { password } : {}),
      ...(v['allow-http'] === true ? { allowHttp: true } : {}),
    },
  };
}

/** The secret in a file (its first line), or stdin for "-"; undefined when the option is absent (the stored one is kept). */
async function secretFile(path: unknown, option: string): Promise<string | undefined> {
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = path === '-' ? await readStdin() : await readFile(path as string, 'utf8');
  } catch (e) {
    return fail(`${option}: cannot read ${path as string} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
  }
  return text.split(/\r?\n/)[0] ?? '';
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function intArg(text: string, option: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) fail(`${option} takes a whole number from ${min} to ${max}, not "${text}".`);
  return n;
}

/** A host's power settings in lines; secrets as "set" or "not set". */
export function formatPowerSettings(v: PowerSettingsView): string {
  const set = (b: boolean) => (b ? 'set' : 'not set');
  const lines = [
    `${v.mac}: ${v.method === null ? 'no power settings (reboot it by hand to start an install)' : `power through ${v.method}`}`,
  ];
  if (v.method === 'wol' && v.wol) lines.push(`  Wake-on-LAN MAC ${v.wol.mac}, SecureOn password ${set(v.wol.secureOnSet)}`);
  if (v.method === 'ipmi' && v.ipmi)
    lines.push(
      `  IPMI ${v.ipmi.address}:${v.ipmi.port}, user ${v.ipmi.user}, password ${set(v.ipmi.passwordSet)}, cipher suite ${v.ipmi.cipherSuite}`,
    );
  if (v.method === 'redfish' && v.redfish) {
    lines.push(
      `  Redfish ${v.redfish.url}, user ${v.redfish.user}, password ${set(v.redfish.passwordSet)}${v.redfish.allowHttp ? ', plain HTTP allowed' : ''}`,
    );
    lines.push(`  certificate ${v.redfish.pinnedFingerprint ?? 'not pinned yet (pinned at the first contact)'}`);
    if (v.redfish.presentedFingerprint)
      lines.push(`  the BMC now presents ${v.redfish.presentedFingerprint}: accept it in the UI if you trust it`);
  }
  if (v.power) lines.push(`  last known power state: ${v.power.state} (${v.power.at})`);
  return `${lines.join('\n')}\n`;
}
