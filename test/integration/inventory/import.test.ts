// Inventory import, batch actions and stored reservations through the real `bootbench serve`, in a
// lab of network namespaces (subnet 10.231.215.0/24):
//   - a CSV of three MACs → three hosts queued with their installs, their reservations stored
//     (reservations.json) and live: three real DHCP clients (udhcpc ×2, dhclient) with those MACs get
//     their reserved addresses without a restart, one of them after it already held a pool lease;
//   - bad CSVs (a duplicate MAC, a malformed MAC, an address outside the subnet, an unknown distro,
//     an address a --reserve flag gives another machine) refused by line, with nothing applied: the
//     hosts, reservations.json and power.json unchanged;
//   - the CLI verbs (exit codes, --json, --dry-run) and the batch route with good and bad MACs;
//   - a restart: stored reservations outlive it, and a --reserve flag that disagrees wins, said at start.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Lab, type LabHost, type Segment } from '../../helpers/netns.js';
import { removeDir, startBootbench, tempDataDir, type RunningBootbench } from '../../helpers/bootbench.js';
import { dhclient, udhcpc } from '../../helpers/clients.js';
import type { BatchResult, Distro, InventoryImportResult, ReservationRecord, ServerInfo } from '../../../electron/shared/contract.js';
import { loadManifest } from '../../fixtures/iso-layouts/manifest.js';

const SUBNET = '10.231.215';
const BRIDGE = 'bbinv0';
const SECRET = 'inv-S3cret-pw';

