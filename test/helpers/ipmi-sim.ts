// A BMC for the power tests: OpenIPMI's `ipmi_sim` (Debian `openipmi`) in a lab namespace of its own,
// answering IPMI over LAN (RMCP+) on the lab segment, with a QEMU VM behind it attached through
// QEMU's `ipmi-bmc-extern` device (the simulator's VM serial protocol, `serial 15 … codec VM`) and
// an `isa-ipmi-kcs` interface, so the guest sees a BMC as on real hardware.
//
// The simulator's power commands start and stop the VM through its `chassis_control` program (see
// docs/decisions.md, "IPMI through ipmitool"): ipmi_sim 2.0.33 answers "Set System Boot Options"
// (the boot device of `chassis bootdev pxe`) only when such a program is configured, and then asks
// it for power too (lanserv/bmc_chassis.c). The program below starts QEMU in the lab's server
// namespace (where the VM's tap is on the bridge), stops it (SIGTERM, then SIGKILL), answers
// whether it runs, and records every request (boot device, power) in `actions.log` for the test.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab, LabHost, RunResult } from './netns.js';
import { watchOutput } from './netns.js';
import { QEMU } from './qemu-accel.js';
import { qemuArgs, type Accel, type Vm } from './qemu.js';

export interface IpmiSimOptions {
  lab: Lab;
  /** The BMC's namespace on the lab segment (lab.host with a static address). */
  bmc: LabHost;
  bmcAddress: string;
  user: string;
  password: string;
  /** Where the VM's tap goes (the server namespace's bridge). */
  vm: { ns: string; bridge: string; name: string; mac: string; accel: Accel };
  workDir: string;
}

export interface IpmiSim {
  /** The VM as waitForStage wants it: its console across power cycles (never "exited": off is a state). */
  vm: Vm;
  /** What the chassis program was asked, in order: "boot pxe", "power 1", "power 0" … */
  actions(): string[];
  /** Whether QEMU runs now. */
  running(): boolean;
  simLog(): string;
  /** ipmitool against the simulator from `ns`, as a technician would (password through -E). */
  ipmitool(ns: string, args: string[], password?: string): Promise<RunResult>;
  stop(): Promise<void>;
}

