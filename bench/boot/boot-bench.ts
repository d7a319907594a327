// Boot time: VM power-on → installer kernel running, Bootbench against the reference PXE lab
// (../shared/lab/pxe: dnsmasq for DHCP+TFTP, a Python HTTP server), in one run, on the same VM and
// the same files (docs/benchmarks.md "## Boot"). Run by bench/boot/run.sh, as root.
//
// Fairness, point by point:
// - Files: the reference lab's own test ISO (its 10-build-iso.sh: Debian's kernel + a busybox
//   initramfs whose /init prints `PXELAB-MARKER kernel-booted` on the serial console). dnsmasq's lab
//   serves the kernel and initrd extracted from that ISO (as its scripts do); Bootbench imports the
//   ISO file itself and serves them out of it. Same bytes, checked below by size.
// - VM: the same QEMU command line for both (test/helpers/qemu.ts: BIOS = SeaBIOS + QEMU's iPXE ROM
//   on e1000; UEFI = OVMF's own PXE client on virtio-net), same memory, one vCPU, KVM or TCG as
//   probed. A fresh MAC (and fresh OVMF vars) per run for either server, so no run reuses a lease
//   or a host record.
// - Chain: BIOS ROM iPXE → undionly.kpxe over TFTP → DHCP again → HTTP script → kernel + initrd
//   (Bootbench --bios-chain, the reference lab's PXELAB_BIOS_CHAIN=1); UEFI OVMF PXE → snponly.efi
//   over TFTP → DHCP again → HTTP script → kernel + initrd.
// - IPv6: both segments have IPv6 on their bridge and a router-advertisement source (dnsmasq's
//   enable-ra, PXELAB_IPV6_RA=1; Bootbench's own RA sender), since Debian's iPXE otherwise waits
//   ~13 s per start for one. One extra Bootbench BIOS run with --no-ra shows what the RA saves.
// - No human click is timed: the Bootbench host is queued (`install MAC --distro ID`) before its
//   VM powers on, so its first script already boots the installer.
// - The kernel line: Bootbench's `generic` recipe with kernelArgs set through the control API to
//   the reference lab's (console=ttyS0,115200 panic=10 pxelab.server=…), so the same /init runs.
// - Both server sets run side by side in two namespaces (10.231.78.0/24 reference, 10.231.79.0/24
//   Bootbench), idle while the other's VM boots; runs alternate (ref, bb, then bb, ref, …) so
//   that load from other jobs on the machine drifts over both alike. The load is printed.
//
// Stage times (seconds after QEMU was started), from each server's own records: DHCP ACKs, the
// TFTP transfer's end, the HTTP requests for the script, kernel and initrd (their start), then
// the kernel marker on the serial console (polled every 50 ms for both).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, copyFileSync, chmodSync } from 'node:fs';
import { tmpdir, loadavg, cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { Lab, enterNamespace, type Segment } from '../../test/helpers/netns.js';
import { Follower } from './follower.js';
import { startBootbench, tempDataDir, removeDir, type RunningBootbench } from '../../test/helpers/bootbench.js';
import { probeAccel, qemuUnavailable, startVm, type Accel, type Firmware, type Vm } from '../../test/helpers/qemu.js';
import { debianKernel } from '../../test/helpers/installer-iso.js';
import { ControlClient } from '../../electron/core/control/client.js';
import type { Distro, LogEvent } from '../../electron/shared/contract.js';

// ---------------------------------------------------------------------------------------------
// Settings

const REPO = resolve(import.meta.dirname, '..', '..');
const LAB_DIR = resolve(process.env.PXELAB_DIR ?? join(REPO, '..', 'shared', 'lab', 'pxe'));
const RUNS = intEnv('RUNS', 3);
const FIRMWARES = (process.env.FIRMWARES ?? 'bios uefi').split(/[\s,]+/).filter(Boolean) as Firmware[];
const NO_RA_RUN = process.env.NO_RA_RUN !== '0';
const VM_TIMEOUT_MS = intEnv('VM_TIMEOUT_S', 300) * 1000;
const MEM_MIB = intEnv('VM_MEM_MIB', 512);
const MARKER = /PXELAB-MARKER kernel-booted/;
/** The kernel's first output: its real-mode setup's "Probing EDD" (BIOS), or the first printk line. */
const KERNEL_START = /Probing EDD|Linux version/;
const KERNEL_ARGS = 'console=ttyS0,115200 panic=10 pxelab.server={server} pxelab.run=bootbench';
const REF_NET = '10.231.78';
const BB_NET = '10.231.79';

function intEnv(name: string, fallback: number): number {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive whole number`);
  return v;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const say = (text: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${text}\n`);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

// ---------------------------------------------------------------------------------------------
// One run's record

type ServerName = 'reference' | 'bootbench' | 'bootbench --no-ra';

interface Stages {
  ack1?: number; // first DHCP ACK (the firmware's PXE client or the ROM's iPXE)
  tftpEnd?: number; // the iPXE binary sent over TFTP
  ack2?: number; // second DHCP ACK (the chained iPXE)
  script?: number; // the HTTP request for the script that boots the kernel
  kernel?: number; // HTTP request for the kernel (start)
  initrd?: number; // HTTP request for the initrd (start)
  initrdEnd?: number; // Bootbench only: the initrd's response finished
  kernelStart?: number; // serial: the kernel's first words (BIOS "Probing EDD", else "Linux version")
  marker?: number; // PXELAB-MARKER kernel-booted on the serial console
}

interface RunResult {
  server: ServerName;
  firmware: Firmware;
  run: number;
  mac: string;
  ok: boolean;
  error?: string;
  stages: Stages;
  load: string;
  /** CPU seconds (user + system) each server used during this run, both sets running side by side. */
  cpu: { reference: number; bootbench: number };
  /** Bytes of the kernel / initrd responses (Bootbench: as counted by its HTTP server, headers included). */
  bytes?: { kernel?: number; initrd?: number };
}

// ---------------------------------------------------------------------------------------------
// Reference lab: its own scripts, run with our namespace, subnet and work folder

interface RefLab {
  env: NodeJS.ProcessEnv;
  ns: string;
  bridge: string;
  work: string;
  iso: string;
  kernel: string;
  initrd: string;
}

function labScript(env: NodeJS.ProcessEnv, script: string, allowFail = false): void {
  const r = spawnSync('bash', [join(LAB_DIR, script)], { env, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0 && !allowFail)
    throw new Error(`${script} failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-8).join('\n')}`);
}

/**
 * 10-build-iso.sh reads the kernel from $PXELAB_WORK/build/kernel/root (00-install-deps.sh
 * downloads it there): seed that tree from the project's kernel cache (test/helpers/installer-iso.ts,
 * the same linux-image package) so no second 71 MB download happens. Paths as `find -path` in
 * 10-build-iso.sh expects them.
 */
async function seedKernel(work: string): Promise<string> {
  const k = await debianKernel();
  const root = join(work, 'build', 'kernel', 'root');
  const mods = join(root, 'lib', 'modules', k.version, 'kernel');
  mkdirSync(join(root, 'boot'), { recursive: true });
  copyFileSync(k.vmlinuz, join(root, 'boot', `vmlinuz-${k.version}`));
  const where: Record<string, string> = {
    'e1000.ko': 'drivers/net/ethernet/intel/e1000',
    'virtio.ko': 'drivers/virtio',
    'virtio_ring.ko': 'drivers/virtio',
    'virtio_pci_legacy_dev.ko': 'drivers/virtio',
    'virtio_pci_modern_dev.ko': 'drivers/virtio',
    'virtio_pci.ko': 'drivers/virtio',
    'failover.ko': 'net/core',
    'net_failover.ko': 'drivers/net',
    'virtio_net.ko': 'drivers/net',
  };
  for (const m of k.modules) {
    const name = m.replace(/^.*\//, '');
    const dir = where[name];
    if (!dir) continue;
    mkdirSync(join(mods, dir), { recursive: true });
    copyFileSync(m, join(mods, dir, name));
  }
  return k.package;
}

async function startReference(work: string): Promise<RefLab> {
  const ns = `bbt${process.pid}-bootref`; // bbt<pid>-: swept by test/helpers/netns.ts if this process dies
  const bridge = 'bbbootref0';
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PXELAB_WORK: work,
    PXELAB_NS: ns,
    PXELAB_BR: bridge,
    PXELAB_NET: REF_NET,
    PXELAB_TAPS: '0', // the VMs' taps come from test/helpers/qemu.ts, as for Bootbench
    PXELAB_BIOS_CHAIN: '1',
    PXELAB_IPV6_RA: '1',
    PXELAB_UEFI_NBP: 'snponly.efi',
  };
  const pkg = await seedKernel(work);
  say(`reference lab: kernel ${pkg}; building its test ISO (10-build-iso.sh)`);
  try {
    labScript(env, '10-build-iso.sh');
    labScript(env, '20-netns-up.sh');
    labScript(env, '30-servers-up.sh');
  } catch (e) {
    // The caller has no RefLab to stop yet: take down whatever half of the lab came up.
    labScript(env, '90-cleanup.sh', true);
    throw e;
  }
  const iso = join(work, 'pxelab-installer.iso');
  return {
    env,
    ns,
    bridge,
    work,
    iso,
    kernel: join(work, 'http', 'iso', 'install', 'vmlinuz'),
    initrd: join(work, 'http', 'iso', 'install', 'initrd.gz'),
  };
}

const pidFile = (path: string) => (existsSync(path) ? Number(readFileSync(path, 'utf8').trim()) : undefined);

/** CPU seconds used so far by each server set (the reference's dnsmasq + HTTP server; Bootbench's node). */
function serverCpu(ref: RefLab, bb: BbLab): { reference: number; bootbench: number } {
  return {
    reference: cpuSeconds([pidFile(join(ref.work, 'run', 'dnsmasq.pid')), pidFile(join(ref.work, 'run', 'http.pid'))]),
    bootbench: cpuSeconds([bb.server.child.pid]),
  };
}

function stopReference(ref: RefLab): void {
  labScript(ref.env, '90-cleanup.sh', true);
}

// ---------------------------------------------------------------------------------------------
// Bootbench

interface BbLab {
  lab: Lab;
  seg: Segment;
  dataDir: string;
  server: RunningBootbench;
  distro: Distro;
  noRa: boolean;
}

/** A control-API call from inside the server's namespace (the API listens on its 127.0.0.1). */
async function control<T>(bb: { lab: Lab; dataDir: string }, fn: (c: ControlClient) => Promise<T>): Promise<T> {
  const leave = enterNamespace(bb.lab.serverNs);
  try {
    return await fn(await ControlClient.fromDataDir(bb.dataDir));
  } finally {
    leave();
  }
}

async function startBootbenchLab(isoPath: string, noRa: boolean): Promise<BbLab> {
  const lab = Lab.create('boot');
  const seg = lab.segment('bbboot0', `${BB_NET}.1/24`);
  // Lab.segment turns IPv6 off on its bridges; Bootbench sends its RAs only where IPv6 is on.
  lab.run(lab.serverNs, 'sysctl', ['-qw', `net.ipv6.conf.${seg.name}.disable_ipv6=0`]);
  const dataDir = tempDataDir('bootbench-boot');
  const bb = { lab, seg, dataDir, noRa } as Omit<BbLab, 'server' | 'distro'> & Partial<BbLab>;
  try {
    bb.server = await startServer(lab, seg, dataDir, noRa);
    const imported = await control(bb as BbLab, (c) => c.call('POST /api/distros/import', { body: { path: isoPath, verify: false } }));
    say(`Bootbench imported ${imported.id}: family ${imported.family}, kernel ${imported.kernel}, initrd ${imported.initrd}`);
    const update =
      imported.family === 'generic' && imported.kernel && imported.initrd
        ? { kernelArgs: KERNEL_ARGS }
        : { kernel: '/install/vmlinuz', initrd: '/install/initrd.gz', kernelArgs: KERNEL_ARGS };
    bb.distro = await control(bb as BbLab, (c) => c.call('PUT /api/distros/:id', { params: { id: imported.id }, body: update }));
    say(`Bootbench distro ${bb.distro.id}: kernelArgs "${bb.distro.kernelArgs}"`);
    return bb as BbLab;
  } catch (e) {
    // The caller has no BbLab to clean up yet: stop what this call started (the namespaces, the server in them).
    await bb.server?.stop().catch(() => undefined);
    lab.destroy();
    removeDir(dataDir);
    throw e;
  }
}

async function startServer(lab: Lab, seg: Segment, dataDir: string, noRa: boolean): Promise<RunningBootbench> {
  const args = ['--interface', seg.name, '--mode', 'auto', '--bios-chain', ...(noRa ? ['--no-ra'] : [])];
  const server = await startBootbench(lab, args, dataDir);
  const m = await server.waitFor(/serving on \S+ \(([\d.]+)\), mode (\w+)/, 60_000);
  say(`Bootbench ${args.join(' ')}: serving ${m[1]}, mode ${m[2]}`);
  if (m[2] !== 'dhcp')
    throw new Error(`Bootbench chose mode ${m[2]} on its own segment (expected full DHCP): ${server.output().slice(-2000)}`);
  return server;
}

// ---------------------------------------------------------------------------------------------
// One VM run

let macCounter = 0;
/** A fresh locally administered MAC per run (never seen by either server). */
function freshMac(): string {
  macCounter += 1;
  return `52:54:00:b7:${((process.pid >> 4) & 0xff).toString(16).padStart(2, '0')}:${macCounter.toString(16).padStart(2, '0')}`;
}

/** Starts the VM and waits for the kernel marker, polling the serial console every 50 ms. */
async function bootVm(
  ns: string,
  bridge: string,
  name: string,
  firmware: Firmware,
  mac: string,
  accel: Accel,
  logDir: string,
): Promise<{ vm: Vm; markerAt: number | null; kernelAt: number | null; error?: string }> {
  const vm = await startVm({ ns, bridge, name, firmware, mac, accel, logDir, memMiB: MEM_MIB, diskSizeMiB: 8, onReboot: 'exit' });
  const end = vm.startedAt + VM_TIMEOUT_MS;
  let kernelAt: number | null = null;
  try {
    for (;;) {
      const text = vm.serialLog();
      kernelAt ??= KERNEL_START.test(text) ? Date.now() : null;
      if (MARKER.test(text)) return { vm, markerAt: Date.now(), kernelAt };
      if (vm.exited) return { vm, markerAt: null, kernelAt, error: `QEMU exited before the marker: ${vm.qemuLog().trim().slice(-300)}` };
      if (Date.now() > end) return { vm, markerAt: null, kernelAt, error: `no kernel marker within ${VM_TIMEOUT_MS / 1000} s` };
      await sleep(50);
    }
  } finally {
    await vm.dispose();
  }
}

/** CPU seconds (user + system) used so far by these processes (0 for one that is gone). */
function cpuSeconds(pids: (number | undefined)[]): number {
  let ticks = 0;
  for (const pid of pids) {
    if (!pid) continue;
    try {
      // Fields after the ")" of the command name: utime and stime are the 12th and 13th.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
        .replace(/^.*\) /s, '')
        .split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // exited
    }
  }
  return ticks / 100; // USER_HZ is 100 on Linux
}

const rel = (t: number | undefined, t0: number) => (t === undefined || Number.isNaN(t) ? undefined : (t - t0) / 1000);

async function runReference(ref: RefLab, firmware: Firmware, run: number, accel: Accel, logDir: string): Promise<RunResult> {
  const mac = freshMac();
  const dns = new Follower(join(ref.work, 'logs', 'dnsmasq.log'));
  const http = new Follower(join(ref.work, 'logs', 'http.log'));
  const loadAtStart = load();
  const { vm, markerAt, kernelAt, error } = await bootVm(ref.ns, ref.bridge, `ref-${firmware}-${run}`, firmware, mac, accel, logDir);
  await sleep(200);
  dns.stop();
  http.stop();
  const t0 = vm.startedAt;
  const acks = dns.lines.filter((l) => l.text.includes('DHCPACK(') && l.text.includes(mac));
  const ips = new Set(acks.map((l) => /DHCPACK\([^)]*\) ([\d.]+)/.exec(l.text)?.[1]).filter((x): x is string => !!x));
  const nbp = firmware === 'bios' ? 'undionly.kpxe' : 'snponly.efi';
  const tftp = dns.lines.find((l) => l.text.includes(`/${nbp} to `) && [...ips].some((ip) => l.text.endsWith(` to ${ip}`)));
  // http.log: <epoch> <ip> <method> <path> <status> <bytes> <ua>; the epoch is when the response started.
  const reqs = http.lines
    .map((l) => l.text.split(' '))
    .filter((f) => f.length >= 5 && ips.has(f[1] ?? ''))
    .map((f) => ({ at: Number(f[0]) * 1000, path: f[3] ?? '', status: f[4] ?? '' }));
  const kernelIdx = reqs.findIndex((r) => r.path.endsWith('/vmlinuz') && r.status === '200');
  const script = reqs
    .slice(0, kernelIdx < 0 ? reqs.length : kernelIdx)
    .filter((r) => r.path === '/boot.ipxe')
    .at(-1);
  const initrd = reqs.find((r) => r.path.endsWith('/initrd.gz') && r.status === '200');
  return {
    server: 'reference',
    firmware,
    run,
    mac,
    ok: markerAt !== null,
    ...(error ? { error: `${error}\n${vm.serialLog().slice(-1500)}` } : {}),
    load: loadAtStart,
    stages: {
      ack1: rel(acks[0]?.at, t0),
      tftpEnd: rel(tftp?.at, t0),
      ack2: rel(acks[1]?.at, t0),
      script: rel(script?.at, t0),
      kernel: rel(kernelIdx >= 0 ? reqs[kernelIdx]?.at : undefined, t0),
      initrd: rel(initrd?.at, t0),
      kernelStart: rel(kernelAt ?? undefined, t0),
      marker: rel(markerAt ?? undefined, t0),
    },
    cpu: { reference: 0, bootbench: 0 }, // filled in by the caller
  };
}

