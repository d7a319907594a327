// The DHCP benchmark: Bootbench against dnsmasq and ISC Kea, in the same run, in namespaces.
// Run by hand as root: `npm run bench:dhcp` (bench/dhcp/run.sh builds first, then runs this).
//
//   server namespace: bridge bbdhcp0 10.231.0.1/16 ── veth ── client namespace: eth0 10.231.0.2/16
//
// For every configuration (clients × in flight) every server starts fresh in the server namespace
// (empty lease database), the load generator runs in the client namespace as a relay agent, and the
// server is stopped. Pool 10.231.10.0-10.231.60.255 (12,800 addresses): every client is new.
//
// Environment (all optional): BENCH_CLIENTS=2000,10000  BENCH_INFLIGHT=1,64
//   BENCH_SERVERS=bootbench,bootbench-no-probe,dnsmasq,dnsmasq-no-ping,kea  BENCH_MAX_SECONDS=40
//   BENCH_DEADLINE_SECONDS=570  BENCH_TIMEOUT_MS=4000  BENCH_TRIES=3  BENCH_CPU_PROF=1 (profiles
//   Bootbench into bench/dhcp/work/latest/profiles)  BENCH_PERFDHCP=0  BENCH_WRITE_DOCS=0
//   BENCH_RENDER=FILE.json: measure nothing, rewrite the docs section from a saved results.json
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import { Lab, watchOutput } from '../../test/helpers/netns.js';
import { ALL_SERVERS, LABELS, keaConfig, serverCommand, type Network, type ServerName } from './servers.js';
import { renderSection, workRelative, writeDocs, type CrossCheck, type Machine, type RunRecord } from './report.js';
import type { LoadOptions } from './loadgen.js';
import type { LoadResult } from './stats.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const WORK = join(ROOT, 'bench/dhcp/work/latest');
const NODE = join(ROOT, 'node_modules/.bin/node');
const RELAY = '10.231.0.2';

const env = process.env;
const list = (v: string | undefined, d: string) =>
  (v ?? d)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const settings = {
  clients: list(env.BENCH_CLIENTS, '2000,10000').map(Number),
  inflight: list(env.BENCH_INFLIGHT, '1,64').map(Number),
  servers: list(env.BENCH_SERVERS, ALL_SERVERS.join(',')) as ServerName[],
  maxSeconds: Number(env.BENCH_MAX_SECONDS ?? 40),
  deadlineSeconds: Number(env.BENCH_DEADLINE_SECONDS ?? 570),
  timeoutMs: Number(env.BENCH_TIMEOUT_MS ?? 4000),
  tries: Number(env.BENCH_TRIES ?? 3),
  cpuProf: env.BENCH_CPU_PROF === '1',
  perfdhcp: env.BENCH_PERFDHCP !== '0',
  writeDocs: env.BENCH_WRITE_DOCS !== '0',
  command: 'sudo npm run bench:dhcp',
};
for (const s of settings.servers)
  if (!ALL_SERVERS.includes(s)) throw new Error(`unknown server "${s}" in BENCH_SERVERS (known: ${ALL_SERVERS.join(', ')})`);

const net: Network = {
  iface: 'bbdhcp0',
  serverIp: '10.231.0.1',
  mask: '255.255.0.0',
  subnetCidr: '10.231.0.0/16',
  poolStart: '10.231.10.0',
  poolEnd: '10.231.60.255',
  leaseTimeSec: 3600,
};

const startedAt = Date.now();
const loadAtStart = loadavg()[0] ?? 0;
const remainingSeconds = () => settings.deadlineSeconds - (Date.now() - startedAt) / 1000;
const say = (line: string) => process.stderr.write(`[bench ${((Date.now() - startedAt) / 1000).toFixed(0).padStart(3)} s] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function portBound(lab: Lab): boolean {
  return lab.run(lab.serverNs, 'ss', ['-Hlun', 'sport = :67']).stdout.trim().length > 0;
}

async function startServer(lab: Lab, name: ServerName, dir: string): Promise<{ child: ChildProcess; command: string }> {
  mkdirSync(dir, { recursive: true });
  const sc = serverCommand(name, { net, dir, root: ROOT, cpuProfDir: settings.cpuProf ? join(WORK, 'profiles') : null });
  const child = lab.spawn(lab.serverNs, sc.cmd, sc.args, { env: { ...env, ...sc.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = watchOutput(child);
  child.on('exit', () => writeFileSync(join(dir, 'server.out'), out.text()));
  if (sc.readyLine) await out.waitFor(sc.readyLine, 30_000);
  const until = Date.now() + 15_000;
  while (!portBound(lab)) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}): ${out.text().slice(-500)}`);
    if (Date.now() > until) throw new Error(`${name} did not bind port 67 within 15 s: ${out.text().slice(-500)}`);
    await sleep(100);
  }
  await sleep(1000); // every server gets the same settling second after it is up
  return { child, command: [sc.cmd.replace(`${ROOT}/`, ''), ...sc.args.map((a) => a.replace(`${ROOT}/`, ''))].join(' ') };
}

