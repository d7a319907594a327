// Secure Boot, enforced: OVMF's secboot build on q35 with SMM and Microsoft's keys enrolled (the
// reference lab's ../shared/lab/pxe/80-secure-boot.sh, served by Bootbench instead of dnsmasq).
//   (a) --chain ipxe: the firmware fetches snponly.efi over TFTP and refuses it (unsigned): no iPXE
//       script is ever asked for. This proves the VM really enforces Secure Boot.
//   (b) --chain signed: the same machine boots Debian's shim → Debian's GRUB (TFTP) → waits in
//       GRUB's poll loop; `bootbench install` then boots the real Debian installer (its kernel is
//       signed by Debian) without a reboot, which logs "Secure boot enabled" and fetches its preseed
//       under its token (installing). The time from power-on to the preseed is printed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lab, type Segment } from '../helpers/netns.js';
import { removeDir, startBootbench, tempDataDir, type RunningBootbench } from '../helpers/bootbench.js';
import { OVMF_CODE_SECBOOT, OVMF_VARS_MS } from '../helpers/qemu-accel.js';
import { probeAccel, qemuUnavailable, startVm, vmMac, type Accel, type Vm } from '../helpers/qemu.js';
import { buildDebianNetbootIso } from '../helpers/installer-iso.js';
import { consoleTail, waitForStage } from '../helpers/vm-stage.js';
import type { Distro, Host, LogEvent } from '../../electron/shared/contract.js';

const skip =
  qemuUnavailable() ??
  (existsSync(OVMF_CODE_SECBOOT) && existsSync(OVMF_VARS_MS) ? null : `${OVMF_CODE_SECBOOT} missing (apt-get install ovmf)`);
if (skip) process.stdout.write(`# e2e Secure Boot skipped: ${skip}\n`);

const fmt = (events: LogEvent[]) =>
  events
    .map((x) => `${x.time} ${x.level} ${x.source} ${x.kind} ${x.message}`)
    .join('\n')
    .slice(-10000);

