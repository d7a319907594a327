// The real Debian installer (the kernel and initrd of Debian's debian-installer-12-netboot-amd64
// package, laid out in a test ISO as a Debian netinst) PXE-booted in QEMU by Bootbench's Debian
// recipe: it gets an address and a name server from Bootbench (the lab DNS), fetches its preseed
// under the install's token (the host goes to `installing`), runs its early_command (which
// reports start), and its busybox syslogd forwards the installer's log to Bootbench (log_host),
// where the lines land on the host's timeline. The install is queued before the VM powers on.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lab, type Segment } from '../helpers/netns.js';
import { removeDir, startBootbench, tempDataDir, type RunningBootbench } from '../helpers/bootbench.js';
import { probeAccel, qemuUnavailable, startVm, vmMac, type Accel, type Vm } from '../helpers/qemu.js';
import { buildDebianNetbootIso } from '../helpers/installer-iso.js';
import { consoleTail, waitForStage } from '../helpers/vm-stage.js';
import type { Distro, Host, LogEvent } from '../../electron/shared/contract.js';

const skip = qemuUnavailable();
if (skip) process.stdout.write(`# e2e Debian installer skipped: ${skip}\n`);

describe('the real Debian installer, booted by the Debian recipe', { skip: skip ?? false, timeout: 900_000 }, () => {
  let accel: Accel = 'tcg';
  let lab: Lab;
  let seg: Segment;
  let server: RunningBootbench;
  let dataDir: string;
  let work: string;
  let distro: Distro;
  let vm: Vm | null = null;

  // Generous: under TCG the VM keeps both cores busy.
  const cli = (args: string[]) => server.cliOk(args, 60_000);

  before(async () => {
    accel = (await probeAccel()).accel;
    work = mkdtempSync(join(tmpdir(), 'bootbench-e2e-di-'));
    const iso = await buildDebianNetbootIso();
    dataDir = tempDataDir('e2e-di');
    lab = Lab.create('e2edi');
    seg = lab.segment('bbe2edi0', '10.231.96.1/24');
    lab.run(lab.serverNs, 'sysctl', ['-qw', `net.ipv6.conf.${seg.name}.disable_ipv6=0`]);
    server = await startBootbench(lab, ['--interface', seg.name, '--mode', 'auto'], dataDir);
    distro = JSON.parse(await cli(['import', iso.iso, '--json'])) as Distro;
    assert.equal(distro.family, 'debian');
    // The installer's screen on the serial console, so that a failure shows where it stopped
    // (the user's extra kernel arguments, through the control API as the UI sets them).
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
    assert.equal((JSON.parse(put.stdout) as Distro).kernelArgs, 'console=ttyS0,115200n8');
  });

  after(async () => {
    await vm?.dispose().catch(() => undefined);
    await server?.stop();
    lab?.destroy();
    if (dataDir) removeDir(dataDir);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('fetches its preseed from Bootbench (installing) and its syslog reaches the host timeline', { timeout: 800_000 }, async () => {
    const mac = vmMac(`debian-di-${process.pid}`);
    // Queued ahead: a MAC Bootbench has never seen is registered and installs at its first boot.
    const queued = JSON.parse(await cli(['install', mac, '--distro', distro.id, '--json'])) as Host;
    assert.equal(queued.state, 'queued');
    const preview = await cli(['logs', mac]);
    assert.match(preview, /install queued/);

    vm = await startVm({ ns: lab.serverNs, bridge: seg.name, name: 'debian-di', firmware: 'bios', mac, accel, logDir: work, memMiB: 1024 });
    let events: LogEvent[] = [];
    let host: Host | undefined;
    // Where the chain is, from what Bootbench has seen of the host: named in the error if it stops.
    const stage = () =>
      !host
        ? 'DHCP from the iPXE ROM (Bootbench has not seen the host)'
        : !events.some((e) => e.kind === 'install.booting')
          ? `the installer kernel (host ${host.state})`
          : !events.some((e) => e.kind === 'install.installing')
            ? 'the preseed fetch (installing)'
            : !events.some((e) => e.kind === 'install.report')
              ? "early_command's start report"
              : `5 syslog lines (${events.filter((e) => e.source === 'syslog').length} so far)`;
    try {
      await waitForStage(
        vm,
        { stage, deadlineMs: 600_000, pollMs: 2000, activity: () => `${host?.lastSeen} ${events.length}` },
        async () => {
          host = (await server.hosts(60_000)).find((h) => h.mac === mac);
          events = await server.timeline(mac, 60_000);
          const preseedFetched = host?.state === 'installing' && events.some((e) => e.kind === 'install.installing');
          const syslog = events.filter((e) => e.source === 'syslog');
          if (host?.state === 'failed') throw new Error(`the install failed: ${host.failureReason}`);
          return preseedFetched && syslog.length >= 5 && events.some((e) => e.kind === 'install.report');
        },
      );
    } catch (e) {
      process.stdout.write(
        `\n--- ${stage()}: not reached ---\n${consoleTail(vm, 8000)}\n--- timeline ---\n${events
          .map((x) => `${x.time} ${x.source} ${x.kind} ${x.message}`)
          .join('\n')
          .slice(-8000)}\n`,
      );
      throw e;
    }
    const at = (pred: (e: LogEvent) => boolean) => {
      const hit = events.find(pred);
      return hit ? ((Date.parse(hit.time) - vm!.startedAt) / 1000).toFixed(1) : '?';
    };
    // The preseed came from the install's own URL, fetched by the installer itself.
    const preseedGet = events.find((e) => e.kind === 'http.request' && /^\/install\/[^/]+\/answer$/.test(String(e.data?.path)));
    assert.ok(preseedGet, 'the preseed was fetched under the install token');
    assert.equal(preseedGet.data?.status, 200);
    // The installer's own log, by syslog, from its address.
    const syslog = events.filter((e) => e.source === 'syslog');
    assert.ok(
      syslog.some((e) => /netcfg|preseed|main-menu|anna|debconf/i.test(e.message)),
      `installer log lines: ${syslog
        .slice(0, 5)
        .map((e) => e.message)
        .join(' | ')}`,
    );
    assert.ok(
      events.some((e) => e.kind === 'install.report' && e.data?.event === 'start'),
      'early_command reported start',
    );
    process.stdout.write(
      `# Debian installer via Bootbench (bios, ${accel}): kernel +${at((e) => e.kind === 'install.booting')} s, preseed +${at((e) => e.kind === 'install.installing')} s, ` +
        `start report +${at((e) => e.kind === 'install.report')} s, ${syslog.length} syslog lines\n`,
    );
    await cli(['cancel', mac]);
  });
});
