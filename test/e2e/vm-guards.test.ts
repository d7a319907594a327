// The guards every VM test relies on. The accelerator probe (test/helpers/qemu-accel.ts) must see
// a PXE client's DHCPDISCOVER when the guest really runs, and say no, within its deadline and naming
// where the guest stopped, when it does not: run under TCG here (always works), so its mechanics are
// proven on every machine, including those where it will never choose KVM. And a VM that makes no
// progress fails its wait (test/helpers/vm-stage.ts) at the stall limit, naming the stage.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseAccel, probePxe } from '../helpers/qemu-accel.js';
import { qemuUnavailable, startVm } from '../helpers/qemu.js';
import { Lab } from '../helpers/netns.js';
import { StageError, waitForStage } from '../helpers/vm-stage.js';

const skip = qemuUnavailable();
if (skip) process.stdout.write(`# VM guard tests skipped: ${skip}\n`);

describe('the accelerator probe', { skip: skip ?? false, timeout: 120_000 }, () => {
  test('sees the BIOS iPXE ROM (after its prompt) and OVMF send DHCPDISCOVER, and a stopped guest fails within its deadline', async () => {
    const t0 = Date.now();
    const [bios, uefi, stopped] = await Promise.all([
      probePxe({ accel: 'tcg', firmware: 'bios', timeoutMs: 60_000 }),
      probePxe({ accel: 'tcg', firmware: 'uefi', timeoutMs: 60_000 }),
      probePxe({ accel: 'tcg', firmware: 'bios', timeoutMs: 3_000, extraArgs: ['-S'] }), // -S: the CPU never starts
    ]);
    assert.equal(bios.ok, true, `${bios.detail}\n${bios.serialTail}`);
    assert.equal(bios.reached, 'dhcp');
    assert.match(bios.serialTail, /Press Ctrl-B/);
    assert.match(bios.detail, /^SeaBIOS \+ iPXE ROM sent DHCPDISCOVER at \+\d+\.\d s$/);
    assert.equal(uefi.ok, true, `${uefi.detail}\n${uefi.serialTail}`);
    assert.match(uefi.detail, /^OVMF PXE sent DHCPDISCOVER at \+\d+\.\d s$/);
    assert.equal(stopped.ok, false);
    assert.equal(stopped.reached, 'start');
    assert.equal(stopped.detail, 'the BIOS VM sent no DHCP request within 3 s (reached: start)');
    process.stdout.write(`# probe under TCG: ${bios.detail}; ${uefi.detail}; all three in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  });

  test(
    'without vmx/svm the choice is TCG, decided without starting a VM',
    { skip: /^flags\s*:.*\b(vmx|svm)\b/m.test(readFileSync('/proc/cpuinfo', 'utf8')) && 'this CPU has vmx/svm' },
    async () => {
      const choice = await chooseAccel(30_000);
      assert.equal(choice.accel, 'tcg');
      assert.match(choice.reason, /no vmx\/svm flag in \/proc\/cpuinfo/);
    },
  );
});

describe('a VM that makes no progress', { skip: skip ?? false, timeout: 60_000 }, () => {
  test('fails its wait at the stall limit, long before the deadline, naming the stage; cleanup still runs', async () => {
    const lab = Lab.create('stall');
    const work = mkdtempSync(join(tmpdir(), 'bootbench-stall-'));
    try {
      const seg = lab.segment('bbstall0', '10.231.97.1/24');
      // -S: the CPU never starts, as a guest frozen at a prompt: no console output, nothing on the wire.
      const vm = await startVm({
        ns: lab.serverNs,
        bridge: seg.name,
        name: 'frozen',
        firmware: 'bios',
        accel: 'tcg',
        logDir: work,
        extraArgs: ['-S'],
      });
      try {
        const t0 = Date.now();
        const error = await waitForStage(vm, { stage: "iPXE's prompt", deadlineMs: 60_000, stallMs: 3_000, pollMs: 200 }, async () =>
          /Press Ctrl-B/.test(vm.serialLog()),
        ).then(
          () => assert.fail('a frozen VM reached the stage'),
          (e: unknown) => e,
        );
        const took = Date.now() - t0;
        assert.ok(error instanceof StageError, String(error));
        assert.match(
          error.message,
          /^no progress for 3 s: no console output and no lab activity \(waiting for: iPXE's prompt, at \+\d+ s\)\n--- frozen serial console/,
        );
        assert.ok(took >= 3_000 && took < 20_000, `failed after ${took} ms`);
        assert.equal(vm.exited, false, "the wait fails; the test's cleanup ends the VM");
      } finally {
        await vm.dispose();
      }
      assert.equal(vm.exited, true);
    } finally {
      lab.destroy();
      rmSync(work, { recursive: true, force: true });
    }
  });
});
