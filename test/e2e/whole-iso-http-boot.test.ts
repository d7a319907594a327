// End to end: UEFI HTTP boot of a whole small ISO as a RAM disk. The ISO is neither installer nor
// live (→ imported as `whole-iso`), with an EFI El Torito image whose loader is a standalone GRUB
// that prints a marker on the console. OVMF with PXE off HTTP-boots Bootbench's iPXE and waits;
// told `iso:<id>` (POST /api/hosts/:mac/boot), its iPXE restarts it, its firmware's next DHCP gets
// http://S/iso/<id>.iso as the boot file, HttpBootDxe downloads it into a RAM disk (a virtual CD)
// and boots the ISO's own \EFI\BOOT\BOOTX64.EFI: the marker appears on the serial console.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lab, type Segment } from '../helpers/netns.js';
import { removeDir, startBootbench, tempDataDir, type RunningBootbench } from '../helpers/bootbench.js';
import { probeAccel, qemuUnavailable, startVm, vmMac, type Accel, type Vm } from '../helpers/qemu.js';
import { consoleTail, waitForStage } from '../helpers/vm-stage.js';
import { buildIso } from '../helpers/iso-build.js';
import type { Distro, LogEvent } from '../../electron/shared/contract.js';

const skip = qemuUnavailable();
if (skip) process.stdout.write(`# e2e whole-ISO HTTP boot skipped: ${skip}\n`);

const SERVER_IP = '10.231.206.1';
const MARKER = 'BOOTBENCH-ISO-LOADER-MARKER';

/** A small ISO with only an EFI El Torito image (FAT, \EFI\BOOT\BOOTX64.EFI = standalone GRUB that echoes MARKER). */
async function buildEfiOnlyIso(work: string): Promise<string> {
  const tree = join(work, 'tree');
  mkdirSync(join(tree, 'boot'), { recursive: true });
  writeFileSync(join(work, 'grub.cfg'), `echo ${MARKER}\nsleep 600\n`);
  writeFileSync(join(tree, 'README.TXT'), 'A firmware tool: neither an installer nor a live system.\n');
  const efi = join(work, 'BOOTX64.EFI');
  execFileSync('grub-mkstandalone', [
    '-O',
    'x86_64-efi',
    '-o',
    efi,
    '--locales=',
    '--fonts=',
    '--themes=',
    `boot/grub/grub.cfg=${join(work, 'grub.cfg')}`,
  ]);
  const img = join(tree, 'boot', 'efi.img');
  execFileSync('truncate', ['-s', '8M', img]);
  execFileSync('mformat', ['-i', img, '::']);
  execFileSync('mmd', ['-i', img, '::/EFI', '::/EFI/BOOT']);
  execFileSync('mcopy', ['-i', img, efi, '::/EFI/BOOT/BOOTX64.EFI']);
  const iso = join(work, 'efi-tool.iso');
  await buildIso(tree, iso, { volid: 'EFI_TOOL', joliet: true, extraArgs: ['-e', 'boot/efi.img', '-no-emul-boot'] });
  return iso;
}

