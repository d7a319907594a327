// The Secure Boot bench's VM and its reference lab (bench/boot/secure-bench.ts).
//
// The VM: one QEMU command line for every case, the reference lab's own (../shared/lab/pxe/
// 80-secure-boot.sh): q35 with SMM, virtio-net with OVMF's own PXE client (`romfile=` empty), no
// disk, 1 vCPU. Secure Boot on: OVMF_CODE_4M.secboot.fd + a fresh copy of OVMF_VARS_4M.ms.fd
// (Microsoft's keys enrolled) with its flash writable from SMM only (cfi.pflash01 secure=on).
// Secure Boot off (the iPXE case; iPXE is unsigned and refused under Secure Boot): the plain
// OVMF_CODE_4M.fd + a fresh OVMF_VARS_4M.fd (no keys), same machine otherwise (the `secure`
// global is left out: the non-SMM build could not write its vars through it).
//
// The reference lab: 80-secure-boot.sh's dnsmasq + HTTP configuration reproduced here (its
// namespace and subnet are fixed, sbref / 10.231.99.0/24, and it polls the log once a second), with
// the same files: d-i's signed shim (bootnetx64.efi) offered by DHCP, grubx64.efi at the TFTP root
// too (the shim asks for it there), GRUB's grub.cfg with `set timeout=1` and the kernel + initrd
// over TFTP (its default GRUBMODE), `python3 -m http.server` serving preseed.cfg.
import { copyFileSync, cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { Lab, Segment } from '../../test/helpers/netns.js';
import type { Accel } from '../../test/helpers/qemu.js';
import { Follower } from './follower.js';

export const DI_DIR = '/usr/lib/debian-installer/images/12/amd64/text/debian-installer';
const OVMF = '/usr/share/OVMF';

export interface SecureVm {
  child: ChildProcess;
  startedAt: number;
  serial: Follower;
  serialPath: string;
}

let taps = 0;

/** Starts the VM in `lab`'s server namespace on `seg`; lab.destroy() kills it if the caller cannot. */
export function startSecureVm(
  lab: Lab,
  seg: Segment,
  o: { name: string; mac: string; secureBoot: boolean; accel: Accel; memMiB: number; dir: string },
): SecureVm {
  taps += 1;
  const tap = `bbsb${process.pid % 10000}t${taps}`.slice(0, 15);
  lab.run(lab.serverNs, 'ip', ['tuntap', 'add', 'dev', tap, 'mode', 'tap']);
  lab.run(lab.serverNs, 'ip', ['link', 'set', tap, 'master', seg.name]);
  lab.run(lab.serverNs, 'ip', ['link', 'set', tap, 'up']);
  const vars = join(o.dir, `${o.name}.vars.fd`);
  copyFileSync(join(OVMF, o.secureBoot ? 'OVMF_VARS_4M.ms.fd' : 'OVMF_VARS_4M.fd'), vars);
  const serialPath = join(o.dir, `${o.name}.serial.log`);
  writeFileSync(serialPath, '');
  const serial = new Follower(serialPath);
  const args = [
    '-name',
    o.name,
    '-accel',
    o.accel,
    '-m',
    String(o.memMiB),
    '-smp',
    '1',
    '-nodefaults',
    '-display',
    'none',
    '-vga',
    'none',
    '-monitor',
    'none',
    '-serial',
    `file:${serialPath}`,
    '-netdev',
    `tap,id=n0,ifname=${tap},script=no,downscript=no`,
    '-device',
    `virtio-net-pci,romfile=,netdev=n0,mac=${o.mac},bootindex=1`,
    '-machine',
    'q35,smm=on',
    ...(o.secureBoot ? ['-global', 'driver=cfi.pflash01,property=secure,value=on'] : []),
    '-drive',
    `if=pflash,format=raw,unit=0,readonly=on,file=${join(OVMF, o.secureBoot ? 'OVMF_CODE_4M.secboot.fd' : 'OVMF_CODE_4M.fd')}`,
    '-drive',
    `if=pflash,format=raw,unit=1,file=${vars}`,
  ];
  const child = lab.spawn(lab.serverNs, 'qemu-system-x86_64', args);
  child.stdout?.resume();
  child.stderr?.resume();
  return { child, startedAt: Date.now(), serial, serialPath };
}

export async function stopSecureVm(vm: SecureVm): Promise<void> {
  vm.serial.stop();
  if (vm.child.exitCode === null) {
    const gone = new Promise((r) => vm.child.once('exit', r));
    vm.child.kill('SIGKILL');
    await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
  }
}

export interface RefSecureLab {
  work: string;
  dnsmasqLog: string;
  httpLog: string;
  serverIp: string;
}

/** 80-secure-boot.sh's servers (GRUBMODE=tftp), in `lab` on `seg`, files under `work`. */
export function startRefSecureLab(lab: Lab, seg: Segment, work: string): RefSecureLab {
  const ip = seg.serverIp;
  const tftp = join(work, 'tftp');
  const http = join(work, 'http');
  mkdirSync(http, { recursive: true });
  mkdirSync(tftp, { recursive: true });
  cpSync(DI_DIR, join(tftp, 'debian-installer'), { recursive: true });
  copyFileSync(join(tftp, 'debian-installer', 'amd64', 'grubx64.efi'), join(tftp, 'grubx64.efi'));
  writeFileSync(
    join(tftp, 'debian-installer', 'amd64', 'grub', 'grub.cfg'),
    `set timeout=1
set default=0
menuentry 'reference' {
  linux /debian-installer/amd64/linux console=ttyS0,115200n8 auto=true priority=critical url=http://${ip}:8080/preseed.cfg ---
  initrd /debian-installer/amd64/initrd.gz
}
`,
  );
  writeFileSync(join(http, 'preseed.cfg'), `d-i preseed/early_command string wget -q -O /dev/null http://${ip}:8080/early-ran || true\n`);
  const subnet = seg.subnet;
  const dnsmasqLog = join(work, 'dnsmasq.log');
  writeFileSync(
    join(work, 'dnsmasq.conf'),
    [
      'no-resolv',
      'no-hosts',
      'local=/lab/',
      `interface=${seg.name}`,
      'bind-interfaces',
      `dhcp-range=${subnet}.100,${subnet}.150,12h`,
      `dhcp-option=6,${ip}`,
      'dhcp-match=set:efi64,option:client-arch,7',
      'dhcp-boot=tag:efi64,debian-installer/amd64/bootnetx64.efi',
      'enable-tftp',
      `tftp-root=${tftp}`,
      'log-dhcp',
      `log-facility=${dnsmasqLog}`,
      `dhcp-leasefile=${join(work, 'leases')}`,
      `pid-file=${join(work, 'dnsmasq.pid')}`,
      '',
    ].join('\n'),
  );
  writeFileSync(dnsmasqLog, '');
  // --keep-in-foreground: lab.spawn holds the process, lab.destroy() kills it.
  const dnsmasq = lab.spawn(lab.serverNs, 'dnsmasq', ['--keep-in-foreground', '-C', join(work, 'dnsmasq.conf')]);
  dnsmasq.stdout?.resume();
  dnsmasq.stderr?.resume();
  const httpLog = join(work, 'http.log');
  writeFileSync(httpLog, '');
  const py = lab.spawn(lab.serverNs, 'python3', ['-u', '-m', 'http.server', '8080', '--bind', ip, '--directory', http]);
  // http.server logs each request on stderr (`… "GET /preseed.cfg HTTP/1.1" 200 -`).
  py.stdout?.resume();
  py.stderr?.on('data', (b: Buffer) => writeFileSync(httpLog, b, { flag: 'a' }));
  return { work, dnsmasqLog, httpLog, serverIp: ip };
}
