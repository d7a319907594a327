// KVM or TCG for the test VMs. /dev/kvm existing proves little: on some machines it is a software
// KVM (kvm_pvm, no vmx/svm) that runs SeaBIOS's POST and then dies or stalls in the NIC ROM
// ("KVM internal error" at iPXE's "Press Ctrl-B" prompt, or no progress at all). So KVM is chosen
// only when the CPU has vmx/svm AND a probe runs the workload the tests need: SeaBIOS + QEMU's iPXE
// ROM reaching its prompt and sending a DHCPDISCOVER, and OVMF's own PXE client sending one.
// Anything else is TCG. The probe's NIC is a QEMU `-netdev socket,udp=` pair on 127.0.0.1: the
// guest's Ethernet frames arrive as datagrams on a socket of this process and go nowhere else.
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { closeSync, copyFileSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Accel = 'kvm' | 'tcg';
export const QEMU = 'qemu-system-x86_64';
export const OVMF_CODE = '/usr/share/OVMF/OVMF_CODE_4M.fd';
export const OVMF_VARS = '/usr/share/OVMF/OVMF_VARS_4M.fd';
/** OVMF's Secure Boot build (needs SMM) and its vars with Microsoft's keys enrolled (Debian's `ovmf`). */
export const OVMF_CODE_SECBOOT = '/usr/share/OVMF/OVMF_CODE_4M.secboot.fd';
export const OVMF_VARS_MS = '/usr/share/OVMF/OVMF_VARS_4M.ms.fd';

/** What every test VM starts with: one CPU, no display or monitor, its serial console in a file. */
export function headlessVmArgs(accel: Accel, memMiB: number, serialPath: string): string[] {
  return [
    '-accel',
    accel,
    '-m',
    String(memMiB),
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
  ];
}

/**
 * The machine and its firmware: SeaBIOS on `pc`, or OVMF on `q35` (code read-only, the VM's own
 * vars). Secure Boot: OVMF's secboot build on q35 with SMM, its flash writable from SMM only
 * (cfi.pflash01 secure=on), so that nothing the guest boots can change the enrolled keys.
 */
export function firmwareArgs(firmware: 'bios' | 'uefi', varsPath: string | null, secureBoot = false): string[] {
  if (firmware === 'bios') return ['-machine', 'pc,graphics=off'];
  if (!varsPath) throw new Error('an OVMF VM needs its own vars file');
  if (secureBoot)
    return [
      '-machine',
      'q35,smm=on',
      '-global',
      'driver=cfi.pflash01,property=secure,value=on',
      '-drive',
      `if=pflash,format=raw,unit=0,readonly=on,file=${OVMF_CODE_SECBOOT}`,
      '-drive',
      `if=pflash,format=raw,unit=1,file=${varsPath}`,
    ];
  return [
    '-machine',
    'q35',
    '-drive',
    `if=pflash,format=raw,unit=0,readonly=on,file=${OVMF_CODE}`,
    '-drive',
    `if=pflash,format=raw,unit=1,file=${varsPath}`,
  ];
}
export const ACCEL_ENV = 'BOOTBENCH_TEST_ACCEL'; // 'kvm' | 'tcg' forces the choice

export interface AccelChoice {
  accel: Accel;
  reason: string;
}

let accelPromise: Promise<AccelChoice> | null = null;

/**
 * The accelerator for this test run. Forced by $BOOTBENCH_TEST_ACCEL; otherwise decided once per
 * run (see runCacheFile) and printed once per process: "# VMs run under TCG: <reason>".
 */
export function probeAccel(timeoutMs = 30_000): Promise<AccelChoice> {
  accelPromise ??= (async () => {
    const choice = await decideAccel(timeoutMs);
    process.stdout.write(`# VMs run under ${choice.accel.toUpperCase()}: ${choice.reason}\n`);
    return choice;
  })();
  return accelPromise;
}

async function decideAccel(timeoutMs: number): Promise<AccelChoice> {
  const forced = process.env[ACCEL_ENV];
  if (forced === 'kvm' || forced === 'tcg') return { accel: forced, reason: `${ACCEL_ENV}=${forced}` };
  if (forced) throw new Error(`${ACCEL_ENV}=${forced}: expected kvm or tcg`);
  const file = runCacheFile();
  try {
    const cached = JSON.parse(readFileSync(file, 'utf8')) as AccelChoice;
    if (cached.accel === 'kvm' || cached.accel === 'tcg')
      return { accel: cached.accel, reason: `${cached.reason} (decided earlier in this test run)` };
  } catch {
    // first test file of this run to ask
  }
  const choice = await chooseAccel(timeoutMs);
  removeStaleCaches();
  writeFileSync(`${file}.${process.pid}`, JSON.stringify(choice));
  renameSync(`${file}.${process.pid}`, file); // atomic: a sibling test file reads all or nothing
  return choice;
}

/**
 * One test run = one parent process: `node --test` runs each test file in a child of its own, and
 * a bench is one script. The cache is named for the parent's pid and start time (so a reused pid is
 * a new run) and thus costs the probe once per run, never carrying an old answer to a new run.
 */
function runCacheFile(): string {
  return join(tmpdir(), `bootbench-accel-run-${process.ppid}-${startTime(process.ppid) ?? 0}.json`);
}

function startTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null; // field 22, starttime
  } catch {
    return null;
  }
}

