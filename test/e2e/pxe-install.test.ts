// End to end: real firmware in QEMU network-boots from `bootbench serve` and installs to
// "installed". BIOS: SeaBIOS with QEMU's iPXE NIC ROM, which chains undionly.kpxe over TFTP as a
// vendor PXE ROM would (--bios-chain). UEFI: OVMF's own PXE client fetches snponly.efi by TFTP.
// Each VM appears as discovered, waits in the iPXE loop, is installed with `bootbench install`,
// boots the test installer ISO (a RHEL-family layout with a busybox Anaconda stand-in) that
// fetches its kickstart, logs over syslog, writes a marker to the disk and reports installed from
// %post, reboots, and is sent to its local disk by the next iPXE script (the disk's payload prints
// BOOTBENCH-DISK-BOOTED). Then three VMs at once, BIOS and UEFI mixed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lab, type Segment } from '../helpers/netns.js';
import { removeDir, startBootbench, tempDataDir, type RunningBootbench } from '../helpers/bootbench.js';
import { probeAccel, qemuUnavailable, startVm, vmMac, type Accel, type Firmware, type Vm } from '../helpers/qemu.js';
import { buildFakeRhelIso } from '../helpers/installer-iso.js';
import { waitForStage } from '../helpers/vm-stage.js';
import { DISK_BOOTED_TEXT, MARKER_OFFSET, parseMarker } from '../helpers/disk-payload.js';
import type { Distro, Host, LogEvent } from '../../electron/shared/contract.js';

const skip = qemuUnavailable();
if (skip) process.stdout.write(`# e2e PXE installs skipped: ${skip}\n`);

/** Per-VM timings, printed and collected for docs/benchmarks.md. */
interface Timing {
  vm: string;
  firmware: Firmware;
  accel: Accel;
  discoveredS: number;
  bootingS: number;
  installingS: number;
  installedS: number;
  diskBootS: number;
}