async function runBootbench(bb: BbLab, firmware: Firmware, run: number, accel: Accel, logDir: string): Promise<RunResult> {
  const mac = freshMac();
  // Queued before power-on: the first script already boots the installer (no click is timed).
  const queued = await control(bb, (c) => c.call('POST /api/hosts/:mac/install', { params: { mac }, body: { distro: bb.distro.id } }));
  if (queued.state !== 'queued') throw new Error(`install ${mac}: state ${queued.state}, expected queued`);
  const server: ServerName = bb.noRa ? 'bootbench --no-ra' : 'bootbench';
  const loadAtStart = load();
  const { vm, markerAt, kernelAt, error } = await bootVm(
    bb.lab.serverNs,
    bb.seg.name,
    `bb${bb.noRa ? 'nora' : ''}-${firmware}-${run}`,
    firmware,
    mac,
    accel,
    logDir,
  );
  await sleep(300);
  const timeline: LogEvent[] = await control(bb, (c) =>
    c.call('GET /api/hosts/:mac/timeline', { params: { mac }, query: { limit: 5000 } }),
  );
  writeFileSync(join(logDir, `${vm.name}.timeline.json`), JSON.stringify(timeline, null, 1));
  const t0 = vm.startedAt;
  const at = (e: LogEvent | undefined) => (e ? Date.parse(e.time) : undefined);
  const startOf = (e: LogEvent | undefined) => (e ? Date.parse(e.time) - Number(e.data?.durationMs ?? 0) : undefined);
  const acks = timeline.filter((e) => e.kind === 'dhcp.ack');
  const tftp = timeline.find((e) => e.kind === 'tftp.end' && e.level === 'info');
  const reqs = timeline.filter((e) => e.kind === 'http.request').sort((a, b) => (startOf(a) ?? 0) - (startOf(b) ?? 0));
  const pathOf = (e: LogEvent) => String(e.data?.path ?? '');
  const kernelIdx = reqs.findIndex((e) => /kernel|vmlinuz/.test(pathOf(e)) && e.data?.status === 200);
  const script = reqs
    .slice(0, kernelIdx < 0 ? reqs.length : kernelIdx)
    .filter((e) => !/kernel|vmlinuz|initrd/.test(pathOf(e)))
    .at(-1);
  const kernel = kernelIdx >= 0 ? reqs[kernelIdx] : undefined;
  const initrd = reqs.find((e) => /initrd/.test(pathOf(e)) && e.data?.status === 200);
  return {
    server,
    firmware,
    run,
    mac,
    ok: markerAt !== null,
    ...(error ? { error: `${error}\n${vm.serialLog().slice(-1500)}` } : {}),
    load: loadAtStart,
    stages: {
      ack1: rel(at(acks[0]), t0),
      tftpEnd: rel(at(tftp), t0),
      ack2: rel(at(acks[1]), t0),
      script: rel(startOf(script), t0),
      kernel: rel(startOf(kernel), t0),
      initrd: rel(startOf(initrd), t0),
      initrdEnd: rel(at(initrd), t0),
      kernelStart: rel(kernelAt ?? undefined, t0),
      marker: rel(markerAt ?? undefined, t0),
    },
    cpu: { reference: 0, bootbench: 0 }, // filled in by the caller
    bytes: { kernel: Number(kernel?.data?.bytes ?? NaN), initrd: Number(initrd?.data?.bytes ?? NaN) },
  };
}

