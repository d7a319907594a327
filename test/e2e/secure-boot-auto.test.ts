// Secure Boot in `auto` (issue 17, acceptance b): OVMF's secboot build on q35 with SMM and Microsoft's
// keys enrolled, served by `bootbench serve --chain auto`. A machine Bootbench has never seen:
//   1. it is offered iPXE (snponly.efi) and the firmware refuses it ("Access Denied");
//   2. OVMF gives up to its Boot Manager and does not retry PXE by itself, so the test powers it on
//      again, as a technician would;
//   3. at its next DHCP request Bootbench switches it to the signed chain (timeline, Host.chain,
//      Host.chainReason), it boots shim → GRUB and waits in GRUB's poll loop (lastPolledAt moves);
//   4. ONE `bootbench install` boots the real Debian installer (signed kernel), which logs "Secure
//      boot enabled" and fetches its preseed under its token (installing). The timeline shows the
//      switch and every fetch, in order.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { vmMac } from '../helpers/qemu.js';
import { buildDebianNetbootIso } from '../helpers/installer-iso.js';
import { answerFetched, secureBootUnavailable, tftpSent as sent, VmLab } from '../helpers/vm-lab.js';
import type { Host, LogEvent } from '../../electron/shared/contract.js';

const skip = secureBootUnavailable();
if (skip) process.stdout.write(`# e2e Secure Boot (auto) skipped: ${skip}\n`);

