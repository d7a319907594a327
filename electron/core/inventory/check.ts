// The inventory CSV's rows, checked: every problem of every row, by line, before anything is
// applied (ARCHITECTURE.md ★ `bootbench hosts import`: all rows or none). Pure: what it needs to
// know of the server (distros, the served subnet, reservations and leases) is handed in.
import { normalizeMac, type ValidationProblem } from '../../shared/contract.js';
import { POWER_METHODS, type PowerMethod, type PowerSettingsUpdate } from '../../shared/power.js';
import { PowerSettingsUpdate as PowerSettingsSchema } from '../../shared/schemas.js';
import { inSubnet, intToIp, ipToInt, isIpv4, type Subnet } from '../dhcp/ipv4.js';
import { hostnameRule } from '../install/settings-rules.js';
import { applyUpdate } from '../power/settings-store.js';
import { parseCsv } from './csv.js';

export const INVENTORY_COLUMNS = ['mac', 'hostname', 'ip', 'distro', 'power', 'bmc', 'bmc_user', 'bmc_password'] as const;
type Column = (typeof INVENTORY_COLUMNS)[number];
export const MAX_INVENTORY_ROWS = 10_000;

/** What the check needs to know of the running server. */
export interface InventoryContext {
  /** null when the distro can be installed; else why not (unknown id, ISO missing, a live system …). */
  distroProblem(id: string): string | null;
  /** The served network: full DHCP (reservations apply), proxy (the network's DHCP server gives addresses) or none yet. */
  network: { mode: 'dhcp'; subnet: Subnet; serverIp: string } | { mode: 'proxy' } | { mode: 'setup' };
  /** The reservations in force (flags and stored). */
  reservations: readonly { mac: string; ip: string; source: 'flag' | 'inventory' }[];
  /** The client holding `ip` now (an unexpired lease or offer), or null. */
  leaseHolder(ip: string): string | null;
}

/** One row, checked: what the import applies. */
export interface PlannedRow {
  line: number;
  mac: string;
  hostname: string | null;
  ip: string | null;
  distro: string | null;
  power: PowerSettingsUpdate | null;
}

export function checkInventory(csv: string, ctx: InventoryContext): { rows: PlannedRow[]; problems: ValidationProblem[] } {
  const problems: ValidationProblem[] = [];
  const say = (line: number | null, message: string) => problems.push({ line, message });
  const parsed = parseCsv(csv);
  for (const p of parsed.problems) say(p.line, p.message);
  const [header, ...records] = parsed.records;
  if (!header) {
    say(null, 'the file is empty: it needs a header line naming its columns (mac,hostname,ip,distro) and one line per machine');
    return { rows: [], problems };
  }
  const columns = readHeader(header.fields, header.line, say);
  if (!columns) return { rows: [], problems };
  if (records.length === 0) say(null, 'the file has a header but no machines');
  if (records.length > MAX_INVENTORY_ROWS) {
    say(null, `the file has ${records.length} machines: at most ${MAX_INVENTORY_ROWS} are imported at once`);
    return { rows: [], problems };
  }

  const rows: PlannedRow[] = [];
  const macLines = new Map<string, number>();
  const ipLines = new Map<string, number>();
  const nameLines = new Map<string, number>();
  for (const { line, fields } of records) {
    const at = (message: string) => say(line, message);
    if (fields.length > columns.length)
      at(`${fields.length} fields, but the header names ${columns.length} columns (a comma too many, or a field to quote)`);
    const get = (c: Column): string => {
      const i = columns.indexOf(c);
      return i >= 0 ? (fields[i] ?? '') : '';
    };
    const macText = get('mac');
    const mac = normalizeMac(macText);
    if (!macText) at('mac is empty');
    else if (!mac) at(`mac "${clip(macText)}" is not a MAC address (like 52:54:00:12:34:56)`);
    else if (macLines.has(mac)) at(`mac ${mac} is on line ${macLines.get(mac)} already: one line per machine`);
    else macLines.set(mac, line);

    const hostname = get('hostname') || null;
    if (hostname) {
      const wrong = hostnameRule(hostname);
      if (wrong) at(wrong);
      else if (nameLines.has(hostname.toLowerCase()))
        at(`hostname ${hostname} is on line ${nameLines.get(hostname.toLowerCase())} already: two machines cannot share a name`);
      else nameLines.set(hostname.toLowerCase(), line);
    }

    const ip = get('ip') || null;
    if (ip) {
      const wrong = ipProblem(ip, mac, ctx);
      if (wrong) at(wrong);
      else if (ipLines.has(ip)) at(`ip ${ip} is on line ${ipLines.get(ip)} already: an address is reserved for one machine`);
      else ipLines.set(ip, line);
    }

    const distro = get('distro') || null;
    if (distro) {
      const wrong = ctx.distroProblem(distro);
      if (wrong) at(`distro ${clip(distro)}: ${wrong}`);
    }

    const power = powerOf(mac ?? '00:00:00:00:00:00', get, at);
    if (mac) rows.push({ line, mac, hostname, ip, distro, power });
  }
  // An address reserved (stored) for a machine that this file moves elsewhere is free for another row.
  const moving = new Set(rows.filter((r) => r.ip !== null).map((r) => r.mac));
  for (const row of rows) {
    if (!row.ip) continue;
    const holder = ctx.reservations.find((r) => r.ip === row.ip && r.mac !== row.mac);
    if (holder && (holder.source === 'flag' || !moving.has(holder.mac)))
      say(
        row.line,
        `ip ${row.ip} is reserved for ${holder.mac} already (${holder.source === 'flag' ? 'by --reserve' : 'stored reservation'})`,
      );
  }
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { rows, problems };
}

