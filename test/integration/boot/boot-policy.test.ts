// The boot policy through the real `bootbench serve` and its CLI, with scripted PXE clients (DHCP,
// TFTP, iPXE's script over HTTP) in their own namespaces:
//   `bootbench policy` shows and sets what new machines do and the menu timeout; `hosts set` a
//   host's kernel arguments (before its first boot too) and wait policy; `distros set` a distro's;
//   under `install:<id>` a MAC seen for the first time is queued with no click and its installer's
//   kernel line carries the distro's arguments, then the host's; a host known before is left alone;
//   a removed distro leaves new machines waiting, with the reason on their timeline;
//   bad input (unknown distro, bad policy text, a line break or a lone quote in kernel arguments)
//   is refused with words, by the CLI and by the API; `serve --new-hosts` is stored, and refused
//   at start when its distro is not imported.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Lab, randomMac, type Segment } from '../../helpers/netns.js';
import { BIN, NODE, removeDir, startBootbench, tempDataDir, type RunningBootbench } from '../../helpers/bootbench.js';
import { kernelArg, PxeClient } from '../../helpers/pxe-client.js';
import type { Distro, Host, ServerStatus } from '../../../electron/shared/contract.js';
import { loadManifest } from '../../fixtures/iso-layouts/manifest.js';

const SUBNET = '10.231.210';
const BRIDGE = 'bbpol0';
const SERVE_ARGS = ['--interface', BRIDGE, '--mode', 'dhcp', '--no-probe', '--no-ra'];

