// The test Redfish BMC drives a real QEMU VM, as a BMC drives its server: redfishtool (a real
// Redfish client, in the lab's server namespace) sets a one-time PXE boot and powers the VM on; the
// VM starts with its NIC first and its iPXE ROM runs; ForceOff stops QEMU; a power-on without the
// override boots the disk first; PowerState follows. The BMC listens in a namespace of its own on
// the lab segment, as a BMC's dedicated port would.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Lab } from '../helpers/netns.js';
import { probeAccel, qemuUnavailable } from '../helpers/qemu.js';
import { qemuMachine, startRedfishBmc, type RedfishBmc } from '../helpers/redfish-bmc.js';

const skip = qemuUnavailable() ?? (spawnSync('which', ['redfishtool']).status !== 0 ? 'redfishtool is not installed' : null);
if (skip) process.stdout.write(`# Redfish BMC VM test skipped: ${skip}\n`);

const BMC_IP = '10.231.171.50';

describe('the test Redfish BMC switches a QEMU VM on and off, honouring PXE once', { skip: skip ?? false, timeout: 600_000 }, () => {
  let lab: Lab;
  let work: string;
  let bmc: RedfishBmc;
  let machine: ReturnType<typeof qemuMachine>;

  const redfishtool = async (args: string[]) => {
    const r = await lab.exec(
      lab.serverNs,
      'redfishtool',
      ['-r', `${BMC_IP}:${bmc.port}`, '-u', 'admin', '-p', 'vm-test-pw', '-S', 'Always', '-T', '30', ...args],
      { timeoutMs: 120_000 },
    );
    assert.equal(r.code, 0, `redfishtool ${args.join(' ')}: ${r.stderr}${r.stdout}`);
    return r.stdout;
  };
  const powerState = async () => (JSON.parse(await redfishtool(['Systems', '-1', 'get'])) as { PowerState: string }).PowerState;

  before(async () => {
    const accel = (await probeAccel()).accel;
    work = mkdtempSync(join(tmpdir(), 'bootbench-rfs-vm-'));
    lab = Lab.create('rfsvm');
    const seg = lab.segment('rfsbr1', '10.231.171.1/24');
    // A bridge takes the lowest MAC of its ports unless given one: without this, a VM's tap coming
    // and going (power off / on) changes the server's MAC under the BMC's ARP cache mid-connection.
    lab.run(lab.serverNs, 'ip', ['link', 'set', seg.name, 'address', '02:00:0a:e7:ab:01']);
    const bmcHost = lab.host(seg, { cidr: `${BMC_IP}/24` });
    machine = qemuMachine({ ns: lab.serverNs, bridge: seg.name, name: 'rfs-vm', firmware: 'bios', accel, logDir: work, memMiB: 256 });
    bmc = await startRedfishBmc({ user: 'admin', password: 'vm-test-pw', machine, ns: bmcHost.ns });
  });

  after(async () => {
    await bmc?.close().catch(() => undefined);
    lab?.destroy();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('PXE once + On starts QEMU network first; ForceOff stops it; the next On boots the disk first', async () => {
    assert.equal(await powerState(), 'Off');
    await redfishtool(['Systems', '-1', 'setBootOverride', 'Once', 'Pxe']);
    await redfishtool(['Systems', '-1', 'reset', 'On']);
    assert.equal(await powerState(), 'On');
    const vm = machine.vm!;
    assert.match(readFileSync(join(work, 'rfs-vm.cmdline'), 'utf8'), /e1000,netdev=n0,mac=[0-9a-f:]+,bootindex=1 /, 'the NIC boots first');
    await vm.waitForSerial(/iPXE/, 180_000); // QEMU's iPXE ROM runs: the VM is network-booting
    await redfishtool(['Systems', '-1', 'reset', 'ForceOff']);
    assert.ok(vm.exited, 'ForceOff stopped QEMU');
    assert.equal(await powerState(), 'Off');

    await redfishtool(['Systems', '-1', 'reset', 'On']);
    assert.match(
      readFileSync(join(work, 'rfs-vm.cmdline'), 'utf8'),
      /virtio-blk-pci,drive=d0,bootindex=1/,
      'the override was once: disk first now',
    );
    assert.deepEqual(
      bmc.powerOns.map((p) => p.pxeFirst),
      [true, false],
    );
    await redfishtool(['Systems', '-1', 'reset', 'PowerCycle']);
    assert.equal(machine.boots, 3);
    assert.equal(await powerState(), 'On');
  });
});