describe('QEMU VMs PXE-boot from Bootbench and install to "installed"', { skip: skip ?? false, timeout: 1_500_000 }, () => {
  let accel: Accel = 'tcg';
  let lab: Lab;
  let seg: Segment;
  let server: RunningBootbench;
  let dataDir: string;
  let work: string;
  let distro: Distro;
  const vms: Vm[] = [];
  const timings: Timing[] = [];

  // Generous: under TCG the VMs keep both cores busy.
  const cli = (args: string[]) => server.cliOk(args, 60_000);
  const hostOf = async (mac: string): Promise<Host | undefined> => (await server.hosts(60_000)).find((h) => h.mac === mac);
  const timelineOf = (mac: string): Promise<LogEvent[]> => server.timeline(mac, 60_000);

  /** On failure: each VM's serial console, Bootbench's timeline of the host, where the chain stopped. */
  async function explain(vm: Vm): Promise<string> {
    const host = await hostOf(vm.mac).catch(() => undefined);
    const timeline = await cli(['logs', vm.mac]).catch((e: Error) => `(timeline unavailable: ${e.message})`);
    const where = !host
      ? 'the host never reached Bootbench over DHCP (see the serial console: firmware, NIC ROM)'
      : `state ${host.state}${host.install ? `, last step "${host.install.lastStep}"` : ''}${host.failureReason ? `, failure: ${host.failureReason}` : ''}`;
    return `\n=== ${vm.name} (${vm.firmware}, ${vm.mac}) stopped at: ${where}\n--- serial console ---\n${vm.serialLog().slice(-6000)}\n--- Bootbench timeline ---\n${timeline.slice(-6000)}\n--- qemu ---\n${vm.qemuLog().slice(-2000)}\n`;
  }

  /** One VM from power-on to its disk booting after the install. */
  async function installOne(name: string, firmware: Firmware): Promise<Timing> {
    const mac = vmMac(`${name}-${process.pid}`);
    const vm = await startVm({
      ns: lab.serverNs,
      bridge: seg.name,
      name,
      firmware,
      mac,
      accel,
      logDir: work,
      diskSizeMiB: 64,
      memMiB: 512,
    });
    vms.push(vm);
    const since = (t: number) => (t - vm.startedAt) / 1000;
    // What Bootbench last saw of the host: with the serial console, the VM's sign of progress.
    let seen = '';
    const track = (host: Host | undefined, events = 0) => {
      seen = host ? `${host.state} ${host.lastSeen} ${host.install?.lastStep ?? ''} ${events}` : '';
      return host;
    };
    try {
      // Discovered, and waiting in the iPXE loop (it has fetched its script and polls).
      await waitForStage(
        vm,
        { stage: `${name} discovered and polling its iPXE script`, deadlineMs: 240_000, activity: () => seen },
        async () => {
          const host = track(await hostOf(mac));
          if (!host || host.state !== 'discovered') return null;
          const t = await timelineOf(mac);
          track(host, t.length);
          return t.some((e) => e.kind === 'http.request' && /^\/ipxe\//.test(String(e.data?.path))) ? host : null;
        },
      );
      const discoveredAt = Date.now();
      const queued = JSON.parse(await cli(['install', mac, '--distro', distro.id, '--json'])) as Host;
      assert.equal(queued.state, 'queued');

      const stageAt: Record<string, number> = {};
      const installed = await waitForStage(
        vm,
        { stage: () => `${name} installed (now ${seen || 'unknown to Bootbench'})`, deadlineMs: 600_000, activity: () => seen },
        async () => {
          const host = track(await hostOf(mac));
          if (host?.state === 'failed') throw new Error(`${name} failed: ${host.failureReason}`);
          if (host && !(host.state in stageAt)) stageAt[host.state] = Date.now();
          return host?.state === 'installed' ? host : null;
        },
      );
      assert.equal(installed.install?.progress, 1);
      const t = await timelineOf(mac);
      const at = (kind: string) => {
        const e = t.find((x) => x.kind === kind);
        return e ? Date.parse(e.time) : NaN;
      };
      // The whole chain, in order, as the host's timeline shows it.
      const kinds = ['dhcp.ack', 'http.request', 'install.queued', 'install.booting', 'install.installing', 'install.installed'];
      for (const kind of kinds)
        assert.ok(
          t.some((e) => e.kind === kind),
          `${name}: the timeline has ${kind}`,
        );
      if (firmware === 'bios' || firmware === 'uefi')
        assert.ok(
          t.some((e) => e.source === 'tftp' && e.kind === 'tftp.end'),
          `${name}: a first-stage loader went over TFTP`,
        );
      assert.ok(
        t.some((e) => e.source === 'syslog'),
        `${name}: the installer's syslog lines are on the timeline`,
      );
      assert.ok(
        at('install.booting') < at('install.installing') && at('install.installing') <= at('install.installed'),
        `${name}: stages in order`,
      );

      // The reboot: iPXE is told to boot the local disk, whose payload says so on the console.
      await waitForStage(
        vm,
        { stage: `${name} booting its local disk (${DISK_BOOTED_TEXT} on the console)`, deadlineMs: 300_000 },
        async () => new RegExp(DISK_BOOTED_TEXT).test(vm.serialLog()),
      );
      const diskAt = Date.now();
      const marker = parseMarker(vm.readDisk(MARKER_OFFSET, 512));
      assert.equal(marker?.mac, mac, `${name}: the install's marker is on the disk`);
      const after = await timelineOf(mac);
      assert.ok(
        after.some(
          (e) => e.kind === 'http.request' && /^\/ipxe\//.test(String(e.data?.path)) && Date.parse(e.time) > at('install.installed'),
        ),
        `${name}: it fetched its script again after the install (the local-boot one)`,
      );
      assert.equal((await hostOf(mac))?.state, 'installed', `${name}: still installed after booting its disk`);

      const timing: Timing = {
        vm: name,
        firmware,
        accel,
        discoveredS: since(discoveredAt),
        bootingS: since(at('install.booting')),
        installingS: since(at('install.installing')),
        installedS: since(at('install.installed')),
        diskBootS: since(diskAt),
      };
      process.stdout.write(
        `# ${name} (${firmware}, ${accel}): discovered +${timing.discoveredS.toFixed(1)} s, kernel +${timing.bootingS.toFixed(1)} s, ` +
          `kickstart +${timing.installingS.toFixed(1)} s, installed +${timing.installedS.toFixed(1)} s, disk booted +${timing.diskBootS.toFixed(1)} s\n`,
      );
      timings.push(timing);
      return timing;
    } catch (e) {
      process.stdout.write(await explain(vm));
      throw e;
    } finally {
      await vm.dispose();
    }
  }

  before(async () => {
    accel = (await probeAccel()).accel;
    work = mkdtempSync(join(tmpdir(), 'bootbench-e2e-'));
    const iso = await buildFakeRhelIso();
    dataDir = tempDataDir('e2e');
    lab = Lab.create('e2e');
    seg = lab.segment('bbe2e0', '10.231.95.1/24');
    // IPv6 on the lab bridge, so that Bootbench's router advertisements end iPXE's 13 s wait.
    lab.run(lab.serverNs, 'sysctl', ['-qw', `net.ipv6.conf.${seg.name}.disable_ipv6=0`]);
    server = await startBootbench(lab, ['--interface', seg.name, '--mode', 'auto', '--bios-chain'], dataDir);
    distro = JSON.parse(await cli(['import', iso.iso, '--json'])) as Distro;
    assert.equal(distro.family, 'rhel');
  });

  after(async () => {
    for (const vm of vms) await vm.dispose().catch(() => undefined);
    await server?.stop();
    lab?.destroy();
    if (dataDir) removeDir(dataDir);
    if (work) rmSync(work, { recursive: true, force: true });
    if (timings.length > 0) {
      const out = process.env.BOOTBENCH_E2E_TIMINGS;
      if (out) writeFileSync(out, `${JSON.stringify(timings, null, 2)}\n`);
    }
  });

  test(
    '(a) a BIOS VM: SeaBIOS + iPXE ROM → undionly.kpxe over TFTP → waits → install → installed → local disk',
    { timeout: 900_000 },
    async () => {
      await installOne('bios-1', 'bios');
    },
  );

  test('(b) a UEFI VM: OVMF PXE → snponly.efi over TFTP → waits → install → installed → local disk', { timeout: 900_000 }, async () => {
    await installOne('uefi-1', 'uefi');
  });

  test('(c) three VMs at once, BIOS and UEFI mixed, all reach installed', { timeout: 1_200_000 }, async () => {
    const results = await Promise.allSettled([
      installOne('multi-bios-a', 'bios'),
      installOne('multi-uefi-b', 'uefi'),
      installOne('multi-bios-c', 'bios'),
    ]);
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(failed.length, 0, failed.map((f) => String(f.reason)).join('\n'));
  });
});