function readHeader(fields: string[], line: number, say: (line: number, message: string) => void): Column[] | null {
  const names = fields.map((f) => f.trim().toLowerCase());
  let ok = true;
  const seen = new Set<string>();
  for (const name of names) {
    if (!(INVENTORY_COLUMNS as readonly string[]).includes(name)) {
      say(line, `unknown column "${clip(name)}" in the header: the columns are ${INVENTORY_COLUMNS.join(', ')}`);
      ok = false;
    } else if (seen.has(name)) {
      say(line, `column ${name} is named twice in the header`);
      ok = false;
    }
    seen.add(name);
  }
  if (!seen.has('mac')) {
    say(line, 'the header has no mac column: the first line names the columns, e.g. mac,hostname,ip,distro');
    ok = false;
  }
  return ok ? (names as Column[]) : null;
}

function ipProblem(ip: string, mac: string | null, ctx: InventoryContext): string | null {
  if (!isIpv4(ip) || intToIp(ipToInt(ip)) !== ip) return `ip "${clip(ip)}" is not an IPv4 address (like 10.0.0.50)`;
  const net = ctx.network;
  if (net.mode === 'setup') return `ip ${ip}: Bootbench serves no interface yet, so the subnet is not known; start serving, then import`;
  if (net.mode === 'proxy')
    return `ip ${ip}: Bootbench runs in proxy mode and hands out no addresses; reserve it in the network's DHCP server, or leave ip empty`;
  const n = ipToInt(ip);
  const cidr = `${intToIp(net.subnet.network)}/${net.subnet.prefix}`;
  if (!inSubnet(n, net.subnet)) return `ip ${ip} is outside the served subnet ${cidr}`;
  if (n === net.subnet.network || n === net.subnet.broadcast) return `ip ${ip} is the network or broadcast address of ${cidr}`;
  if (ip === net.serverIp) return `ip ${ip} is Bootbench's own address`;
  const flag = mac ? ctx.reservations.find((r) => r.mac === mac && r.source === 'flag') : undefined;
  if (flag && flag.ip !== ip)
    return `${mac} is reserved ${flag.ip} by --reserve, which wins while this server runs: drop the flag, or give the same address`;
  const holder = ctx.leaseHolder(ip);
  if (holder && holder !== mac) return `ip ${ip} is leased to ${holder} now; choose a free address`;
  return null;
}

/** The row's power settings, or null when its power columns are empty; problems name the column, never a password. */
function powerOf(mac: string, get: (c: Column) => string, at: (message: string) => void): PowerSettingsUpdate | null {
  const method = get('power').toLowerCase();
  const bmc = get('bmc');
  const user = get('bmc_user');
  const password = get('bmc_password');
  if (!method) {
    if (bmc || user || password) at('bmc, bmc_user and bmc_password need a power column: ipmi, redfish or wol');
    return null;
  }
  if (!(POWER_METHODS as readonly string[]).includes(method)) {
    at(`power "${clip(method)}" is not one of ${POWER_METHODS.join(', ')}`);
    return null;
  }
  let update: unknown;
  switch (method as PowerMethod) {
    case 'wol':
      if (bmc || user || password) at('power wol takes no bmc, bmc_user or bmc_password (Wake-on-LAN wakes the MAC itself)');
      update = { method: 'wol', wol: {} };
      break;
    case 'ipmi':
    case 'redfish': {
      if (!bmc) at(`power ${method} needs bmc: the BMC's ${method === 'ipmi' ? 'address' : 'URL (https://…)'}`);
      if (!user) at(`power ${method} needs bmc_user`);
      if (!bmc || !user) return null;
      const settings = method === 'ipmi' ? { address: bmc } : { url: bmc };
      update = { method, [method]: { ...settings, user, ...(password ? { password } : {}) } };
      break;
    }
  }
  const parsed = PowerSettingsSchema.safeParse(update);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) at(`${columnOf(issue.path.map(String))}: ${issue.message}`);
    return null;
  }
  try {
    applyUpdate(mac, null, parsed.data); // refuses what cannot work: a plain-http Redfish URL
  } catch (e) {
    at(`bmc: ${(e as Error).message}`);
    return null;
  }
  return parsed.data;
}

function columnOf(path: string[]): Column {
  const key = path[path.length - 1];
  if (key === 'user') return 'bmc_user';
  if (key === 'password') return 'bmc_password';
  return 'bmc';
}

/** A field as quoted in a message: bounded, one line. */
function clip(text: string): string {
  const one = text.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return one.length > 60 ? `${one.slice(0, 57)}…` : one;
}
