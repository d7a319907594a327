// The CLI's fast path (electron/core/cli-quick.ts) against a real `bootbench serve`: for
// `import`, `distros` and `hosts`, with and without --json, it prints exactly what the full CLI
// prints (BOOTBENCH_NO_QUICK=1 forces the full one); and everything it does not handle (a bad
// flag, --help, an unknown verb, an error answer, no server, a server.json that is stale or points
// elsewhere) gets the full CLI's own message and exit code.
//
// To prove that the fast path itself answered (and did not quietly fall through), the same verbs
// also run from a copy of the package that holds bin/bootbench.cjs and dist/cli-quick.cjs but no
// dist/cli.mjs: there, a fall-through can only print "dist/cli.mjs is missing".
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Lab, type LabHost, type RunResult } from '../helpers/netns.js';
import { BIN, ensureBuilt, NODE, REPO, removeDir, startBootbench, tempDataDir, type RunningBootbench } from '../helpers/bootbench.js';
import { runScriptedClient } from '../helpers/clients.js';
import type { Distro, Host } from '../../electron/shared/contract.js';

const TREEINFO = `[header]
type = productmd.treeinfo
version = 1.2

[release]
name = Rocky Linux
short = Rocky
version = 9.4

[tree]
arch = x86_64
platforms = x86_64
variants = BaseOS

[images-x86_64]
initrd = images/pxeboot/initrd.img
kernel = images/pxeboot/vmlinuz
`;

const MISSING = /^bootbench: dist\/cli\.mjs is missing/;

