// The boot menu's routes through the real `bootbench serve`: a scripted BIOS PXE client (DHCP) makes
// the host known, curl fetches what iPXE and GRUB would. The host's script carries the menu; a choice
// at the machine (/ipxe/<mac>/choose/<entry>, grub/choose/<mac>/<entry>.cfg over TFTP) is on the
// timeline and in Host.lastBoot and answers what boots it; an installer chosen there is queued as a
// click would; "boot this next" (POST /api/hosts/:mac/boot) is taken by the next script fetch only.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Lab, type LabHost } from '../../helpers/netns.js';
import { REPO, removeDir, startBootbench, tempDataDir, type RunningBootbench } from '../../helpers/bootbench.js';
import { runScriptedClient } from '../../helpers/clients.js';
import { buildFakeRhelIso } from '../../helpers/installer-iso.js';
import type { Distro, Host, LogEvent } from '../../../electron/shared/contract.js';

const SERVER = '10.231.201.1';

describe('boot menu choices through bootbench serve', { timeout: 300_000 }, () => {
  let lab: Lab;
  let server: RunningBootbench | null = null;
  let dataDir: string;
  let client: LabHost;
  let distro: Distro;
  let dashed: string;

  before(async () => {
    const iso = (await buildFakeRhelIso()).iso;
    lab = Lab.create('mnui');
    const seg = lab.segment('mnuibr1', `${SERVER}/24`);
    client = lab.host(seg, { cidr: '10.231.201.9/24' });
    dataDir = tempDataDir('menu-choice');
    server = await startBootbench(lab, ['--interface', seg.name, '--mode', 'dhcp'], dataDir);
    distro = JSON.parse(await server.cliOk(['import', iso, '--json'], 120_000)) as Distro;
    dashed = client.mac.replace(/:/g, '-');
    const { replies } = await runScriptedClient(lab, client.ns, {
      mac: client.mac,
      flow: 'dora',
      vendorClass: 'PXEClient:Arch:00000:UNDI:002001',
      clientArch: 0,
    });
    assert.ok(
      replies.some((r) => r.type === 5),
      JSON.stringify(replies),
    );
  });

  after(async () => {
    await server?.stop();
    lab?.destroy();
    if (dataDir) removeDir(dataDir);
  });

  const get = async (url: string): Promise<string> => {
    const r = await lab.exec(client.ns, 'curl', ['-sS', '-f', url]);
    assert.equal(r.code, 0, `${url}: ${r.stderr}\n${server!.output().slice(-3000)}`);
    return r.stdout;
  };
  const hostOf = async (): Promise<Host> => (await server!.hosts(60_000)).find((h) => h.mac === client.mac)!;
  const timeline = (): Promise<LogEvent[]> => server!.timeline(client.mac, 60_000);
  const api = async (method: string, path: string, body: unknown): Promise<{ status: number; json: unknown }> => {
    const info = JSON.parse(readFileSync(join(dataDir, 'server.json'), 'utf8')) as { controlUrl: string; token: string };
    const r = await lab.exec(lab.serverNs, 'curl', [
      '-sS',
      '-X',
      method,
      '-H',
      `Authorization: Bearer ${info.token}`,
      '-H',
      'Content-Type: application/json',
      '--data',
      JSON.stringify(body),
      '-w',
      '\n%{http_code}',
      `${info.controlUrl}${path}`,
    ]);
    const lines = r.stdout.trimEnd().split('\n');
    const status = Number(lines.pop());
    return { status, json: JSON.parse(lines.join('\n') || 'null') };
  };

  test('the waiting host’s script carries the menu; memtest chosen at the machine is recorded and booted', async () => {
    const script = await get(`http://${SERVER}/ipxe/${dashed}.ipxe`);
    assert.match(script, /^menu Bootbench: /m);
    assert.ok(script.includes(`item --key 1 install:${distro.id} (1) Install`), script);
    assert.ok(script.includes('item --key t memtest (t) Memory test (memtest86+)'));
    assert.ok(script.includes('choose --timeout 10000 --default bb_wait bb_choice || goto bb_poll'), 'default: wait, 10 s');

    const memtest = await get(`http://${SERVER}/ipxe/${dashed}/choose/memtest`);
    assert.ok(memtest.includes(`kernel http://${SERVER}/boot/memtest-x64.bin console=ttyS0,115200`), memtest);
    const host = await hostOf();
    assert.equal(host.lastBoot?.entry, 'memtest');
    assert.equal(host.lastBoot?.chosenAt, 'machine');
    assert.equal(host.state, 'discovered');
    assert.ok((await timeline()).some((e) => e.kind === 'boot.menu-choice' && e.data?.entry === 'memtest'));

    // The bundled builds, over HTTP and TFTP, as in SHA256SUMS.
    const sums = readFileSync(join(REPO, 'assets', 'boot', 'SHA256SUMS'), 'utf8');
    for (const file of ['memtest-x64.bin', 'memtest-x64.efi']) {
      const r = await lab.exec(client.ns, 'sh', ['-c', `curl -sSf http://${SERVER}/boot/${file} | sha256sum`]);
      assert.ok(sums.includes(`${r.stdout.split(' ')[0]}  ${file}`), `${file}: ${r.stdout}`);
    }
    const t = await lab.exec(client.ns, 'sh', ['-c', `curl -sSf tftp://${SERVER}/memtest-x64.efi | sha256sum`]);
    assert.ok(sums.includes(`${t.stdout.split(' ')[0]}  memtest-x64.efi`));

    const refused = await get(`http://${SERVER}/ipxe/${dashed}/choose/install:nope`);
    assert.match(refused, /install:nope is not on this machine/);
    assert.ok(!(await timeline()).some((e) => e.kind === 'install.queued'));
  });

  test('GRUB: the menu file and a choice over TFTP', async () => {
    const menu = await get(`tftp://${SERVER}/grub/menu/${dashed}.cfg`);
    // This ISO has no signed chain of its own: not offered to a Secure Boot GRUB; memtest only without lockdown.
    assert.equal(distro.secureBoot, false);
    assert.ok(!menu.includes(`install:${distro.id}`), menu);
    assert.ok(menu.includes("--hotkey=t --id=memtest { source '(tftp,"), menu);
    const local = await get(`tftp://${SERVER}/grub/choose/${dashed}/local.cfg`);
    assert.match(local, /^exit 1$/m);
    assert.equal((await hostOf()).lastBoot?.entry, 'local');
  });

  test('"boot this next" from the app is taken by the next fetch only', async () => {
    const bad = await api('POST', `/api/hosts/${client.mac}/boot`, { entry: `install:${distro.id}` });
    assert.equal(bad.status, 400, JSON.stringify(bad.json));
    const ok = await api('POST', `/api/hosts/${client.mac}/boot`, { entry: 'reboot' });
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
    assert.equal((ok.json as Host).lastBoot?.chosenAt, 'app');
    const once = await get(`http://${SERVER}/ipxe/${dashed}.ipxe?poll=1`);
    assert.match(once, /^reboot$/m);
    const again = await get(`http://${SERVER}/ipxe/${dashed}.ipxe?poll=1`);
    assert.doesNotMatch(again, /^reboot$/m);
    const kinds = (await timeline()).map((e) => e.kind);
    assert.ok(kinds.includes('boot.next') && kinds.includes('boot.next-taken'), kinds.join(' '));
  });

  test('an installer chosen at the machine is queued and its answer boots the installer', async () => {
    const script = await get(`http://${SERVER}/ipxe/${dashed}/choose/install:${distro.id}`);
    assert.match(script, /^kernel http:\/\/.* \|\| goto bb_failed$/m);
    const host = await hostOf();
    assert.ok(['queued', 'booting'].includes(host.state), host.state);
    assert.equal(host.distro, distro.id);
    assert.equal(host.lastBoot?.entry, `install:${distro.id}`);
    const t = await timeline();
    assert.ok(t.some((e) => e.kind === 'install.queued'));
    await server!.cliOk(['cancel', client.mac], 60_000);
  });
});