async function stopServer(lab: Lab, child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(t);
  }
  // Probes of the last run leave incomplete ARP entries; the next server starts without them.
  lab.run(lab.serverNs, 'ip', ['neigh', 'flush', 'all']);
  const until = Date.now() + 5000;
  while (portBound(lab) && Date.now() < until) await sleep(100);
}

async function runLoad(lab: Lab, clientNs: string, opts: LoadOptions): Promise<LoadResult> {
  const r = await lab.exec(clientNs, NODE, ['--import', 'tsx', join(ROOT, 'bench/dhcp/loadgen.ts'), JSON.stringify(opts)], {
    timeoutMs: (opts.maxSeconds + 60) * 1000,
  });
  const line = r.stdout.trim().split('\n').at(-1) ?? '';
  if (r.code !== 0 || !line.startsWith('{')) throw new Error(`load generator failed (exit ${r.code}): ${r.stderr.trim().slice(-500)}`);
  return JSON.parse(line) as LoadResult;
}

async function perfdhcpCrossCheck(lab: Lab, clientNs: string): Promise<CrossCheck | null> {
  const dir = join(WORK, 'perfdhcp-kea');
  const { child, command } = await startServer(lab, 'kea', dir);
  const args = [
    '-4',
    '-l',
    RELAY,
    '-b',
    'mac=02:cc:00:00:00:00',
    '-R',
    '10000',
    '-n',
    '10000',
    '-r',
    '4000',
    '-d',
    '2',
    '-W',
    '500000',
    net.serverIp,
  ];
  try {
    const r = await lab.exec(clientNs, 'perfdhcp', args, { timeoutMs: 60_000 });
    const text = r.stdout + r.stderr;
    const grab = (re: RegExp) => [...text.matchAll(re)].map((m) => m[1]);
    const [rateText] = grab(/Rate: ([\d.]+) 4-way/g);
    const received = grab(/received packets: (\d+)/g);
    const drops = grab(/drops: (\d+)/g);
    const delays = grab(/avg delay: ([\d.]+) ms/g);
    writeFileSync(join(dir, 'perfdhcp.out'), text);
    const summary = `${rateText ?? '?'} DORA/s at an offered 4,000/s; ACKs ${received[1] ?? '?'} of 10,000 (drops D-O ${drops[0] ?? '?'}, R-A ${drops[1] ?? '?'}); average delay DISCOVER→OFFER ${delays[0] ?? '?'} ms, REQUEST→ACK ${delays[1] ?? '?'} ms (exit ${r.code}). Kea: \`${workRelative(command)}\``;
    return {
      tool: 'perfdhcp 2.2 (`-r 4000 -n 10000 -R 10000`, relay mode)',
      server: 'Kea',
      command: `perfdhcp ${args.join(' ')}`,
      summary,
    };
  } finally {
    await stopServer(lab, child);
  }
}

function facts(): Machine {
  const load = `${loadAtStart.toFixed(2)} at the start, ${(loadavg()[0] ?? 0).toFixed(2)} at the end`;
  const run = (cmd: string, args: string[]) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    } catch (e) {
      return ((e as { stdout?: string }).stdout ?? '').trim() || '?';
    }
  };
  const cpu = /Model name:\s*(.+)/.exec(run('lscpu', []))?.[1]?.trim() ?? '?';
  const os = /PRETTY_NAME="([^"]+)"/.exec(run('cat', ['/etc/os-release']))?.[1] ?? '?';
  const dirty = run('git', ['-C', ROOT, 'status', '--porcelain', '--', 'electron']).length > 0 ? ' + uncommitted changes' : '';
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    cpu,
    nproc: run('nproc', []),
    kernel: run('uname', ['-r']),
    os,
    versions: {
      node: run(NODE, ['--version']),
      dnsmasq: /version (\S+)/.exec(run('dnsmasq', ['--version']))?.[1] ?? '?',
      'kea-dhcp4': run('kea-dhcp4', ['-v']),
      perfdhcp: run('perfdhcp', ['-v']).replace(/^VERSION:\s*/, ''),
    },
    commit: `${run('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD'])}${dirty}`,
    load,
  };
}

