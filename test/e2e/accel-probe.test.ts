// The accelerator probe that every VM test relies on (test/helpers/qemu-accel.ts): it must see a
// PXE client's DHCPDISCOVER when the guest really runs, and say no, within its deadline and naming
// where the guest stopped, when it does not. Under TCG here (always works), so the probe's
// mechanics are proven on every machine, including those where it will never choose KVM.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { chooseAccel, probePxe } from '../helpers/qemu-accel.js';
import { qemuUnavailable } from '../helpers/qemu.js';

const skip = qemuUnavailable();
if (skip) process.stdout.write(`# accelerator probe tests skipped: ${skip}\n`);

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

  test('without vmx/svm the choice is TCG, decided without starting a VM', { skip: /^flags\s*:.*\b(vmx|svm)\b/m.test(readFileSync('/proc/cpuinfo', 'utf8')) && 'this CPU has vmx/svm' }, async () => {
    const choice = await chooseAccel(30_000);
    assert.equal(choice.accel, 'tcg');
    assert.match(choice.reason, /no vmx\/svm flag in \/proc\/cpuinfo/);
  });
});
