// `auto` for ARM64 UEFI: Bootbench bundles no arm64 iPXE, so an arm64 PXE client (arch 11) goes to
// the signed chain at its first DHCP request, said once on its timeline as information (not the
// Secure Boot warning); it then proves itself or fails like any signed host. An HTTP-boot one (arch
// 19) is not moved: Debian's signed GRUB cannot start from UEFI HTTP boot.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { initialAutoState, SIGNED_ONLY_REASON, stepAuto, type AutoInput, type AutoState } from '../../../electron/core/boot/chain-auto.js';

const T0 = new Date('2026-12-08T00:00:00.000Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);

function run(inputs: AutoInput[], start: AutoState = initialAutoState('ipxe')) {
  let state = start;
  const actions = [];
  for (const [i, input] of inputs.entries()) {
    const step = stepAuto(state, input, at(i));
    state = step.state;
    if (step.action) actions.push(step.action);
  }
  return { state, actions };
}

describe('auto: ARM64 UEFI has the signed chain only', () => {
  for (const firmware of ['uefi'] as const) {
    test(`the first DHCP request of an arm64 ${firmware} client switches it, once, as information`, () => {
      const { state, actions } = run([
        { kind: 'pxe-dhcp', firmware, arch: 'arm64' },
        { kind: 'pxe-dhcp', firmware, arch: 'arm64' }, // its REQUEST after the DISCOVER: nothing more
      ]);
      assert.equal(state.phase, 'signed');
      assert.equal(actions.length, 1);
      const [action] = actions;
      assert.equal(action?.kind, 'switch');
      if (action?.kind === 'switch') {
        assert.equal(action.level, 'info');
        assert.equal(action.reason, SIGNED_ONLY_REASON);
        assert.match(action.message, /ARM64/);
        assert.doesNotMatch(action.message, /Secure Boot is probably on/);
      }
    });
  }

  test('shimaa64 → grubaa64 → its GRUB config: the signed chain is proven, no action', () => {
    const { state, actions } = run([
      { kind: 'pxe-dhcp', firmware: 'uefi', arch: 'arm64' },
      { kind: 'fetched', file: 'shim', name: 'shimaa64.efi' },
      { kind: 'fetched', file: 'grub', name: 'grubaa64.efi' },
      { kind: 'fetched', file: 'grub-config', name: 'grub/grub.cfg' },
      { kind: 'pxe-dhcp', firmware: 'uefi', arch: 'arm64' }, // a later reboot
    ]);
    assert.equal(state.phase, 'signed');
    assert.equal(actions.length, 1, 'only the first switch');
  });

  test('the arm64 shim fetched and the firmware back without GRUB reading its config: failed once, naming ARM64', () => {
    const { state, actions } = run([
      { kind: 'pxe-dhcp', firmware: 'uefi', arch: 'arm64' },
      { kind: 'fetched', file: 'shim', name: 'shimaa64.efi' },
      { kind: 'pxe-dhcp', firmware: 'uefi', arch: 'arm64' },
      { kind: 'pxe-dhcp', firmware: 'uefi', arch: 'arm64' },
    ]);
    assert.equal(state.phase, 'failed');
    assert.deepEqual(
      actions.map((a) => a.kind),
      ['switch', 'fail'],
    );
    const fail = actions[1];
    assert.match(fail?.message ?? '', /no iPXE for ARM64/);
    assert.match(fail?.message ?? '', /shimaa64\.efi/);
  });

  test('x86-64 UEFI is unchanged: no switch at its first DHCP request; 32-bit ARM UEFI gets nothing', () => {
    assert.deepEqual(run([{ kind: 'pxe-dhcp', firmware: 'uefi', arch: 'x86_64' }]).actions, []);
    assert.deepEqual(run([{ kind: 'pxe-dhcp', firmware: 'uefi', arch: 'arm32' }]).actions, []);
    assert.equal(run([{ kind: 'pxe-dhcp', firmware: 'uefi', arch: 'arm32' }]).state.phase, 'ipxe');
  });

  test('an arm64 UEFI HTTP-boot client is not switched (Debian’s signed GRUB cannot start from HTTP boot)', () => {
    const { state, actions } = run([{ kind: 'pxe-dhcp', firmware: 'uefi-http', arch: 'arm64' }]);
    assert.equal(state.phase, 'ipxe');
    assert.deepEqual(actions, []);
  });

  test('an arm64 host already on the signed chain is not switched again', () => {
    assert.deepEqual(run([{ kind: 'pxe-dhcp', firmware: 'uefi', arch: 'arm64' }], initialAutoState('signed')).actions, []);
  });
});
