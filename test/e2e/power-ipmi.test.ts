// End to end, IPMI: a QEMU VM behind OpenIPMI's ipmi_sim (test/helpers/ipmi-sim.ts), powered off,
// is powered on by `bootbench install MAC --distro D --now` with its next boot set to PXE once,
// network-boots into its queued install (the emulated RHEL installer) and reaches `installed`; a
// second `install --now` power-cycles the installed VM into a new install. ipmitool run against the
// same simulator shows it answers as a real BMC. Bad input first: a wrong password is refused in
// words that say so, a BMC that never answers fails within a bounded time, and both leave the
// install queued and the VM off. Every output of the run is searched for the passwords at the end.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lab, type LabHost, type Segment } from '../helpers/netns.js';
import { NODE, removeDir, startBootbench, tempDataDir, type RunningBootbench } from '../helpers/bootbench.js';
import { probeAccel, qemuUnavailable, vmMac, type Accel } from '../helpers/qemu.js';
import { buildFakeRhelIso } from '../helpers/installer-iso.js';
import { startIpmiSim, type IpmiSim } from '../helpers/ipmi-sim.js';
import { waitForStage } from '../helpers/vm-stage.js';
import type { Distro, Host, LogEvent } from '../../electron/shared/contract.js';
import { spawnSync } from 'node:child_process';

const skip =
  qemuUnavailable() ??
  (spawnSync('which', ['ipmi_sim']).status !== 0 ? 'ipmi_sim is not installed (apt-get install -y openipmi)' : null) ??
  (spawnSync('which', ['ipmitool']).status !== 0 ? 'ipmitool is not installed (apt-get install -y ipmitool)' : null);
if (skip) process.stdout.write(`# e2e IPMI power skipped: ${skip}\n`);

const PASSWORD = 'Ipmi-Test-Pw-7q2';
const WRONG = 'Not-The-Pw-91xz';