// ---------------------------------------------------------------------------------------------
// Report

const f1 = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '–' : v.toFixed(1));
function median(values: number[]): number | undefined {
  const v = values.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (v.length === 0) return undefined;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : ((v[mid - 1] ?? 0) + (v[mid] ?? 0)) / 2;
}
const STAGES: [keyof Stages, string][] = [
  ['ack1', 'DHCP ACK 1'],
  ['tftpEnd', 'TFTP end'],
  ['ack2', 'DHCP ACK 2'],
  ['script', 'script'],
  ['kernel', 'kernel GET'],
  ['initrd', 'initrd GET'],
  ['kernelStart', 'kernel entered'],
  ['marker', 'kernel running'],
];

function stageMedians(runs: RunResult[]): Stages {
  const out: Stages = {};
  for (const [key] of [...STAGES, ['initrdEnd', ''] as [keyof Stages, string]]) {
    const m = median(
      runs
        .filter((r) => r.ok)
        .map((r) => r.stages[key])
        .filter((x): x is number => x !== undefined),
    );
    if (m !== undefined) out[key] = m;
  }
  return out;
}

function report(results: RunResult[], accel: Accel, meta: string[]): string {
  const lines: string[] = [...meta, ''];
  lines.push(
    `| firmware | server | runs ok | power-on → kernel running, each run (s) | median (s) | ratio | target ≤ 1.0× | power-on → kernel entered, median (s) | ratio |`,
  );
  lines.push('|---|---|---:|---|---:|---:|---|---:|---:|');
  const med = (rs: RunResult[], key: keyof Stages) => median(rs.filter((r) => r.ok).map((r) => r.stages[key] ?? NaN));
  const ratioText = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined ? `${(a / b).toFixed(2)}×` : '–');
  for (const fw of FIRMWARES) {
    const refRuns = results.filter((r) => r.firmware === fw && r.server === 'reference');
    const refTotal = med(refRuns, 'marker');
    const refKernel = med(refRuns, 'kernelStart');
    for (const server of ['reference', 'bootbench', 'bootbench --no-ra'] as ServerName[]) {
      const rs = results.filter((r) => r.firmware === fw && r.server === server);
      if (rs.length === 0) continue;
      const total = med(rs, 'marker');
      const kernel = med(rs, 'kernelStart');
      const target = server === 'bootbench' && total !== undefined && refTotal !== undefined ? (total / refTotal <= 1.0 ? '✔' : '✘') : '–';
      lines.push(
        `| ${fw.toUpperCase()} (${accel.toUpperCase()}) | ${server === 'reference' ? 'dnsmasq + Python HTTP (reference lab)' : server} | ${rs.filter((r) => r.ok).length}/${rs.length} | ${rs.map((r) => (r.ok ? f1(r.stages.marker) : 'fail')).join(', ')} | ${f1(total)} | ${ratioText(total, refTotal)} | ${target} | ${f1(kernel)} | ${ratioText(kernel, refKernel)} |`,
      );
    }
  }
  lines.push('', 'Stage medians (seconds after QEMU started; HTTP: when the request was answered, i.e. its start):', '');
  lines.push(`| firmware | server | ${STAGES.map(([, n]) => n).join(' | ')} | initrd done |`);
  lines.push(`|---|---|${STAGES.map(() => '---:').join('|')}|---:|`);
  for (const fw of FIRMWARES) {
    for (const server of ['reference', 'bootbench', 'bootbench --no-ra'] as ServerName[]) {
      const rs = results.filter((r) => r.firmware === fw && r.server === server);
      if (rs.length === 0) continue;
      const m = stageMedians(rs);
      lines.push(
        `| ${fw.toUpperCase()} | ${server} | ${STAGES.map(([k]) => f1(m[k])).join(' | ')} | ${server === 'reference' ? 'n/a' : f1(m.initrdEnd)} |`,
      );
    }
  }
  lines.push('', 'Every run (stage times in s; load average 1/5/15 min at power-on):', '');
  lines.push(`| # | firmware | server | ${STAGES.map(([, n]) => n).join(' | ')} | CPU s ref / Bootbench | load |`);
  lines.push(`|---|---|---|${STAGES.map(() => '---:').join('|')}|---|---|`);
  for (const r of results)
    lines.push(
      `| ${r.run} | ${r.firmware} | ${r.server}${r.ok ? '' : ' (FAILED)'} | ${STAGES.map(([k]) => f1(r.stages[k])).join(' | ')} | ${r.cpu.reference.toFixed(2)} / ${r.cpu.bootbench.toFixed(2)} | ${r.load} |`,
    );
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const skip = qemuUnavailable();
  if (skip) throw new Error(skip);
  if (!existsSync(join(LAB_DIR, '30-servers-up.sh'))) throw new Error(`reference lab not found at ${LAB_DIR} (set PXELAB_DIR)`);
  const startedAt = new Date();
  const loadStart = load();
  const accel = await probeAccel();
  say(`accelerator: ${accel.accel} (${accel.reason}); load average ${loadStart}`);
  const work = mkdtempSync(join(tmpdir(), 'bootbench-boot-bench-'));
  chmodSync(work, 0o755);
  const logDir = join(work, 'vms');
  mkdirSync(logDir);
  let ref: RefLab | null = null;
  let bb: BbLab | null = null;
  const results: RunResult[] = [];
  let cleaned = false;
  /** Stops every server, VM namespace and file this run made; safe to call twice. */
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    if (bb) {
      await bb.server.stop().catch(() => undefined);
      bb.lab.destroy();
      removeDir(bb.dataDir);
    }
    if (ref) stopReference(ref);
    const out = process.env.BOOT_BENCH_JSON;
    if (out) writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
    if (process.env.BOOT_BENCH_KEEP === '1') say(`logs kept in ${work}`);
    else rmSync(work, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    say(`${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    ref = await startReference(join(work, 'ref'));
    bb = await startBootbenchLab(ref.iso, false);
    const sizes = { kernel: statSync(ref.kernel).size, initrd: statSync(ref.initrd).size };
    say(
      `same files: ISO ${ref.iso}; kernel ${sizes.kernel} B sha256 ${sha256(ref.kernel).slice(0, 16)}…, initrd ${sizes.initrd} B sha256 ${sha256(ref.initrd).slice(0, 16)}…`,
    );

    for (const fw of FIRMWARES) {
      for (let run = 1; run <= RUNS; run += 1) {
        // ref, bb on odd runs; bb, ref on even ones: drift in the machine's load hits both alike.
        const order = run % 2 ? (['reference', 'bootbench'] as const) : (['bootbench', 'reference'] as const);
        for (const which of order) {
          const before = serverCpu(ref, bb);
          const r =
            which === 'reference'
              ? await runReference(ref, fw, run, accel.accel, logDir)
              : await runBootbench(bb, fw, run, accel.accel, logDir);
          const after = serverCpu(ref, bb);
          r.cpu = { reference: after.reference - before.reference, bootbench: after.bootbench - before.bootbench };
          results.push(r);
          say(
            `${fw} run ${run} ${r.server}: ${r.ok ? `kernel running +${f1(r.stages.marker)} s` : `FAILED: ${r.error}`} [${STAGES.map(([k, n]) => `${n} ${f1(r.stages[k])}`).join(', ')}] CPU s ref/bb ${r.cpu.reference.toFixed(2)}/${r.cpu.bootbench.toFixed(2)} load ${r.load}`,
          );
          if (r.bytes && r.ok) {
            // Same files: Bootbench's response sizes (headers included) match the reference's files.
            for (const k of ['kernel', 'initrd'] as const) {
              const got = r.bytes[k] ?? NaN;
              if (!(got >= sizes[k] && got < sizes[k] + 2048))
                say(`WARNING: Bootbench sent ${got} B for the ${k}, the reference's file is ${sizes[k]} B`);
            }
          }
        }
      }
    }

    if (NO_RA_RUN && FIRMWARES.includes('bios')) {
      try {
        // A fresh lab and server (a bridge whose last port went away has no carrier, and Bootbench
        // refuses an interface that is down), the same steps as above.
        await bb.server.stop();
        bb.lab.destroy();
        removeDir(bb.dataDir);
        bb = null;
        bb = await startBootbenchLab(ref.iso, true);
        const before = serverCpu(ref, bb);
        const r = await runBootbench(bb, 'bios', 1, accel.accel, logDir);
        const after = serverCpu(ref, bb);
        r.cpu = { reference: after.reference - before.reference, bootbench: after.bootbench - before.bootbench };
        results.push(r);
        say(
          `bios --no-ra: ${r.ok ? `kernel running +${f1(r.stages.marker)} s` : `FAILED: ${r.error}`} [${STAGES.map(([k, n]) => `${n} ${f1(r.stages[k])}`).join(', ')}]`,
        );
      } catch (e) {
        say(`the --no-ra run could not be made: ${(e as Error).message}`);
      }
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup();
  }

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const meta = [
    `Run ${startedAt.toISOString()} · ${cpu}, ${cpus().length} cores · ${accel.accel.toUpperCase()} (${accel.reason}) · ${RUNS} runs per server and firmware, alternating · VM ${MEM_MIB} MiB, 1 vCPU · load average ${loadStart} at the start, ${load()} at the end`,
  ];
  process.stdout.write(`${report(results, accel.accel, meta)}\n`);
  return results.every((r) => r.ok) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`boot bench: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
