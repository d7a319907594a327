// End to end: a real Debian live ISO (built from Debian's archive with live-build, cached outside
// the repo: test/helpers/live-iso.ts) is imported, detected as a live-boot live system, and booted
// over the network: a BIOS VM (SeaBIOS, QEMU's iPXE ROM chaining undionly.kpxe) opens Bootbench's
// boot menu on its serial console, the live system is picked there by a key, the VM gets the ISO's
// own kernel and initrd over HTTP with `boot=live fetch=…/live/filesystem.squashfs` and the distro's
// kernel arguments (console=ttyS0), and the live system's own login prompt appears on the serial
// console. Nothing of the ISO is copied: kernel, initrd and squashfs are read out of it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { qemuUnavailable, vmMac } from '../helpers/qemu.js';
import { debianLiveIso, debianLiveIsoCached } from '../helpers/live-iso.js';
import { VmLab } from '../helpers/vm-lab.js';
import type { Distro, LogEvent } from '../../electron/shared/contract.js';

// Building the live ISO takes minutes to an hour on a busy 2-core machine (docs/design/live-boot.md):
// on a machine without it in the cache this test is opt-in (BOOTBENCH_E2E_LIVE=1 builds it).
const skip =
  qemuUnavailable() ??
  (debianLiveIsoCached() || process.env.BOOTBENCH_E2E_LIVE === '1'
    ? null
    : 'no Debian live ISO in the test cache: BOOTBENCH_E2E_LIVE=1 builds it with live-build (several minutes) and runs this test');
if (skip) process.stdout.write(`# e2e live boot skipped: ${skip}\n`);

const SERVER_IP = '10.231.205.1';
/** The boot menu's own words (ipxe-menu.ts): drawn once the menu is up. */
const MENU_UP = /Wait for Bootbench: a click on Install/;

describe(
  'live boot: a Debian live ISO (live-build) booted over HTTP with fetch= to its login prompt',
  { skip: skip ?? false, timeout: 3_600_000 },
  () => {
    let lab: VmLab | undefined;
    let distro: Distro;

    before(async () => {
      const live = await debianLiveIso();
      process.stdout.write(
        `# Debian live ISO: ${(live.size / 1024 ** 2).toFixed(0)} MiB, ${live.buildSeconds === null ? `cached (${live.builtAt})` : `built in ${live.buildSeconds} s`}\n`,
      );
      // IPv6 on the bridge: RAs end iPXE's IPv6 wait. --bios-chain: QEMU's iPXE ROM chains Debian's
      // undionly.kpxe, whose console is also the serial port: the menu is drawn there and keys typed
      // there reach it (boot-menu.test.ts).
      lab = await VmLab.create({
        tag: 'lvb',
        bridge: 'lvb0',
        cidr: `${SERVER_IP}/24`,
        ipv6: true,
        serve: ['--mode', 'dhcp', '--bios-chain'],
      });
      // The live system's console on the serial port: the distro's own kernel arguments.
      distro = await lab.importIso(live.iso, 'console=ttyS0,115200n8');
      assert.equal(distro.boot, 'live', `imported as a live system: ${distro.bootReason}`);
      assert.equal(distro.liveFamily, 'live-boot');
      assert.match(distro.kernel ?? '', /^\/live\/vmlinuz/);
      assert.equal(distro.memoryWarning, null, 'its squashfs fits a typical client');
    });

    after(async () => {
      await lab?.dispose();
    });

    test(
      'BIOS VM: the live system picked by a key at the boot menu boots the ISO kernel with fetch= to its login prompt',
      { timeout: 900_000 },
      async () => {
        const l = lab!;
        const mac = vmMac(`live-1-${process.pid}`);
        const vm = await l.startVm({ name: 'live-1', firmware: 'bios', mac, diskSizeMiB: 16, memMiB: 1536, serialInput: true });
        const watch = l.watch(mac);
        const pathOf = (e: LogEvent) => String(e.data?.path ?? '');
        let stage = 'the boot menu on the serial console';
        await watch.reporting(
          () => stage,
          async () => {
            await watch.waitFor({ stage, deadlineMs: 240_000 }, () => MENU_UP.test(vm.serialLog()));
            const pickedAt = Date.now();
            // A key the menu does not know stops its countdown; the only distro is a live one: key 1.
            await vm.sendSerial('x');
            await vm.sendSerial('1');
            stage = 'the ISO kernel booting (Linux version on the console)';
            await watch.waitFor({ stage, deadlineMs: 180_000 }, () => /Linux version \d/.test(vm.serialLog()));
            const kernelAt = Date.now();
            stage = 'the live system login prompt on the serial console';
            const login = await watch.waitFor({ stage, deadlineMs: 600_000 }, () =>
              /^\S+ login: /m.exec(vm.serialLog().replace(/\x1b\[[0-9;=?]*[A-Za-z]/g, '')),
            );
            const loginAt = Date.now();
            stage = 'the checks after the login prompt';
            await watch.look();
            assert.ok(
              watch.has((e) => e.kind === 'boot.menu-choice' && e.data?.entry === `live:${distro.id}` && e.data?.chosenAt === 'machine'),
              'the choice at the machine is on the host timeline',
            );
            assert.equal(watch.host?.lastBoot?.entry, `live:${distro.id}`, "and is the host record's last boot");
            assert.ok(
              watch.has((e) => e.kind === 'http.request' && pathOf(e) === `/iso/${distro.id}/live/filesystem.squashfs`),
              'live-boot fetched filesystem.squashfs out of the ISO over HTTP (fetch=)',
            );
            assert.ok(
              watch.has((e) => e.kind === 'http.request' && pathOf(e) === `/iso/${distro.id}${distro.kernel}`),
              'the kernel came out of the ISO',
            );
            assert.match(
              vm.serialLog(),
              new RegExp(`fetch=http://${SERVER_IP.replace(/\./g, '\\.')}/iso/${distro.id}/live/filesystem\\.squashfs`),
              'the command line carried fetch=',
            );
            process.stdout.write(
              `# live-1 (${l.accel}): picked at +${((pickedAt - vm.startedAt) / 1000).toFixed(0)} s, kernel +${((kernelAt - pickedAt) / 1000).toFixed(0)} s, login prompt "${login[0].trim()}" +${((loginAt - pickedAt) / 1000).toFixed(0)} s after the key\n`,
            );
          },
        );
      },
    );
  },
);