function rockyIso(dir: string): string {
  const tree = join(dir, 'tree');
  mkdirSync(join(tree, 'images/pxeboot'), { recursive: true });
  mkdirSync(join(tree, 'BaseOS/Packages'), { recursive: true });
  const treeinfo = loadManifest('rocky-9.4-x86_64-dvd').files.find((f) => f.path.replace(/^\//, '') === '.treeinfo')?.content;
  if (!treeinfo) throw new Error('no .treeinfo in the rocky fixture');
  writeFileSync(join(tree, '.treeinfo'), treeinfo);
  writeFileSync(join(tree, 'images/pxeboot/vmlinuz'), randomBytes(512 * 1024));
  writeFileSync(join(tree, 'images/pxeboot/initrd.img'), randomBytes(512 * 1024));
  writeFileSync(join(tree, 'images/install.img'), randomBytes(64 * 1024));
  const iso = join(dir, 'Rocky-9.4-x86_64-dvd.iso');
  const r = spawnSync('xorriso', ['-as', 'mkisofs', '-R', '-J', '-V', 'Rocky-9-4-x86_64-dvd', '-o', iso, tree], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`xorriso failed: ${r.stderr}`);
  return iso;
}

describe('inventory import, batch and reservations', { timeout: 600_000 }, () => {
  let lab: Lab;
  let seg: Segment;
  let server: RunningBootbench;
  let dataDir: string;
  let distro: Distro;
  const machines: LabHost[] = [];
  // A fourth MAC that a --reserve flag gives .60: the CSV may not give .60 to anyone else.
  const FLAGGED = '52:54:00:21:5f:04';

  const csvFile = (name: string, text: string): string => {
    const path = join(dataDir, name);
    writeFileSync(path, text);
    return path;
  };
  const api = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> => {
    // The control API listens on loopback inside the server's namespace: curl it there.
    const info = JSON.parse(readFileSync(join(dataDir, 'server.json'), 'utf8')) as ServerInfo;
    const args = ['-s', '-w', '\n%{http_code}', '-X', method, '-H', `Authorization: Bearer ${info.token}`];
    if (body !== undefined) {
      const file = join(dataDir, 'body.json');
      writeFileSync(file, JSON.stringify(body));
      args.push('-H', 'Content-Type: application/json', '--data-binary', `@${file}`);
    }
    const r = await lab.exec(lab.serverNs, 'curl', [...args, `${info.controlUrl}${path}`]);
    const i = r.stdout.lastIndexOf('\n');
    return { status: Number(r.stdout.slice(i + 1)), json: JSON.parse(r.stdout.slice(0, i)) as unknown };
  };
  const snapshot = async () => ({
    hosts: JSON.stringify((await server.hosts()).map(({ lastSeen: _l, lastPolledAt: _p, ...h }) => h)),
    reservations: existsSync(join(dataDir, 'reservations.json')) ? readFileSync(join(dataDir, 'reservations.json'), 'utf8') : null,
    power: existsSync(join(dataDir, 'power.json')) ? readFileSync(join(dataDir, 'power.json'), 'utf8') : null,
  });

  before(async () => {
    dataDir = tempDataDir('inventory');
    const iso = rockyIso(dataDir);
    lab = Lab.create('invent');
    seg = lab.segment(BRIDGE, `${SUBNET}.1/24`);
    for (let i = 1; i <= 3; i += 1) machines.push(lab.host(seg, { mac: `52:54:00:21:5f:0${i}` }));
    server = await startBootbench(
      lab,
      ['--interface', BRIDGE, '--mode', 'dhcp', '--no-probe', '--no-dns', '--no-ra', '--reserve', `${FLAGGED}=${SUBNET}.60`],
      dataDir,
    );
    distro = JSON.parse(await server.cliOk(['import', iso, '--json'])) as Distro;
  });

  afterEach((t) => {
    if ((t as unknown as { passed?: boolean }).passed === false || process.env.BOOTBENCH_TEST_VERBOSE)
      process.stderr.write(`--- server output (tail)\n${(server?.output() ?? '').slice(-6000)}\n`);
  });

  after(async () => {
    await server?.stop();
    lab?.destroy();
    if (dataDir) removeDir(dataDir);
  });

  test('bad CSVs are refused by line, and nothing is applied (hosts, reservations.json, power.json)', async () => {
    const header = 'mac,hostname,ip,distro,power,bmc,bmc_user,bmc_password\n';
    const good = (n: number) => `52:54:00:21:5f:0${n},node-${n},${SUBNET}.5${n},${distro.id},ipmi,${SUBNET}.20${n},admin,${SECRET}\n`;
    const cases: { name: string; text: string; line: number; pattern: RegExp }[] = [
      {
        name: 'duplicate MAC',
        text: header + good(1) + good(2) + good(1).replace('node-1', 'node-9').replace('.51', '.59'),
        line: 4,
        pattern: /on line 2 already/,
      },
      {
        name: 'malformed MAC',
        text: header + good(1) + `52:54:00:21:5f,node-2,${SUBNET}.52,${distro.id},,,,\n`,
        line: 3,
        pattern: /not a MAC address/,
      },
      {
        name: 'outside the subnet',
        text: header + good(1) + good(2).replace(`${SUBNET}.52`, '10.231.216.52'),
        line: 3,
        pattern: /outside the served subnet 10\.231\.215\.0\/24/,
      },
      {
        name: 'unknown distro',
        text: header + good(1) + good(2) + good(3).replace(distro.id, 'no-such-distro-1'),
        line: 4,
        pattern: /distro no-such-distro-1: no such distro/,
      },
      {
        name: 'address a --reserve flag gives another MAC',
        text: header + good(1) + good(2).replace(`${SUBNET}.52`, `${SUBNET}.60`),
        line: 3,
        pattern: new RegExp(`reserved for ${FLAGGED} already \\(by --reserve\\)`),
      },
      {
        name: 'the flagged MAC given another address',
        text: `mac,ip\n${FLAGGED},${SUBNET}.61\n`,
        line: 2,
        pattern: /--reserve, which wins/,
      },
    ];
    const before = await snapshot();
    for (const c of cases) {
      const file = csvFile('bad.csv', c.text);
      const r = await server.cli(['hosts', 'import', file]);
      assert.equal(r.code, 1, `${c.name}: exit 1 (${r.stderr})`);
      assert.match(r.stderr, /Nothing was applied/, c.name);
      const line = r.stderr.split('\n').find((l) => l.includes(`line ${c.line}:`));
      assert.ok(line && c.pattern.test(line), `${c.name}: line ${c.line} ~ ${c.pattern} in\n${r.stderr}`);
      assert.doesNotMatch(r.stderr + r.stdout, new RegExp(SECRET), 'no password in any output');
      // --json: the problems on stdout too, machine-readable.
      const j = await server.cli(['hosts', 'import', file, '--json']);
      assert.equal(j.code, 1);
      const body = JSON.parse(j.stdout) as { error: { code: string; problems: { line: number; message: string }[] } };
      assert.equal(body.error.code, 'INVENTORY_INVALID');
      assert.ok(
        body.error.problems.some((p) => p.line === c.line && c.pattern.test(p.message)),
        c.name,
      );
      assert.deepEqual(await snapshot(), before, `${c.name}: nothing applied`);
    }
    // The route itself: 400 with every problem by line.
    const res = await api('POST', '/api/hosts/import', { csv: cases[0]!.text + 'zz,,,\n' });
    assert.equal(res.status, 400);
    const problems = (res.json as { error: { problems: { line: number }[] } }).error.problems;
    assert.deepEqual(
      problems.map((p) => p.line),
      [4, 5],
    );
    // A file larger than the API's usual 1 MiB body (comments here) is read, and checked like any other.
    const big = await api('POST', '/api/hosts/import', { csv: `${'# padding\n'.repeat(200_000)}mac\nzz\n` });
    assert.equal(big.status, 400, JSON.stringify(big.json).slice(0, 300));
    assert.deepEqual(
      (big.json as { error: { problems: { line: number }[] } }).error.problems.map((p) => p.line),
      [200_002],
    );
  });

  test('--dry-run checks every row and applies nothing', async () => {
    const before = await snapshot();
    const file = csvFile('dry.csv', `mac,hostname,ip,distro\n52:54:00:21:5f:01,node-1,${SUBNET}.51,${distro.id}\n`);
    const out = await server.cliOk(['hosts', 'import', file, '--dry-run']);
    assert.match(out, /nothing applied \(--dry-run\)/);
    const json = JSON.parse(await server.cliOk(['hosts', 'import', file, '--dry-run', '--json'])) as InventoryImportResult;
    assert.equal(json.applied, false);
    assert.equal(json.installsQueued, 1);
    assert.deepEqual(await snapshot(), before);
  });

  test('a CSV of three MACs: three hosts queued, reservations stored and live for three real DHCP clients', async () => {
    // Machine 1 already holds a pool address: the import must move it at its next DISCOVER, no restart.
    const early = await udhcpc(lab, machines[0]!.ns);
    assert.ok(early, 'machine 1 gets a pool lease before the import');
    assert.notEqual(early.ip, `${SUBNET}.51`);

    const csv =
      '\uFEFF# lab rack 3\r\n' +
      'mac,hostname,ip,distro,power,bmc,bmc_user,bmc_password\r\n' +
      `52-54-00-21-5F-01,node-1,${SUBNET}.51,${distro.id},ipmi,${SUBNET}.201,admin,"${SECRET}"\r\n` +
      '\r\n' +
      `52:54:00:21:5f:02,"node-2",${SUBNET}.52,${distro.id},wol,,,\r\n` +
      `52:54:00:21:5f:03,node-3,${SUBNET}.53,${distro.id},,,,\r\n`;
    const result = JSON.parse(await server.cliOk(['hosts', 'import', csvFile('rack.csv', csv), '--json'])) as InventoryImportResult;
    assert.equal(result.applied, true);
    assert.equal(result.installsQueued, 3);
    assert.equal(result.reservations, 3);
    assert.deepEqual(
      result.rows.map((r) => [r.line, r.mac, r.ip, r.powerMethod]),
      [
        [3, '52:54:00:21:5f:01', `${SUBNET}.51`, 'ipmi'],
        [5, '52:54:00:21:5f:02', `${SUBNET}.52`, 'wol'],
        [6, '52:54:00:21:5f:03', `${SUBNET}.53`, null],
      ],
    );

    const hosts = await server.hosts();
    for (let i = 1; i <= 3; i += 1) {
      const h = hosts.find((x) => x.mac === `52:54:00:21:5f:0${i}`);
      assert.ok(h, `host ${i} recorded`);
      assert.equal(h.state, 'queued');
      assert.equal(h.distro, distro.id);
      assert.equal(h.label, `node-${i}`);
      assert.equal(h.hostname, `node-${i}`, "the row's host name is the install's");
      assert.equal(h.install?.settings.hostname, `node-${i}`);
    }
    assert.equal(hosts.find((h) => h.mac === '52:54:00:21:5f:01')?.powerMethod, 'ipmi');

    const stored = JSON.parse(readFileSync(join(dataDir, 'reservations.json'), 'utf8')) as { reservations: { mac: string; ip: string }[] };
    assert.deepEqual(
      stored.reservations.map((r) => [r.mac, r.ip]),
      [1, 2, 3].map((i) => [`52:54:00:21:5f:0${i}`, `${SUBNET}.5${i}`]),
    );
    const power = readFileSync(join(dataDir, 'power.json'), 'utf8');
    assert.match(power, new RegExp(SECRET), 'the password is stored (power.json, 0600) …');
    const view = await api('GET', '/api/hosts/52:54:00:21:5f:01/power');
    assert.doesNotMatch(JSON.stringify(view.json), new RegExp(SECRET), '… and never shown');
    assert.equal((view.json as { ipmi: { passwordSet: boolean } }).ipmi.passwordSet, true);

    const listed = (await api('GET', '/api/reservations')).json as ReservationRecord[];
    assert.deepEqual(
      listed.map((r) => [r.mac, r.ip, r.source]),
      [[FLAGGED, `${SUBNET}.60`, 'flag'], ...[1, 2, 3].map((i) => [`52:54:00:21:5f:0${i}`, `${SUBNET}.5${i}`, 'inventory'])],
    );

    // Real DHCP clients with those MACs get their reserved addresses, without a restart.
    const l1 = await udhcpc(lab, machines[0]!.ns);
    const l2 = await udhcpc(lab, machines[1]!.ns);
    const l3 = await dhclient(lab, machines[2]!.ns);
    assert.equal(l1?.ip, `${SUBNET}.51`, 'machine 1 moved from its pool lease to its reservation');
    assert.equal(l2?.ip, `${SUBNET}.52`);
    assert.equal(l3?.ip, `${SUBNET}.53`);
    assert.doesNotMatch(server.output(), new RegExp(SECRET), 'no password in the server output');
  });

  test('batch: install and cancel on several MACs, each host its outcome, past the ones it cannot act on', async () => {
    const [a, b, unknown] = ['52:54:00:21:5f:11', '52:54:00:21:5f:12', '52:54:00:21:5f:13'];
    const queued = await server.cli(['install', a, b, '--distro', distro.id]);
    assert.equal(queued.code, 0, queued.stderr);
    assert.match(queued.stdout, new RegExp(`^${a}: queued \\(${distro.id}\\)$`, 'm'));
    assert.match(queued.stdout, new RegExp(`^${b}: queued \\(${distro.id}\\)$`, 'm'));

    // Cancel: a (queued) is cancelled, the unknown MAC and b-after-cancel fail; the batch goes on.
    const cancel = await server.cli(['cancel', a, unknown, b, '--json']);
    assert.equal(cancel.code, 1, 'exit 1: a host failed');
    const result = JSON.parse(cancel.stdout) as BatchResult;
    assert.deepEqual(
      result.results.map((r) => [r.mac, r.ok, r.error?.code ?? r.host?.state]),
      [
        [a, true, 'discovered'],
        [unknown, false, 'HOST_NOT_FOUND'],
        [b, true, 'discovered'],
      ],
    );
    const again = await server.cli(['cancel', a, b]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, new RegExp(`^${a}: FAILED: .*no queued or running install`, 'm'));
    assert.match(again.stderr, /2 of 2 hosts failed/);

    // Install with one MAC keeps its output; a bad distro fails every host, each said.
    const one = await server.cliOk(['install', a, '--distro', distro.id]);
    assert.match(one, /it installs at its next network boot/);
    const bad = await server.cli(['install', a, b, '--distro', 'no-such-1']);
    assert.equal(bad.code, 1);
    assert.equal(bad.stderr.match(/FAILED: No imported distro "no-such-1"/g)?.length, 2);
    // A word that is not a MAC refuses the command before anything is sent (exit 2).
    assert.equal((await server.cli(['cancel', a, 'not-a-mac'])).code, 2);
    assert.equal((await server.hosts()).find((h) => h.mac === a)?.state, 'queued', 'not cancelled by the refused command');

    // Wait policy through the route: each host's own policy is set; a MAC not seen yet is prepared
    // with it, as the single-host route does (PUT /api/hosts/:mac/wait-policy), for its first boot.
    const wp = await api('POST', '/api/hosts/batch', { macs: [a, unknown], action: 'wait-policy', policy: 'local' });
    assert.equal(wp.status, 200);
    const wr = (wp.json as BatchResult).results;
    assert.deepEqual(
      wr.map((r) => [r.mac, r.ok, r.host?.waitPolicy ?? r.error?.code]),
      [
        [a, true, 'local'],
        [unknown, true, 'local'],
      ],
    );
    assert.equal((await server.hosts()).find((h) => h.mac === unknown)?.waitPolicy, 'local', 'the unseen MAC is prepared');
  });

  test('a restart: stored reservations outlive it; a --reserve flag that disagrees wins, and the start says so', async () => {
    await server.stop();
    server = await startBootbench(
      lab,
      ['--interface', BRIDGE, '--mode', 'dhcp', '--no-probe', '--no-dns', '--no-ra', '--reserve', `52:54:00:21:5f:01=${SUBNET}.70`],
      dataDir,
    );
    assert.match(
      server.output(),
      /52:54:00:21:5f:01: --reserve gives it 10\.231\.215\.70, the stored reservation \(inventory\) 10\.231\.215\.51; the flag wins/,
    );
    const l1 = await udhcpc(lab, machines[0]!.ns);
    const l2 = await udhcpc(lab, machines[1]!.ns);
    assert.equal(l1?.ip, `${SUBNET}.70`, 'the flag wins');
    assert.equal(l2?.ip, `${SUBNET}.52`, 'the stored reservation outlived the restart');
    const listed = (await api('GET', '/api/reservations')).json as ReservationRecord[];
    assert.deepEqual(
      listed.map((r) => [r.mac, r.ip, r.source]),
      [
        ['52:54:00:21:5f:01', `${SUBNET}.70`, 'flag'],
        ['52:54:00:21:5f:02', `${SUBNET}.52`, 'inventory'],
        ['52:54:00:21:5f:03', `${SUBNET}.53`, 'inventory'],
      ],
    );
  });
});