async function main(): Promise<void> {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const lab = Lab.create('dhcpb');
  const cleanup = () => lab.destroy();
  process.once('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      say(`${sig}: removing the namespaces`);
      cleanup();
      process.exit(130);
    });
  }
  const runs: RunRecord[] = [];
  const cross: CrossCheck[] = [];
  try {
    const segment = lab.segment(net.iface, `${net.serverIp}/16`);
    const client = lab.host(segment, { cidr: `${RELAY}/16` });
    let tag = 0;
    for (const clients of settings.clients) {
      for (const inflight of settings.inflight) {
        for (const server of settings.servers) {
          tag += 1;
          const label = LABELS[server];
          const base = { server, label, clients, inflight };
          const cap = Math.min(settings.maxSeconds, Math.floor(remainingSeconds() - 15));
          if (cap < 5) {
            runs.push({ ...base, command: '', result: null, error: `skipped: the ${settings.deadlineSeconds} s deadline was reached` });
            say(`skip ${server} ${clients}×${inflight}: deadline`);
            continue;
          }
          const dir = join(WORK, `${server}-${clients}-${inflight}`);
          say(`${server}: ${clients} clients, ${inflight} in flight (cap ${cap} s)`);
          let started: Awaited<ReturnType<typeof startServer>> | null = null;
          try {
            started = await startServer(lab, server, dir);
            const result = await runLoad(lab, client.ns, {
              relay: RELAY,
              server: net.serverIp,
              clients,
              inflight,
              macTag: tag,
              timeoutMs: settings.timeoutMs,
              tries: settings.tries,
              maxSeconds: cap,
            });
            runs.push({ ...base, command: started.command, result, error: null });
            say(
              `  ${result.leasesPerSec} leases/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, ${result.completed}/${clients} done, ${result.failed} failed${result.capped ? ' (time cap)' : ''}`,
            );
          } catch (e) {
            runs.push({ ...base, command: started?.command ?? '', result: null, error: (e as Error).message.split('\n')[0] ?? 'failed' });
            say(`  FAILED: ${(e as Error).message}`);
          } finally {
            if (started) await stopServer(lab, started.child);
          }
        }
      }
    }
    if (settings.perfdhcp && remainingSeconds() > 30) {
      say('perfdhcp cross-check against Kea');
      const c = await perfdhcpCrossCheck(lab, client.ns).catch((e: unknown) => {
        say(`  perfdhcp failed: ${(e as Error).message}`);
        return null;
      });
      if (c) cross.push(c);
    }
  } finally {
    cleanup();
  }
  const machine = facts();
  writeFileSync(join(WORK, 'results.json'), `${JSON.stringify({ machine, settings, runs, cross }, null, 2)}\n`);
  const section = renderSection(runs, cross, machine, { ...settings, keaConfig: JSON.stringify(keaConfig(net, '$WORK')) });
  writeFileSync(join(WORK, 'results.md'), `${section}\n`);
  process.stdout.write(`\n${section}\n`);
  if (settings.writeDocs) {
    writeDocs(join(ROOT, 'docs/benchmarks.md'), section);
    say('wrote docs/benchmarks.md (section DHCP)');
  }
  say(`done in ${((Date.now() - startedAt) / 1000).toFixed(0)} s; raw results in bench/dhcp/work/latest/results.json`);
}

/** Re-renders the report from a saved results.json (e.g. after a change to the table's format). */
function renderOnly(file: string): void {
  const saved = JSON.parse(readFileSync(file, 'utf8')) as {
    machine: Machine;
    settings: typeof settings;
    runs: RunRecord[];
    cross: CrossCheck[];
  };
  const section = renderSection(saved.runs, saved.cross, saved.machine, {
    ...saved.settings,
    keaConfig: JSON.stringify(keaConfig(net, '$WORK')),
  });
  process.stdout.write(`${section}\n`);
  if (settings.writeDocs) writeDocs(join(ROOT, 'docs/benchmarks.md'), section);
}

(env.BENCH_RENDER ? Promise.resolve(renderOnly(env.BENCH_RENDER)) : main()).catch((e: unknown) => {
  process.stderr.write(`bench: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
