// Boot time under Secure Boot (docs/benchmarks.md "### Secure Boot"; issue 17): VM power-on →
// (1) the installer kernel running, (2) the Debian installer fetching its preseed, for
//   - reference: 80-secure-boot.sh's dnsmasq + Python HTTP lab (bench/boot/secure-lab.ts), d-i's
//     signed shim + GRUB + signed kernel and initrd, Secure Boot on;
//   - bootbench signed: `serve --chain signed`, the Debian recipe on the Debian netboot ISO fixture
//     (test/helpers/installer-iso.ts: the same linux + initrd.gz of debian-installer-12-netboot-amd64),
//     the same shim + GRUB (assets/boot), Secure Boot on;
//   - bootbench ipxe: the same server and host recipe, the host's chain set to `ipxe`, on the same
//     VM with Secure Boot off (iPXE is unsigned: refused under Secure Boot).
// Each Bootbench host is queued (install) before power-on: no click is timed. A fresh MAC and fresh
// OVMF vars per run. Runs alternate reference / Bootbench (ref first on odd runs). Run by
// bench/boot/run.sh with FIRMWARES=secure, as root.
//
// Stage times (s after QEMU started): DHCP ACK 1; the loader (shim, or snponly.efi) sent over TFTP;
// GRUB sent (signed chain); the boot config (GRUB's grub.cfg / the host's GRUB config / the iPXE
// script); kernel and initrd sent (their transfers' end); "Linux version" on the serial console
// (kernel running); "Secure boot enabled" (serial); the preseed GET. Reference: dnsmasq's and the
// HTTP server's log lines as this process saw them (50 ms polls); Bootbench: its timeline.
import { mkdirSync, mkdtempSync, chmodSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lab, enterNamespace, type Segment } from '../../test/helpers/netns.js';
import { startBootbench, tempDataDir, removeDir, type RunningBootbench } from '../../test/helpers/bootbench.js';
import { probeAccel, qemuUnavailable, type Accel } from '../../test/helpers/qemu.js';
import { buildDebianNetbootIso } from '../../test/helpers/installer-iso.js';
import { ControlClient } from '../../electron/core/control/client.js';
import type { Distro, LogEvent } from '../../electron/shared/contract.js';
import { Follower } from './follower.js';
import { STAGES, f1, report, type Case, type RunResult } from './secure-report.js';
import { DI_DIR, startRefSecureLab, startSecureVm, stopSecureVm, type RefSecureLab, type SecureVm } from './secure-lab.js';

