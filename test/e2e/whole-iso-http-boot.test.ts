// End to end: UEFI HTTP boot of a whole small ISO as a RAM disk. The ISO is neither installer nor
// live (→ imported as `whole-iso`), with an EFI El Torito image whose loader is a standalone GRUB
// that prints a marker on the console. OVMF with PXE off HTTP-boots Bootbench's iPXE and waits;
// told `iso:<id>` (POST /api/hosts/:mac/boot), its iPXE restarts it, its firmware's next DHCP gets
// http://S/iso/<id>.iso as the boot file, HttpBootDxe downloads it into a RAM disk (a virtual CD)
// and boots the ISO's own \EFI\BOOT\BOOTX64.EFI: the marker appears on the serial console.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { qemuUnavailable, vmMac } from '../helpers/qemu.js';
import { buildIso } from '../helpers/iso-build.js';
import { VmLab } from '../helpers/vm-lab.js';
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
  let lab: VmLab | undefined;
  let distro: Distro;

  before(async () => {
    // IPv6 on the bridge: RAs end iPXE's IPv6 wait.
    lab = await VmLab.create({ tag: 'lvu', bridge: 'lvu0', cidr: `${SERVER_IP}/24`, ipv6: true, serve: ['--mode', 'dhcp'] });
    distro = await lab.importIso(await buildEfiOnlyIso(lab.work));
    assert.equal(distro.boot, 'whole-iso', `imported as a whole ISO: ${distro.bootReason}`);
    assert.match(distro.bootReason ?? '', /UEFI: the firmware HTTP-boots the \.iso as a RAM disk/);
  });

  after(async () => {
    await lab?.dispose();
  });

  test(
    'HTTP boot → iPXE waits → iso:<id> → firmware HTTP-boots the .iso → its GRUB prints the marker',
    { timeout: 1_100_000 },
    async () => {
      const l = lab!;
      const mac = vmMac(`wiso-1-${process.pid}`);
      const vm = await l.startVm({ name: 'wiso-1', firmware: 'uefi', uefiBoot: 'http', mac, diskSizeMiB: 16, memMiB: 512 });
      const watch = l.watch(mac);
      const pathOf = (e: LogEvent) => String(e.data?.path ?? '');
      const clean = () => vm.serialLog().replace(/\x1b\[[0-9;=?]*[A-Za-z]/g, '');
      let stage = 'wiso-1 waiting in the iPXE loop (uefi-http)';
      await watch.reporting(
        () => stage,
        async () => {
          await watch.waitFor(
            { stage, deadlineMs: 300_000 },
            () => watch.host?.firmware === 'uefi-http' && watch.has((e) => e.kind === 'http.request' && pathOf(e).startsWith('/ipxe/')),
          );
          const toldAt = Date.now();
          await l.api('POST', `/api/hosts/${mac}/boot`, { entry: `iso:${distro.id}` });
          stage = `the ISO's own GRUB printing ${MARKER}`;
          await watch.waitFor({ stage, deadlineMs: 600_000 }, () => clean().includes(MARKER));
          await watch.look();
          assert.ok(
            watch.has((e) => e.kind === 'http.request' && pathOf(e) === `/iso/${distro.id}.iso`),
            'the firmware downloaded the whole .iso over HTTP',
          );
          assert.match(
            clean(),
            new RegExp(`http://${SERVER_IP.replace(/\./g, '\\.')}/iso/${distro.id}\\.iso`),
            'the firmware was handed the .iso URL',
          );
          process.stdout.write(
            `# wiso-1 (${l.accel}): the ISO's own loader ran ${((Date.now() - toldAt) / 1000).toFixed(0)} s after iso:${distro.id} was asked\n`,
          );
        },
      );
    },
  );
});
