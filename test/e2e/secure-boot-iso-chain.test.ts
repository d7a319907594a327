// Secure Boot acceptance (c): a RHEL-layout ISO whose EFI/BOOT holds a Microsoft-signed shim
// (BOOTX64.EFI) and a signed GRUB (grubx64.efi) boots through ITS OWN chain, served straight out
// of the ISO, under OVMF's enforcing Secure Boot build (q35 + SMM, Microsoft's keys enrolled: the
// reference lab's ../shared/lab/pxe/80-secure-boot.sh).
//   import: the distro is marked secureBoot with the ISO's loaders (iso/secure-boot.ts)
//   DHCP    the host, queued before power-on, gets iso/<id>/EFI/BOOT/BOOTX64.EFI (boot/install-loaders.ts)
//   TFTP    the shim asks grubx64.efi beside itself (iso/<id>/EFI/BOOT/grubx64.efi, straight out of the ISO;
//           a shim that asks at the root gets the same file, logged "from iso/<id>/…")
//   TFTP    GRUB reads the generated configs, then the installer's kernel and initrd
//   kernel  "Secure boot enabled"; the emulated Anaconda fetches its kickstart and reports installed.
// Only Debian's signed binaries exist here, so they stand in for Red Hat's (test/helpers/installer-iso.ts).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { vmMac } from '../helpers/qemu.js';
import { buildFakeRhelIso } from '../helpers/installer-iso.js';
import { answerFetched, secureBootUnavailable, VmLab } from '../helpers/vm-lab.js';
import type { LogEvent } from '../../electron/shared/contract.js';

const skip = secureBootUnavailable();
if (skip) process.stdout.write(`# e2e Secure Boot ISO chain skipped: ${skip}\n`);

describe(
  'Secure Boot (c): a RHEL-layout ISO boots through its own signed shim and GRUB',
  { skip: skip ?? false, timeout: 1_200_000 },
  () => {
    let lab: VmLab | undefined;
    const mac = vmMac(`sbd-iso-chain-${process.pid}`);

    before(async () => {
      lab = await VmLab.create({ tag: 'sbd', bridge: 'sbdbr0', cidr: '10.231.131.1/24', serve: ['--mode', 'dhcp', '--chain', 'signed'] });
    });

    after(async () => {
      await lab?.dispose();
    });

    test(
      'imported with secureBoot, queued, and booted shim → GRUB → kernel out of the ISO to its kickstart',
      { timeout: 1_100_000 },
      async () => {
        const l = lab!;
        const iso = await buildFakeRhelIso({ signedEfi: true });
        // The kernel's messages on the serial console.
        const distro = await l.importIso(iso.iso, 'console=ttyS0,115200n8');
        assert.equal(distro.family, 'rhel');
        assert.equal(distro.secureBoot, true, distro.secureBootReason ?? '');
        assert.match(distro.secureBootReason ?? '', /ISO's own signed chain/);
        assert.deepEqual(distro.secureBootLoaders, { shim: '/EFI/BOOT/BOOTX64.EFI', grub: '/EFI/BOOT/grubx64.efi' });
        // Queued before power-on: the first DHCP answer is already the ISO's shim.
        const queued = await l.install(mac, distro.id);
        assert.equal(queued.state, 'queued');

        const vm = await l.startVm({ name: 'sbd-iso-chain', firmware: 'uefi', secureBoot: true, mac, memMiB: 1024 });
        const isoShim = `iso/${distro.id}/EFI/BOOT/BOOTX64.EFI`;
        const isoGrub = `iso/${distro.id}/EFI/BOOT/grubx64.efi`;
        const w = l.watch(mac);
        const sent = (e: LogEvent) => e.kind === 'tftp.end' && e.data?.result === 'complete';
        const shimSent = (e: LogEvent) => sent(e) && e.data?.file === isoShim;
        const grubSent = (e: LogEvent) =>
          sent(e) && (e.data?.file === isoGrub || (/^\/?grubx64\.efi$/.test(String(e.data?.file)) && e.data?.origin === isoGrub));
        const configSent = (e: LogEvent) => sent(e) && /^\/?grub\/[0-9a-f:-]{17}\.cfg$/.test(String(e.data?.file));
        const kickstart = (e: LogEvent) => answerFetched(e) && e.data?.status === 200;
        const serial = () => vm.serialLog();
        const stage = () =>
          !w.has(shimSent)
            ? `DHCP and the ISO's shim over TFTP (${isoShim})`
            : !w.has(grubSent)
              ? `the ISO's GRUB over TFTP (${isoGrub})`
              : !w.has(configSent)
                ? "the host's GRUB config"
                : !w.has((e) => e.kind === 'install.booting')
                  ? `the installer kernel (host ${w.host?.state})`
                  : !/Secure boot enabled/.test(serial())
                    ? '"Secure boot enabled" from the kernel'
                    : !w.has(kickstart)
                      ? 'the kickstart fetch (installing)'
                      : `installed (host ${w.host?.state})`;
        const report = () => w.report(stage());
        await w.reporting(stage, () =>
          w.waitFor(
            { stage, deadlineMs: 900_000, pollMs: 2000 },
            () => w.host?.state === 'installed' && /Secure boot enabled/.test(serial()),
          ),
        );
        const events = w.events;
        const files = events.filter(sent).map((e) => `${String(e.data?.file)}${e.data?.origin ? ` (from ${String(e.data.origin)})` : ''}`);
        const ok = (cond: boolean, what: string) => assert.ok(cond, `${what} (TFTP sent: ${files.join(', ')})\n${report()}`);
        ok(
          events.some((e) => e.source === 'dhcp' && e.message.includes(isoShim)),
          "DHCP offered the ISO's shim",
        );
        ok(events.some(shimSent), `the shim went over TFTP out of the ISO (${isoShim})`);
        ok(events.some(grubSent), `GRUB went over TFTP out of the ISO (${isoGrub})`);
        ok(
          !events.some((e) => sent(e) && /^\/?(?:shimx64|grubx64)\.efi$/.test(String(e.data?.file)) && !e.data?.origin),
          'no bundled loader was sent',
        );
        // The files a shim may do without are not worth a line at info level.
        ok(
          !events.some((e) => e.kind === 'tftp.not-found'),
          'no missing file is logged above debug level (the timeline keeps info and up)',
        );
        ok(events.some(configSent), "the host's GRUB config was read");
        ok(
          events.some((e) => sent(e) && /^\/?install\/[^/]+\/kernel$/.test(String(e.data?.file))),
          'the installer kernel went over TFTP',
        );
        ok(events.some(kickstart), 'the kickstart was fetched under the install token');
        assert.match(serial(), /secureboot: Secure boot enabled/);
        assert.match(serial(), /BBTEST init kernel=/, "the emulated installer's /init ran");
        const t = (pred: (e: LogEvent) => boolean) => w.at(pred, vm.startedAt);
        process.stdout.write(
          `# Secure Boot (c, ${l.accel}): ISO shim +${t(shimSent)} s, ISO GRUB +${t(grubSent)} s, host config +${t(configSent)} s, ` +
            `kernel +${t((e) => e.kind === 'install.booting')} s, kickstart +${t(kickstart)} s, installed +${t((e) => e.kind === 'install.installed')} s\n`,
        );
      },
    );
  },
);