/** A small Rocky-shaped ISO (its .treeinfo from the fixtures, random kernel and initrd): detected as rhel, queued like the real one. */
function rockyIso(dir: string): string {
  const tree = join(dir, 'tree');
  mkdirSync(join(tree, 'images/pxeboot'), { recursive: true });
  mkdirSync(join(tree, 'BaseOS/Packages'), { recursive: true });
  const treeinfo = loadManifest('rocky-9.4-x86_64-dvd').files.find((f) => f.path.replace(/^\//, '') === '.treeinfo')?.content;
  if (!treeinfo) throw new Error('no .treeinfo in the rocky fixture');
  writeFileSync(join(tree, '.treeinfo'), treeinfo);
  writeFileSync(join(tree, 'images/pxeboot/vmlinuz'), randomBytes(256 * 1024));
  writeFileSync(join(tree, 'images/pxeboot/initrd.img'), randomBytes(256 * 1024));
  writeFileSync(join(tree, 'images/install.img'), randomBytes(16 * 1024));
  const iso = join(dir, 'Rocky-9.4-x86_64-dvd.iso');
  const r = spawnSync('xorriso', ['-as', 'mkisofs', '-R', '-J', '-V', 'Rocky-9-4-x86_64-dvd', '-o', iso, tree], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`xorriso failed: ${r.stderr}`);
  return iso;
}

describe('the boot policy: new machines, per-host wait policy and kernel arguments', { timeout: 400_000 }, () => {
  let lab: Lab;
  let seg: Segment;
  let server: RunningBootbench;
  let dataDir: string;
  let distro: Distro;
  const clients: PxeClient[] = [];

  const cli = (args: string[]) => server.cliOk(args, 60_000);
  const json = async <T>(args: string[]): Promise<T> => JSON.parse(await cli([...args, '--json'])) as T;
  /** A verb that must fail with `code`: its stderr. */
  const refused = async (args: string[], code: number): Promise<string> => {
    const r = await server.cli(args, 60_000);
    assert.equal(r.code, code, `bootbench ${args.join(' ')} exits ${code}: ${r.stdout}${r.stderr}`);
    assert.equal(r.stdout, '', 'nothing on stdout');
    return r.stderr;
  };
  const hostOf = async (mac: string): Promise<Host | undefined> => (await server.hosts(60_000)).find((h) => h.mac === mac);
  const kindsOf = async (mac: string) => (await server.timeline(mac, 60_000)).map((e) => e.kind);
  /** The control API as a program calls it (curl in the server's namespace, the token from server.json): status and body. */
  const api = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> => {
    const info = JSON.parse(readFileSync(join(dataDir, 'server.json'), 'utf8')) as { controlUrl: string; token: string };
    const args = ['-sS', '-X', method, '-H', `Authorization: Bearer ${info.token}`, '-w', '\n%{http_code}'];
    if (body !== undefined) args.push('-H', 'Content-Type: application/json', '--data-binary', JSON.stringify(body));
    const r = await lab.exec(lab.serverNs, 'curl', [...args, `${info.controlUrl}${path}`], { timeoutMs: 30_000 });
    const cut = r.stdout.lastIndexOf('\n');
    const text = r.stdout.slice(0, cut);
    return { status: Number(r.stdout.slice(cut + 1)), body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  const newClient = (mac = randomMac()) => {
    const c = new PxeClient({ lab, host: lab.host(seg, { mac }), serverIp: seg.serverIp, firmware: 'bios' });
    clients.push(c);
    return c;
  };

  before(async () => {
    dataDir = tempDataDir('policy');
    const iso = rockyIso(dataDir);
    lab = Lab.create('bpol');
    seg = lab.segment(BRIDGE, `${SUBNET}.1/24`);
    server = await startBootbench(lab, SERVE_ARGS, dataDir);
    distro = await json<Distro>(['import', iso]);
    assert.equal(distro.family, 'rhel');
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

  test('the defaults: new machines wait, the menu waits 10 s (status and `bootbench policy`)', async () => {
    assert.equal(await cli(['policy']), 'New machines: wait\nBoot menu timeout: 10 s\n');
    assert.deepEqual(await json(['policy']), { newHosts: { action: 'wait', distro: null }, menu: { timeoutSeconds: 10 } });
    const status = (await api('GET', '/api/status')).body as unknown as ServerStatus;
    assert.deepEqual([status.newHosts, status.menu], [{ action: 'wait', distro: null }, { timeoutSeconds: 10 }]);
  });

  test('bad input is refused with words and changes nothing: CLI and API', async () => {
    const mac = randomMac();
    assert.match(await refused(['policy', '--new-hosts', 'sometimes'], 2), /--new-hosts must be wait, menu, local or install:DISTRO_ID/);
    assert.match(await refused(['policy', '--new-hosts', 'install:ghost-1'], 1), /No imported distro "ghost-1"/);
    for (const t of ['-1', 'ten', '3601', '1.5'])
      assert.match(await refused(['policy', `--menu-timeout=${t}`], 2), /--menu-timeout takes whole seconds from 0 to 3600/);
    assert.match(await refused(['hosts', 'set', mac, '--kernel-args', 'quiet\nsplash'], 2), /one line/);
    assert.match(await refused(['hosts', 'set', mac, '--kernel-args', 'title="a b'], 2), /in pairs/);
    assert.match(
      await refused(['hosts', 'set', mac, '--wait-policy', 'sometimes'], 2),
      /--wait-policy must be wait, menu, local or default/,
    );
    assert.match(await refused(['hosts', 'set', 'not-a-mac', '--wait-policy', 'menu'], 2), /not a MAC address/);
    assert.match(await refused(['hosts', 'set', mac], 2), /needs --kernel-args or --wait-policy/);
    assert.match(await refused(['hosts', '--kernel-args', 'x'], 2), /goes with `bootbench hosts set/);
    assert.match(await refused(['distros', 'set', 'ghost-1', '--kernel-args', 'nomodeset'], 1), /No imported distro "ghost-1"/);
    assert.match(await refused(['distros', 'set', distro.id, '--kernel-args', 'a\nb'], 2), /one line/);

    // The API checks the same, for any client: 400 with the field it is about.
    const newline = await api('PUT', `/api/hosts/${mac}/kernel-args`, { kernelArgs: 'quiet\nsplash' });
    assert.equal(newline.status, 400);
    const quote = await api('PUT', `/api/hosts/${mac}/kernel-args`, { kernelArgs: 'title="a b' });
    assert.equal(quote.status, 400);
    assert.deepEqual((quote.body.error as { code: string; field: unknown }).field, {
      name: 'kernelArgs',
      detail: 'kernel arguments take double quotes only in pairs (key="a b")',
    });
    const unknown = await api('PUT', '/api/boot/policy', { newHosts: { action: 'install', distro: 'ghost-1' } });
    assert.equal(unknown.status, 400);
    assert.equal((unknown.body.error as { code: string }).code, 'DISTRO_NOT_FOUND');
    for (const body of [
      { newHosts: { action: 'install', distro: null } },
      { newHosts: { action: 'menu', distro: 'x' } },
      { newHosts: { action: 'reboot', distro: null } },
      { menu: { timeoutSeconds: -1 } },
    ])
      assert.equal((await api('PUT', '/api/boot/policy', body)).status, 400, JSON.stringify(body));
    assert.equal((await api('PUT', `/api/hosts/${mac}/wait-policy`, { policy: 'install' })).status, 400);

    assert.equal(await hostOf(mac), undefined, 'no record was made for a refused change');
    assert.deepEqual(await json(['policy']), { newHosts: { action: 'wait', distro: null }, menu: { timeoutSeconds: 10 } });
  });

  test('install:<id>: a new MAC is queued at its first DHCP, no click; its kernel line has the distro args then the host args set before it booted', async () => {
    const known = newClient();
    await known.script(await known.powerOn()); // seen while new machines wait

    const d = await json<Distro>(['distros', 'set', distro.id, '--kernel-args', 'nomodeset']);
    assert.equal(d.kernelArgs, 'nomodeset');
    const mac = randomMac();
    const prepared = await json<Host>(['hosts', 'set', mac, '--kernel-args', 'console=ttyS0,115200n8 bb.rack="row 4"']);
    assert.equal(prepared.kernelArgs, 'console=ttyS0,115200n8 bb.rack="row 4"');
    assert.equal(prepared.state, 'discovered');

    assert.equal(
      await cli(['policy', '--new-hosts', `install:${distro.id}`, '--menu-timeout', '25']),
      `New machines: install:${distro.id}\nBoot menu timeout: 25 s\n`,
    );

    const client = newClient(mac);
    const action = await client.script(await client.powerOn());
    assert.equal(action.kind, 'install', `its first script boots the installer: ${client.trace.join('\n')}`);
    if (action.kind !== 'install') return;
    assert.ok(kernelArg(action.args, 'inst.ks'), 'the kickstart of its install');
    const at = action.args.indexOf('nomodeset');
    assert.deepEqual(action.args.slice(at, at + 3), ['nomodeset', 'console=ttyS0,115200n8', 'bb.rack="row 4"'], action.args.join(' '));
    assert.ok(at > action.args.indexOf('ip=dhcp'), "after the family's arguments");
    const host = await hostOf(mac);
    assert.equal(host?.install?.distro, distro.id);
    assert.deepEqual(host?.install?.settings, {}, 'the current settings, as a click on Install queues them');
    const kinds = await kindsOf(mac);
    assert.ok(kinds.includes('boot.policy-install'), kinds.join(' '));
    assert.ok(kinds.indexOf('boot.policy-install') < kinds.indexOf('install.queued'), 'the policy queued it');
    assert.match(
      (await cli(['logs', mac])).split('\n').find((l) => l.includes('queued by the policy')) ?? '',
      new RegExp(`queued by the policy for new machines \\(install ${distro.id.replace(/\./g, '\\.')}\\), no click needed`),
    );

    // The machine seen before the policy is left alone, however often it boots.
    assert.equal((await known.script(await known.powerOn())).kind, 'wait');
    assert.equal((await hostOf(known.mac))?.state, 'discovered');
    assert.ok(!(await kindsOf(known.mac)).includes('install.queued'));
    await cli(['cancel', mac]);
  });

  test('per-host wait policy: set before its first boot, it keeps the machine out of install:<id>; default follows the global one again', async () => {
    const mac = randomMac();
    const own = await json<Host>(['hosts', 'set', mac, '--wait-policy', 'local']);
    assert.equal(own.waitPolicy, 'local');
    assert.match((await cli(['hosts'])).split('\n').find((l) => l.startsWith(mac)) ?? '', /  waits: local$/, 'bootbench hosts shows it');
    const client = newClient(mac);
    await client.script(await client.powerOn());
    assert.equal((await hostOf(mac))?.state, 'discovered', 'its own wait policy wins over the policy for new machines');
    assert.match(await cli(['hosts', 'set', mac, '--wait-policy', 'default']), /waits as the global policy says/);
    assert.equal((await hostOf(mac))?.waitPolicy, null);
    const kinds = await kindsOf(mac);
    assert.equal(kinds.filter((k) => k === 'boot.wait-policy').length, 2);
    assert.ok(!kinds.includes('install.queued'), kinds.join(' '));
  });

  test('a removed distro: new machines wait, and their timeline says why', async () => {
    const removed = await api('DELETE', `/api/distros/${distro.id}`);
    assert.equal(removed.status, 200, JSON.stringify(removed.body));
    const client = newClient();
    assert.equal((await client.script(await client.powerOn())).kind, 'wait');
    assert.equal((await hostOf(client.mac))?.state, 'discovered');
    const line = (await server.timeline(client.mac)).find((e) => e.kind === 'boot.policy-waits');
    assert.equal(line?.level, 'warn');
    assert.match(line?.message ?? '', /is not imported; it waits for a click instead/);
    assert.doesNotMatch(server.output(), /internal error/);
    assert.equal((await api('GET', '/api/status')).status, 200);
  });

  test('serve --new-hosts: bad text and an unknown distro stop the start with words; a good one is stored', async () => {
    await server.stop();
    const serve = (args: string[]) =>
      lab.exec(lab.serverNs, NODE, [BIN, 'serve', '--data', dataDir, '--ui-port', '0', ...SERVE_ARGS, ...args], { timeoutMs: 60_000 });
    const bad = await serve(['--new-hosts', 'install']);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /--new-hosts must be wait, menu, local or install:DISTRO_ID/);
    const ghost = await serve(['--new-hosts', `install:${distro.id}`]); // removed above
    assert.notEqual(ghost.code, 0);
    assert.match(ghost.stderr, new RegExp(`--new-hosts install:${distro.id.replace(/\./g, '\\.')}: no imported distro has that id`));

    server = await startBootbench(lab, [...SERVE_ARGS, '--new-hosts', 'menu'], dataDir);
    assert.deepEqual(await json(['policy']), { newHosts: { action: 'menu', distro: null }, menu: { timeoutSeconds: 25 } });
    await server.stop();
    server = await startBootbench(lab, SERVE_ARGS, dataDir);
    assert.deepEqual(await json(['policy']), { newHosts: { action: 'menu', distro: null }, menu: { timeoutSeconds: 25 } }, 'kept');
  });
});
