// The provisioning flow through the real `bootbench serve`, driven by a scripted client that does
// what firmware, iPXE and an installer do, over DHCP, TFTP, HTTP and syslog from its own namespace:
//   discovered → waits (polls) → `bootbench install` → the next poll boots the installer →
//   kernel/initrd fetched (booting) → kickstart fetched (installing) → syslog lines in
//   `bootbench logs` → report (installed) → the next PXE boot gets the local-boot script.
// And: a cancel (the host back to discovered), a stage timeout with its reason, a wrong token refused.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Lab, randomMac, watchOutput, type Segment } from '../../helpers/netns.js';
import { BIN, NODE, removeDir, startBootbench, tempDataDir, type RunningBootbench } from '../../helpers/bootbench.js';
import { kernelArg, PxeClient, reportUrlIn, type ScriptAction } from '../../helpers/pxe-client.js';
import type { Distro, Host, LogEvent } from '../../../electron/shared/contract.js';
import { loadManifest } from '../../fixtures/iso-layouts/manifest.js';

const SUBNET = '10.231.61';

function rockyIso(dir: string): string {
  const tree = join(dir, 'tree');
  mkdirSync(join(tree, 'images/pxeboot'), { recursive: true });
  mkdirSync(join(tree, 'BaseOS/Packages'), { recursive: true });
  const treeinfo = loadManifest('rocky-9.4-x86_64-dvd').files.find((f) => f.path.replace(/^\//, '') === '.treeinfo')?.content;
  if (!treeinfo) throw new Error('no .treeinfo in the rocky fixture');
  writeFileSync(join(tree, '.treeinfo'), treeinfo);
  writeFileSync(join(tree, 'images/pxeboot/vmlinuz'), randomBytes(2 * 1024 * 1024 + 3));
  writeFileSync(join(tree, 'images/pxeboot/initrd.img'), randomBytes(3 * 1024 * 1024 + 7));
  writeFileSync(join(tree, 'images/install.img'), randomBytes(64 * 1024));
  const iso = join(dir, 'Rocky-9.4-x86_64-dvd.iso');
  const r = spawnSync('xorriso', ['-as', 'mkisofs', '-R', '-J', '-V', 'Rocky-9-4-x86_64-dvd', '-o', iso, tree], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`xorriso failed: ${r.stderr}`);
  return iso;
}

describe('one-click provisioning, scripted firmware + iPXE + installer', { timeout: 600_000 }, () => {
  let lab: Lab;
  let seg: Segment;
  let server: RunningBootbench;
  let dataDir: string;
  let distro: Distro;
  const clients: PxeClient[] = [];

  const cli = async (args: string[]) => {
    const r = await server.cli(args);
    assert.equal(r.code, 0, `bootbench ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const hostOf = async (mac: string): Promise<Host> => {
    const hosts = JSON.parse(await cli(['hosts', '--json'])) as Host[];
    const host = hosts.find((h) => h.mac === mac);
    assert.ok(host, `${mac} not in ${JSON.stringify(hosts.map((h) => h.mac))}`);
    return host;
  };
  const waitForState = async (mac: string, state: Host['state'], timeoutMs = 30_000): Promise<Host> => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const host = await hostOf(mac);
      if (host.state === state) return host;
      if (Date.now() > end) assert.fail(`${mac} is ${host.state} (${host.failureReason ?? host.install?.lastStep ?? ''}), not ${state}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  };
  const newClient = (firmware: 'bios' | 'uefi' = 'bios') => {
    const c = new PxeClient({ lab, host: lab.host(seg, { mac: randomMac() }), serverIp: seg.serverIp, firmware });
    clients.push(c);
    return c;
  };

  before(async () => {
    dataDir = tempDataDir('flow');
    const iso = rockyIso(dataDir);
    lab = Lab.create('flow');
    seg = lab.segment('bbflow0', `${SUBNET}.1/24`);
    server = await startBootbench(
      lab,
      ['--interface', 'bbflow0', '--mode', 'dhcp', '--no-probe', '--install-timeouts', 'booting=4s'],
      dataDir,
    );
    distro = JSON.parse(await cli(['import', iso, '--json'])) as Distro;
    assert.equal(distro.family, 'rhel');
  });

  afterEach((t) => {
    // On failure, show what each client did and what the server said.
    if ((t as unknown as { passed?: boolean }).passed === false || process.env.BOOTBENCH_TEST_VERBOSE) {
      for (const c of clients) process.stderr.write(`--- client ${c.mac}\n${c.trace.join('\n')}\n`);
      process.stderr.write(`--- server output (tail)\n${(server?.output() ?? '').slice(-8000)}\n`);
    }
  });

  after(async () => {
    await server?.stop();
    lab?.destroy();
    if (dataDir) removeDir(dataDir);
  });

  test('discovered → waits → install → booting → installing → logs → installed → local disk', async () => {
    const client = newClient('bios');
    const scriptUrl = await client.powerOn();
    let action: ScriptAction = await client.script(scriptUrl);
    assert.equal(action.kind, 'wait', 'a discovered host waits in the iPXE loop');
    assert.equal((await hostOf(client.mac)).state, 'discovered');

    const queued = JSON.parse(await cli(['install', client.mac, '--distro', distro.id, '--json'])) as Host;
    assert.equal(queued.state, 'queued');
    assert.equal(queued.install?.distro, distro.id);

    // The wait loop's next poll gets the installer, without a reboot.
    action = await client.pollUntilNotWaiting(action, 30_000);
    assert.equal(action.kind, 'install');
    if (action.kind !== 'install') return;
    const ks = kernelArg(action.args, 'inst.ks');
    assert.match(ks ?? '', new RegExp(`^http://${seg.serverIp.replace(/\./g, '\\.')}/install/[A-Za-z0-9_-]{20,}/answer$`));
    assert.equal(kernelArg(action.args, 'inst.repo'), `http://${seg.serverIp}/iso/${distro.id}/`);
    assert.equal(kernelArg(action.args, 'inst.syslog'), `${seg.serverIp}:514`);

    await client.fetchInstaller(action);
    assert.equal((await waitForState(client.mac, 'booting')).install?.lastStep?.startsWith('initrd fetched'), true);

    const answer = await client.get(ks ?? '');
    assert.equal(answer.status, 200);
    assert.match(answer.body, /^%post/m, 'a kickstart with a %post section');
    await waitForState(client.mac, 'installing');

    const marker = `scripted-install-${randomBytes(4).toString('hex')}`;
    // `bootbench logs MAC --follow` shows the host's lines as they arrive.
    const follow = lab.spawn(lab.serverNs, NODE, [BIN, 'logs', client.mac, '--follow', '--data', dataDir]);
    const followed = watchOutput(follow);
    try {
      await followed.waitFor(/answer file fetched: installing/, 20_000); // the history first
      await client.syslog([`Starting installation ${marker}`, 'Running pre-installation scripts']);
      await followed.waitFor(new RegExp(`syslog.*anaconda: Starting installation ${marker}`), 20_000);
    } finally {
      follow.kill('SIGINT');
    }
    const end = Date.now() + 20_000;
    let timeline: LogEvent[] = [];
    while (Date.now() < end) {
      timeline = (await cli(['logs', client.mac, '--json']))
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as LogEvent);
      if (timeline.some((e) => e.source === 'syslog' && e.message.includes(marker))) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    const sources = new Set(timeline.map((e) => e.source));
    for (const source of ['dhcp', 'tftp', 'http', 'syslog', 'install'] as const)
      assert.ok(sources.has(source), `the timeline has ${source} lines: ${[...sources].join(', ')}`);
    assert.ok(
      timeline.some((e) => e.source === 'syslog' && e.message === `anaconda: Starting installation ${marker}`),
      'the syslog line, mapped to the host by its address',
    );
    const text = await cli(['logs', client.mac]);
    assert.match(text, new RegExp(marker));

    // The kickstart's last step reports "installed": call the URL it calls.
    const report = reportUrlIn(answer.body);
    assert.ok(report, 'the kickstart reports to Bootbench');
    assert.equal((await client.get(`${report}?event=installed`)).status, 200);
    const installed = await waitForState(client.mac, 'installed');
    assert.equal(installed.install?.progress, 1);

    // Its next network boot: the local disk (BIOS: sanboot of the first drive).
    const again = await client.script(await client.powerOn());
    assert.equal(again.kind, 'local');
    if (again.kind === 'local') assert.match(again.text, /sanboot --no-describe --drive 0x80/);
    // A report under the finished install's token changes nothing any more.
    assert.equal((await client.get(`${report}?event=failed`)).status, 404);
    assert.equal((await hostOf(client.mac)).state, 'installed');
  });

  test("a wrong token gets 404 and changes nothing; another host cannot take a host's script", async () => {
    const client = newClient('uefi');
    await client.script(await client.powerOn());
    await cli(['install', client.mac, '--distro', distro.id]);
    const forged = `http://${seg.serverIp}/install/${randomBytes(18).toString('base64url')}`;
    assert.equal((await client.get(`${forged}/report?event=installed`)).status, 404);
    assert.equal((await client.get(`${forged}/answer`)).status, 404);
    assert.equal((await hostOf(client.mac)).state, 'queued');

    // A neighbour asking for this host's script by MAC gets the wait script, not the token.
    const neighbour = newClient('bios');
    await neighbour.script(await neighbour.powerOn());
    const stolen = await neighbour.get(`http://${seg.serverIp}/ipxe/${client.mac.replace(/:/g, '-')}.ipxe`);
    assert.doesNotMatch(stolen.body, /\/install\//);
    await cli(['cancel', client.mac]);
  });

  test('cancel: the install ends cancelled, the host is discovered again and waits', async () => {
    const client = newClient('bios');
    const first = await client.script(await client.powerOn());
    await cli(['install', client.mac, '--distro', distro.id]);
    const cancelled = JSON.parse(await cli(['cancel', client.mac, '--json'])) as Host;
    // ★ Host states: Cancel gives back the state before the install was queued (issue 18, finding 2).
    assert.equal(cancelled.state, 'discovered');
    assert.equal(cancelled.failureCode, undefined, 'the host is not marked failed');
    assert.equal(cancelled.install?.stage, 'failed', "the install's result");
    assert.equal(cancelled.install?.failure?.code, 'cancelled');
    assert.equal(first.kind, 'wait');
    if (first.kind === 'wait') assert.equal((await client.script(first.pollUrl)).kind, 'wait');
    const nothing = await server.cli(['cancel', client.mac]);
    assert.equal(nothing.code, 1);
    assert.match(nothing.stderr, /has no queued or running install/);
  });

  test('a stage timeout fails the install with where it stopped', async () => {
    const client = newClient('bios');
    const first = await client.script(await client.powerOn());
    await cli(['install', client.mac, '--distro', distro.id]);
    const action = await client.pollUntilNotWaiting(first, 30_000);
    assert.equal(action.kind, 'install');
    if (action.kind !== 'install') return;
    await client.fetchInstaller(action); // booting; the answer file is never asked for
    const failed = await waitForState(client.mac, 'failed', 30_000);
    assert.equal(failed.failureCode, 'timeout-booting');
    assert.match(
      failed.failureReason ?? '',
      /kernel fetched .* ago, answer file never requested: the installer may lack a driver for this NIC/,
    );
    const timeline = await cli(['logs', client.mac]);
    assert.match(timeline, /install failed: timed out/);
  });
});
