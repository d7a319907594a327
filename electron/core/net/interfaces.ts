// The machine's network interfaces, as the UI and `bootbench check` show them.
// Linux reads sysfs (cheap, no subprocess) plus os.networkInterfaces() for addresses; macOS and
// Windows ask systeminformation, which shells out synchronously (seconds on busy hosts), so it
// runs in a worker thread, never on the event loop that serves DHCP.
import { readFile, readdir, access } from 'node:fs/promises';
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Systeminformation } from 'systeminformation';
import type { NicAddress, NicInfo, NicKind } from '../../shared/contract.js';
import { BootbenchError } from '../errors.js';

export interface ListOptions {
  /** Directory holding one folder per interface; default /sys/class/net (tests pass a fake tree). */
  sysfsRoot?: string;
  /** Addresses by interface name; default os.networkInterfaces(). */
  addresses?: NodeJS.Dict<NetworkInterfaceInfo[]>;
}

/** What sysfs tells about one interface; the input of the pure classifier. */
export interface SysfsFacts {
  name: string;
  type: number | null; // ARPHRD_*: 1 ether, 772 loopback, 65534 none (tun, wireguard)
  wireless: boolean; // `wireless/` or `phy80211` present
  bridge: boolean; // `bridge/` present
  tun: boolean; // `tun_flags` present (tun and tap)
  hasDevice: boolean; // `device` link: backed by hardware (PCI, USB, …)
}

const KIND_ORDER: readonly NicKind[] = ['ethernet', 'bridge', 'virtual', 'vpn', 'wifi', 'loopback', 'unknown'];
const VPN_NAMES = /^(tun|tap|wg|tailscale|utun|zt|ppp)/;
const ARPHRD_LOOPBACK = 772;
const ARPHRD_NONE = 65534;

export function classifyLinuxNic(f: SysfsFacts): NicKind {
  if (f.type === ARPHRD_LOOPBACK) return 'loopback';
  if (f.wireless) return 'wifi';
  if (f.bridge) return 'bridge';
  if (f.tun || f.type === ARPHRD_NONE || VPN_NAMES.test(f.name)) return 'vpn';
  if (!f.hasDevice) return 'virtual'; // veth, dummy, docker0's ports, macvlan, …
  return 'ethernet';
}

/** Ethernet first (the likely lab NIC), loopback last; then by name. */
export function sortNics(nics: NicInfo[]): NicInfo[] {
  return [...nics].sort(
    (a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.name.localeCompare(b.name, 'en', { numeric: true }),
  );
}

export async function listInterfaces(options: ListOptions = {}): Promise<NicInfo[]> {
  if (process.platform === 'linux' || options.sysfsRoot) return sortNics(await listLinux(options));
  return sortNics(await listWithSysteminformation());
}

/** The interface named `name`, or NO_SUCH_INTERFACE listing the ones there are. */
export async function findInterface(name: string, options: ListOptions = {}): Promise<NicInfo> {
  const all = await listInterfaces(options);
  const nic = all.find((n) => n.name === name);
  if (!nic) throw new BootbenchError('NO_SUCH_INTERFACE', { iface: name, available: all.map((n) => n.name).join(', ') });
  return nic;
}

function ipv4Of(infos: NetworkInterfaceInfo[] | undefined): NicAddress[] {
  return (infos ?? []).filter((i) => i.family === 'IPv4').map((i) => ({ address: i.address, prefix: Number(i.cidr?.split('/')[1] ?? 32) }));
}

async function read(path: string): Promise<string | null> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return null; // absent, or EINVAL (carrier/speed of a down or virtual link)
  }
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

function intOrNull(text: string | null): number | null {
  const n = text === null ? NaN : Number(text);
  return Number.isFinite(n) ? n : null;
}

async function listLinux(options: ListOptions): Promise<NicInfo[]> {
  const root = options.sysfsRoot ?? '/sys/class/net';
  const addresses = options.addresses ?? networkInterfaces();
  let names: string[];
  try {
    // one symlink to a directory per interface; plain files (bonding_masters) are not interfaces
    names = (await readdir(root, { withFileTypes: true })).filter((d) => d.isDirectory() || d.isSymbolicLink()).map((d) => d.name);
  } catch {
    names = Object.keys(addresses); // no sysfs (unusual container): addresses only
  }
  return Promise.all(names.map((name) => describeLinux(`${root}/${name}`, name, addresses[name])));
}

async function describeLinux(dir: string, name: string, infos: NetworkInterfaceInfo[] | undefined): Promise<NicInfo> {
  const [type, operstate, carrier, mtu, address, speed, wireless, phy, bridge, tun, device] = await Promise.all([
    read(`${dir}/type`),
    read(`${dir}/operstate`),
    read(`${dir}/carrier`),
    read(`${dir}/mtu`),
    read(`${dir}/address`),
    read(`${dir}/speed`),
    exists(`${dir}/wireless`),
    exists(`${dir}/phy80211`),
    exists(`${dir}/bridge`),
    exists(`${dir}/tun_flags`),
    exists(`${dir}/device`),
  ]);
  const kind = classifyLinuxNic({ name, type: intOrNull(type), wireless: wireless || phy, bridge, tun, hasDevice: device });
  // operstate is "unknown" for drivers that do not report it (lo, dummy, tun): trust the carrier.
  const up = operstate === 'up' || (operstate === 'unknown' && carrier === '1');
  const speedMbps = intOrNull(speed);
  return {
    name,
    mac: address && !/^(00:)*00$/.test(address) ? address : null,
    ipv4: ipv4Of(infos),
    mtu: intOrNull(mtu),
    up,
    kind,
    speedMbps: speedMbps !== null && speedMbps > 0 ? speedMbps : null,
  };
}

/** macOS and Windows: systeminformation in a worker thread (it blocks the thread it runs on). */
async function listWithSysteminformation(): Promise<NicInfo[]> {
  const modulePath = createRequire(import.meta.url).resolve('systeminformation');
  const code = `const { parentPort, workerData } = require('node:worker_threads');
require(workerData).networkInterfaces().then((r) => parentPort.postMessage(r), (e) => parentPort.postMessage({ error: String(e) }));`;
  const data = await new Promise<Systeminformation.NetworkInterfacesData[]>((resolve, reject) => {
    const worker = new Worker(code, { eval: true, workerData: modulePath });
    worker.once('message', (m: Systeminformation.NetworkInterfacesData[] | { error: string }) => {
      void worker.terminate();
      if ('error' in m) reject(new Error(m.error));
      else resolve(m);
    });
    worker.once('error', reject);
  });
  const byName = networkInterfaces();
  return data.map((d) => ({
    name: d.iface,
    mac: d.mac || null,
    ipv4: ipv4Of(byName[d.iface]),
    mtu: d.mtu,
    up: d.operstate === 'up',
    kind: d.internal ? 'loopback' : d.type === 'wireless' ? 'wifi' : VPN_NAMES.test(d.iface) ? 'vpn' : d.virtual ? 'virtual' : 'ethernet',
    speedMbps: d.speed !== null && d.speed > 0 ? d.speed : null,
  }));
}