describe('UEFI HTTP boot of a whole small ISO as a RAM disk reaches its own loader', { skip: skip ?? false, timeout: 1_200_000 }, () => {
  let accel: Accel = 'tcg';
  let lab: Lab;
  let seg: Segment;
  let server: RunningBootbench;
  let dataDir: string;
  let work: string;
  let distro: Distro;
  let vm: Vm | undefined;

  async function api(method: string, path: string, body?: unknown): Promise<unknown> {
    const ui = /^UI: (http:\/\/127\.0\.0\.1:\d+)\/\?token=(\S+)$/m.exec(server.output());
    assert.ok(ui?.[1] && ui[2], 'serve printed its UI address');
    const args = ['-sS', '-X', method, '-H', `Authorization: Bearer ${ui[2]}`, '-H', 'Content-Type: application/json', `${ui[1]}${path}`];
    if (body !== undefined) args.push('--data', JSON.stringify(body));
    const r = await lab.exec(lab.serverNs, 'curl', args, { timeoutMs: 30_000 });
    assert.equal(r.code, 0, `curl ${method} ${path}: ${r.stderr}`);
    const parsed = JSON.parse(r.stdout) as { error?: { message: string } };
    assert.ok(!parsed.error, `${method} ${path}: ${parsed.error?.message}`);
    return parsed;
  }

  before(async () => {
    accel = (await probeAccel()).accel;
    work = mkdtempSync(join(tmpdir(), 'bootbench-e2e-wholeiso-'));
    const iso = await buildEfiOnlyIso(work);
    dataDir = tempDataDir('e2e-wholeiso');
    lab = Lab.create('lvu');
    seg = lab.segment('lvu0', `${SERVER_IP}/24`);
    lab.run(lab.serverNs, 'sysctl', ['-qw', `net.ipv6.conf.${seg.name}.disable_ipv6=0`]);
    server = await startBootbench(lab, ['--interface', seg.name, '--mode', 'dhcp'], dataDir);
    distro = JSON.parse(await server.cliOk(['import', iso, '--json'], 60_000)) as Distro;
    assert.equal(distro.boot, 'whole-iso', `imported as a whole ISO: ${distro.bootReason}`);
    assert.match(distro.bootReason ?? '', /UEFI: the firmware HTTP-boots the \.iso as a RAM disk/);
  });

  after(async () => {
    await vm?.dispose().catch(() => undefined);
    await server?.stop();
    lab?.destroy();
    if (dataDir) removeDir(dataDir);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test(
    'HTTP boot → iPXE waits → iso:<id> → firmware HTTP-boots the .iso → its GRUB prints the marker',
    { timeout: 1_100_000 },
    async () => {
      const mac = vmMac(`wiso-1-${process.pid}`);
      vm = await startVm({
        ns: lab.serverNs,
        bridge: seg.name,
        name: 'wiso-1',
        firmware: 'uefi',
        uefiBoot: 'http',
        mac,
        accel,
        logDir: work,
        diskSizeMiB: 16,
        memMiB: 512,
      });
      const running = vm;
      const pathOf = (e: LogEvent) => String(e.data?.path ?? '');
      try {
        await waitForStage(running, { stage: 'wiso-1 waiting in the iPXE loop (uefi-http)', deadlineMs: 300_000 }, async () => {
          const host = (await server.hosts(60_000)).find((h) => h.mac === mac);
          if (host?.firmware !== 'uefi-http') return null;
          return (await server.timeline(mac, 60_000)).some((e) => e.kind === 'http.request' && pathOf(e).startsWith('/ipxe/'));
        });
        const toldAt = Date.now();
        await api('POST', `/api/hosts/${mac}/boot`, { entry: `iso:${distro.id}` });
        const clean = () => running.serialLog().replace(/\x1b\[[0-9;=?]*[A-Za-z]/g, '');
        await waitForStage(running, { stage: `the ISO's own GRUB printing ${MARKER}`, deadlineMs: 600_000 }, async () =>
          clean().includes(MARKER),
        );
        const t = await server.timeline(mac, 60_000);
        assert.ok(
          t.some((e) => e.kind === 'http.request' && pathOf(e) === `/iso/${distro.id}.iso`),
          'the firmware downloaded the whole .iso over HTTP',
        );
        assert.match(
          clean(),
          new RegExp(`http://${SERVER_IP.replace(/\./g, '\\.')}/iso/${distro.id}\\.iso`),
          'the firmware was handed the .iso URL',
        );
        process.stdout.write(
          `# wiso-1 (${accel}): the ISO's own loader ran ${((Date.now() - toldAt) / 1000).toFixed(0)} s after iso:${distro.id} was asked\n`,
        );
      } catch (e) {
        const timeline = await server
          .cli(['logs', mac])
          .then((r) => r.stdout)
          .catch(() => '(timeline unavailable)');
        process.stdout.write(`\n${consoleTail(running, 6000)}\n--- Bootbench timeline ---\n${timeline.slice(-5000)}\n`);
        throw e;
      }
    },
  );
});