const SERIAL_PORT = 9002;
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export async function startIpmiSim(o: IpmiSimOptions): Promise<IpmiSim> {
  const dir = o.workDir;
  mkdirSync(join(dir, 'state'), { recursive: true });
  const serialPath = join(dir, `${o.vm.name}.serial.log`);
  const diskPath = join(dir, `${o.vm.name}.disk.raw`);
  writeFileSync(serialPath, '');
  writeFileSync(diskPath, '');
  truncateSync(diskPath, 64 * 1024 * 1024);
  const tap = `pwrt${process.pid % 100000}`.slice(0, 15);
  spawnSync('ip', ['-n', o.vm.ns, 'tuntap', 'add', 'dev', tap, 'mode', 'tap']);
  spawnSync('ip', ['-n', o.vm.ns, 'link', 'set', tap, 'master', o.vm.bridge]);
  spawnSync('ip', ['-n', o.vm.ns, 'link', 'set', tap, 'up']);

  // The console is appended to across power cycles (a `-serial file:` would be truncated at each start).
  const args = qemuArgs(
    { ns: o.vm.ns, bridge: o.vm.bridge, name: o.vm.name, firmware: 'bios', accel: o.vm.accel, logDir: dir, memMiB: 512 },
    tap,
    o.vm.mac,
    diskPath,
    serialPath,
    null,
  ).map((a) => (a === `file:${serialPath}` ? 'chardev:ser0' : a));
  args.push(
    '-chardev',
    `file,id=ser0,path=${serialPath},append=on`,
    // The BMC connection: QEMU dials the simulator's VM port and keeps redialling.
    '-chardev',
    `socket,id=ipmi0,host=${o.bmcAddress},port=${SERIAL_PORT},reconnect=2`,
    '-device',
    'ipmi-bmc-extern,id=bmc0,chardev=ipmi0',
    '-device',
    'isa-ipmi-kcs,bmc=bmc0',
  );
  const qemuCmd = ['ip', 'netns', 'exec', o.vm.ns, QEMU, ...args].map(q).join(' ');
  const program = join(dir, 'chassis-control.sh');
  writeFileSync(
    program,
    `#!/bin/sh
# ipmi_sim's chassis_control program: "get NAME…" prints NAME:VALUE lines; "set NAME VALUE…" acts.
dir=${q(dir)}
running() { [ -f "$dir/qemu.pid" ] && kill -0 "$(cat "$dir/qemu.pid")" 2>/dev/null; }
start() {
  running && return 0
  # setsid: QEMU outlives this program (ipmi_sim waits for its output to end); ip netns exec execs QEMU.
  setsid ${qemuCmd} </dev/null >>"$dir/qemu.log" 2>&1 &
  echo $! > "$dir/qemu.pid"
}
stop() {
  running || return 0
  pid=$(cat "$dir/qemu.pid"); kill -TERM "$pid"
  for i in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null; rm -f "$dir/qemu.pid"
}
verb=$1; shift
case "$verb" in
get)
  for name in "$@"; do
    case "$name" in
      power) if running; then echo "power:1"; else echo "power:0"; fi ;;
      boot) echo "boot:$(cat "$dir/boot" 2>/dev/null || echo default)" ;;
      *) echo "$name:0" ;;
    esac
  done ;;
set)
  while [ $# -ge 2 ]; do
    name=$1; value=$2; shift 2
    echo "$name $value" >> "$dir/actions.log"
    case "$name" in
      power) if [ "$value" = 1 ]; then start; else stop; fi ;;
      reset) stop; start ;;
      boot) echo "$value" > "$dir/boot" ;;
    esac
  done ;;
esac
exit 0
`,
  );
  chmodSync(program, 0o755);
  writeFileSync(join(dir, 'actions.log'), '');

  writeFileSync(
    join(dir, 'lan.conf'),
    `# ipmi_lan(5): one BMC, RMCP+ on the lab address, the VM's serial port for QEMU.
name "pwrsim"
set_working_mc 0x20
  startlan 1
    addr ${o.bmcAddress} 623
    priv_limit admin
    allowed_auths_callback none md2 md5 straight
    allowed_auths_user none md2 md5 straight
    allowed_auths_operator none md2 md5 straight
    allowed_auths_admin none md2 md5 straight
    guid a123456789abcdefa123456789abcdef
  endlan
  serial 15 ${o.bmcAddress} ${SERIAL_PORT} codec VM
  chassis_control "${program}"
  user 2 true "${o.user}" "${o.password}" admin 10 none md2 md5 straight
`,
  );
  writeFileSync(
    join(dir, 'sim.emu'),
    `# ipmi_sim_cmd(5): a BMC at 0x20 (device id 0x23, IPMI 2.0), with an event log.
mc_setbmc 0x20
mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr
sel_enable 0x20 1000 0x0a
mc_enable 0x20
`,
  );
  const child: ChildProcess = o.lab.spawn(o.bmc.ns, 'ipmi_sim', [
    '-c',
    join(dir, 'lan.conf'),
    '-f',
    join(dir, 'sim.emu'),
    '-s',
    join(dir, 'state'),
    '-n',
  ]);
  const out = watchOutput(child);
  const read = (name: string) => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'latin1') : '');
  const running = () => {
    const pid = read('qemu.pid').trim();
    return pid !== '' && spawnSync('kill', ['-0', pid]).status === 0;
  };
  const sim: IpmiSim = {
    vm: {
      name: o.vm.name,
      mac: o.vm.mac,
      serialLog: () => read(`${o.vm.name}.serial.log`),
      qemuLog: () => read('qemu.log'),
      exited: false,
    } as unknown as Vm,
    actions: () => read('actions.log').split('\n').filter(Boolean),
    running,
    simLog: () => out.text(),
    ipmitool: (ns, ipmiArgs, password = o.password) =>
      o.lab.exec(ns, 'env', [
        `IPMI_PASSWORD=${password}`,
        'ipmitool',
        '-I',
        'lanplus',
        '-H',
        o.bmcAddress,
        '-U',
        o.user,
        '-E',
        '-N',
        '2',
        '-R',
        '2',
        ...ipmiArgs,
      ]),
    async stop() {
      spawnSync(program, ['set', 'power', '0']);
      child.kill('SIGTERM');
      spawnSync('ip', ['-n', o.vm.ns, 'link', 'del', tap]);
    },
  };
  // Up when it answers a session like a BMC does.
  for (let i = 0; ; i++) {
    const r = await sim.ipmitool(o.bmc.ns, ['mc', 'info']);
    if (r.code === 0) break;
    if (i > 50) throw new Error(`ipmi_sim did not come up: ${r.stderr}\n${out.text()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return sim;
}