describe(
  'Secure Boot enforced: iPXE refused, the signed chain boots the Debian installer',
  { skip: skip ?? false, timeout: 1_500_000 },
  () => {
    let accel: Accel = 'tcg';
    let lab: Lab;
    let seg: Segment;
    let server: RunningBootbench | null = null;
    let dataDir: string;
    let work: string;
    let iso: string;
    let vm: Vm | null = null;
    const mac = vmMac(`sbc-secure-boot-${process.pid}`);
    const cli = (args: string[]) => server!.cliOk(args, 60_000);
    const serve = async (chain: string) => {
      server = await startBootbench(lab, ['--interface', seg.name, '--mode', 'dhcp', '--chain', chain], dataDir);
    };

    before(async () => {
      accel = (await probeAccel()).accel;
      work = mkdtempSync(join(tmpdir(), 'bootbench-e2e-sbc-'));
      iso = (await buildDebianNetbootIso()).iso;
      dataDir = tempDataDir('e2e-sbc');
      lab = Lab.create('sbc');
      seg = lab.segment('sbcbr0', '10.231.110.1/24');
      // A client on the segment: a port that keeps the bridge's link up between the two VMs (the
      // restarted Bootbench refuses an interface without link).
      lab.host(seg, { cidr: '10.231.110.9/24' });
    });

    after(async () => {
      await vm?.dispose().catch(() => undefined);
      await server?.stop();
      lab?.destroy();
      if (dataDir) removeDir(dataDir);
      if (work) rmSync(work, { recursive: true, force: true });
    });

    test(
      '(a) --chain ipxe: the firmware fetches snponly.efi and refuses it; no iPXE script is asked for',
      { timeout: 600_000 },
      async () => {
        await serve('ipxe');
        vm = await startVm({
          ns: lab.serverNs,
          bridge: seg.name,
          name: 'sb-ipxe',
          firmware: 'uefi',
          secureBoot: true,
          mac,
          accel,
          logDir: work,
          memMiB: 1024,
        });
        let events: LogEvent[] = [];
        // The loader reached the firmware: over TFTP (PXE), or by URL when the firmware went on to its
        // HTTP boot option. Either way it must then refuse it.
        const loaderSent = (e: LogEvent) =>
          (e.kind === 'tftp.end' && e.data?.file === 'snponly.efi' && e.data?.result === 'complete') ||
          (e.kind === 'http.request' && e.data?.method === 'GET' && e.data?.path === '/boot/snponly.efi' && e.data?.status === 200);
        const scriptAsked = (e: LogEvent) => e.kind === 'http.request' && /^\/ipxe\//.test(String(e.data?.path));
        try {
          const sentAt = await waitForStage(
            vm,
            { stage: 'the transfer of snponly.efi', deadlineMs: 400_000, pollMs: 2000, activity: () => events.length },
            async () => {
              events = await server!.timeline(mac, 60_000);
              return events.find(loaderSent);
            },
          );
          // A generous window: iPXE (had it run) asks DHCP and fetches its script within ~30 s under TCG.
          const windowEnd = Date.parse(sentAt.time) + 120_000;
          while (Date.now() < windowEnd) {
            events = await server!.timeline(mac, 60_000);
            assert.equal(events.find(scriptAsked), undefined, 'an iPXE script was requested: Secure Boot is not enforced');
            await new Promise((r) => setTimeout(r, 5000));
          }
          const serial = vm.serialLog();
          const refused = /Access Denied|Security Violation|not allowed|denied/i.exec(serial);
          process.stdout.write(
            `# Secure Boot (a): snponly.efi sent at +${((Date.parse(sentAt.time) - vm.startedAt) / 1000).toFixed(1)} s, no iPXE script in 120 s; firmware said: ${refused ? JSON.stringify(refused[0]) : '(nothing on the console)'}\n`,
          );
        } catch (e) {
          process.stdout.write(`\n--- (a) failed ---\n${consoleTail(vm, 6000)}\n--- timeline ---\n${fmt(events)}\n`);
          throw e;
        } finally {
          await vm.dispose().catch(() => undefined);
          vm = null;
          await server?.stop();
          server = null;
        }
      },
    );

    test(
      '(b) --chain signed: shim → GRUB waits and polls; one install boots the signed Debian installer to its preseed',
      { timeout: 900_000 },
      async () => {
        await serve('signed');
        const distro = JSON.parse(await cli(['import', iso, '--json'])) as Distro;
        assert.equal(distro.family, 'debian');
        // The installer's kernel messages on the serial console ("Secure boot enabled"); set through the
        // control API as the UI does. The GRUB config quotes each argument for GRUB's parser.
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

        vm = await startVm({
          ns: lab.serverNs,
          bridge: seg.name,
          name: 'sb-signed',
          firmware: 'uefi',
          secureBoot: true,
          mac,
          accel,
          logDir: work,
          memMiB: 1024,
        });
        let events: LogEvent[] = [];
        let host: Host | undefined;
        // Polls are debug-level (not on the stored timeline): each moves the host's lastPolledAt.
        const polls = new Set<string>();
        const hostConfig = (e: LogEvent) => e.kind === 'tftp.end' && /^\/?grub\/[0-9a-f:-]{17}\.cfg$/.test(String(e.data?.file));
        const stage = () =>
          !events.some((e) => e.kind === 'tftp.end' && e.data?.file === 'shimx64.efi')
            ? 'DHCP and the shim over TFTP'
            : !events.some((e) => e.kind === 'tftp.end' && e.data?.file === 'grubx64.efi')
              ? 'GRUB over TFTP (asked by the shim)'
              : !events.some(hostConfig) || polls.size < 2
                ? `GRUB's poll loop (${polls.size} polls seen)`
                : !events.some((e) => e.kind === 'install.booting')
                  ? `the installer kernel (host ${host?.state})`
                  : 'the preseed fetch (installing) and "Secure boot enabled" on the console';
        const report = () => `\n--- ${stage()}: not reached ---\n${consoleTail(vm!, 8000)}\n--- timeline ---\n${fmt(events)}\n`;
        const look = async () => {
          host = (await server!.hosts(60_000)).find((h) => h.mac === mac);
          events = await server!.timeline(mac, 60_000);
          if (host?.lastPolledAt && events.some(hostConfig)) polls.add(host.lastPolledAt);
          if (host?.state === 'failed') throw new Error(`the install failed: ${host.failureReason}`);
        };
        try {
          // Waiting in GRUB: at least two polls, so the loop is proven to come round.
          await waitForStage(vm, { stage, deadlineMs: 500_000, pollMs: 2000, activity: () => events.length }, async () => {
            await look();
            return events.some(hostConfig) && polls.size >= 2;
          });
          assert.equal(host?.state, 'discovered');
          const queued = JSON.parse(await cli(['install', mac, '--distro', distro.id, '--json'])) as Host;
          assert.equal(queued.state, 'queued');
          await waitForStage(
            vm,
            { stage, deadlineMs: 600_000, pollMs: 2000, activity: () => `${host?.lastSeen} ${events.length}` },
            async () => {
              await look();
              const preseed = host?.state === 'installing' && events.some((e) => e.kind === 'install.installing');
              return preseed && /Secure boot enabled/.test(vm!.serialLog());
            },
          );
        } catch (e) {
          process.stdout.write(report());
          throw e;
        }
        const files = events
          .filter((e) => e.kind === 'tftp.end' && e.data?.result === 'complete')
          .map((e) => String(e.data?.file).replace(/^\//, ''));
        const has = (re: RegExp, what: string) =>
          assert.ok(
            files.some((f) => re.test(f)),
            `${what} over TFTP (sent: ${files.join(', ')})\n${report()}`,
          );
        assert.ok(
          events.some((e) => e.source === 'dhcp' && /boot shimx64\.efi/.test(e.message)),
          `DHCP offered the shim\n${report()}`,
        );
        has(/^shimx64\.efi$/, 'the shim');
        has(/^grubx64\.efi$/, 'GRUB');
        has(/^grub\/(?:x86_64-efi\/)?grub\.cfg$/, "GRUB's bootstrap config");
        has(/^grub\/[0-9a-f:-]{17}\.cfg$/, "the host's GRUB config");
        has(/^install\/[^/]+\/kernel$/, 'the installer kernel');
        has(/^install\/[^/]+\/initrd$/, 'the installer initrd');
        // The request's own line is logged when its response ends, after the install moved to installing.
        const isPreseedGet = (e: LogEvent) => e.kind === 'http.request' && /^\/install\/[^/]+\/answer$/.test(String(e.data?.path));
        await waitForStage(vm, { stage: 'the preseed request on the timeline', deadlineMs: 60_000, pollMs: 1000 }, async () => {
          events = await server!.timeline(mac, 60_000);
          return events.some(isPreseedGet);
        });
        const preseedGet = events.find(isPreseedGet);
        assert.ok(preseedGet, 'the preseed was fetched under the install token');
        assert.equal(preseedGet.data?.status, 200);
        // Optional files the shim asks for are not warnings.
        assert.equal(
          events.filter((e) => e.level === 'warn' && e.source === 'tftp').length,
          0,
          fmt(events.filter((e) => e.source === 'tftp')),
        );
        const at = (pred: (e: LogEvent) => boolean) => {
          const hit = events.find(pred);
          return hit ? ((Date.parse(hit.time) - vm!.startedAt) / 1000).toFixed(1) : '?';
        };
        const installAt = events.find((e) => e.kind === 'install.queued' || /install queued/.test(e.message));
        const sinceInstall = installAt && preseedGet ? ((Date.parse(preseedGet.time) - Date.parse(installAt.time)) / 1000).toFixed(1) : '?';
        process.stdout.write(
          `# Secure Boot (b, ${accel}): shim +${at((e) => e.kind === 'tftp.end' && e.data?.file === 'shimx64.efi')} s, GRUB +${at((e) => e.kind === 'tftp.end' && e.data?.file === 'grubx64.efi')} s, ` +
            `host config +${at(hostConfig)} s, ${polls.size} polls seen; after the click: kernel +${at((e) => e.kind === 'install.booting')} s, ` +
            `power-on → preseed ${at((e) => e === preseedGet)} s (click → preseed ${sinceInstall} s); "Secure boot enabled" on the console\n`,
        );
        await cli(['cancel', mac]);
      },
    );
  },
);
