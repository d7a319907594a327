// End to end: the boot menu at the machine, driven by keystrokes on the serial console. BIOS:
// SeaBIOS with `graphics=off` (its serial console carries the BIOS text screen both ways: iPXE's
// menu is drawn on it and keys typed on it reach iPXE), QEMU's iPXE NIC ROM chaining Debian's
// undionly.kpxe (--bios-chain), whose script now opens the menu. One lab and one server for both:
//   (b) memtest86+: `t` at the menu; memtest86+'s own serial output (its console=ttyS0 argument; it
//       mirrors its video text screen, so this VM has a display adapter);
//   (c) an installer: the menu left to time out into the wait loop (it polls), `m` opens it again,
//       then `1`, and `y` at the confirmation; the install is queued by the choice (no
//       click in the app) and reaches `installed` with the emulated installer (installer-iso.ts).
// Each choice lands on the host's timeline (boot.menu-choice) and in Host.lastBoot (chosenAt machine).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lab, type Segment } from '../helpers/netns.js';
import { removeDir, startBootbench, tempDataDir, type RunningBootbench } from '../helpers/bootbench.js';
import { probeAccel, qemuUnavailable, startVm, vmMac, type Accel, type Vm } from '../helpers/qemu.js';
import { buildFakeRhelIso } from '../helpers/installer-iso.js';
import { waitForStage } from '../helpers/vm-stage.js';
import type { Distro, Host } from '../../electron/shared/contract.js';

const skip = qemuUnavailable();
if (skip) process.stdout.write(`# e2e boot menu skipped: ${skip}\n`);

/** The menu's own words (ipxe-menu.ts): drawn once the menu is up. */
const MENU_UP = /Wait for Bootbench: a click on Install/;

describe('The boot menu at the machine (BIOS, keys on the serial console)', { skip: skip ?? false, timeout: 900_000 }, () => {
  let accel: Accel = 'tcg';
  let lab: Lab;
  let seg: Segment;
  let server: RunningBootbench;
  let dataDir: string;
  let work: string;
  let distro: Distro;
  const vms: Vm[] = [];

  const cli = (args: string[]) => server.cliOk(args, 60_000);
  const hostOf = async (mac: string): Promise<Host | undefined> => (await server.hosts(60_000)).find((h) => h.mac === mac);

  async function explain(vm: Vm): Promise<string> {
    const host = await hostOf(vm.mac).catch(() => undefined);
    const timeline = await cli(['logs', vm.mac]).catch((e: Error) => `(timeline unavailable: ${e.message})`);
    return `\n=== ${vm.name} (${vm.mac}) state ${host?.state ?? 'unknown'}\n--- serial console ---\n${vm.serialLog().slice(-6000)}\n--- Bootbench timeline ---\n${timeline.slice(-5000)}\n`;
  }

  /** Starts a BIOS VM and waits until its menu is drawn on the serial console; the offset after it. */
  async function toMenu(name: string, memMiB: number, extraArgs: string[] = []): Promise<Vm> {
    const vm = await startVm({
      ns: lab.serverNs,
      bridge: seg.name,
      name,
      firmware: 'bios',
      mac: vmMac(`${name}-${process.pid}`),
      accel,
      logDir: work,
      diskSizeMiB: 64,
      memMiB,
      serialInput: true,
      extraArgs,
    });
    vms.push(vm);
    await waitForStage(vm, { stage: `${name}: the boot menu on its serial console`, deadlineMs: 240_000 }, async () =>
      MENU_UP.test(vm.serialLog()),
    );
    return vm;
  }

  /**
   * Presses `key` at the menu. A first key that the menu does not know only stops its countdown
   * (a slow TCG machine must not fall to the wait loop between the draw and the key).
   */
  async function press(vm: Vm, key: string): Promise<number> {
    const from = vm.serialLog().length;
    await vm.sendSerial(key);
    return from;
  }

  before(async () => {
    accel = (await probeAccel()).accel;
    work = mkdtempSync(join(tmpdir(), 'bootbench-menu-'));
    const iso = await buildFakeRhelIso();
    dataDir = tempDataDir('menu');
    lab = Lab.create('mnu');
    seg = lab.segment('bbmnu0', '10.231.200.1/24');
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
  });

  test('(b) memtest86+ picked at the machine starts (its serial output)', async () => {
    // memtest86+ draws into the video text buffer and copies it to the serial port: without a
    // display adapter (the helpers' `-vga none`) it clears the serial screen and shows nothing more.
    const vm = await toMenu('mnu-memtest', 256, ['-vga', 'std']);
    try {
      await press(vm, 'x'); // not an entry: stops the countdown
      const from = await press(vm, 't');
      // memtest86+'s own banner (ours say "memtest86+" in lower case).
      await vm.waitForSerial(/Memtest86\+ v6/, 180_000, from);
      const host = await hostOf(vm.mac);
      assert.equal(host?.lastBoot?.entry, 'memtest');
      assert.equal(host?.lastBoot?.chosenAt, 'machine');
      assert.equal(host?.state, 'discovered', 'memtest queues nothing');
      const t = await server.timeline(vm.mac, 60_000);
      assert.ok(t.some((e) => e.kind === 'boot.menu-choice' && e.data?.entry === 'memtest'));
      assert.ok(t.some((e) => e.kind === 'http.request' && String(e.data?.path).endsWith('/boot/memtest-x64.bin')));
    } catch (e) {
      process.stdout.write(await explain(vm));
      throw e;
    } finally {
      await vm.dispose();
    }
  });

  test('(c) an installer picked at the machine (confirmed there) installs with no click', async () => {
    const vm = await toMenu('mnu-install', 512);
    try {
      // Nobody chooses: the menu times out into the wait loop, which polls (lastPolledAt moves);
      // m during the loop opens the menu again.
      const first = (await hostOf(vm.mac))?.lastPolledAt ?? '';
      await waitForStage(vm, { stage: 'mnu-install polling after the menu timed out', deadlineMs: 120_000 }, async () => {
        const polled = (await hostOf(vm.mac))?.lastPolledAt ?? '';
        return polled !== first && /Wait for Bootbench/.test(vm.serialLog());
      });
      const again = await press(vm, 'm');
      await vm.waitForSerial(MENU_UP, 60_000, again);
      await press(vm, 'x');
      let from = await press(vm, '1');
      await vm.waitForSerial(/erase the disk and install/, 60_000, from);
      from = await press(vm, 'y');
      const installed = await waitForStage(vm, { stage: 'mnu-install installed', deadlineMs: 420_000 }, async () => {
        const host = await hostOf(vm.mac);
        if (host?.state === 'failed') throw new Error(`failed: ${host.failureReason}`);
        return host?.state === 'installed' ? host : null;
      });
      assert.equal(installed.distro, distro.id);
      assert.equal(installed.lastBoot?.entry, `install:${distro.id}`);
      assert.equal(installed.lastBoot?.chosenAt, 'machine');
      const t = await server.timeline(vm.mac, 60_000);
      const choice = t.findIndex((e) => e.kind === 'boot.menu-choice');
      const queued = t.findIndex((e) => e.kind === 'install.queued');
      assert.ok(choice >= 0 && queued > choice, 'the choice, then the install queued by it');
    } catch (e) {
      process.stdout.write(await explain(vm));
      throw e;
    } finally {
      await vm.dispose();
    }
  });
});