describe('bootbench fast path for import, distros and hosts', { timeout: 300_000 }, () => {
  let lab: Lab;
  let server: RunningBootbench;
  let dataDir: string;
  let client: LabHost;
  let iso: string;
  /** A copy of the package with the fast path but without the full CLI. */
  let quickOnly: string;

  /** `bootbench ARGS --data DIR` in the server namespace: the fast path when it applies, or the full CLI. */
  const cli = (args: string[], data = dataDir) => lab.exec(lab.serverNs, NODE, [BIN, ...args, '--data', data]);
  /** The same with the full CLI forced. */
  const full = (args: string[], data = dataDir) => lab.exec(lab.serverNs, 'env', ['BOOTBENCH_NO_QUICK=1', NODE, BIN, ...args, '--data', data]);
  /** Only the fast path: a fall-through ends in "dist/cli.mjs is missing". */
  const quick = (args: string[], data = dataDir) => lab.exec(lab.serverNs, NODE, [join(quickOnly, 'bin', 'bootbench.cjs'), ...args, '--data', data]);

  /** The full CLI's answer, then the same from the fast path and from the plain command: all alike. */
  async function assertSameAsFull(args: string[]): Promise<RunResult> {
    const want = await full(args);
    assert.equal(want.code, 0, `full CLI ${args.join(' ')}: ${want.stderr}`);
    const got = await quick(args);
    assert.equal(got.stderr, '', `the fast path answered ${args.join(' ')} itself`);
    assert.equal(got.code, 0);
    assert.equal(got.stdout, want.stdout, `fast path output of ${args.join(' ')}`);
    const plain = await cli(args);
    assert.deepEqual(plain, want, `bin/bootbench.cjs ${args.join(' ')}`);
    return want;
  }

  /** A case the fast path declines: bootbench gives the full CLI's message and code, and the quick-only copy falls through. */
  async function assertFallsThrough(args: string[], data = dataDir): Promise<RunResult> {
    const want = await full(args, data);
    const got = await cli(args, data);
    assert.deepEqual(got, want, `bin/bootbench.cjs ${args.join(' ')} is the full CLI's answer`);
    const declined = await quick(args, data);
    assert.match(declined.stderr, MISSING, `the fast path declined ${args.join(' ')}`);
    assert.equal(declined.stdout, '');
    return want;
  }

  before(async () => {
    dataDir = tempDataDir('quick');
    ensureBuilt(); // once per process: startBootbench below reuses this build
    quickOnly = join(dataDir, 'pkg');
    mkdirSync(join(quickOnly, 'bin'), { recursive: true });
    mkdirSync(join(quickOnly, 'dist'), { recursive: true });
    copyFileSync(BIN, join(quickOnly, 'bin', 'bootbench.cjs'));
    copyFileSync(join(REPO, 'dist', 'cli-quick.cjs'), join(quickOnly, 'dist', 'cli-quick.cjs'));

    const tree = join(dataDir, 'tree');
    mkdirSync(join(tree, 'images/pxeboot'), { recursive: true });
    writeFileSync(join(tree, '.treeinfo'), TREEINFO);
    writeFileSync(join(tree, 'images/pxeboot/vmlinuz'), randomBytes(256 * 1024));
    writeFileSync(join(tree, 'images/pxeboot/initrd.img'), randomBytes(512 * 1024));
    iso = join(dataDir, 'Rocky-9.4-x86_64-dvd.iso');
    const r = spawnSync('xorriso', ['-as', 'mkisofs', '-R', '-J', '-V', 'Rocky-9-4-x86_64-dvd', '-o', iso, tree], { encoding: 'utf8' });
    assert.equal(r.status, 0, `xorriso failed (apt-get install -y xorriso): ${r.stderr}`);

    lab = Lab.create('quick');
    const seg = lab.segment('bbquick0', '10.231.68.1/24');
    client = lab.host(seg);
    server = await startBootbench(lab, ['--interface', 'bbquick0', '--mode', 'dhcp', '--pool', '10.231.68.100-10.231.68.150', '--no-probe'], dataDir);
  });

  after(async () => {
    await server?.stop();
    lab?.destroy();
    if (dataDir) removeDir(dataDir);
  });

  test('empty lists: the same words from both paths', async () => {
    assert.match((await assertSameAsFull(['distros'])).stdout, /^No distros imported yet/);
    assert.equal((await assertSameAsFull(['distros', '--json'])).stdout, '[]\n');
    assert.match((await assertSameAsFull(['hosts'])).stdout, /^No hosts seen yet/);
    assert.equal((await assertSameAsFull(['hosts', '--json'])).stdout, '[]\n');
  });

  test('import, then distros: text and --json alike', async () => {
    // The first import goes through the fast path alone; later ones are idempotent re-imports.
    const first = await quick(['import', iso, '--json']);
    assert.equal(first.code, 0, first.stderr);
    const distro = JSON.parse(first.stdout) as Distro;
    assert.equal(distro.family, 'rhel');
    assert.equal(distro.iso, iso);
    const text = await assertSameAsFull(['import', iso]);
    assert.equal(text.stdout, `imported Rocky Linux 9.4 (x86_64) as ${distro.id}\n  kernel /images/pxeboot/vmlinuz\n  initrd /images/pxeboot/initrd.img\n`);
    assert.deepEqual(JSON.parse((await assertSameAsFull(['import', iso, '--json'])).stdout), distro);
    // --data=DIR is the same option to both.
    const eq = await lab.exec(lab.serverNs, NODE, [join(quickOnly, 'bin', 'bootbench.cjs'), 'distros', '--json', `--data=${dataDir}`]);
    assert.equal(eq.code, 0, eq.stderr);
    const table = await assertSameAsFull(['distros']);
    assert.match(table.stdout, new RegExp(`^${distro.id} +rhel +Rocky Linux 9\\.4 +x86_64 +ok +${iso.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    assert.deepEqual(JSON.parse((await assertSameAsFull(['distros', '--json'])).stdout), [distro]);
    assert.equal(eq.stdout, (await full(['distros', '--json'])).stdout);
  });

  test('import --verify: the checksum is checked and printed alike', async () => {
    const sum = createHash('sha256').update(readFileSync(iso)).digest('hex');
    writeFileSync(join(dataDir, 'SHA256SUMS'), `${sum}  ${basename(iso)}\n`);
    const got = JSON.parse((await assertSameAsFull(['import', iso, '--verify', '--json'])).stdout) as Distro;
    assert.equal(got.sha256, sum);
    await assertSameAsFull(['import', '--verify', iso]);
  });

  test('hosts, once a PXE client has been seen: text and --json alike', async () => {
    const r = await runScriptedClient(lab, client.ns, { mac: client.mac, flow: 'dora', vendorClass: 'PXEClient:Arch:00000:UNDI:002001', clientArch: 0, timeoutMs: 20_000 });
    assert.ok(r.replies.some((m) => m.type === 5), `no DHCPACK: ${JSON.stringify(r.replies)}`);
    const hosts = JSON.parse((await assertSameAsFull(['hosts', '--json'])).stdout) as Host[];
    assert.deepEqual(hosts.map((h) => h.mac), [client.mac]);
    const table = await assertSameAsFull(['hosts']);
    assert.match(table.stdout, new RegExp(`^${client.mac}  bios +x86 +10\\.231\\.68\\.1\\d\\d`, 'm'));
  });

  test('what the fast path does not handle gets the full CLI: bad flag, --help, stray argument, unknown verb', async () => {
    const bad = await assertFallsThrough(['import', iso, '--bogus']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^bootbench: Unknown option '--bogus'/);
    const help = await assertFallsThrough(['distros', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Bootbench .*\n\nUsage:/);
    const two = await assertFallsThrough(['import', iso, iso]);
    assert.equal(two.code, 2);
    assert.match(two.stderr, /import takes one ISO file/);
    const verify = await assertFallsThrough(['hosts', '--verify']);
    assert.equal(verify.code, 2);
    const unknown = await assertFallsThrough(['frobnicate']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^bootbench: unknown command "frobnicate"/);
  });

  /** An error answer: the fast path reports it itself (no second request), in the full CLI's words and code. */
  async function assertSameErrorAsFull(args: string[]): Promise<RunResult> {
    const want = await full(args);
    assert.notEqual(want.code, 0);
    const got = await quick(args);
    assert.doesNotMatch(got.stderr, MISSING, `the fast path answered ${args.join(' ')} itself`);
    assert.deepEqual(got, want, `fast path error for ${args.join(' ')}`);
    assert.deepEqual(await cli(args), want, `bin/bootbench.cjs ${args.join(' ')}`);
    return want;
  }

  test('an error answer from the server: the fast path says what the full CLI says, asking once', async () => {
    const gone = await assertSameErrorAsFull(['import', join(dataDir, 'no-such.iso')]);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /^bootbench: The Bootbench server answered 4\d\d: .*no-such\.iso/);
    const junk = join(dataDir, 'junk.iso');
    writeFileSync(junk, randomBytes(100_000));
    const notIso = await assertSameErrorAsFull(['import', junk, '--json']);
    assert.equal(notIso.code, 1);
    assert.match(notIso.stderr, /Cannot import .*junk\.iso/);
  });

  test('no server, a stale server.json, one that points elsewhere: the full CLI words it', async () => {
    const empty = tempDataDir('quick-none');
    try {
      const none = await assertFallsThrough(['distros'], empty);
      assert.equal(none.code, 1);
      assert.match(none.stderr, /^bootbench: No Bootbench server is running for data folder/);
      const info = JSON.parse(readFileSync(join(dataDir, 'server.json'), 'utf8')) as Record<string, unknown>;
      // A crashed server's file: its pid no longer exists (pids stay far below 2^22 on Linux).
      writeFileSync(join(empty, 'server.json'), JSON.stringify({ ...info, pid: 4_194_303 + 1000 }), { mode: 0o600 });
      const stale = await assertFallsThrough(['hosts', '--json'], empty);
      assert.equal(stale.code, 1);
      assert.match(stale.stderr, /No Bootbench server is running/);
      // A live pid, but a control URL off loopback: the token must not go there, and the full CLI refuses the file.
      writeFileSync(join(empty, 'server.json'), JSON.stringify({ ...info, pid: process.pid, controlUrl: 'http://10.231.68.1:80' }), { mode: 0o600 });
      const elsewhere = await assertFallsThrough(['import', iso], empty);
      assert.equal(elsewhere.code, 1);
      assert.match(elsewhere.stderr, /server\.json is malformed \(controlUrl: not http:\/\/127\.0\.0\.1:PORT\)/);
      // Alive pid, loopback, but nothing listens there: the full CLI's "not running".
      writeFileSync(join(empty, 'server.json'), JSON.stringify({ ...info, pid: process.pid, controlUrl: 'http://127.0.0.1:1' }), { mode: 0o600 });
      const refused = await assertFallsThrough(['distros', '--json'], empty);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /No Bootbench server is running/);
    } finally {
      removeDir(empty);
    }
  });
});
