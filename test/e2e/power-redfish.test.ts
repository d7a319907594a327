// End to end through a Redfish BMC: a powered-off QEMU VM (TCG) behind the test Redfish service
// (HTTPS, self-signed certificate, its own namespace on the lab segment) is given to Bootbench with
// `bootbench bmc set MAC --redfish https://… --user … --password-file …`. `bootbench install MAC
// --distro D --now` queues the install, pins the BMC's certificate on first contact, sets the next
// boot to PXE once and powers the VM on through ComputerSystem.Reset; the BMC starts QEMU with the
// network first for that one boot; the VM boots its queued install (the emulated RHEL-family
// installer, as in pxe-install.test.ts) and reaches `installed`, then boots its disk. A second
// Reinstall now power-cycles the running VM into a new install. A changed certificate then fails a
// power action with words that say so until it is accepted. The test password appears in no output.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Distro, Host, LogEvent } from '../../electron/shared/contract.js';
import type { PowerActionResult, PowerSettingsView } from '../../electron/shared/power.js';
import { removeDir, startBootbench, tempDataDir, type RunningBootbench } from '../helpers/bootbench.js';
import { DISK_BOOTED_TEXT, MARKER_OFFSET, parseMarker } from '../helpers/disk-payload.js';
import { buildFakeRhelIso } from '../helpers/installer-iso.js';
import { Lab, type Segment } from '../helpers/netns.js';
import { probeAccel, qemuUnavailable, vmMac, type Accel, type Vm } from '../helpers/qemu.js';
import { qemuMachine, startRedfishBmc, type RedfishBmc } from '../helpers/redfish-bmc.js';
import { waitForStage } from '../helpers/vm-stage.js';

const skip = qemuUnavailable();
if (skip) process.stdout.write(`# e2e Redfish power skipped: ${skip}\n`);

const USER = 'bmcadmin';
const PASSWORD = `Rf-e2e-${randomBytes(9).toString('base64url')}`;
const BMC_IP = '10.231.170.50';

