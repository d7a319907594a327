// End to end, issue 13's "a new VM appears and installs with no click": `bootbench serve
// --new-hosts install:<id>`, a host kernel argument set for the VM's MAC before it is powered on,
// then a BIOS VM (SeaBIOS + QEMU's iPXE ROM) network-boots for the first time. Nobody clicks
// Install: the policy queues it at its first DHCP request, its first iPXE script boots the installer
// (the fake RHEL ISO's Anaconda stand-in), and it reaches `installed`. The installer prints its
// kernel command line on the console (the host's `console=ttyS0` puts it on the serial port), which
// shows the host's argument after the distro's. One VM, BIOS only: CI time is tight.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lab, type Segment } from '../helpers/netns.js';
import { removeDir, startBootbench, tempDataDir, type RunningBootbench } from '../helpers/bootbench.js';
import { probeAccel, qemuUnavailable, startVm, vmMac, type Accel, type Vm } from '../helpers/qemu.js';
import { buildFakeRhelIso } from '../helpers/installer-iso.js';
import { consoleTail, waitForStage } from '../helpers/vm-stage.js';
import type { Distro, Host } from '../../electron/shared/contract.js';

const skip = qemuUnavailable();
if (skip) process.stdout.write(`# e2e new-machine policy skipped: ${skip}\n`);

const BRIDGE = 'bbnh0';
const SERVE_ARGS = ['--interface', BRIDGE, '--mode', 'dhcp', '--no-probe'];
/** The host's own arguments: a serial console (so the installer's lines reach the test) and a marker. */
const HOST_ARGS = 'console=ttyS0,115200n8 bb.policy=first-sight';

describe('a new VM appears and installs with no click (serve --new-hosts install:<id>)', { skip: skip ?? false, timeout: 420_000 }, () => {
  let accel: Accel = 'tcg';
  let lab: Lab;
  let seg: Segment;
  let server: RunningBootbench;
  let dataDir: string;
  let work: string;
  let distro: Distro;
  let vm: Vm | undefined;

  const cli = (args: string[]) => server.cliOk(args, 60_000);
  const hostOf = async (mac: string): Promise<Host | undefined> => (await server.hosts(60_000)).find((h) => h.mac === mac);

  before(async () => {
    accel = (await probeAccel()).accel;
    work = mkdtempSync(join(tmpdir(), 'bootbench-e2e-newhost-'));
    const iso = await buildFakeRhelIso();
    dataDir = tempDataDir('e2e-newhost');
    lab = Lab.create('e2enh');
    seg = lab.segment(BRIDGE, '10.231.211.1/24');
    // IPv6 on the lab bridge, so that Bootbench's router advertisements end iPXE's 13 s wait.
    lab.run(lab.serverNs, 'sysctl', ['-qw', `net.ipv6.conf.${seg.name}.disable_ipv6=0`]);
    // The distro must be imported before a start can name it: import, then start again with the policy.
    server = await startBootbench(lab, SERVE_ARGS, dataDir);
    distro = JSON.parse(await cli(['import', iso.iso, '--json'])) as Distro;
    assert.equal(distro.family, 'rhel');
    await server.stop();
    server = await startBootbench(lab, [...SERVE_ARGS, '--new-hosts', `install:${distro.id}`], dataDir);
  });

  after(async () => {
    await vm?.dispose().catch(() => undefined);
    await server?.stop();
    lab?.destroy();
    if (dataDir) removeDir(dataDir);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('BIOS VM, first boot: queued by the policy, installer kernel line carries the host argument, installed', async () => {
    assert.match(await cli(['policy']), new RegExp(`^New machines: install:${distro.id.replace(/\./g, '\\.')}$`, 'm'));
    const mac = vmMac(`newhost-${process.pid}`);
    // Before power-on: the MAC gets a record with its kernel arguments, and is still a new machine.
    const prepared = JSON.parse(await cli(['hosts', 'set', mac, '--kernel-args', HOST_ARGS, '--json'])) as Host;
    assert.equal(prepared.kernelArgs, HOST_ARGS);
    assert.equal(prepared.state, 'discovered');

    vm = await startVm({ ns: lab.serverNs, bridge: seg.name, name: 'newhost', firmware: 'bios', mac, accel, logDir: work, memMiB: 512 });
    let seen = '';
    try {
      const installed = await waitForStage(
        vm,
        {
          stage: () => `newhost installed with no click (now ${seen || 'unknown to Bootbench'})`,
          deadlineMs: 300_000,
          activity: () => seen,
        },
        async () => {
          const host = await hostOf(mac);
          seen = host ? `${host.state} ${host.lastSeen} ${host.install?.lastStep ?? ''}` : '';
          if (host?.state === 'failed') throw new Error(`newhost failed: ${host.failureReason}`);
          return host?.state === 'installed' ? host : null;
        },
      );
      assert.equal(installed.install?.distro, distro.id);
      assert.deepEqual(installed.install?.settings, {}, 'queued with the current settings, as a click would');

      // The timeline: the policy queued it, at its first DHCP request, before any script fetch.
      const timeline = await server.timeline(mac, 60_000);
      const first = (kind: string) => timeline.findIndex((e) => e.kind === kind);
      assert.ok(first('boot.policy-install') >= 0, timeline.map((e) => e.kind).join(' '));
      assert.ok(first('boot.policy-install') < first('install.queued'), 'the policy queued the install');
      assert.ok(first('install.queued') < first('install.installed'));
      assert.equal(timeline.filter((e) => e.kind === 'install.queued').length, 1, 'queued once');

      // The installer's own view of its kernel command line: the distro's arguments, then the host's.
      const line = /BBTEST cmdline: (.*)/.exec(vm.serialLog().replace(/\r/g, ''))?.[1] ?? '';
      assert.match(line, /inst\.ks=http:\/\/10\.231\.211\.1\/install\/[A-Za-z0-9_-]+\/answer/, consoleTail(vm));
      assert.match(line, /ip=dhcp console=ttyS0,115200n8 bb\.policy=first-sight/, line);
    } catch (e) {
      const log = await cli(['logs', mac]).catch((err: Error) => `(timeline unavailable: ${err.message})`);
      process.stdout.write(
        `\n${consoleTail(vm, 6000)}\n--- Bootbench timeline ---\n${log.slice(-6000)}\n--- qemu ---\n${vm.qemuLog().slice(-2000)}\n`,
      );
      throw e;
    }
  });
});