function removeStaleCaches(): void {
  for (const name of readdirSync(tmpdir())) {
    const m = /^bootbench-accel-run-(\d+)-(\d+)\.json$/.exec(name);
    if (m && startTime(Number(m[1])) !== m[2]) rmSync(join(tmpdir(), name), { force: true });
  }
}

/** The decision itself, uncached: vmx/svm, /dev/kvm usable, and the PXE workload runs under KVM. */
export async function chooseAccel(timeoutMs: number): Promise<AccelChoice> {
  const flags = /^flags\s*:.*$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[0] ?? '';
  if (!/\b(vmx|svm)\b/.test(flags))
    return {
      accel: 'tcg',
      reason: 'the CPU has no vmx/svm flag in /proc/cpuinfo, so /dev/kvm (if any) is a software KVM that stalls in iPXE',
    };
  try {
    closeSync(openSync('/dev/kvm', 'r+'));
  } catch (e) {
    return { accel: 'tcg', reason: `/dev/kvm is not usable (${(e as Error).message})` };
  }
  const runs = await Promise.all([
    probePxe({ accel: 'kvm', firmware: 'bios', timeoutMs }),
    probePxe({ accel: 'kvm', firmware: 'uefi', timeoutMs }),
  ]);
  const failed = runs.find((r) => !r.ok);
  if (failed) {
    process.stdout.write(`# KVM probe (${failed.firmware}) serial console, last lines:\n${failed.serialTail.replace(/^/gm, '#   ')}\n`);
    return { accel: 'tcg', reason: `vmx/svm and /dev/kvm present, but under KVM ${failed.detail}` };
  }
  return { accel: 'kvm', reason: `KVM ran the PXE workload: ${runs.map((r) => r.detail).join('; ')}` };
}

export interface PxeProbeResult {
  ok: boolean;
  firmware: 'bios' | 'uefi';
  /** Last stage reached: 'start', 'firmware', 'pxe prompt', 'dhcp'. */
  reached: string;
  /** One line: what ran and when, or where it stopped and why. */
  detail: string;
  serialTail: string;
}

/**
 * Boots one diskless VM whose NIC is a UDP socket pair on loopback and waits for its PXE client's
 * DHCPDISCOVER (vendor class PXEClient:Arch:00000 from the iPXE ROM after its "Press Ctrl-B" prompt,
 * or Arch:00007 from OVMF). `extraArgs` lets the probe's own test stop the guest (`-S`).
 */