describe(
  'Redfish: Bootbench powers a VM on with PXE once through its BMC, and it installs',
  { skip: skip ?? false, timeout: 1_800_000 },
  () => {
    let accel: Accel = 'tcg';
    let lab: Lab;
    let seg: Segment;
    let server: RunningBootbench;
    let dataDir: string;
    let work: string;
    let distro: Distro;
    let bmc: RedfishBmc;
    let machine: ReturnType<typeof qemuMachine>;
    const mac = vmMac(`rfs-bios-${process.pid}`);
    /** Every CLI output of the run, checked for the password at the end. */
    const outputs: string[] = [];

    const cli = async (args: string[]) => {
      const r = await server.cli(args, 120_000);
      outputs.push(r.stdout, r.stderr);
      return r;
    };
    const cliOk = async (args: string[]) => {
      const r = await cli(args);
      assert.equal(r.code, 0, `bootbench ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    const hostOf = async (): Promise<Host | undefined> =>
      (JSON.parse(await cliOk(['hosts', '--json'])) as Host[]).find((h) => h.mac === mac);
    const timeline = async (): Promise<LogEvent[]> =>
      (await cliOk(['logs', mac, '--json']))
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as LogEvent);
    const vmNow = (): Vm => {
      assert.ok(machine.vm, 'the BMC has started the VM');
      return machine.vm;
    };

    async function explain(): Promise<string> {
      const t = await cli(['logs', mac]).catch((e: Error) => ({ stdout: `(timeline unavailable: ${e.message})` }));
      const vm = machine?.vm;
      return (
        `\n=== ${mac}: BMC power-ons ${JSON.stringify(bmc?.powerOns)}, resets ${JSON.stringify(bmc?.resets)}\n` +
        `--- serial console ---\n${vm?.serialLog().slice(-5000) ?? '(no VM)'}\n--- Bootbench timeline ---\n${t.stdout.slice(-5000)}\n` +
        `--- qemu ---\n${vm?.qemuLog().slice(-1500) ?? ''}\n`
      );
    }

    /** Waits for the install started at `since` to reach installed, then for the disk to boot. */
    async function waitInstalledAndDisk(since: number): Promise<void> {
      const vm = vmNow();
      let seen = '';
      await waitForStage(
        vm,
        { stage: () => `${mac} installed (now ${seen || 'unknown to Bootbench'})`, deadlineMs: 600_000, activity: () => seen },
        async () => {
          const host = await hostOf();
          seen = host ? `${host.state} ${host.lastSeen} ${host.install?.lastStep ?? ''}` : '';
          if (host?.state === 'failed') throw new Error(`${mac} failed: ${host.failureReason}`);
          if (host?.state !== 'installed') return null;
          const t = await timeline();
          return t.some((e) => e.kind === 'install.installed' && Date.parse(e.time) >= since) ? host : null;
        },
      );
      await waitForStage(vm, { stage: `${mac} booting its local disk (${DISK_BOOTED_TEXT})`, deadlineMs: 300_000 }, async () =>
        vm.serialLog().includes(DISK_BOOTED_TEXT),
      );
      assert.equal(parseMarker(vm.readDisk(MARKER_OFFSET, 512))?.mac, mac, 'the install marker is on the disk');
    }

    before(async () => {
      accel = (await probeAccel()).accel;
      work = mkdtempSync(join(tmpdir(), 'bootbench-rfs-'));
      const iso = await buildFakeRhelIso();
      dataDir = tempDataDir('rfs');
      lab = Lab.create('rfs');
      seg = lab.segment('rfsbr0', '10.231.170.1/24');
      // A bridge takes the lowest MAC of its ports unless given one: without this, the VM's tap coming
      // and going (a power cycle) changes the server's MAC under the BMC's ARP cache mid-connection.
      lab.run(lab.serverNs, 'ip', ['link', 'set', seg.name, 'address', '02:00:0a:e7:aa:01']);
      // IPv6 on the lab bridge, so that Bootbench's router advertisements end iPXE's 13 s wait.
      lab.run(lab.serverNs, 'sysctl', ['-qw', `net.ipv6.conf.${seg.name}.disable_ipv6=0`]);
      const bmcHost = lab.host(seg, { cidr: `${BMC_IP}/24` });
      machine = qemuMachine({
        ns: lab.serverNs,
        bridge: seg.name,
        name: 'rfs-bios',
        firmware: 'bios',
        mac,
        accel,
        logDir: work,
        diskSizeMiB: 64,
        memMiB: 512,
      });
      bmc = await startRedfishBmc({ user: USER, password: PASSWORD, machine, ns: bmcHost.ns });
      server = await startBootbench(lab, ['--interface', seg.name, '--mode', 'auto', '--bios-chain'], dataDir);
      distro = JSON.parse(await cliOk(['import', iso.iso, '--json'])) as Distro;
    });

    after(async () => {
      await bmc?.close().catch(() => undefined); // powers the VM off
      await machine?.stop().catch(() => undefined);
      await server?.stop();
      lab?.destroy();
      if (dataDir) removeDir(dataDir);
      if (work) rmSync(work, { recursive: true, force: true });
    });

    test(
      '(a) powered off, never seen: bmc set, install --now → pinned, PXE once, powered on → installed → local disk',
      { timeout: 900_000 },
      async () => {
        try {
          const passwordFile = join(work, 'bmc-password');
          writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
          const set = JSON.parse(
            await cliOk(['bmc', 'set', mac, '--redfish', bmc.url(BMC_IP), '--user', USER, '--password-file', passwordFile, '--json']),
          ) as PowerSettingsView;
          assert.equal(set.method, 'redfish');
          assert.equal(set.redfish?.passwordSet, true);
          assert.equal(set.redfish?.pinnedFingerprint, null, 'nothing pinned before the first contact');

          const status = JSON.parse(await cliOk(['power', mac, 'status', '--json'])) as PowerActionResult;
          assert.equal(status.state, 'off');
          const shown = JSON.parse(await cliOk(['bmc', 'show', mac, '--json'])) as PowerSettingsView;
          assert.equal(shown.redfish?.pinnedFingerprint, bmc.fingerprint(), 'the certificate was pinned on first contact');

          const t0 = Date.now();
          const queued = JSON.parse(await cliOk(['install', mac, '--distro', distro.id, '--now', '--json'])) as Host;
          assert.equal(queued.state, 'queued');
          assert.equal(bmc.boot.enabled, 'Disabled', 'the PXE-once override was used by the power-on, then reverted');
          assert.deepEqual(
            bmc.powerOns.map((p) => p.pxeFirst),
            [true],
            'powered on once, network first',
          );
          assert.deepEqual(bmc.resets, ['On']);
          const patch = bmc.requests.find((q) => q.method === 'PATCH');
          assert.deepEqual(JSON.parse(patch?.body ?? '{}').Boot?.BootSourceOverrideTarget, 'Pxe');
          await waitInstalledAndDisk(t0);

          const t = await timeline();
          const power = t.filter((e) => e.kind.startsWith('power.')).map((e) => e.message);
          assert.ok(power.length >= 3, `the timeline shows the power actions: ${power.join(' | ')}`);
          process.stdout.write(`# power on the timeline:\n${power.map((l) => `#   ${l}`).join('\n')}\n`);
          for (const kind of ['install.queued', 'install.booting', 'install.installing', 'install.installed'])
            assert.ok(
              t.some((e) => e.kind === kind),
              `the timeline has ${kind}`,
            );
        } catch (e) {
          process.stdout.write(await explain());
          throw e;
        }
      },
    );

    test('(b) a second Reinstall now power-cycles the running, installed VM into a new install', { timeout: 900_000 }, async () => {
      try {
        assert.equal((await hostOf())?.state, 'installed');
        const resetsBefore = bmc.resets.length;
        const t0 = Date.now();
        const queued = JSON.parse(await cliOk(['install', mac, '--distro', distro.id, '--now', '--json'])) as Host;
        assert.equal(queued.state, 'queued');
        assert.deepEqual(bmc.resets.slice(resetsBefore), ['ForceRestart'], 'a running machine is cycled');
        assert.equal(bmc.powerOns.at(-1)?.pxeFirst, true, 'network first again, for that boot');
        await waitInstalledAndDisk(t0);
      } catch (e) {
        process.stdout.write(await explain());
        throw e;
      }
    });

    test('(c) a changed certificate: the power action fails saying so, nothing is sent, until accepted', { timeout: 300_000 }, async () => {
      const pinned = bmc.fingerprint();
      const presented = bmc.rotateCertificate();
      const seen = bmc.requests.length;
      const r = await cli(['power', mac, 'status']);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /certificate changed/);
      process.stdout.write(`# a changed certificate: ${r.stderr.trim()}\n`);
      assert.equal(bmc.requests.length, seen, 'no request reached the BMC');
      const shown = JSON.parse(await cliOk(['bmc', 'show', mac, '--json'])) as PowerSettingsView;
      assert.equal(shown.redfish?.pinnedFingerprint, pinned);
      assert.equal(shown.redfish?.presentedFingerprint, presented);
      // Accepting goes through the control API (the UI's button).
      const info = JSON.parse(readFileSync(join(dataDir, 'server.json'), 'utf8')) as { controlUrl: string; token: string };
      const accepted = await lab.exec(lab.serverNs, 'curl', [
        '-sS',
        '--fail-with-body',
        '-X',
        'POST',
        '-H',
        `Authorization: Bearer ${info.token}`,
        '-H',
        'Content-Type: application/json',
        '--data',
        JSON.stringify({ fingerprint: presented }),
        new URL(`/api/hosts/${mac}/power/accept-certificate`, info.controlUrl).toString(),
      ]);
      outputs.push(accepted.stdout, accepted.stderr);
      assert.equal(accepted.code, 0, accepted.stderr + accepted.stdout);
      const status = JSON.parse(await cliOk(['power', mac, 'status', '--json'])) as PowerActionResult;
      assert.equal(status.state, 'on');
    });

    test('the BMC password is in no output: CLI, server log, timeline, data folder except the 0600 power settings', async () => {
      outputs.push(server.output(), JSON.stringify(await timeline()));
      for (const name of readdirSync(dataDir, { recursive: true }) as string[]) {
        if (name === 'power.json') continue;
        try {
          outputs.push(readFileSync(join(dataDir, name), 'latin1'));
        } catch {
          // a directory
        }
      }
      for (const text of outputs)
        assert.ok(
          !text.includes(PASSWORD),
          `the password leaked: …${text.slice(Math.max(0, text.indexOf(PASSWORD) - 200), text.indexOf(PASSWORD) + 50)}…`,
        );
    });
  },
);