const RUNS = Number(process.env.RUNS ?? 3);
const MEM_MIB = Number(process.env.VM_MEM_MIB ?? 1024); // 80-secure-boot.sh's; the installer needs it
const VM_TIMEOUT_MS = Number(process.env.VM_TIMEOUT_S ?? 400) * 1000;
const CASES = (process.env.SECURE_CASES ?? 'reference signed ipxe').split(/[\s,]+/).filter(Boolean) as Case[];
const REF_NET = '10.231.190';
const BB_NET = '10.231.191';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const say = (text: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${text}\n`);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const rel = (t: number | undefined, t0: number) => (t === undefined || Number.isNaN(t) ? undefined : (t - t0) / 1000);
let macCounter = 0;
const freshMac = () => {
  macCounter += 1;
  return `52:54:00:5b:${((process.pid >> 4) & 0xff).toString(16).padStart(2, '0')}:${macCounter.toString(16).padStart(2, '0')}`;
};

interface BbLab {
  lab: Lab;
  seg: Segment;
  dataDir: string;
  server: RunningBootbench;
  distro: Distro;
}

async function control<T>(bb: { lab: Lab; dataDir: string }, fn: (c: ControlClient) => Promise<T>): Promise<T> {
  const leave = enterNamespace(bb.lab.serverNs);
  try {
    return await fn(await ControlClient.fromDataDir(bb.dataDir));
  } finally {
    leave();
  }
}

/**
 * A port that stays up: between two VMs the bridge has none, and a restarted server refuses a
 * link-less interface. Its far end lives in a namespace of its own: a veth with both ends in the
 * server's namespace answers ARP for the server's address from the far end too (Linux answers ARP
 * for any local address on any interface), so the firmware sent its TFTP ERROR and second RRQ to
 * that end, where no Bootbench socket (bound to the bridge) sees them: the signed runs failed so.
 */
function keepCarrier(lab: Lab, seg: Segment): void {
  lab.host(seg);
}

async function startBb(lab: Lab, seg: Segment, dataDir: string, iso: string): Promise<Omit<BbLab, 'lab' | 'seg' | 'dataDir'>> {
  const server = await startBootbench(lab, ['--interface', seg.name, '--mode', 'dhcp', '--chain', 'signed'], dataDir);
  const imported = await control({ lab, dataDir }, (c) => c.call('POST /api/distros/import', { body: { path: iso, verify: false } }));
  // The kernel's messages on the serial console, as the e2e test and the reference lab have them.
  const distro = await control({ lab, dataDir }, (c) =>
    c.call('PUT /api/distros/:id', { params: { id: imported.id }, body: { kernelArgs: 'console=ttyS0,115200n8' } }),
  );
  say(`Bootbench imported ${distro.id} (family ${distro.family}), kernelArgs "${distro.kernelArgs}"`);
  return { server, distro };
}

/** Boots the VM until the preseed is fetched (`done`), or the deadline; the serial lines are timed. */
async function boot(vm: SecureVm, done: () => Promise<boolean> | boolean): Promise<string | undefined> {
  const end = vm.startedAt + VM_TIMEOUT_MS;
  while (Date.now() < end) {
    if (vm.child.exitCode !== null) return `QEMU exited (${vm.child.exitCode})`;
    if (await done()) return undefined;
    await sleep(250);
  }
  return `no preseed within ${VM_TIMEOUT_MS / 1000} s`;
}

const serialAt = (vm: SecureVm, re: RegExp) => vm.serial.lines.find((l) => re.test(l.text))?.at;

async function runReference(lab: Lab, seg: Segment, ref: RefSecureLab, run: number, accel: Accel, dir: string): Promise<RunResult> {
  const mac = freshMac();
  const dns = new Follower(ref.dnsmasqLog);
  const http = new Follower(ref.httpLog);
  const loadAt = load();
  const vm = startSecureVm(lab, seg, { name: `ref-${run}`, mac, secureBoot: true, accel, memMiB: MEM_MIB, dir });
  const preseedLine = () => http.lines.find((l) => /GET \/preseed\.cfg/.test(l.text));
  let error = await boot(vm, () => preseedLine() !== undefined);
  await sleep(300);
  dns.stop();
  http.stop();
  await stopSecureVm(vm);
  const t0 = vm.startedAt;
  const ack = dns.lines.find((l) => l.text.includes('DHCPACK(') && l.text.includes(mac));
  const ip = ack ? /DHCPACK\([^)]*\) ([\d.]+)/.exec(ack.text)?.[1] : undefined;
  const sent = (re: RegExp) => dns.lines.find((l) => / sent /.test(l.text) && re.test(l.text) && (!ip || l.text.endsWith(` to ${ip}`)))?.at;
  if (!error && !serialAt(vm, /Secure boot enabled/)) error = 'no "Secure boot enabled" on the console';
  return {
    which: 'reference',
    run,
    mac,
    ok: !error,
    ...(error
      ? {
          error: `${error}\n${vm.serial.lines
            .slice(-15)
            .map((l) => l.text)
            .join('\n')}`,
        }
      : {}),
    load: loadAt,
    stages: {
      ack1: rel(ack?.at, t0),
      loader: rel(sent(/bootnetx64\.efi/), t0),
      grub: rel(sent(/\/grubx64\.efi to/), t0),
      config: rel(sent(/grub\/grub\.cfg/), t0),
      kernel: rel(sent(/amd64\/linux to/), t0),
      initrd: rel(sent(/initrd\.gz to/), t0),
      linux: rel(serialAt(vm, /Linux version/), t0),
      secure: rel(serialAt(vm, /Secure boot enabled/), t0),
      preseed: rel(preseedLine()?.at, t0),
    },
  };
}

async function runBootbench(bb: BbLab, which: 'signed' | 'ipxe', run: number, accel: Accel, dir: string): Promise<RunResult> {
  const mac = freshMac();
  // Queued before power-on: GRUB's (iPXE's) first config already boots the installer.
  const queued = await control(bb, (c) => c.call('POST /api/hosts/:mac/install', { params: { mac }, body: { distro: bb.distro.id } }));
  if (queued.state !== 'queued') throw new Error(`install ${mac}: state ${queued.state}, expected queued`);
  if (which === 'ipxe') await control(bb, (c) => c.call('PUT /api/hosts/:mac/chain', { params: { mac }, body: { chain: 'ipxe' } }));
  const loadAt = load();
  const vm = startSecureVm(bb.lab, bb.seg, {
    name: `bb-${which}-${run}`,
    mac,
    secureBoot: which === 'signed',
    accel,
    memMiB: MEM_MIB,
    dir,
  });
  let events: LogEvent[] = [];
  const isPreseed = (e: LogEvent) => e.kind === 'http.request' && /^\/install\/[^/]+\/answer$/.test(String(e.data?.path));
  let lastLook = 0;
  let error = await boot(vm, async () => {
    // The timeline over the control API every 2 s: cheap, and the event carries its own time.
    if (Date.now() - lastLook < 2000) return false;
    lastLook = Date.now();
    events = await control(bb, (c) => c.call('GET /api/hosts/:mac/timeline', { params: { mac }, query: { limit: 5000 } }));
    return events.some(isPreseed);
  });
  await stopSecureVm(vm);
  writeFileSync(join(dir, `bb-${which}-${run}.timeline.json`), JSON.stringify(events, null, 1));
  if (!error && which === 'signed' && !serialAt(vm, /Secure boot enabled/)) error = 'no "Secure boot enabled" on the console';
  const t0 = vm.startedAt;
  const at = (e: LogEvent | undefined) => (e ? Date.parse(e.time) : undefined);
  const file = (e: LogEvent) => String(e.data?.file ?? '').replace(/^\//, '');
  const tftp = (re: RegExp) => events.find((e) => e.kind === 'tftp.end' && e.data?.result === 'complete' && re.test(file(e)));
  const http = (re: RegExp) => events.find((e) => e.kind === 'http.request' && e.data?.status === 200 && re.test(String(e.data?.path)));
  const signed = which === 'signed';
  return {
    which,
    run,
    mac,
    ok: !error,
    ...(error
      ? {
          error: `${error}\n${vm.serial.lines
            .slice(-15)
            .map((l) => l.text)
            .join('\n')}`,
        }
      : {}),
    load: loadAt,
    stages: {
      ack1: rel(at(events.find((e) => e.kind === 'dhcp.ack')), t0),
      loader: rel(at(tftp(signed ? /^shimx64\.efi$/ : /snponly\.efi$/)), t0),
      grub: signed ? rel(at(tftp(/^grubx64\.efi$/)), t0) : undefined,
      config: rel(at(signed ? tftp(/^grub\/[0-9a-f-]{17}\.cfg$/) : http(/^\/ipxe\//)), t0),
      kernel: rel(at(signed ? tftp(/^install\/[^/]+\/kernel$/) : http(/\/kernel$/)), t0),
      initrd: rel(at(signed ? tftp(/^install\/[^/]+\/initrd$/) : http(/\/initrd$/)), t0),
      linux: rel(serialAt(vm, /Linux version/), t0),
      secure: rel(serialAt(vm, /Secure boot enabled/), t0),
      preseed: rel(at(events.find(isPreseed)), t0),
    },
  };
}

async function main(): Promise<number> {
  const skip = qemuUnavailable();
  if (skip) throw new Error(skip);
  for (const f of ['/usr/share/OVMF/OVMF_CODE_4M.secboot.fd', '/usr/share/OVMF/OVMF_VARS_4M.ms.fd', DI_DIR])
    if (!existsSync(f)) throw new Error(`${f} missing (apt-get install -y ovmf debian-installer-12-netboot-amd64)`);
  const startedAt = new Date();
  const loadStart = load();
  const accel = await probeAccel();
  say(`accelerator: ${accel.accel} (${accel.reason}); load average ${loadStart}`);
  const work = mkdtempSync(join(tmpdir(), 'bootbench-secure-bench-'));
  chmodSync(work, 0o755);
  const dir = join(work, 'vms');
  mkdirSync(dir);
  const results: RunResult[] = [];
  let refLab: Lab | null = null;
  let bbLab: Lab | null = null;
  let server: RunningBootbench | null = null;
  const dataDir = tempDataDir('secure-bench');
  let cleaned = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    await server?.stop().catch(() => undefined);
    bbLab?.destroy();
    refLab?.destroy();
    removeDir(dataDir);
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
    refLab = Lab.create('sbref');
    const refSeg = refLab.segment('bbsbref0', `${REF_NET}.1/24`);
    const ref = startRefSecureLab(refLab, refSeg, join(work, 'ref'));
    bbLab = Lab.create('sbbb');
    const bbSeg = bbLab.segment('bbsbbb0', `${BB_NET}.1/24`);
    keepCarrier(bbLab, bbSeg);
    const iso = (await buildDebianNetbootIso()).iso;
    const started = await startBb(bbLab, bbSeg, dataDir, iso);
    server = started.server;
    const bb: BbLab = { lab: bbLab, seg: bbSeg, dataDir, ...started };
    await sleep(1000);
    for (let run = 1; run <= RUNS; run += 1) {
      const bbCases = CASES.filter((c): c is 'signed' | 'ipxe' => c !== 'reference');
      const order: Case[] = CASES.includes('reference') ? (run % 2 ? ['reference', ...bbCases] : [...bbCases, 'reference']) : bbCases;
      for (const c of order) {
        const r =
          c === 'reference'
            ? await runReference(refLab, refSeg, ref, run, accel.accel, dir)
            : await runBootbench(bb, c, run, accel.accel, dir);
        results.push(r);
        say(
          `run ${run} ${c}: ${r.ok ? `kernel running +${f1(r.stages.linux)} s, preseed +${f1(r.stages.preseed)} s` : `FAILED: ${r.error}`} [${STAGES.map(([k, n]) => `${n} ${f1(r.stages[k])}`).join(', ')}] load ${r.load}`,
        );
      }
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup();
  }
  const meta = `Run ${startedAt.toISOString()} · ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores · ${accel.accel.toUpperCase()} (${accel.reason}) · ${RUNS} runs per case, alternating · VM q35+SMM ${MEM_MIB} MiB, 1 vCPU, virtio-net, OVMF's PXE · load average ${loadStart} at the start, ${load()} at the end`;
  process.stdout.write(`${report(results, meta, CASES)}\n`);
  return results.every((r) => r.ok) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`secure boot bench: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
