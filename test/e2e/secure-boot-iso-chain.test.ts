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
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lab, type Segment } from '../helpers/netns.js';
import { removeDir, startBootbench, tempDataDir, type RunningBootbench } from '../helpers/bootbench.js';
import { OVMF_CODE_SECBOOT, OVMF_VARS_MS } from '../helpers/qemu-accel.js';
import { probeAccel, qemuUnavailable, startVm, vmMac, type Accel, type Vm } from '../helpers/qemu.js';
import { buildFakeRhelIso } from '../helpers/installer-iso.js';
import { consoleTail, waitForStage } from '../helpers/vm-stage.js';
import type { Distro, Host, LogEvent } from '../../electron/shared/contract.js';

const skip =
  qemuUnavailable() ??
  (existsSync(OVMF_CODE_SECBOOT) && existsSync(OVMF_VARS_MS) ? null : `${OVMF_CODE_SECBOOT} missing (apt-get install ovmf)`);
if (skip) process.stdout.write(`# e2e Secure Boot ISO chain skipped: ${skip}\n`);

const fmt = (events: LogEvent[]) =>
  events
    .map((x) => `${x.time} ${x.level} ${x.source} ${x.kind} ${x.message}`)
    .join('\n')
    .slice(-10000);

describe(
  'Secure Boot (c): a RHEL-layout ISO boots through its own signed shim and GRUB',
  { skip: skip ?? false, timeout: 1_200_000 },
  () => {
    let accel: Accel = 'tcg';
    let lab: Lab;
    let seg: Segment;
    let server: RunningBootbench;
    let dataDir: string;
    let work: string;
    let vm: Vm | null = null;
    const mac = vmMac(`sbd-iso-chain-${process.pid}`);
    const cli = (args: string[]) => server.cliOk(args, 60_000);

    before(async () => {
      accel = (await probeAccel()).accel;
      work = mkdtempSync(join(tmpdir(), 'bootbench-e2e-sbd-'));
      dataDir = tempDataDir('e2e-sbd');
      lab = Lab.create('sbd');
      seg = lab.segment('sbdbr0', '10.231.131.1/24');
      server = await startBootbench(lab, ['--interface', seg.name, '--mode', 'dhcp', '--chain', 'signed'], dataDir);
    });

    after(async () => {
      await vm?.dispose().catch(() => undefined);
      await server?.stop();
      lab?.destroy();
      if (dataDir) removeDir(dataDir);
      if (work) rmSync(work, { recursive: true, force: true });
    });

    test(
      'imported with secureBoot, queued, and booted shim → GRUB → kernel out of the ISO to its kickstart',
      { timeout: 1_100_000 },
      async () => {
        const iso = await buildFakeRhelIso({ signedEfi: true });
        const distro = JSON.parse(await cli(['import', iso.iso, '--json'])) as Distro;
        assert.equal(distro.family, 'rhel');
        assert.equal(distro.secureBoot, true, distro.secureBootReason ?? '');
        assert.match(distro.secureBootReason ?? '', /ISO's own signed chain/);
        assert.deepEqual(distro.secureBootLoaders, { shim: '/EFI/BOOT/BOOTX64.EFI', grub: '/EFI/BOOT/grubx64.efi' });
        // The kernel's messages on the serial console, set through the control API as the UI does.
        const info = JSON.parse(readFileSync(join(dataDir, 'server.json'), 'utf8')) as { controlUrl: string; token: string };
        const put = await lab.exec(lab.serverNs, 'curl', [
          '-sS',
          '-f',
          '-X',
          'PUT',
          '-H',
          `Authorization: Bearer ${info.token}`,
          '-H',
          'Content-Type: application/json',
          '--data',
          JSON.stringify({ kernelArgs: 'console=ttyS0,115200n8' }),
          `${info.controlUrl}/api/distros/${distro.id}`,
        ]);
        assert.equal(put.code, 0, put.stderr);
        // Queued before power-on: the first DHCP answer is already the ISO's shim.
        const queued = JSON.parse(await cli(['install', mac, '--distro', distro.id, '--json'])) as Host;
        assert.equal(queued.state, 'queued');

        vm = await startVm({
          ns: lab.serverNs,
          bridge: seg.name,
          name: 'sbd-iso-chain',
          firmware: 'uefi',
          secureBoot: true,
          mac,
          accel,
          logDir: work,
          memMiB: 1024,
        });
        const isoShim = `iso/${distro.id}/EFI/BOOT/BOOTX64.EFI`;
        const isoGrub = `iso/${distro.id}/EFI/BOOT/grubx64.efi`;
        let events: LogEvent[] = [];
        let host: Host | undefined;
        const sent = (e: LogEvent) => e.kind === 'tftp.end' && e.data?.result === 'complete';
        const shimSent = (e: LogEvent) => sent(e) && e.data?.file === isoShim;
        const grubSent = (e: LogEvent) =>
          sent(e) && (e.data?.file === isoGrub || (/^\/?grubx64\.efi$/.test(String(e.data?.file)) && e.data?.origin === isoGrub));
        const configSent = (e: LogEvent) => sent(e) && /^\/?grub\/[0-9a-f:-]{17}\.cfg$/.test(String(e.data?.file));
        const kickstart = (e: LogEvent) =>
          e.kind === 'http.request' && /^\/install\/[^/]+\/answer$/.test(String(e.data?.path)) && e.data?.status === 200;
        const serial = () => vm!.serialLog();
        const stage = () =>
          !events.some(shimSent)
            ? `DHCP and the ISO's shim over TFTP (${isoShim})`
            : !events.some(grubSent)
              ? `the ISO's GRUB over TFTP (${isoGrub})`
              : !events.some(configSent)
                ? "the host's GRUB config"
                : !events.some((e) => e.kind === 'install.booting')
                  ? `the installer kernel (host ${host?.state})`
                  : !/Secure boot enabled/.test(serial())
                    ? '"Secure boot enabled" from the kernel'
                    : !events.some(kickstart)
                      ? 'the kickstart fetch (installing)'
                      : `installed (host ${host?.state})`;
        const report = () => `\n--- ${stage()}: not reached ---\n${consoleTail(vm!, 8000)}\n--- timeline ---\n${fmt(events)}\n`;
        const look = async () => {
          host = (await server.hosts(60_000)).find((h) => h.mac === mac);
          events = await server.timeline(mac, 60_000);
          if (host?.state === 'failed') throw new Error(`the install failed: ${host.failureReason}`);
        };
        try {
          await waitForStage(
            vm,
            { stage, deadlineMs: 900_000, pollMs: 2000, activity: () => `${host?.lastSeen} ${events.length}` },
            async () => {
              await look();
              return host?.state === 'installed' && /Secure boot enabled/.test(serial());
            },
          );
        } catch (e) {
          process.stdout.write(report());
          throw e;
        }
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
        const t = (pred: (e: LogEvent) => boolean) => {
          const hit = events.find(pred);
          return hit ? ((Date.parse(hit.time) - vm!.startedAt) / 1000).toFixed(1) : '?';
        };
        process.stdout.write(
          `# Secure Boot (c, ${accel}): ISO shim +${t(shimSent)} s, ISO GRUB +${t(grubSent)} s, host config +${t(configSent)} s, ` +
            `kernel +${t((e) => e.kind === 'install.booting')} s, kickstart +${t(kickstart)} s, installed +${t((e) => e.kind === 'install.installed')} s\n`,
        );
      },
    );
  },
);
