// One VM lab for the end-to-end tests that boot installers in QEMU (the Debian installer, Secure
// Boot, UEFI HTTP boot, ARM64): a namespace with one bridge, a Bootbench serving it, an imported
// ISO with kernel arguments set through the control API (as the UI sets them), VMs on the bridge,
// and a watch on one host (its record and its timeline) that names the stage a failure stopped at
// and prints the VM's console and the timeline. dispose() undoes all of it, VMs first.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { Lab, type Segment } from './netns.js';
import { removeDir, startBootbench, tempDataDir, type RunningBootbench } from './bootbench.js';
import { OVMF_CODE_SECBOOT, OVMF_VARS_MS } from './qemu-accel.js';
import { probeAccel, qemuUnavailable, startVm, type Accel, type Vm, type VmOptions } from './qemu.js';
import { consoleTail, waitForStage, type StageWait } from './vm-stage.js';
import type { Distro, Host, LogEvent } from '../../electron/shared/contract.js';

/** Why the enforcing Secure Boot VMs cannot run here, or null. */
export function secureBootUnavailable(): string | null {
  return (
    qemuUnavailable() ??
    (existsSync(OVMF_CODE_SECBOOT) && existsSync(OVMF_VARS_MS) ? null : `${OVMF_CODE_SECBOOT} missing (apt-get install ovmf)`)
  );
}

/** The last `chars` characters of a timeline, one event a line. */
export function formatTimeline(events: LogEvent[], chars = 10_000): string {
  return events
    .map((x) => `${x.time} ${x.level} ${x.source} ${x.kind} ${x.message}`)
    .join('\n')
    .slice(-chars);
}

