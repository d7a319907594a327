// First boot confirmed (issue 19), through the real `bootbench serve`: a scripted client installs
// (installer fetched, kickstart fetched, `installed` reported), then the kickstart's own first-boot
// setup line and unit script run in the client's namespace as the installed system would run them
// (in a private mount and UTS namespace, with tmpfs over the unit's directories: nothing of this
// machine is touched), and the host gets firstBoot and its timeline line. A replay, a foreign token
// and another report under the installed token are refused; a host whose first boot never comes is
// flagged overdue after `--install-timeouts firstboot=3s` and stays installed; a reinstall resets it.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { release } from 'node:os';
import { join } from 'node:path';
import { Lab, randomMac, type Segment } from '../../helpers/netns.js';
import { removeDir, startBootbench, tempDataDir, type RunningBootbench } from '../../helpers/bootbench.js';
import { PxeClient, reportUrlIn } from '../../helpers/pxe-client.js';
import type { Distro, Host, LogEvent } from '../../../electron/shared/contract.js';
import { loadManifest } from '../../fixtures/iso-layouts/manifest.js';

const SUBNET = '10.231.225';

function rockyIso(dir: string): string {
  const tree = join(dir, 'tree');
  mkdirSync(join(tree, 'images/pxeboot'), { recursive: true });
  const treeinfo = loadManifest('rocky-9.4-x86_64-dvd').files.find((f) => f.path.replace(/^\//, '') === '.treeinfo')?.content;
  if (!treeinfo) throw new Error('no .treeinfo in the rocky fixture');
  writeFileSync(join(tree, '.treeinfo'), treeinfo);
  writeFileSync(join(tree, 'images/pxeboot/vmlinuz'), randomBytes(64 * 1024));
  writeFileSync(join(tree, 'images/pxeboot/initrd.img'), randomBytes(64 * 1024));
  const iso = join(dir, 'Rocky-9.4-x86_64-dvd.iso');
  const r = spawnSync('xorriso', ['-as', 'mkisofs', '-R', '-J', '-V', 'Rocky-9-4-x86_64-dvd', '-o', iso, tree], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`xorriso failed: ${r.stderr}`);
  return iso;
}

// The installed system's first boot, emulated: the kickstart's %post line installs the unit, then
// what systemd's ExecStart would run runs. systemctl is a stub that records its calls.
const FIRST_BOOT = `set -e
setup=$(cat)
mount -t tmpfs bb-units /etc/systemd/system
mount -t tmpfs bb-sbin /usr/local/sbin
mkdir -p /tmp/bb-stub && mount -t tmpfs bb-stub /tmp/bb-stub
printf '#!/bin/sh\\necho "systemctl $*" >> /tmp/bb-stub/calls\\n' > /tmp/bb-stub/systemctl && chmod 755 /tmp/bb-stub/systemctl
export PATH=/tmp/bb-stub:$PATH
hostname fb-node-1
sh -c "$setup"
test -x /usr/local/sbin/bootbench-first-boot
test -L /etc/systemd/system/multi-user.target.wants/bootbench-first-boot.service
grep -q '^ExecStart=/usr/local/sbin/bootbench-first-boot$' /etc/systemd/system/bootbench-first-boot.service
/usr/local/sbin/bootbench-first-boot
for f in /usr/local/sbin/bootbench-first-boot /etc/systemd/system/bootbench-first-boot.service /etc/systemd/system/multi-user.target.wants/bootbench-first-boot.service; do
  if [ -e "$f" ]; then echo "left behind: $f"; exit 1; fi
done
cat /tmp/bb-stub/calls
echo unit-removed
`;

describe('first boot confirmed, through bootbench serve', { timeout: 300_000 }, () => {
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
    const host = (JSON.parse(await cli(['hosts', '--json'])) as Host[]).find((h) => h.mac === mac);
    assert.ok(host, `${mac} is not a host`);
    return host;
  };
  const waitFor = async (mac: string, what: string, ok: (h: Host) => boolean, timeoutMs = 20_000): Promise<Host> => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const host = await hostOf(mac);
      if (ok(host)) return host;
      if (Date.now() > end) assert.fail(`${mac}: never ${what}: ${JSON.stringify(host)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  const timeline = async (mac: string): Promise<LogEvent[]> =>
    (await cli(['logs', mac, '--json']))
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as LogEvent);
  const post = async (ns: string, url: string, fields: string[]) => {
    const r = await lab.exec(ns, 'curl', [
      '-sS',
      '-m',
      '20',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '-X',
      'POST',
      ...fields.flatMap((f) => ['--data-urlencode', f]),
      url,
    ]);
    return Number(r.stdout);
  };

  /** A client taken through a whole install: powered on, queued, installer and kickstart fetched, `installed` reported. */
  const installed = async (): Promise<{ client: PxeClient; ns: string; kickstart: string; report: string }> => {
    const labHost = lab.host(seg, { mac: randomMac() });
    const client = new PxeClient({ lab, host: labHost, serverIp: seg.serverIp, firmware: 'bios' });
    clients.push(client);
    const first = await client.script(await client.powerOn());
    await cli(['install', client.mac, '--distro', distro.id]);
    const action = await client.pollUntilNotWaiting(first, 30_000);
    assert.equal(action.kind, 'install');
    if (action.kind !== 'install') throw new Error('no installer');
    await client.fetchInstaller(action);
    const ks = action.args.find((a) => a.startsWith('inst.ks='))?.slice('inst.ks='.length) ?? '';
    const kickstart = (await client.get(ks)).body;
    const report = reportUrlIn(kickstart);
    assert.ok(report, 'the kickstart names its report URL');
    assert.equal((await client.get(`${report}?event=installed`)).status, 200);
    const host = await waitFor(client.mac, 'installed', (h) => h.state === 'installed');
    assert.equal(host.firstBoot, null, 'no first boot yet');
    assert.equal(host.firstBootOverdue, false);
    return { client, ns: labHost.ns, kickstart, report };
  };

  before(async () => {
    dataDir = tempDataDir('firstboot');
    const iso = rockyIso(dataDir);
    lab = Lab.create('fboot');
    seg = lab.segment('bbfboot0', `${SUBNET}.1/24`);
    server = await startBootbench(
      lab,
      ['--interface', 'bbfboot0', '--mode', 'dhcp', '--no-probe', '--no-dns', '--install-timeouts', 'firstboot=3s'],
      dataDir,
    );
    distro = JSON.parse(await cli(['import', iso, '--json'])) as Distro;
  });

  afterEach((t) => {
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

  test("the kickstart's unit reports the first boot once; replays, foreign tokens and other reports are refused; a reinstall resets it", async () => {
    const { client, ns, kickstart, report } = await installed();
    const setup = kickstart.split('\n').find((l) => l.startsWith('mkdir -p /usr/local/sbin'));
    assert.ok(setup, 'the kickstart has the first-boot setup line');

    const run = await lab.exec(ns, 'unshare', ['--mount', '--uts', 'sh', '-c', FIRST_BOOT], { input: setup, timeoutMs: 120_000 });
    assert.equal(run.code, 0, `the first-boot unit's script: ${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /bootbench first boot: answered 200/);
    assert.match(run.stdout, /systemctl daemon-reload/);
    assert.match(run.stdout, /unit-removed$/m);

    const host = await waitFor(client.mac, 'first boot confirmed', (h) => typeof h.firstBoot === 'string');
    assert.equal(host.state, 'installed');
    assert.ok(Date.now() - Date.parse(host.firstBoot ?? '') < 60_000, `firstBoot ${host.firstBoot} is now`);
    const line = (await timeline(client.mac)).find((e) => e.message.startsWith('first boot confirmed'));
    assert.equal(line?.message, `first boot confirmed: fb-node-1, kernel ${release()}`);
    assert.equal(line?.level, 'info');
    assert.match(await cli(['hosts']), new RegExp(`^${client.mac} .* installed .*  first boot: ${host.firstBoot}$`, 'm'));

    // A replay under the same token: refused, nothing changes.
    const url = `${report}?event=first-boot`;
    assert.equal(await post(ns, url, ['hostname=evil', 'kernel=0']), 409);
    // A foreign token: the same as no install at all.
    const foreign = report.replace(/\/install\/[^/]+\//, `/install/${randomBytes(18).toString('base64url')}/`);
    assert.equal(await post(ns, `${foreign}?event=first-boot`, ['hostname=evil', 'kernel=0']), 404);
    // The installed install's token takes no other report.
    assert.equal((await client.get(`${report}?event=failed`)).status, 404);
    assert.equal((await client.get(`${report}?event=start`)).status, 404);
    const after = await hostOf(client.mac);
    assert.equal(after.firstBoot, host.firstBoot);
    assert.equal(after.state, 'installed');
    assert.equal((await timeline(client.mac)).filter((e) => e.message.startsWith('first boot confirmed')).length, 1);

    // A reinstall: firstBoot is null again, and the old token takes nothing.
    const requeued = JSON.parse(await cli(['install', client.mac, '--distro', distro.id, '--json'])) as Host;
    assert.equal(requeued.firstBoot, null);
    assert.equal(await post(ns, url, ['hostname=fb-node-1', 'kernel=1']), 404);
    // Cancel gives back the installed system and its confirmed first boot.
    const back = JSON.parse(await cli(['cancel', client.mac, '--json'])) as Host;
    assert.equal(back.state, 'installed');
    assert.equal(back.firstBoot, host.firstBoot);
  });

  test('no first boot within firstboot=3s: a warning on the timeline and the host, the install stays installed', async () => {
    const { client, ns, report } = await installed();
    const host = await waitFor(client.mac, 'overdue', (h) => h.firstBootOverdue === true, 15_000);
    assert.equal(host.state, 'installed', 'not failed');
    assert.equal(host.failureCode, undefined);
    const warn = (await timeline(client.mac)).filter((e) => e.level === 'warn' && /no first boot reported/.test(e.message));
    assert.equal(warn.length, 1, 'one warning');
    assert.match(await cli(['hosts']), new RegExp(`^${client.mac} .* installed .*  first boot: not reported \\(overdue\\)$`, 'm'));
    assert.match(warn[0]?.message ?? '', /^no first boot reported 3 s after installed: .*the install itself is not failed$/);
    // A late first boot still counts, and clears the warning.
    assert.equal(await post(ns, `${report}?event=first-boot`, ['hostname=late-node', 'kernel=6.1.0-18-amd64']), 200);
    const late = await waitFor(client.mac, 'confirmed', (h) => typeof h.firstBoot === 'string');
    assert.equal(late.firstBootOverdue, false);
    assert.ok(
      (await timeline(client.mac)).some(
        (e) => e.message === 'first boot confirmed: late-node, kernel 6.1.0-18-amd64 (later than expected)',
      ),
    );
  });
});