describe(
  'Secure Boot enforced, --chain auto: iPXE refused, switched to the signed chain',
  { skip: skip ?? false, timeout: 1_500_000 },
  () => {
    let lab: VmLab | undefined;
    let iso: string;
    const mac = vmMac(`sba-secure-boot-auto-${process.pid}`);

    before(async () => {
      iso = (await buildDebianNetbootIso()).iso;
      // A port that keeps the bridge's link up while the VM is powered off between its two boots. In
      // its own namespace: a veth whose peer sat in the server's namespace made OVMF's TFTP fail (PXE-E99).
      lab = await VmLab.create({ tag: 'sba', bridge: 'sbabr0', cidr: '10.231.125.1/24', linkKeeper: '10.231.125.9/24' });
    });

    after(async () => {
      await lab?.dispose();
    });

    test(
      'fetches snponly.efi, is refused, is switched at its next DHCP, waits in GRUB, one install reaches the preseed',
      { timeout: 1_400_000 },
      async () => {
        const l = lab!;
        await l.serve(['--mode', 'dhcp', '--chain', 'auto']);
        const cli = (args: string[]) => l.cli(args);
        assert.match(await cli(['chain']), /UEFI boot chain: auto/);
        // The installer's kernel messages on the serial console ("Secure boot enabled").
        const distro = await l.importIso(iso, 'console=ttyS0,115200n8');
        assert.equal(distro.family, 'debian');

        const powerOn = (name: string) => l.startVm({ name, firmware: 'uefi', secureBoot: true, mac, memMiB: 1024 });
        const firstPowerOn = Date.now();
        let vm = await powerOn('sba-1');
        const w = l.watch(mac);
        // Polls are debug-level (not on the stored timeline): each moves the host's lastPolledAt.
        const polls = new Set<string>();
        const loaderFetched = (e: LogEvent) =>
          sent(/^snponly\.efi$/)(e) ||
          (e.kind === 'http.request' && e.data?.method === 'GET' && e.data?.path === '/boot/snponly.efi' && e.data?.status === 200);
        const switched = (e: LogEvent) => e.kind === 'boot.chain-switched';
        const hostConfig = sent(/^grub\/[0-9a-f:-]{17}\.cfg$/);
        const preseed = (e: LogEvent) => answerFetched(e) && e.data?.status === 200;
        const stage = () =>
          !w.has(loaderFetched)
            ? 'DHCP and snponly.efi (auto starts on iPXE)'
            : !w.has(switched)
              ? 'the firmware asking DHCP again after refusing iPXE (the switch)'
              : !w.has(sent(/^shimx64\.efi$/))
                ? 'the shim over TFTP'
                : !w.has(hostConfig) || polls.size < 2
                  ? `GRUB's poll loop (${polls.size} polls seen)`
                  : !w.has((e) => e.kind === 'install.booting')
                    ? `the installer kernel (host ${w.host?.state})`
                    : 'the preseed fetch (installing) and "Secure boot enabled" on the console';
        const report = () => w.report(stage());
        const look = () => {
          if (w.host?.lastPolledAt && w.has(hostConfig)) polls.add(w.host.lastPolledAt);
        };
        const byEvents = { stage, pollMs: 2000, activity: () => w.events.length };
        let powerCycled = false;
        await w.reporting(stage, async () => {
          await w.waitFor({ ...byEvents, deadlineMs: 400_000 }, () => {
            look();
            return w.has(loaderFetched);
          });
          // The firmware refuses the unsigned loader, tries its other boot options and stops in its Boot
          // Manager: it asks DHCP again only at its next power-on. A technician would reboot it; so does
          // this test (unless the firmware came back to PXE by itself and was already switched).
          const next = await w.waitFor({ ...byEvents, deadlineMs: 400_000 }, () => {
            look();
            if (w.has(switched)) return 'switched';
            return /No bootable option|"UiApp"/.test(vm.serialLog()) ? 'gave up' : null;
          });
          assert.match(vm.serialLog(), /Access Denied/, 'the firmware said it refused the iPXE loader');
          if (next === 'gave up') {
            await l.disposeVm();
            vm = await powerOn('sba-2');
            powerCycled = true;
            await w.waitFor({ ...byEvents, deadlineMs: 300_000 }, () => {
              look();
              return w.has(switched);
            });
          }
          // Waiting in GRUB: at least two polls, so the loop is proven to come round.
          await w.waitFor({ ...byEvents, deadlineMs: 500_000 }, () => {
            look();
            return w.has(hostConfig) && polls.size >= 2;
          });
          assert.equal(w.host?.chain, 'signed', 'Host.chain shows the switch');
          assert.ok(w.host?.chainReason, 'Host.chainReason says why');
          assert.equal(w.host?.state, 'discovered');
          const queued: Host = await l.install(mac, distro.id);
          assert.equal(queued.state, 'queued');
          await w.waitFor({ stage, deadlineMs: 600_000, pollMs: 2000 }, () => {
            look();
            // The installer's syslog can make it `installing` before it asks for its preseed: wait for both.
            const installing = w.host?.state === 'installing' && w.has((e) => e.kind === 'install.installing');
            return installing && w.has(preseed) && /Secure boot enabled/.test(vm.serialLog());
          });
        });
        const events = w.events;
        // The timeline tells the whole story, in order: iPXE refused, the switch, the signed chain.
        const seqOf = (pred: (e: LogEvent) => boolean, what: string): number => {
          const hit = events.find(pred);
          assert.ok(hit, `${what} is on the timeline\n${report()}`);
          return hit.seq;
        };
        const order: [string, number][] = [
          ['snponly.efi sent', seqOf(loaderFetched, 'snponly.efi')],
          ['the switch', seqOf(switched, 'the switch')],
          ['the shim offered', seqOf((e) => e.source === 'dhcp' && /boot shimx64\.efi/.test(e.message), 'the offer of the shim')],
          ['shimx64.efi sent', seqOf(sent(/^shimx64\.efi$/), 'shimx64.efi')],
          ['grubx64.efi sent', seqOf(sent(/^grubx64\.efi$/), 'grubx64.efi')],
          ['its GRUB config', seqOf(hostConfig, "the host's GRUB config")],
          ['the kernel', seqOf(sent(/^install\/[^/]+\/kernel$/), 'the installer kernel')],
          ['the initrd', seqOf(sent(/^install\/[^/]+\/initrd$/), 'the installer initrd')],
          ['the preseed', seqOf(preseed, 'the preseed under its token')],
        ];
        for (let i = 1; i < order.length; i += 1)
          assert.ok(order[i - 1]![1] < order[i]![1], `${order[i - 1]![0]} before ${order[i]![0]}\n${report()}`);
        assert.equal(events.filter(switched).length, 1, 'switched once');
        assert.match(
          events.find(switched)!.message,
          /the firmware refused the iPXE loader: Secure Boot is probably on; switching this machine to the signed chain/,
        );
        assert.equal(events.filter((e) => e.kind === 'boot.chain-refused').length, 0, 'never refused both chains');
        assert.equal(events.filter((e) => e.kind === 'install.booting').length, 1, 'one install, one boot');
        const at = (pred: (e: LogEvent) => boolean) => w.at(pred, firstPowerOn);
        process.stdout.write(
          `# Secure Boot (auto, ${l.accel}${powerCycled ? ', powered on again after the refusal' : ''}): snponly.efi +${at(loaderFetched)} s, ` +
            `switch +${at(switched)} s, shim +${at(sent(/^shimx64\.efi$/))} s, ${polls.size} polls seen, preseed +${at(preseed)} s after the first power-on\n`,
        );
        await cli(['cancel', mac]);
      },
    );
  },
);
