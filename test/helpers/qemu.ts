// QEMU VMs for the end-to-end tests: a tap device per VM on a lab bridge, QEMU started inside the
// lab's namespace, the serial console in a log file. Mechanics follow ../shared/lab/pxe/ (the
// reference lab that works on these machines):
//   BIOS: SeaBIOS + QEMU's iPXE option ROM on an e1000 NIC (SeaBIOS has no PXE client of its own);
//         `-machine pc,graphics=off` makes SeaBIOS mirror BIOS and iPXE text to the serial port.
//   UEFI: OVMF (CODE_4M + a per-VM copy of VARS_4M) with virtio-net and `romfile=` empty, so OVMF's
//         own PXE client does the first DHCP/TFTP, as on real UEFI hardware.
// Boot order is network first, then disk (bootindex on the NIC and the disk, honoured by SeaBIOS
// and by OVMF through fw_cfg "bootorder"), so a host that iPXE sends to its local disk reaches it.
// `-no-reboot` is not set by default: installers reboot into that disk boot.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, readSync, truncateSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';

import { ACCEL_ENV, firmwareArgs, headlessVmArgs, OVMF_VARS, OVMF_VARS_MS, QEMU, type Accel } from './qemu-accel.js';
import { arm64MachineArgs, arm64VarsTemplate, QEMU_AARCH64, type Arm64Machine } from './qemu-arm64.js';

export { OVMF_CODE, OVMF_VARS, probeAccel, type Accel, type AccelChoice } from './qemu-accel.js';
export type Firmware = 'bios' | 'uefi';

