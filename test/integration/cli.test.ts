// The client verbs `import`, `distros` and `hosts` against a real `bootbench serve`, as a user
// runs them (bin/bootbench.mjs): what they print, as text and with --json; what a bad argument,
// --help or an unknown verb gets; the server's error answers in its words; and no server, a stale
// server.json or one that points off loopback, each with its message and exit code. Last, the
// command run from a folder where `npm run build` has not been run says so.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Lab, type LabHost, type RunResult } from '../helpers/netns.js';
import { BIN, NODE, removeDir, startBootbench, tempDataDir, type RunningBootbench } from '../helpers/bootbench.js';
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

const DISTROS_HEADER = 'ID                           FAMILY   NAME                         ARCH     STATUS   ISO';
const HOSTS_HEADER = 'MAC                FIRMWARE  ARCH    IP              STATE       LAST SEEN';

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('bootbench import, distros and hosts against a running server', { timeout: 300_000 }, () => {
  let lab: Lab;
  let server: RunningBootbench;
  let dataDir: string;
  let client: LabHost;
  let iso: string;

  /** `bootbench ARGS --data DIR` in the server namespace. */
  const cli = (args: string[], data = dataDir) => lab.exec(lab.serverNs, NODE, [BIN, ...args, '--data', data]);

  /** A verb that succeeds: exit 0, nothing on stderr; its stdout. */
  async function ok(args: string[], data = dataDir): Promise<string> {
    const r = await cli(args, data);
    assert.equal(r.stderr, '', `bootbench ${args.join(' ')}`);
    assert.equal(r.code, 0, `bootbench ${args.join(' ')}`);
    return r.stdout;
  }

  /** --json: one JSON value, indented by two spaces, and a newline (what scripts parse). */
  async function okJson<T>(args: string[], data = dataDir): Promise<T> {
    const out = await ok(args, data);
    const value = JSON.parse(out) as T;
    assert.equal(out, `${JSON.stringify(value, null, 2)}\n`, `bootbench ${args.join(' ')} prints indented JSON`);
    return value;
  }

  /** A verb that fails: the exit code, nothing on stdout, and stderr. */
  async function fails(args: string[], code: number, data = dataDir): Promise<RunResult> {
    const r = await cli(args, data);
    assert.equal(r.stdout, '', `bootbench ${args.join(' ')} prints nothing on stdout`);
    assert.equal(r.code, code, `bootbench ${args.join(' ')}: ${r.stderr}`);
    return r;
  }

  before(async () => {
    dataDir = tempDataDir('cli');
    const tree = join(dataDir, 'tree');
    mkdirSync(join(tree, 'images/pxeboot'), { recursive: true });
    writeFileSync(join(tree, '.treeinfo'), TREEINFO);
    writeFileSync(join(tree, 'images/pxeboot/vmlinuz'), randomBytes(256 * 1024));
    writeFileSync(join(tree, 'images/pxeboot/initrd.img'), randomBytes(512 * 1024));
    iso = join(dataDir, 'Rocky-9.4-x86_64-dvd.iso');
    const r = spawnSync('xorriso', ['-as', 'mkisofs', '-R', '-J', '-V', 'Rocky-9-4-x86_64-dvd', '-o', iso, tree], { encoding: 'utf8' });
    assert.equal(r.status, 0, `xorriso failed (apt-get install -y xorriso): ${r.stderr}`);

    lab = Lab.create('cli');
    const seg = lab.segment('bbcli0', '10.231.68.1/24');
    client = lab.host(seg);
    server = await startBootbench(
      lab,
      ['--interface', 'bbcli0', '--mode', 'dhcp', '--pool', '10.231.68.100-10.231.68.150', '--no-probe'],
      dataDir,
    );
  });

  after(async () => {
    await server?.stop();
    lab?.destroy();
    if (dataDir) removeDir(dataDir);
  });

  test('empty lists: a sentence that says what to do, or []', async () => {
    assert.equal(await ok(['distros']), 'No distros imported yet: bootbench import FILE.iso (or drag an ISO onto the window).\n');
    assert.equal(await ok(['distros', '--json']), '[]\n');
    assert.equal(await ok(['hosts']), 'No hosts seen yet: power on a machine set to boot from the network.\n');
    assert.equal(await ok(['hosts', '--json']), '[]\n');
  });

  test('import, then distros: text and --json', async () => {
    const distro = await okJson<Distro>(['import', iso, '--json']);
    assert.equal(distro.family, 'rhel');
    assert.equal(distro.iso, iso);
    // A re-import of the unchanged file is the same distro, in text and in JSON.
    assert.equal(
      await ok(['import', iso]),
      `imported Rocky Linux 9.4 (x86_64) as ${distro.id}\n  kernel /images/pxeboot/vmlinuz\n  initrd /images/pxeboot/initrd.img\n` +
        `  Secure Boot ${distro.secureBoot ? 'yes' : 'no'}: ${distro.secureBootReason}\n`,
    );
    assert.deepEqual(await okJson<Distro>(['import', iso, '--json']), distro);
    const row = `${distro.id.padEnd(28)} rhel     ${'Rocky Linux 9.4'.padEnd(28)} x86_64   ok       ${iso}`;
    assert.equal(await ok(['distros']), `${DISTROS_HEADER}\n${row}\n`);
    assert.deepEqual(await okJson<Distro[]>(['distros', '--json']), [distro]);
    // --data=DIR is the same option as --data DIR.
    const eq = await lab.exec(lab.serverNs, NODE, [BIN, 'distros', '--json', `--data=${dataDir}`]);
    assert.deepEqual(eq, { code: 0, stdout: `${JSON.stringify([distro], null, 2)}\n`, stderr: '' });
  });

  test('import --verify: the checksum is checked and printed', async () => {
    const sum = createHash('sha256').update(readFileSync(iso)).digest('hex');
    writeFileSync(join(dataDir, 'SHA256SUMS'), `${sum}  ${basename(iso)}\n`);
    const got = await okJson<Distro>(['import', iso, '--verify', '--json']);
    assert.equal(got.sha256, sum);
    assert.match(await ok(['import', '--verify', iso]), new RegExp(`^imported Rocky Linux 9\\.4 \\(x86_64\\) as ${escape(got.id)}\n`));
  });

  test('hosts, once a PXE client has been seen: text and --json', async () => {
    const r = await runScriptedClient(lab, client.ns, {
      mac: client.mac,
      flow: 'dora',
      vendorClass: 'PXEClient:Arch:00000:UNDI:002001',
      clientArch: 0,
      timeoutMs: 20_000,
    });
    assert.ok(
      r.replies.some((m) => m.type === 5),
      `no DHCPACK: ${JSON.stringify(r.replies)}`,
    );
    const hosts = await okJson<Host[]>(['hosts', '--json']);
    assert.deepEqual(
      hosts.map((h) => h.mac),
      [client.mac],
    );
    const [host] = hosts as [Host];
    assert.equal(
      await ok(['hosts']),
      `${HOSTS_HEADER}\n${host.mac}  bios      x86     ${(host.ip ?? '').padEnd(15)} discovered  ${host.lastSeen}\n`,
    );
    assert.match(host.ip ?? '', /^10\.231\.68\.1\d\d$/);
  });

  test('a bad flag, --help, a stray argument, an unknown verb: usage words and exit codes', async () => {
    const bad = await fails(['import', iso, '--bogus'], 2);
    assert.match(bad.stderr, /^bootbench: Unknown option '--bogus'/);
    const help = await cli(['distros', '--help']);
    assert.equal(help.code, 0);
    assert.equal(help.stderr, '');
    assert.match(help.stdout, /^Bootbench .*\n\nUsage:\n(.*\n)*  bootbench import FILE\.iso \[--verify\] \[--json\]\n/);
    const two = await fails(['import', iso, iso], 2);
    assert.match(two.stderr, /^bootbench: import takes one ISO file: bootbench import FILE\.iso\n$/);
    const verify = await fails(['hosts', '--verify'], 2);
    assert.match(verify.stderr, /^bootbench: Unknown option '--verify'/);
    const unknown = await fails(['frobnicate'], 2);
    assert.match(unknown.stderr, /^bootbench: unknown command "frobnicate"/);
  });

  test('an error answer from the server: its words, exit 1', async () => {
    const gone = await fails(['import', join(dataDir, 'no-such.iso')], 1);
    assert.match(gone.stderr, /^bootbench: The Bootbench server answered 4\d\d: .*no-such\.iso/);
    const junk = join(dataDir, 'junk.iso');
    writeFileSync(junk, randomBytes(100_000));
    const notIso = await fails(['import', junk, '--json'], 1);
    assert.match(notIso.stderr, /^bootbench: .*Cannot import .*junk\.iso/);
  });

  test('no server, a stale server.json, one that points elsewhere: each said, exit 1', async () => {
    const empty = tempDataDir('cli-none');
    try {
      const none = await fails(['distros'], 1, empty);
      assert.match(none.stderr, /^bootbench: No Bootbench server is running for data folder/);
      const info = JSON.parse(readFileSync(join(dataDir, 'server.json'), 'utf8')) as Record<string, unknown>;
      // A crashed server's file: its pid no longer exists (pids stay far below 2^22 on Linux).
      writeFileSync(join(empty, 'server.json'), JSON.stringify({ ...info, pid: 4_194_303 + 1000 }), { mode: 0o600 });
      const stale = await fails(['hosts', '--json'], 1, empty);
      assert.match(stale.stderr, /^bootbench: No Bootbench server is running/);
      // A live pid, but a control URL off loopback: the token must not go there, and the file is refused.
      writeFileSync(join(empty, 'server.json'), JSON.stringify({ ...info, pid: process.pid, controlUrl: 'http://10.231.68.1:80' }), {
        mode: 0o600,
      });
      const elsewhere = await fails(['import', iso], 1, empty);
      assert.match(elsewhere.stderr, /server\.json is malformed \(controlUrl: not http:\/\/127\.0\.0\.1:PORT\)/);
      // Alive pid, loopback, but nothing listens there: "not running".
      writeFileSync(join(empty, 'server.json'), JSON.stringify({ ...info, pid: process.pid, controlUrl: 'http://127.0.0.1:1' }), {
        mode: 0o600,
      });
      const refused = await fails(['distros', '--json'], 1, empty);
      assert.match(refused.stderr, /^bootbench: No Bootbench server is running/);
    } finally {
      removeDir(empty);
    }
  });

  test('the command in a folder that was never built says to run npm run build', async () => {
    const pkg = join(dataDir, 'unbuilt');
    mkdirSync(join(pkg, 'bin'), { recursive: true });
    copyFileSync(BIN, join(pkg, 'bin', basename(BIN)));
    const got = await lab.exec(lab.serverNs, NODE, [join(pkg, 'bin', basename(BIN)), 'distros']);
    assert.deepEqual(got, {
      code: 1,
      stdout: '',
      stderr: 'bootbench: dist/cli.mjs is missing. Run `npm run build` in the bootbench folder first.\n',
    });
  });
});
