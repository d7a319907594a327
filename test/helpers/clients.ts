// Real and scripted DHCP clients, run inside lab namespaces.
import { writeFileSync, chmodSync, mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Lab } from './netns.js';
import { NODE, REPO } from './bootbench.js';
import type { ClientScript, ReplySummary } from './dhcp-client.js';

export async function runScriptedClient(lab: Lab, ns: string, script: ClientScript): Promise<{ replies: ReplySummary[] }> {
  const r = await lab.exec(ns, NODE, ['--import', 'tsx', join(REPO, 'test/helpers/dhcp-client.ts'), JSON.stringify(script)], {
    timeoutMs: 60_000,
  });
  if (r.code !== 0) throw new Error(`dhcp-client failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout) as { replies: ReplySummary[] };
}

export interface UdhcpcLease {
  ip: string;
  subnet: string;
  router?: string;
  dns?: string;
  lease: string;
  serverid: string;
  siaddr?: string;
  boot_file?: string;
  [key: string]: string | undefined;
}

/**
 * busybox udhcpc: gets a lease (or gives up after `tries` DISCOVERs) and reports what it received
 * through its script environment. Returns null when no lease was obtained.
 */
export async function udhcpc(
  lab: Lab,
  ns: string,
  options: { tries?: number; requestIp?: string; vendorClass?: string } = {},
): Promise<UdhcpcLease | null> {
  const dir = mkdtempSync(join(tmpdir(), 'udhcpc-'));
  const out = join(dir, 'lease.env');
  const script = join(dir, 'script.sh');
  writeFileSync(script, `#!/bin/sh\n[ "$1" = bound ] || [ "$1" = renew ] || exit 0\nenv > ${out}\n`);
  chmodSync(script, 0o755);
  const args = ['udhcpc', '-i', 'eth0', '-n', '-q', '-f', '-t', String(options.tries ?? 4), '-T', '2', '-A', '1', '-s', script];
  if (options.requestIp) args.push('-r', options.requestIp);
  if (options.vendorClass) args.push('-V', options.vendorClass);
  const r = await lab.exec(ns, 'busybox', args, { timeoutMs: 60_000 });
  if (r.code !== 0 || !existsSync(out)) return null;
  const env: Record<string, string> = {};
  for (const line of readFileSync(out, 'utf8').split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) env[line.slice(0, i)] = line.slice(i + 1);
  }
  return env as unknown as UdhcpcLease;
}

/** ISC dhclient, one try, lease written to a file we read back (no interface configured). */
export async function dhclient(lab: Lab, ns: string): Promise<Record<string, string> | null> {
  const dir = mkdtempSync(join(tmpdir(), 'dhclient-'));
  const leaseFile = join(dir, 'dhclient.leases');
  const pidFile = join(dir, 'dhclient.pid');
  const conf = join(dir, 'dhclient.conf');
  writeFileSync(
    conf,
    'timeout 20;\nretry 1;\nrequest subnet-mask, broadcast-address, routers, domain-name, domain-name-servers, host-name;\n',
  );
  // -1: one try, exit 2 without a lease; with a lease it goes to the background (pid file), and
  // is stopped at once: the test wants the lease it got, not a running client.
  const r = await lab.exec(ns, 'dhclient', ['-1', '-4', '-cf', conf, '-sf', '/bin/true', '-lf', leaseFile, '-pf', pidFile, 'eth0'], {
    timeoutMs: 60_000,
  });
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    if (pid > 0)
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
  }
  if (r.code !== 0 || !existsSync(leaseFile)) return null;
  const text = readFileSync(leaseFile, 'utf8');
  const lease: Record<string, string> = {};
  const fixed = /fixed-address ([\d.]+);/.exec(text);
  if (fixed?.[1]) lease.ip = fixed[1];
  for (const m of text.matchAll(/option ([\w-]+) ([^;]+);/g)) lease[m[1] as string] = (m[2] as string).replace(/"/g, '');
  return lease.ip ? lease : null;
}