/** Why VM tests cannot run here, or null when they can (qemu-system-x86_64 and root are present). */
export function qemuUnavailable(): string | null {
  if (spawnSync('which', [QEMU]).status !== 0) return `${QEMU} is not installed (apt-get install -y qemu-system-x86 ovmf ipxe-qemu)`;
  if (process.getuid?.() !== 0) return 'VM tests need root (tap devices in a network namespace)';
  return null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// VMs

export interface VmOptions {
  /** Network namespace holding the bridge (e.g. lab.serverNs). */
  ns: string;
  /** Bridge in that namespace to attach the VM's tap to (e.g. segment.name). */
  bridge: string;
  name: string;
  firmware: Firmware;
  mac?: string; // default: derived from the name
  /** Raw disk image; created sparse with diskSizeMiB when missing. Default: logDir/<name>.disk.raw. */
  diskPath?: string;
  diskSizeMiB?: number; // default 64
  memMiB?: number; // default 512
  accel: Accel;
  logDir: string;
  /** NIC model. Default e1000 for BIOS (QEMU's iPXE ROM), virtio-net-pci for UEFI (OVMF's PXE). */
  nic?: 'e1000' | 'virtio-net-pci';
  /** UEFI only: keep QEMU's iPXE EFI ROM on the NIC instead of OVMF's own PXE client. */
  uefiNicRom?: boolean;
  /**
   * UEFI only: keep OVMF's IPv6 PXE boot option (default off, via fw_cfg
   * opt/org.tianocore/IPv6PXESupport). OVMF makes four boot options per NIC (PXEv4, PXEv6, HTTPv4,
   * HTTPv6) and tries all of them, each with its own DHCP timeouts, before the next device: after
   * an iPXE `exit` the disk would come minutes later. Lab machines are usually set to IPv4 PXE only.
   */
  uefiIpv6Pxe?: boolean;
  /**
   * The serial console also takes input (Vm.sendSerial): a socket chardev beside the log (the log
   * still gets every byte), for tests that press keys at a boot menu.
   */
  serialInput?: boolean;
  /** UEFI only: Secure Boot enforced (OVMF's secboot build, Microsoft's keys enrolled, SMM). */
  secureBoot?: boolean;
  /**
   * UEFI only: how OVMF boots from the NIC. 'pxe' (default): its PXEv4 option. 'http': PXE over
   * IPv4 switched off (fw_cfg opt/org.tianocore/IPv4PXESupport, read by this OVMF build), so its
   * "UEFI HTTPv4" option is the one that boots: DHCP with vendor class HTTPClient, arch type 16.
   */
  uefiBoot?: 'pxe' | 'http';
  /** Where the firmware boots first. Default 'network' (then disk); 'disk' puts the disk first. */
  bootFirst?: 'network' | 'disk';
  /** Direct kernel boot (no firmware boot path): for self-tests of installer images. */
  direct?: { kernel: string; initrd: string; append: string };
  /** What a guest reboot does: 'reset' (default, as real hardware) or 'exit' (QEMU -no-reboot). */
  onReboot?: 'reset' | 'exit';
  extraArgs?: string[];
  /** An ARM64 UEFI VM (qemu-system-aarch64 virt + AAVMF, qemu-arm64.ts); `firmware` must be 'uefi', `accel` 'tcg'. */
  arm64?: Arm64Machine;
  /**
   * A backstop for a test that forgets its VM or is stopped by its runner: QEMU is killed this long
   * after its start (default 30 min, longer than any e2e test's own timeout) and its console printed.
   */
  maxLifetimeMs?: number;
}

export interface Vm {
  readonly name: string;
  readonly mac: string;
  readonly firmware: Firmware;
  readonly tap: string;
  readonly diskPath: string;
  readonly serialPath: string;
  readonly startedAt: number;
  /** The serial console so far. */
  serialLog(): string;
  /** Resolves with the first match of `pattern` in the serial log (searched from `fromOffset`). */
  waitForSerial(pattern: RegExp, timeoutMs: number, fromOffset?: number): Promise<RegExpExecArray>;
  /** Types `text` on the serial console (needs `serialInput`). */
  sendSerial(text: string): Promise<void>;
  /** Resolves when QEMU exits. */
  waitForExit(timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly exited: boolean;
  /** Reads bytes of the disk image. */
  readDisk(offset: number, length: number): Buffer;
  /** SIGTERM (QEMU shuts down cleanly), SIGKILL after 3 s. */
  kill(): Promise<void>;
  /** kill() + tap removal + per-VM files except logs and disk; safe to call more than once. */
  dispose(): Promise<void>;
  /** QEMU's own stderr/stdout, e.g. for "KVM internal error". */
  qemuLog(): string;
}

let tapCounter = 0;

// QEMUs still running, so that they die with this process: a test file that ends early (its runner
// kills it, an uncaught error) must not leave VMs burning the machine's two cores, nor taps behind.
const live = new Map<ChildProcess, { ns: string; tap: string }>();
let exitHooked = false;
function killLiveVms(): void {
  for (const [child, { ns, tap }] of live) {
    child.kill('SIGKILL');
    spawnSync('ip', ['-n', ns, 'link', 'del', tap]);
  }
  live.clear();
}
function hookProcessExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.on('exit', killLiveVms);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killLiveVms();
      process.kill(process.pid, signal); // once() removed this handler: the default action follows
    });
  }
}

/** Locally administered, deterministic MAC for a VM name (as the reference lab's vm_mac). */
export function vmMac(name: string): string {
  const h = createHash('md5').update(name).digest();
  return ['52', '54', '00', ...[...h.subarray(0, 3)].map((b: number) => b.toString(16).padStart(2, '0'))].join(':');
}

