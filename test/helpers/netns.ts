// Small isolated networks for tests, built from Linux network namespaces.
//
// A lab has one server namespace (where Bootbench runs) holding one bridge per segment, each with
// the server's address on it; every client is a namespace of its own, joined to a segment's bridge
// by a veth pair ("eth0" inside the client). Nothing is connected to the machine's real interfaces
// and no namespace has a route out: traffic can only reach addresses inside the lab.
//
// Namespaces are named `bbt<pid>-…` so that a later run can sweep leftovers of a dead run, and
// everything is removed by destroy(), which tests call in a finally/after hook even on failure.
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync } from 'node:fs';
import koffi from 'koffi';

const PREFIX = 'bbt';

export interface Segment {
  name: string; // bridge name in the server namespace
  serverIp: string; // address of the server on this segment
  prefix: number;
  subnet: string; // e.g. 10.231.1 (first three octets)
}

export interface LabHost {
  ns: string;
  ifname: string; // 'eth0'
  mac: string;
  segment: Segment;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

let counter = 0;

export function requireRoot(): void {
  if (process.getuid?.() !== 0) {
    throw new Error('network-namespace tests need root (CI runs them as root); run `sudo npm test`');
  }
  for (const tool of ['ip']) {
    if (spawnSync('which', [tool]).status !== 0) throw new Error(`the tests need \`${tool}\` (apt-get install -y iproute2)`);
  }
}

/**
 * `setpriv` arguments that run a command as nobody with no privileges at all except reading files
 * (CAP_DAC_READ_SEARCH): the tests of unprivileged starts must not depend on the checkout's folder
 * being world-readable (a fresh clone under mktemp -d is 0700), only on the network privileges.
 */
export const AS_NOBODY: readonly string[] = [
  '--reuid=65534',
  '--regid=65534',
  '--clear-groups',
  '--bounding-set=-all,+dac_read_search',
  '--inh-caps=-all,+dac_read_search',
  '--ambient-caps=+dac_read_search',
];

export function sh(cmd: string, args: string[], options: { input?: string; allowFail?: boolean; timeoutMs?: number } = {}): RunResult {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input: options.input, timeout: options.timeoutMs ?? 60_000 });
  const result = { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  if (!options.allowFail && r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}${r.error ? `, ${r.error.message}` : ''}): ${result.stderr.trim()}`);
  }
  return result;
}

/** Removes namespaces left behind by earlier test processes that are no longer alive. */
export function sweepStaleNamespaces(): void {
  const list = sh('ip', ['netns', 'list'], { allowFail: true }).stdout;
  for (const line of list.split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const m = /^bbt(\d+)-/.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid !== process.pid && !existsSync(`/proc/${pid}`)) deleteNamespace(name);
  }
}

function deleteNamespace(ns: string): void {
  const pids = sh('ip', ['netns', 'pids', ns], { allowFail: true }).stdout.split('\n').filter(Boolean);
  for (const pid of pids) spawnSync('kill', ['-9', pid]);
  sh('ip', ['netns', 'del', ns], { allowFail: true });
}

export class Lab {
  readonly id: string;
  readonly serverNs: string;
  private readonly namespaces: string[] = [];
  private readonly children = new Set<ChildProcess>();
  private readonly segments: Segment[] = [];
  private hostCount = 0;

  private constructor(tag: string) {
    counter += 1;
    this.id = `${PREFIX}${process.pid}-${tag.slice(0, 6)}${counter}`;
    this.serverNs = `${this.id}-s`;
  }

  static create(tag: string): Lab {
    requireRoot();
    sweepStaleNamespaces();
    const lab = new Lab(tag);
    lab.addNamespace(lab.serverNs);
    return lab;
  }

  private addNamespace(ns: string): void {
    sh('ip', ['netns', 'add', ns]);
    this.namespaces.push(ns);
    sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  }

  /** A new segment: a bridge in the server namespace carrying `serverIp/prefix` (e.g. '10.231.1.1/24'). */
  segment(bridge: string, cidr: string): Segment {
    const [serverIp, prefixText] = cidr.split('/') as [string, string];
    const ns = this.serverNs;
    sh('ip', ['-n', ns, 'link', 'add', bridge, 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0']);
    // br_netfilter may be loaded on the machine: bridged frames in the lab skip iptables
    sh('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.bridge.bridge-nf-call-iptables=0'], { allowFail: true });
    sh('ip', ['netns', 'exec', ns, 'sysctl', '-qw', `net.ipv6.conf.${bridge}.disable_ipv6=1`], { allowFail: true });
    sh('ip', ['-n', ns, 'addr', 'add', cidr, 'dev', bridge]);
    sh('ip', ['-n', ns, 'link', 'set', bridge, 'up']);
    const segment = { name: bridge, serverIp, prefix: Number(prefixText), subnet: serverIp.split('.').slice(0, 3).join('.') };
    this.segments.push(segment);
    return segment;
  }

  /** A client namespace on `segment`, with `eth0` (optionally a given MAC and static address). */
  host(segment: Segment, options: { mac?: string; cidr?: string } = {}): LabHost {
    this.hostCount += 1;
    const ns = `${this.id}-h${this.hostCount}`;
    this.addNamespace(ns);
    const outer = `${this.id.slice(-6)}h${this.hostCount}`.slice(-15);
    const mac = options.mac ?? randomMac();
    sh('ip', ['link', 'add', outer, 'netns', this.serverNs, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns, 'address', mac]);
    sh('ip', ['-n', this.serverNs, 'link', 'set', outer, 'master', segment.name]);
    sh('ip', ['-n', this.serverNs, 'link', 'set', outer, 'up']);
    sh('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1'], { allowFail: true });
    if (options.cidr) sh('ip', ['-n', ns, 'addr', 'add', options.cidr, 'dev', 'eth0']);
    sh('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
    return { ns, ifname: 'eth0', mac, segment };
  }

  /** Runs a command inside a namespace and waits for it. */
  run(ns: string, cmd: string, args: string[], options: { timeoutMs?: number; allowFail?: boolean; input?: string } = {}): RunResult {
    return sh('ip', ['netns', 'exec', ns, cmd, ...args], { allowFail: true, ...options });
  }

  /**
   * Runs a command inside a namespace without blocking this process's event loop (so output from
   * servers it started keeps flowing meanwhile), and waits for it.
   */
  exec(ns: string, cmd: string, args: string[], options: { timeoutMs?: number; input?: string } = {}): Promise<RunResult> {
    return new Promise((resolve) => {
      const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => {
        stderr += `\n[killed after ${options.timeoutMs ?? 60_000} ms]`;
        child.kill('SIGKILL');
      }, options.timeoutMs ?? 60_000);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
      // A command that exits before reading its input closes the pipe: EPIPE is its answer, not a crash.
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input ?? '');
    });
  }

  /** Starts a long-running command inside a namespace; destroy() stops it. */
  spawn(ns: string, cmd: string, args: string[], options: SpawnOptions = {}): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    this.children.add(child);
    child.on('exit', () => this.children.delete(child));
    return child;
  }

  destroy(): void {
    for (const child of this.children) child.kill('SIGKILL');
    for (const ns of [...this.namespaces].reverse()) deleteNamespace(ns);
    this.namespaces.length = 0;
  }
}

export function randomMac(): string {
  const bytes = [0x52, 0x54, 0x00, ...Array.from({ length: 3 }, () => Math.floor(Math.random() * 256))];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** Collects a child's output, and waits for a line matching `pattern`. */
export function watchOutput(child: ChildProcess): {
  text: () => string;
  waitFor: (pattern: RegExp, timeoutMs: number) => Promise<RegExpExecArray>;
} {
  let buffer = '';
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    buffer += chunk.toString();
    for (const w of waiters) w();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  return {
    text: () => buffer,
    waitFor: (pattern, timeoutMs) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const m = pattern.exec(buffer);
          if (m) {
            cleanup();
            resolve(m);
          }
        };
        const onExit = () => {
          check();
          cleanup();
          reject(new Error(`process exited (code ${child.exitCode}) before printing ${pattern}; output:\n${buffer}`));
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${pattern}; output so far:\n${buffer}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
          child.off('exit', onExit);
        };
        waiters.add(check);
        child.on('exit', onExit);
        check();
      }),
  };
}

export function listLabNamespaces(): string[] {
  return existsSync('/var/run/netns') ? readdirSync('/var/run/netns').filter((n) => n.startsWith(PREFIX)) : [];
}

const CLONE_NEWNET = 0x40000000;
let setnsFn: ((fd: number, type: number) => number) | null = null;

/**
 * Moves this process's main thread into namespace `ns`, so that sockets the test itself opens live
 * there (libuv's threads stay where they are; sockets belong to the namespace they were made in).
 * Returns the function that moves it back.
 */
export function enterNamespace(ns: string): () => void {
  setnsFn ??= koffi.load('libc.so.6').func('int setns(int fd, int nstype)') as unknown as (fd: number, type: number) => number;
  const setns = setnsFn;
  const home = openSync('/proc/thread-self/ns/net', 'r');
  const target = openSync(`/var/run/netns/${ns}`, 'r');
  try {
    if (setns(target, CLONE_NEWNET) !== 0) throw new Error(`setns(${ns}) failed: errno ${koffi.errno()}`);
  } catch (e) {
    closeSync(home);
    throw e;
  } finally {
    closeSync(target);
  }
  return () => {
    setns(home, CLONE_NEWNET);
    closeSync(home);
  };
}
