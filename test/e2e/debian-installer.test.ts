// The real Debian installer (the kernel and initrd of Debian's debian-installer-12-netboot-amd64
// package, laid out in a test ISO as a Debian netinst) PXE-booted in QEMU by Bootbench's Debian
// recipe: it gets an address and a name server from Bootbench (the lab DNS), fetches its preseed
// under the install's token (the host goes to `installing`), runs its early_command (which
// reports start), and its busybox syslogd forwards the installer's log to Bootbench (log_host),
// where the lines land on the host's timeline. The install is queued before the VM powers on.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { qemuUnavailable, vmMac } from '../helpers/qemu.js';
import { buildDebianNetbootIso } from '../helpers/installer-iso.js';
import { answerFetched, VmLab } from '../helpers/vm-lab.js';
import type { Distro } from '../../electron/shared/contract.js';

const skip = qemuUnavailable();
if (skip) process.stdout.write(`# e2e Debian installer skipped: ${skip}\n`);

describe('the real Debian installer, booted by the Debian recipe', { skip: skip ?? false, timeout: 900_000 }, () => {
  let lab: VmLab | undefined;
  let distro: Distro;

  before(async () => {
    const iso = await buildDebianNetbootIso();
    lab = await VmLab.create({ tag: 'e2edi', bridge: 'bbe2edi0', cidr: '10.231.96.1/24', ipv6: true, serve: ['--mode', 'auto'] });
    // The installer's screen on the serial console, so that a failure shows where it stopped.
    distro = await lab.importIso(iso.iso, 'console=ttyS0,115200n8');
    assert.equal(distro.family, 'debian');
  });

  after(async () => {
    await lab?.dispose();
  });

  test('fetches its preseed from Bootbench (installing) and its syslog reaches the host timeline', { timeout: 800_000 }, async () => {
    const l = lab!;
    const mac = vmMac(`debian-di-${process.pid}`);
    // Queued ahead: a MAC Bootbench has never seen is registered and installs at its first boot.
    const queued = await l.install(mac, distro.id);
    assert.equal(queued.state, 'queued');
    const preview = await l.cli(['logs', mac]);
    assert.match(preview, /install queued/);

    const vm = await l.startVm({ name: 'debian-di', firmware: 'bios', mac, memMiB: 1024 });
    const w = l.watch(mac);
    const syslog = () => w.events.filter((e) => e.source === 'syslog');
    // Where the chain is, from what Bootbench has seen of the host: named in the error if it stops.
    const stage = () =>
      !w.host
        ? 'DHCP from the iPXE ROM (Bootbench has not seen the host)'
        : !w.has((e) => e.kind === 'install.booting')
          ? `the installer kernel (host ${w.host.state})`
          : !w.has((e) => e.kind === 'install.installing')
            ? 'the preseed fetch (installing)'
            : !w.has((e) => e.kind === 'install.report')
              ? "early_command's start report"
              : `5 syslog lines (${syslog().length} so far)`;
    await w.reporting(stage, () =>
      w.waitFor({ stage, deadlineMs: 600_000, pollMs: 2000 }, () => {
        const preseedFetched = w.host?.state === 'installing' && w.has((e) => e.kind === 'install.installing');
        return preseedFetched && syslog().length >= 5 && w.has((e) => e.kind === 'install.report');
      }),
    );
    // The preseed came from the install's own URL, fetched by the installer itself.
    const preseedGet = w.events.find(answerFetched);
    assert.ok(preseedGet, 'the preseed was fetched under the install token');
    assert.equal(preseedGet.data?.status, 200);
    // The installer's own log, by syslog, from its address.
    assert.ok(
      syslog().some((e) => /netcfg|preseed|main-menu|anna|debconf/i.test(e.message)),
      `installer log lines: ${syslog()
        .slice(0, 5)
        .map((e) => e.message)
        .join(' | ')}`,
    );
    assert.ok(
      w.has((e) => e.kind === 'install.report' && e.data?.event === 'start'),
      'early_command reported start',
    );
    process.stdout.write(
      `# Debian installer via Bootbench (bios, ${l.accel}): kernel +${w.at((e) => e.kind === 'install.booting', vm.startedAt)} s, ` +
        `preseed +${w.at((e) => e.kind === 'install.installing', vm.startedAt)} s, ` +
        `start report +${w.at((e) => e.kind === 'install.report', vm.startedAt)} s, ${syslog().length} syslog lines\n`,
    );
    await l.cli(['cancel', mac]);
  });
});