/** A file sent in full over TFTP (GRUB names its files with a leading slash, the firmware without). */
export const tftpSent =
  (file: RegExp) =>
  (e: LogEvent): boolean =>
    e.kind === 'tftp.end' && e.data?.result === 'complete' && file.test(String(e.data?.file).replace(/^\//, ''));

/** The install's answer file (preseed, kickstart) fetched under its token. */
export const answerFetched = (e: LogEvent): boolean => e.kind === 'http.request' && /^\/install\/[^/]+\/answer$/.test(String(e.data?.path));

export interface VmLabOptions {
  /** Namespace and temporary folder tag (unique among the tests). */
  tag: string;
  bridge: string;
  /** The server's address on the bridge, e.g. '10.231.110.1/24'. */
  cidr: string;
  /** IPv6 on the bridge (Bootbench's router advertisements end iPXE's IPv6 wait). */
  ipv6?: boolean;
  /**
   * A client namespace on the bridge with this address: a port that keeps the bridge's link up
   * while no VM is on it (a Bootbench started then refuses an interface without link).
   */
  linkKeeper?: string;
  /** Start Bootbench at once with these arguments after `--interface <bridge>`. */
  serve?: string[];
}

export class VmLab {
  server: RunningBootbench | null = null;
  vm: Vm | null = null;
  private readonly cleanups: (() => Promise<void> | void)[] = [];

  private constructor(
    readonly lab: Lab,
    readonly seg: Segment,
    readonly accel: Accel,
    readonly work: string,
    readonly dataDir: string,
  ) {}

  /** The lab, built in a before() hook; `accel` 'tcg' skips the probe (ARM64 guests). */
  static async create(o: VmLabOptions & { accel?: Accel }): Promise<VmLab> {
    const accel = o.accel ?? (await probeAccel()).accel;
    const work = mkdtempSync(join(tmpdir(), `bootbench-e2e-${o.tag}-`));
    const dataDir = tempDataDir(`e2e-${o.tag}`);
    let lab: Lab | undefined;
    try {
      lab = Lab.create(o.tag);
      const seg = lab.segment(o.bridge, o.cidr);
      if (o.ipv6) lab.run(lab.serverNs, 'sysctl', ['-qw', `net.ipv6.conf.${seg.name}.disable_ipv6=0`]);
      if (o.linkKeeper) lab.host(seg, { cidr: o.linkKeeper });
      const vmLab = new VmLab(lab, seg, accel, work, dataDir);
      if (o.serve) await vmLab.serve(o.serve);
      return vmLab;
    } catch (e) {
      lab?.destroy();
      removeDir(dataDir);
      rmSync(work, { recursive: true, force: true });
      throw e;
    }
  }

  /** Starts Bootbench on the lab's bridge (stop() the one before). */
  async serve(args: string[]): Promise<RunningBootbench> {
    assert.equal(this.server, null, 'one Bootbench at a time: stopServer() first');
    this.server = await startBootbench(this.lab, ['--interface', this.seg.name, ...args], this.dataDir);
    return this.server;
  }

  async stopServer(): Promise<void> {
    await this.server?.stop();
    this.server = null;
  }

  /** The running Bootbench (a test's mistake if there is none). */
  get bootbench(): RunningBootbench {
    assert.ok(this.server, 'Bootbench is not running');
    return this.server;
  }

  /** A CLI verb that must succeed; generous: under TCG the VMs keep both cores busy. */
  cli(args: string[]): Promise<string> {
    return this.bootbench.cliOk(args, 60_000);
  }

  /** Imports an ISO; with `kernelArgs`, sets them on the distro through the control API, as the UI does. */
  async importIso(iso: string, kernelArgs?: string): Promise<Distro> {
    const distro = JSON.parse(await this.cli(['import', iso, '--json'])) as Distro;
    if (kernelArgs === undefined) return distro;
    const updated = (await this.api('PUT', `/api/distros/${distro.id}`, { kernelArgs })) as Distro;
    assert.equal(updated.kernelArgs, kernelArgs);
    return updated;
  }

  /** A control-API call from inside the lab (the API listens on the server namespace's loopback) that must succeed. */
  async api(method: string, path: string, body?: unknown): Promise<unknown> {
    const info = JSON.parse(readFileSync(join(this.dataDir, 'server.json'), 'utf8')) as { controlUrl: string; token: string };
    const args = ['-sS', '-X', method, '-H', `Authorization: Bearer ${info.token}`, '-H', 'Content-Type: application/json'];
    if (body !== undefined) args.push('--data', JSON.stringify(body));
    const r = await this.lab.exec(this.lab.serverNs, 'curl', [...args, `${info.controlUrl}${path}`], { timeoutMs: 60_000 });
    assert.equal(r.code, 0, `curl ${method} ${path}: ${r.stderr}`);
    const parsed = JSON.parse(r.stdout) as { error?: { message: string } };
    assert.ok(!parsed.error, `${method} ${path}: ${parsed.error?.message}`);
    return parsed;
  }

  async install(mac: string, distroId: string): Promise<Host> {
    return JSON.parse(await this.cli(['install', mac, '--distro', distroId, '--json'])) as Host;
  }

  /** A VM on the lab's bridge (its OVMF vars copied per VM by startVm); it becomes `vm`. */
  async startVm(o: Omit<VmOptions, 'ns' | 'bridge' | 'accel' | 'logDir'> & { accel?: Accel }): Promise<Vm> {
    assert.equal(this.vm, null, 'one VM at a time: disposeVm() first');
    this.vm = await startVm({ ns: this.lab.serverNs, bridge: this.seg.name, accel: this.accel, logDir: this.work, ...o });
    return this.vm;
  }

  async disposeVm(): Promise<void> {
    await this.vm?.dispose().catch(() => undefined);
    this.vm = null;
  }

  /** Runs at dispose(), after the VM and Bootbench stop and before the namespaces go. */
  onDispose(fn: () => Promise<void> | void): void {
    this.cleanups.push(fn);
  }

  /** For after(): everything, even after a failure half-way through create() or a test. */
  async dispose(): Promise<void> {
    await this.disposeVm();
    await this.stopServer();
    for (const fn of this.cleanups.splice(0).reverse()) await Promise.resolve(fn()).catch(() => undefined);
    this.lab.destroy();
    removeDir(this.dataDir);
    rmSync(this.work, { recursive: true, force: true });
  }

  /** A watch on one host of this lab. */
  watch(mac: string): HostWatch {
    return new HostWatch(this, mac);
  }
}

/**
 * What Bootbench knows of one host, refreshed by look(): its record and its timeline. A test
 * names its stages from these; on a failure, report() prints the stage, the console and the timeline.
 */
export class HostWatch {
  host: Host | undefined;
  events: LogEvent[] = [];

  constructor(
    private readonly vmLab: VmLab,
    readonly mac: string,
  ) {}

  /** Refreshes the record and the timeline; a host in `failed` ends the wait at once. */
  async look(): Promise<void> {
    const server = this.vmLab.bootbench;
    this.host = (await server.hosts(60_000)).find((h) => h.mac === this.mac);
    this.events = await server.timeline(this.mac, 60_000);
    if (this.host?.state === 'failed') throw new Error(`the host failed: ${this.host.failureReason}`);
  }

  /** Activity for a stall limit: the host was seen, or its timeline grew. */
  readonly activity = (): string => `${this.host?.lastSeen} ${this.events.length}`;

  has(pred: (e: LogEvent) => boolean): boolean {
    return this.events.some(pred);
  }

  /** Seconds from `t0` (default: the VM's start) to the first matching event, or '?'. */
  at(pred: (e: LogEvent) => boolean, t0 = this.vmLab.vm?.startedAt ?? 0): string {
    const hit = this.events.find(pred);
    return hit ? ((Date.parse(hit.time) - t0) / 1000).toFixed(1) : '?';
  }

  /** The stage not reached, the VM's console and the timeline: for a failure's message. */
  report(stage: string, chars = 8000): string {
    const vm = this.vmLab.vm;
    return `\n--- ${stage}: not reached ---\n${vm ? consoleTail(vm, chars) : '(no VM)'}\n--- timeline ---\n${formatTimeline(this.events)}\n`;
  }

  /** waitForStage on the lab's VM, polling look() then `done` (activity: `activity` unless given). */
  async waitFor<T>(o: StageWait, done: () => T | null | undefined | false | Promise<T | null | undefined | false>): Promise<T> {
    const vm = this.vmLab.vm;
    assert.ok(vm, 'no VM is running');
    return waitForStage(vm, { activity: this.activity, ...o }, async () => {
      await this.look();
      return done();
    });
  }

  /** Runs `fn`; on any failure prints report(stage()) before the error goes on. */
  async reporting<T>(stage: () => string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      process.stdout.write(this.report(stage()));
      throw e;
    }
  }
}
