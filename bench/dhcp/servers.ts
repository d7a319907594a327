// The DHCP servers the benchmark compares, each as the command line that starts it fresh (empty
// lease database) in the server namespace, serving relayed requests for the one /16 subnet.
// Logging is brought to the same level for all: nothing per lease (Bootbench --quiet, dnsmasq
// --quiet-dhcp, Kea at WARN), because a log line per lease would measure the logger.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type ServerName = 'bootbench' | 'bootbench-no-probe' | 'dnsmasq' | 'dnsmasq-no-ping' | 'kea';

export const ALL_SERVERS: readonly ServerName[] = ['bootbench', 'bootbench-no-probe', 'dnsmasq', 'dnsmasq-no-ping', 'kea'];

export const LABELS: Record<ServerName, string> = {
  bootbench: 'Bootbench (conflict probe on)',
  'bootbench-no-probe': 'Bootbench --no-probe',
  dnsmasq: 'dnsmasq (default: ping check)',
  'dnsmasq-no-ping': 'dnsmasq --no-ping',
  kea: 'Kea (memfile)',
};

export interface Network {
  iface: string;
  serverIp: string;
  /** Dotted-quad netmask of the served subnet. */
  mask: string;
  subnetCidr: string;
  poolStart: string;
  poolEnd: string;
  leaseTimeSec: number;
}

export interface ServerCommand {
  name: ServerName;
  cmd: string;
  args: string[];
  env: Record<string, string>;
  /** A line the server prints once it serves, when it prints one; else readiness = port 67 bound. */
  readyLine: RegExp | null;
  /** What the table calls it. */
  label: string;
}

export interface CommandOptions {
  net: Network;
  /** A fresh, empty directory for this server's lease database, config and logs. */
  dir: string;
  /** Bootbench's repository root (bin/bootbench.mjs, node_modules/.bin/node). */
  root: string;
  /** Directory for a V8 CPU profile of Bootbench (node --cpu-prof), or null. */
  cpuProfDir: string | null;
}

export function serverCommand(name: ServerName, o: CommandOptions): ServerCommand {
  const { net, dir } = o;
  switch (name) {
    case 'bootbench':
    case 'bootbench-no-probe': {
      const prof = o.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${o.cpuProfDir}`, `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`] : [];
      return {
        name,
        label: LABELS[name],
        cmd: join(o.root, 'node_modules/.bin/node'),
        args: [
          ...prof,
          join(o.root, 'bin/bootbench.mjs'),
          'serve',
          '--interface',
          net.iface,
          '--mode',
          'dhcp',
          '--pool',
          `${net.poolStart}-${net.poolEnd}`,
          '--data',
          join(dir, 'data'),
          '--ui-port',
          '0',
          '--lease-time',
          String(net.leaseTimeSec),
          '--quiet',
          ...(name === 'bootbench-no-probe' ? ['--no-probe'] : []),
        ],
        env: {},
        readyLine: /UI: http/,
      };
    }
    case 'dnsmasq':
    case 'dnsmasq-no-ping':
      return {
        name,
        label: LABELS[name],
        cmd: 'dnsmasq',
        args: [
          '--keep-in-foreground',
          '--conf-file=/dev/null',
          '--port=0',
          '--user=root',
          '--group=root',
          `--pid-file=${join(dir, 'dnsmasq.pid')}`,
          `--dhcp-leasefile=${join(dir, 'dnsmasq.leases')}`,
          `--interface=${net.iface}`,
          '--bind-interfaces',
          `--dhcp-range=${net.poolStart},${net.poolEnd},${net.mask},${net.leaseTimeSec}`,
          // The default dhcp-lease-max (1000) would refuse clients 1,001 to 10,000.
          '--dhcp-lease-max=100000',
          '--quiet-dhcp',
          `--log-facility=${join(dir, 'dnsmasq.log')}`,
          ...(name === 'dnsmasq-no-ping' ? ['--no-ping'] : []),
        ],
        env: {},
        readyLine: null,
      };
    case 'kea': {
      const conf = join(dir, 'kea-dhcp4.json');
      writeFileSync(conf, `${JSON.stringify(keaConfig(net, dir), null, 2)}\n`);
      return {
        name,
        label: LABELS[name],
        cmd: 'kea-dhcp4',
        args: ['-c', conf],
        // Kea writes its pid and lock files here instead of /run/kea: nothing outside the run's folder.
        env: { KEA_PIDFILE_DIR: dir, KEA_LOCKFILE_DIR: dir },
        readyLine: null,
      };
    }
    default:
      return assertNever(name);
  }
}

/** Kea 2.2 as shipped (single-threaded by default), memfile persisted to a CSV in the run's folder. */
export function keaConfig(net: Network, dir: string): unknown {
  return {
    Dhcp4: {
      // Every request arrives relayed (unicast to the server address): a UDP socket is the
      // documented choice for that; raw sockets are for directly connected broadcast clients.
      'interfaces-config': { interfaces: [net.iface], 'dhcp-socket-type': 'udp' },
      'lease-database': { type: 'memfile', persist: true, name: join(dir, 'kea-leases4.csv'), 'lfc-interval': 0 },
      'valid-lifetime': net.leaseTimeSec,
      subnet4: [{ id: 1, subnet: net.subnetCidr, pools: [{ pool: `${net.poolStart} - ${net.poolEnd}` }] }],
      loggers: [{ name: 'kea-dhcp4', severity: 'WARN', output_options: [{ output: join(dir, 'kea.log') }] }],
    },
  };
}

function assertNever(x: never): never {
  throw new Error(`unknown server ${String(x)}`);
}
