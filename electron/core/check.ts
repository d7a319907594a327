// Preflight, like `cobbler check`: can Bootbench serve on this interface, and if not, how to fix it.
// Each check is tried for real (a port is free when binding it works), not guessed.
import { access, readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { CheckItem, CheckReport, NicInfo } from '../shared/contract.js';
import { createServer } from 'node:net';
import { BootbenchError, errnoCode, isBootbenchError } from './errors.js';
import { findPortHolder } from './net/port-holder.js';
import { findInterface } from './net/interfaces.js';
import { openBoundUdpSocket } from './net/bound-socket.js';
import { describeForeign, probeForeignDhcp } from './dhcp/foreign.js';
import { IPMITOOL_INSTALL_HINT, ipmitoolVersion } from './power/ipmitool.js';

// The report's shape is part of the control API (GET /api/check): declared in the contract.
export type { CheckItem, CheckReport, CheckStatus } from '../shared/contract.js';

export interface CheckOptions {
  iface: string;
  assetsDir: string;
  httpPort?: number;
  foreignWaitMs?: number;
  /** The ipmitool program to look for (default: on PATH). */
  ipmitool?: string;
}

const UDP_PORTS = [
  { port: 67, what: 'DHCP' },
  { port: 69, what: 'TFTP' },
  { port: 4011, what: 'PXE boot server (proxyDHCP)' },
];

export async function runChecks(options: CheckOptions): Promise<CheckReport> {
  const checks: CheckItem[] = [];
  const { iface } = options;
  let nic: NicInfo | null = null;
  try {
    nic = await findInterface(iface);
    checks.push({ id: 'interface', status: 'ok', message: `${iface} exists (${nic.kind}${nic.mac ? `, ${nic.mac}` : ''})` });
  } catch (e) {
    checks.push(failure('interface', e));
  }
  if (nic) {
    if (nic.kind === 'wifi')
      checks.push({
        id: 'interface-kind',
        status: 'warn',
        message: `${iface} is Wi-Fi: machines cannot PXE-boot over Wi-Fi`,
        fix: 'Use the Ethernet port that is plugged into the lab switch.',
      });
    else if (nic.kind === 'vpn' || nic.kind === 'loopback')
      checks.push({
        id: 'interface-kind',
        status: 'warn',
        message: `${iface} is a ${nic.kind} interface, not a lab network`,
        fix: 'Choose the Ethernet port plugged into the lab switch.',
      });
    checks.push(
      nic.up ? { id: 'link', status: 'ok', message: `${iface} is up` } : failure('link', new BootbenchError('INTERFACE_DOWN', { iface })),
    );
    const v4 = nic.ipv4[0];
    checks.push(
      v4
        ? { id: 'ipv4', status: 'ok', message: `${iface} has ${v4.address}/${v4.prefix}` }
        : failure('ipv4', new BootbenchError('INTERFACE_NO_IPV4', { iface })),
    );
    for (const { port, what } of UDP_PORTS) checks.push(await checkPort(iface, port, what));
    if (v4) checks.push(await checkTcpPort(iface, v4.address, options.httpPort ?? 80));
    checks.push(await checkForeign(iface, nic, options.foreignWaitMs));
  }
  checks.push(await checkBootFiles(options.assetsDir));
  checks.push(await checkIpmitool(options.ipmitool));
  return { interface: iface, ok: checks.every((c) => c.status !== 'fail'), checks };
}

async function checkPort(iface: string, port: number, what: string): Promise<CheckItem> {
  const id = `port-udp-${port}`;
  try {
    const socket = await openBoundUdpSocket({ iface, port, reuseAddr: false });
    socket.close();
    return { id, status: 'ok', message: `UDP ${port} (${what}) can be bound on ${iface}` };
  } catch (e) {
    return failure(id, e);
  }
}

async function checkTcpPort(iface: string, address: string, port: number): Promise<CheckItem> {
  const id = `port-tcp-${port}`;
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: address, port, exclusive: true }, resolve);
    });
    return { id, status: 'ok', message: `TCP ${port} (boot HTTP) can be bound on ${address}` };
  } catch (e) {
    const code = errnoCode(e);
    if (code === 'EACCES') return failure(id, new BootbenchError('BIND_DENIED', { port, proto: 'tcp', iface }));
    if (code === 'EADDRINUSE')
      return failure(
        id,
        new BootbenchError('PORT_IN_USE', { port, proto: 'tcp', iface, holder: await findPortHolder(port, 'tcp').catch(() => null) }),
      );
    return failure(id, e);
  } finally {
    server.close();
  }
}

async function checkForeign(iface: string, nic: NicInfo, waitMs?: number): Promise<CheckItem> {
  try {
    const servers = await probeForeignDhcp({
      iface,
      mac: nic.mac,
      ownIp: nic.ipv4[0]?.address ?? null,
      ...(waitMs !== undefined ? { waitMs } : {}),
    });
    if (servers.length === 0) return { id: 'foreign-dhcp', status: 'ok', message: `no other DHCP server answers on ${iface}` };
    return {
      id: 'foreign-dhcp',
      status: 'warn',
      message: `another DHCP server answers on ${iface}: ${describeForeign(servers)}`,
      fix: 'Bootbench will serve in proxy mode beside it (the default, --mode auto). Use --mode dhcp --force only if you are sure.',
    };
  } catch (e) {
    return { id: 'foreign-dhcp', status: 'warn', message: `could not ask for other DHCP servers on ${iface}: ${(e as Error).message}` };
  }
}

/** The iPXE loaders Bootbench ships, checked against assets/boot/SHA256SUMS. */
async function checkBootFiles(assetsDir: string): Promise<CheckItem> {
  const fix = 'Reinstall Bootbench, or rebuild the loaders with `bash assets/boot/update.sh`.';
  let sums: string;
  try {
    sums = await readFile(join(assetsDir, 'SHA256SUMS'), 'utf8');
  } catch {
    return { id: 'boot-files', status: 'fail', message: `boot loaders missing: no SHA256SUMS in ${assetsDir}`, fix };
  }
  const bad: string[] = [];
  const entries = sums
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(/\s+\*?/) as [string, string]);
  for (const [sum, name] of entries) {
    const path = join(assetsDir, name);
    try {
      await access(path);
      const actual = createHash('sha256')
        .update(await readFile(path))
        .digest('hex');
      if (actual !== sum) bad.push(`${name} (checksum mismatch)`);
    } catch {
      bad.push(`${name} (missing)`);
    }
  }
  if (bad.length > 0) return { id: 'boot-files', status: 'fail', message: `boot loaders damaged: ${bad.join(', ')}`, fix };
  return { id: 'boot-files', status: 'ok', message: `boot loaders present and verified: ${entries.map((e) => e[1]).join(', ')}` };
}

/** IPMI power control runs ipmitool (docs/decisions.md): without it, only that is missing, so a warning. */
async function checkIpmitool(program?: string): Promise<CheckItem> {
  const version = await ipmitoolVersion(program);
  return version
    ? { id: 'ipmitool', status: 'ok', message: `ipmitool ${version} is installed (IPMI power control)` }
    : {
        id: 'ipmitool',
        status: 'warn',
        message: 'ipmitool is not installed: power control through IPMI BMCs will not work (Wake-on-LAN and Redfish do)',
        fix: `To control machines through IPMI, ${IPMITOOL_INSTALL_HINT}.`,
      };
}

function failure(id: string, e: unknown): CheckItem {
  // Catalog messages already say how to fix the problem.
  return { id, status: 'fail', message: isBootbenchError(e) ? e.message : `unexpected: ${(e as Error).message}` };
}