export async function probePxe(o: {
  accel: Accel;
  firmware: 'bios' | 'uefi';
  timeoutMs: number;
  extraArgs?: string[];
}): Promise<PxeProbeResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bootbench-accel-probe-'));
  const serial = join(dir, 'serial.log');
  writeFileSync(serial, '');
  const mac = o.firmware === 'bios' ? '52:54:00:bb:00:01' : '52:54:00:bb:00:02';
  const arch = o.firmware === 'bios' ? '00000' : '00007';
  const sock = createSocket('udp4');
  let dhcpAt = 0;
  sock.on('message', (frame) => {
    if (!dhcpAt && isDhcpDiscover(frame, mac, `PXEClient:Arch:${arch}`)) dhcpAt = Date.now();
  });
  await new Promise<void>((resolve, reject) => sock.once('error', reject).bind(0, '127.0.0.1', resolve));
  const args = [
    ...headlessVmArgs(o.accel, 256, serial),
    '-no-reboot',
    '-netdev',
    `socket,id=n0,udp=127.0.0.1:${sock.address().port},localaddr=127.0.0.1:0`,
  ];
  if (o.firmware === 'bios') args.push(...firmwareArgs('bios', null), '-device', `e1000,netdev=n0,mac=${mac},bootindex=1`);
  else {
    copyFileSync(OVMF_VARS, join(dir, 'vars.fd'));
    args.push(
      ...firmwareArgs('uefi', join(dir, 'vars.fd')),
      '-fw_cfg',
      'name=opt/org.tianocore/IPv6PXESupport,string=no',
      '-device',
      `virtio-net-pci,netdev=n0,mac=${mac},romfile=,bootindex=1`,
    );
  }
  args.push(...(o.extraArgs ?? []));
  const t0 = Date.now();
  const child = spawn(QEMU, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let exited = false;
  child.on('exit', () => (exited = true));
  child.on('error', (e) => (stderr += `${e.message}\n`));
  const secs = (t: number) => `${((t - t0) / 1000).toFixed(1)} s`;
  const stageOf = (text: string) =>
    dhcpAt
      ? 'dhcp'
      : (o.firmware === 'bios' ? /Press Ctrl-B/ : /Start PXE over IPv4/).test(text)
        ? 'pxe prompt'
        : /\S/.test(text)
          ? 'firmware'
          : 'start';
  const result = (ok: boolean, why: string): PxeProbeResult => {
    const text = readFileSync(serial, 'latin1');
    return {
      ok,
      firmware: o.firmware,
      reached: stageOf(text),
      detail: why,
      serialTail: text
        .replace(/\x1b\[[0-9;=?]*[A-Za-z]/g, '')
        .replace(/\r/g, '')
        .trimEnd()
        .slice(-1500),
    };
  };
  try {
    while (Date.now() - t0 < o.timeoutMs) {
      if (dhcpAt) {
        const text = readFileSync(serial, 'latin1');
        // The iPXE ROM prints its prompt before it configures the NIC: seeing both proves its timers run.
        if (o.firmware === 'bios' && !/Press Ctrl-B/.test(text))
          return result(false, `the BIOS VM sent DHCP without iPXE's prompt on its console (not QEMU's iPXE ROM?)`);
        return result(true, `${o.firmware === 'bios' ? 'SeaBIOS + iPXE ROM' : 'OVMF PXE'} sent DHCPDISCOVER at +${secs(dhcpAt)}`);
      }
      if (/KVM internal error/.test(stderr))
        return result(
          false,
          `the ${o.firmware.toUpperCase()} VM died with "KVM internal error" (reached: ${stageOf(readFileSync(serial, 'latin1'))})`,
        );
      if (exited)
        return result(
          false,
          `QEMU exited before the ${o.firmware.toUpperCase()} VM's DHCP request: ${stderr.trim().split('\n').pop() ?? ''}`,
        );
      await sleep(100);
    }
    return result(
      false,
      `the ${o.firmware.toUpperCase()} VM sent no DHCP request within ${o.timeoutMs / 1000} s (reached: ${stageOf(readFileSync(serial, 'latin1'))})`,
    );
  } finally {
    if (!exited) {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
    await new Promise<void>((r) => sock.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether an Ethernet frame is a DHCPDISCOVER from `mac` with a vendor class starting `vendor` (RFC 2131/2132). */
export function isDhcpDiscover(frame: Buffer, mac: string, vendor: string): boolean {
  if (frame.length < 14 + 20 + 8 + 240 || frame.readUInt16BE(12) !== 0x0800) return false;
  if (frame.subarray(6, 12).toString('hex') !== mac.replace(/:/g, '')) return false;
  const ip = 14;
  const ihl = (frame[ip]! & 0x0f) * 4;
  if (frame[ip + 9] !== 17) return false; // UDP
  const udp = ip + ihl;
  if (frame.readUInt16BE(udp + 2) !== 67) return false;
  const bootp = udp + 8;
  if (frame[bootp] !== 1 || frame.readUInt32BE(bootp + 236) !== 0x63825363) return false; // BOOTREQUEST, magic cookie
  let type = 0;
  let vendorClass = '';
  for (let i = bootp + 240; i < frame.length;) {
    const code = frame[i]!;
    if (code === 255) break;
    if (code === 0) {
      i += 1;
      continue;
    }
    const len = frame[i + 1] ?? 0;
    const value = frame.subarray(i + 2, i + 2 + len);
    if (code === 53) type = value[0] ?? 0;
    if (code === 60) vendorClass = value.toString('latin1');
    i += 2 + len;
  }
  return type === 1 && vendorClass.startsWith(vendor);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