describe('IPMI power control with a BMC simulator and a QEMU VM', { skip: skip ?? false, timeout: 1_800_000 }, () => {
  let accel: Accel = 'tcg';
  let lab: Lab;
  let seg: Segment;
  let bmc: LabHost;
  let silent: LabHost;
  let server: RunningBootbench;
  let sim: IpmiSim;
  let dataDir: string;
  let work: string;
  let distro: Distro;
  const mac = vmMac(`pwr-ipmi-${process.pid}`);
  /** Every output of the run, searched for the passwords at the end. */
  const outputs: string[] = [];

  const cli = async (args: string[], timeoutMs = 120_000) => {
    const r = await server.cli(args, timeoutMs);
    outputs.push(r.stdout, r.stderr);
    return r;
  };
  const cliOk = async (args: string[], timeoutMs?: number) => {
    const r = await cli(args, timeoutMs);
    assert.equal(r.code, 0, `bootbench ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const hostOf = async (): Promise<Host | undefined> => (JSON.parse(await cliOk(['hosts', '--json'])) as Host[]).find((h) => h.mac === mac);
  const timeline = async (): Promise<LogEvent[]> =>
    (await cliOk(['logs', mac, '--json']))
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as LogEvent);
  const setBmc = async (address: string, password: string) => {
    const file = join(work, 'bmc.pw');
    writeFileSync(file, `${password}\n`, { mode: 0o600 });
    const view = JSON.parse(await cliOk(['bmc', 'set', mac, '--ipmi', address, '--user', 'admin', '--password-file', file, '--json']));
    assert.equal(view.ipmi.passwordSet, true);
  };

  async function explain(): Promise<string> {
    const t = await cli(['logs', mac]).catch((e: Error) => ({ stdout: `(timeline unavailable: ${e.message})` }));
    return (
      `\n--- simulator actions ---\n${sim?.actions().join('\n')}\n--- ipmi_sim ---\n${sim?.simLog().slice(-2000)}` +
      `\n--- Bootbench timeline ---\n${t.stdout.slice(-6000)}\n--- serial console ---\n${sim?.vm.serialLog().slice(-4000)}` +
      `\n--- qemu ---\n${sim?.vm.qemuLog().slice(-2000)}\n`
    );
  }

  /** Waits until the host's install (the one queued at `queuedAfter`) reaches installed. */
  async function untilInstalled(what: string): Promise<Host> {
    let seen = '';
    return waitForStage(
      sim.vm,
      { stage: () => `${what} (now ${seen || 'unknown to Bootbench'})`, deadlineMs: 600_000, activity: () => seen },
      async () => {
        const host = await hostOf();
        seen = host ? `${host.state} ${host.lastSeen} ${host.install?.lastStep ?? ''}` : '';
        if (host?.state === 'failed') throw new Error(`install failed: ${host.failureReason}`);
        return host?.state === 'installed' ? host : null;
      },
    );
  }

  before(async () => {
    accel = (await probeAccel()).accel;
    work = mkdtempSync(join(tmpdir(), 'bootbench-pwr-ipmi-'));
    const iso = await buildFakeRhelIso();
    dataDir = tempDataDir('pwr-ipmi');
    lab = Lab.create('pwripm');
    seg = lab.segment('pwripmi0', '10.231.162.1/24');
    lab.run(lab.serverNs, 'sysctl', ['-qw', `net.ipv6.conf.${seg.name}.disable_ipv6=0`]);
    bmc = lab.host(seg, { cidr: '10.231.162.50/24' });
    // A BMC address that never answers: a UDP socket on 623 that reads and never replies.
    silent = lab.host(seg, { cidr: '10.231.162.51/24' });
    lab.spawn(silent.ns, NODE, ['-e', "require('dgram').createSocket('udp4').on('message', () => {}).bind(623)"]);
    sim = await startIpmiSim({
      lab,
      bmc,
      bmcAddress: '10.231.162.50',
      user: 'admin',
      password: PASSWORD,
      vm: { ns: lab.serverNs, bridge: seg.name, name: 'ipmi-vm', mac, accel },
      workDir: join(work, 'sim'),
    });
    server = await startBootbench(lab, ['--interface', seg.name, '--mode', 'dhcp', '--bios-chain', '--no-probe'], dataDir);
    distro = JSON.parse(await cliOk(['import', iso.iso, '--json'])) as Distro;
  });

  after(async () => {
    if (server) outputs.push(server.output());
    await server?.stop();
    await sim?.stop();
    lab?.destroy();
    if (dataDir) removeDir(dataDir);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('ipmitool sees the simulator as a real BMC: mc info, the chassis off', async () => {
    const info = await sim.ipmitool(lab.serverNs, ['mc', 'info']);
    assert.equal(info.code, 0, info.stderr);
    // What sim.emu's mc_add declared: manufacturer 0x1291 (4753), product 0x0f02, IPMI 2.0.
    assert.match(info.stdout, /Manufacturer ID\s*:\s*4753/);
    assert.match(info.stdout, /Product ID\s*:\s*3842 \(0x0f02\)/);
    assert.match(info.stdout, /IPMI Version\s*:\s*2\.0/);
    const status = await sim.ipmitool(lab.serverNs, ['chassis', 'power', 'status']);
    assert.equal(status.stdout.trim(), 'Chassis Power is off');
    assert.equal(sim.running(), false);
    const refused = await sim.ipmitool(lab.serverNs, ['chassis', 'power', 'status'], WRONG);
    assert.notEqual(refused.code, 0);
  });

  test('a wrong password: "refused the credentials", the install stays queued, the VM stays off', async () => {
    await setBmc('10.231.162.50', WRONG);
    const r = await cli(['install', mac, '--distro', distro.id, '--now']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /refused the credentials of user "admin".*stays queued/s);
    const host = await hostOf();
    assert.equal(host?.state, 'queued');
    assert.equal(sim.running(), false);
    assert.ok((await timeline()).some((e) => e.kind === 'power.failed' && /refused the credentials/.test(e.message)));
  });

  test('a BMC that never answers: a timeout error within a bounded time, the install stays queued', async () => {
    await setBmc('10.231.162.51', PASSWORD);
    const t0 = Date.now();
    const r = await cli(['install', mac, '--distro', distro.id, '--now'], 180_000);
    const seconds = (Date.now() - t0) / 1000;
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /did not answer within \d+ s.*stays queued/s);
    assert.ok(seconds < 90, `took ${seconds} s`);
    assert.equal((await hostOf())?.state, 'queued');
    const failed = (await timeline()).filter((e) => e.kind === 'power.failed');
    assert.equal(failed.at(-1)?.data?.code, 'BMC_NO_ANSWER');
  });

  test('install --now: PXE once, power on, network boot into the queued install, installed', { timeout: 900_000 }, async () => {
    await setBmc('10.231.162.50', PASSWORD);
    const before = sim.actions().length;
    try {
      const queued = JSON.parse(await cliOk(['install', mac, '--distro', distro.id, '--now', '--json'])) as Host;
      assert.equal(queued.state, 'queued');
      assert.equal(queued.powerMethod, 'ipmi');
      assert.equal(queued.power?.state, 'on');
      assert.deepEqual(sim.actions().slice(before), ['boot pxe', 'power 1'], 'the boot device set to PXE, then powered on');
      const status = await sim.ipmitool(lab.serverNs, ['chassis', 'power', 'status']);
      assert.equal(status.stdout.trim(), 'Chassis Power is on');
      const installed = await untilInstalled('the VM powered on by Bootbench installed');
      assert.equal(installed.install?.progress, 1);
      const t = await timeline();
      const kinds = t.map((e) => e.kind);
      for (const kind of ['power.action', 'power.done', 'dhcp.ack', 'install.booting', 'install.installed'])
        assert.ok(kinds.includes(kind), `the timeline has ${kind}`);
      const done = t.filter((e) => e.kind === 'power.done').map((e) => e.data?.action);
      assert.deepEqual(done.slice(-3), ['pxeOnce', 'status', 'on']);
      assert.equal((JSON.parse(await cliOk(['power', mac, 'status', '--json'])) as { state: string }).state, 'on');
    } catch (e) {
      process.stdout.write(await explain());
      throw e;
    }
  });

  test('a second install --now power-cycles the installed VM into a new install', { timeout: 900_000 }, async () => {
    const before = sim.actions().length;
    const firstInstall = (await hostOf())?.install?.id;
    try {
      const queued = JSON.parse(await cliOk(['install', mac, '--distro', distro.id, '--now', '--json'])) as Host;
      assert.equal(queued.state, 'queued');
      assert.notEqual(queued.install?.id, firstInstall);
      // A cycle: off, then on again by the simulator's own timer.
      for (let i = 0; i < 30 && !sim.actions().slice(before).includes('power 1'); i++) await new Promise((r) => setTimeout(r, 1000));
      assert.deepEqual(sim.actions().slice(before), ['boot pxe', 'power 0', 'power 1']);
      const installed = await untilInstalled('the power-cycled VM installed again');
      assert.notEqual(installed.install?.id, firstInstall);
      const done = (await timeline()).filter((e) => e.kind === 'power.done').map((e) => e.data?.action);
      assert.deepEqual(done.slice(-3), ['pxeOnce', 'status', 'cycle']);
    } catch (e) {
      process.stdout.write(await explain());
      throw e;
    }
  });

  test('no secret leaks: no output, timeline, event log, file or error of the run carries a password', async () => {
    outputs.push(server.output());
    const r = await cli(['logs', '--json']);
    outputs.push(r.stdout);
    outputs.push(JSON.stringify(await timeline()));
    // Every file of the data folder but power.json (0600, where the password must be, for a BMC login needs it).
    const walk = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? walk(path) : [path];
      });
    for (const file of walk(dataDir)) if (!file.endsWith('/power.json')) outputs.push(readFileSync(file, 'latin1'));
    assert.equal(statSync(join(dataDir, 'power.json')).mode & 0o777, 0o600);
    assert.ok(readFileSync(join(dataDir, 'power.json'), 'utf8').includes(PASSWORD));
    const all = outputs.join('\n');
    assert.ok(all.length > 10_000, 'the outputs were gathered');
    for (const secret of [PASSWORD, WRONG]) assert.ok(!all.includes(secret), `a password appears in an output of the run`);
  });
});