function ipNs(ns: string, args: string[]): void {
  const r = spawnSync('ip', ['-n', ns, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip -n ${ns} ${args.join(' ')}: ${r.stderr.trim()}`);
}

export function qemuArgs(o: VmOptions, tap: string, mac: string, diskPath: string, serialPath: string, varsPath: string | null): string[] {
  const netFirst = (o.bootFirst ?? 'network') === 'network';
  const nicModel = o.nic ?? (o.firmware === 'bios' ? 'e1000' : 'virtio-net-pci');
  const rom = o.firmware === 'uefi' && !o.uefiNicRom ? ',romfile=' : '';
  const args = [
    '-name',
    o.name,
    ...headlessVmArgs(o.accel, o.memMiB ?? 512, serialPath),
    '-netdev',
    `tap,id=n0,ifname=${tap},script=no,downscript=no`,
    '-device',
    `${nicModel},netdev=n0,mac=${mac}${rom},bootindex=${netFirst ? 1 : 2}`,
    '-drive',
    `if=none,id=d0,format=raw,file=${diskPath}`,
    '-device',
    `virtio-blk-pci,drive=d0,bootindex=${netFirst ? 2 : 1}`,
    ...(o.arm64 && varsPath ? arm64MachineArgs(o.arm64, varsPath) : firmwareArgs(o.firmware, varsPath, o.secureBoot === true)),
  ];
  if (o.firmware === 'uefi' && !o.uefiIpv6Pxe) args.push('-fw_cfg', 'name=opt/org.tianocore/IPv6PXESupport,string=no');
  if (o.firmware === 'uefi' && o.uefiBoot === 'http') args.push('-fw_cfg', 'name=opt/org.tianocore/IPv4PXESupport,string=no');
  if (o.direct) args.push('-kernel', o.direct.kernel, '-initrd', o.direct.initrd, '-append', o.direct.append);
  if (o.onReboot === 'exit') args.push('-no-reboot');
  if (o.serialInput) {
    const at = args.indexOf('-serial');
    args.splice(
      at,
      2,
      '-chardev',
      `socket,id=ser0,path=${serialPath}.sock,server=on,wait=off,logfile=${serialPath}`,
      '-serial',
      'chardev:ser0',
    );
  }
  args.push(...(o.extraArgs ?? []));
  return args;
}

/** Creates the tap, starts QEMU inside the namespace, and returns a handle that cleans up after itself. */
export async function startVm(o: VmOptions): Promise<Vm> {
  mkdirSync(o.logDir, { recursive: true });
  const mac = o.mac ?? vmMac(o.name);
  const diskPath = o.diskPath ?? join(o.logDir, `${o.name}.disk.raw`);
  if (!existsSync(diskPath)) {
    writeFileSync(diskPath, '');
    truncateSync(diskPath, (o.diskSizeMiB ?? 64) * 1024 * 1024); // sparse
  }
  const serialPath = join(o.logDir, `${o.name}.serial.log`);
  writeFileSync(serialPath, '');
  let varsPath: string | null = null;
  if (o.firmware === 'uefi') {
    varsPath = join(o.logDir, `${o.name}.vars.fd`);
    // kept across restarts of the same VM, as NVRAM is
    if (!existsSync(varsPath)) copyFileSync(o.arm64 ? arm64VarsTemplate(o.arm64) : o.secureBoot ? OVMF_VARS_MS : OVMF_VARS, varsPath);
  }
  tapCounter += 1;
  const tap = `bbvm${process.pid % 10000}t${tapCounter}`.slice(0, 15);
  ipNs(o.ns, ['tuntap', 'add', 'dev', tap, 'mode', 'tap']);
  ipNs(o.ns, ['link', 'set', tap, 'master', o.bridge]);
  ipNs(o.ns, ['link', 'set', tap, 'up']);

  const args = qemuArgs(o, tap, mac, diskPath, serialPath, varsPath);
  const binary = o.arm64 ? QEMU_AARCH64 : QEMU;
  writeFileSync(join(o.logDir, `${o.name}.cmdline`), `ip netns exec ${o.ns} ${binary} ${args.join(' ')}\n`);
  // `ip netns exec` execs QEMU, so the child's pid is QEMU's own and signals reach it directly.
  const child: ChildProcess = spawn('ip', ['netns', 'exec', o.ns, binary, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let qlog = '';
  child.stdout?.on('data', (d: Buffer) => (qlog += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (qlog += d.toString()));
  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  hookProcessExit();
  live.set(child, { ns: o.ns, tap });
  const lifetimeMs = o.maxLifetimeMs ?? 30 * 60_000;
  const lifetime = setTimeout(() => {
    process.stdout.write(
      `# ${o.name}: QEMU killed after its maximum lifetime of ${lifetimeMs / 1000} s\n--- serial (last 4000 chars) ---\n${tail()}\n`,
    );
    child.kill('SIGKILL');
  }, lifetimeMs).unref();
  const exitPromise = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      live.delete(child);
      clearTimeout(lifetime);
      exitInfo = { code, signal };
      writeFileSync(join(o.logDir, `${o.name}.qemu.log`), qlog);
      resolve(exitInfo);
    });
  });
  let disposed = false;
  let serialSocket: Socket | null = null;
  const serialLog = () => (existsSync(serialPath) ? readFileSync(serialPath, 'latin1') : '');
  const tail = () => serialLog().slice(-4000);

  const vm: Vm = {
    name: o.name,
    mac,
    firmware: o.firmware,
    tap,
    diskPath,
    serialPath,
    startedAt: Date.now(),
    serialLog,
    qemuLog: () => qlog,
    get exited() {
      return exitInfo !== null;
    },
    async waitForSerial(pattern, timeoutMs, fromOffset = 0) {
      const t0 = Date.now();
      for (;;) {
        const m = pattern.exec(serialLog().slice(fromOffset));
        if (m) return m;
        if (/KVM internal error/.test(qlog))
          throw new Error(`${o.name}: KVM internal error while waiting for ${pattern}; rerun with ${ACCEL_ENV}=tcg\n${qlog}`);
        if (exitInfo) {
          const last = pattern.exec(serialLog().slice(fromOffset));
          if (last) return last;
          throw new Error(
            `${o.name}: QEMU exited (code ${exitInfo.code}, signal ${exitInfo.signal}) before the serial console showed ${pattern}\nqemu: ${qlog.trim()}\n--- serial (last 4000 chars) ---\n${tail()}`,
          );
        }
        if (Date.now() - t0 > timeoutMs)
          throw new Error(
            `${o.name}: no ${pattern} on the serial console within ${timeoutMs / 1000} s\n--- serial (last 4000 chars) ---\n${tail()}`,
          );
        await sleep(200);
      }
    },
    async sendSerial(text) {
      if (!o.serialInput) throw new Error(`${o.name}: started without serialInput`);
      if (!serialSocket) {
        const sock = connect(`${serialPath}.sock`);
        await new Promise<void>((resolve, reject) => {
          sock.once('connect', resolve);
          sock.once('error', reject);
        });
        sock.on('data', () => undefined); // the same bytes are in the log
        sock.on('error', () => undefined);
        serialSocket = sock;
      }
      const sock = serialSocket;
      await new Promise<void>((resolve, reject) => sock.write(text, (e) => (e ? reject(e) : resolve())));
    },
    async waitForExit(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${o.name}: QEMU still running after ${timeoutMs / 1000} s\n--- serial (last 4000 chars) ---\n${tail()}`)),
          timeoutMs,
        );
      });
      try {
        return await Promise.race([exitPromise, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    readDisk(offset, length) {
      const fd = openSync(diskPath, 'r');
      try {
        const buf = Buffer.alloc(length);
        const n = readSync(fd, buf, 0, length, offset);
        return buf.subarray(0, n);
      } finally {
        closeSync(fd);
      }
    },
    async kill() {
      serialSocket?.destroy();
      if (exitInfo) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exitPromise;
      clearTimeout(t);
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await vm.kill();
      spawnSync('ip', ['-n', o.ns, 'link', 'del', tap]); // gone already if the namespace was deleted
    },
  };
  return vm;
}
