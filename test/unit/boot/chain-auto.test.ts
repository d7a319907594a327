// `auto`'s decision (chain-auto.ts) on event sequences, and which fetches it learns from
// (chain-files.ts): an injected clock, no sleeps.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogEvent } from '../../../electron/shared/contract.js';
import {
  initialAutoState,
  stepAuto,
  SWITCH_MESSAGE,
  type AutoAction,
  type AutoInput,
  type AutoState,
} from '../../../electron/core/boot/chain-auto.js';
import { chainFetchOf } from '../../../electron/core/boot/chain-files.js';

const UEFI: AutoInput = { kind: 'pxe-dhcp', firmware: 'uefi', arch: 'x86_64' };
const BIOS: AutoInput = { kind: 'pxe-dhcp', firmware: 'bios', arch: 'x86' };
const IPXE_DHCP: AutoInput = { kind: 'ipxe-dhcp' };
const fetched = (file: 'ipxe-loader' | 'ipxe-script' | 'shim' | 'grub' | 'grub-config', name: string): AutoInput => ({
  kind: 'fetched',
  file,
  name,
});
const SNPONLY = fetched('ipxe-loader', 'snponly.efi');
const SCRIPT = fetched('ipxe-script', '/ipxe/52-54-00-00-00-01.ipxe');
const SHIM = fetched('shim', 'shimx64.efi');
const GRUB = fetched('grub', 'grubx64.efi');
const GRUB_CFG = fetched('grub-config', 'grub/52-54-00-00-00-01.cfg');

/** Runs a sequence, one input every `everyMs` from a fixed start; returns the actions and the last state. */
function run(inputs: AutoInput[], start: AutoState = initialAutoState('ipxe'), everyMs = 2000) {
  let state = start;
  let t = Date.parse('2026-12-08T00:10:00.000Z');
  const actions: AutoAction[] = [];
  for (const input of inputs) {
    const step = stepAuto(state, input, new Date(t));
    state = step.state;
    if (step.action) actions.push(step.action);
    t += everyMs;
  }
  return { state, actions };
}

describe('auto: the chain each host gets', () => {
  test('a host whose iPXE runs is never switched, through reboot after reboot', () => {
    const boot = [UEFI, UEFI, SNPONLY, IPXE_DHCP, IPXE_DHCP, SCRIPT, SCRIPT];
    const { state, actions } = run([...boot, ...boot, ...boot]);
    assert.deepEqual(actions, []);
    assert.equal(state.phase, 'ipxe');
  });

  test('iPXE that fetched its script without a DHCP of its own (a relay stripped option 77) also proves iPXE runs', () => {
    const { actions } = run([UEFI, SNPONLY, SCRIPT, UEFI, SNPONLY, SCRIPT]);
    assert.deepEqual(actions, []);
  });

  test('a refused iPXE loader switches the host once, at the very DHCP request that shows it', () => {
    const first = run([UEFI, UEFI, SNPONLY]);
    assert.equal(first.state.phase, 'ipxe-pending');
    const back = stepAuto(first.state, UEFI, new Date('2026-12-08T00:10:09.000Z'));
    assert.equal(back.state.phase, 'signed');
    assert.equal(back.action?.kind, 'switch');
    assert.ok(back.action?.message.startsWith(SWITCH_MESSAGE), back.action?.message);
    assert.match(back.action?.message ?? '', /snponly\.efi\) at 00:10:04 UTC and asked DHCP again 5 s later/);
    if (back.action?.kind === 'switch') assert.match(back.action.reason, /^auto: .*Secure Boot is probably on$/);
    // Its DHCP retries, and the signed chain running normally, say nothing more.
    const later = run([UEFI, UEFI, SHIM, GRUB, GRUB_CFG, UEFI, SHIM, GRUB, GRUB_CFG], back.state);
    assert.deepEqual(later.actions, []);
    assert.equal(later.state.phase, 'signed');
  });

  test('a TFTP size probe is not a fetch: only a completed transfer counts (chain-files)', () => {
    const end = (result: string, file = 'snponly.efi'): LogEvent => ({
      type: 'log',
      seq: 1,
      time: '2026-12-08T00:10:00.000Z',
      source: 'tftp',
      level: 'info',
      kind: 'tftp.end',
      mac: '52:54:00:00:00:01',
      message: '',
      data: { file, result },
    });
    assert.equal(chainFetchOf(end('probe')), null);
    assert.equal(chainFetchOf(end('aborted')), null);
    assert.deepEqual(chainFetchOf(end('complete')), { mac: '52:54:00:00:00:01', file: 'ipxe-loader', name: 'snponly.efi' });
    assert.equal(chainFetchOf(end('complete', 'undionly.kpxe')), null);
    assert.equal(chainFetchOf(end('complete', 'shimx64.efi'))?.file, 'shim');
    assert.equal(chainFetchOf(end('complete', 'grubx64.efi'))?.file, 'grub');
    assert.equal(chainFetchOf(end('complete', 'grub/52-54-00-00-00-01.cfg'))?.file, 'grub-config');
    assert.equal(chainFetchOf(end('complete', 'iso/rocky-9.4-x86_64/EFI/BOOT/BOOTX64.EFI'))?.file, 'shim');
    const http = (path: string, status: number): LogEvent => ({
      ...end('complete'),
      source: 'http',
      kind: 'http.request',
      data: { path, status, complete: true },
    });
    assert.equal(chainFetchOf(http('/ipxe/52-54-00-00-00-01.ipxe', 200))?.file, 'ipxe-script');
    assert.equal(chainFetchOf(http('/ipxe/52-54-00-00-00-01.ipxe', 404)), null);
    assert.equal(chainFetchOf(http('/grub/poll/52-54-00-00-00-01.cfg', 200))?.file, 'grub-config');
    assert.equal(chainFetchOf(http('/boot/snponly.efi', 200))?.file, 'ipxe-loader', 'iPXE by URL (HTTP boot) is refused all the same');
    assert.equal(chainFetchOf(http('/boot/shimx64.efi', 200)), null, 'the signed chain by URL is not judged');
    assert.equal(chainFetchOf(http('/boot/grubx64.efi', 200)), null);
    assert.equal(chainFetchOf({ ...end('complete'), mac: null }), null, 'a fetch from an unknown address proves nothing');
  });

  test('a BIOS host is never switched (the signed chain is UEFI only)', () => {
    const { actions, state } = run([BIOS, fetched('ipxe-loader', 'snponly.efi'), BIOS, BIOS, BIOS]);
    assert.deepEqual(actions, []);
    assert.equal(state.phase, 'ipxe-pending', 'nothing switches on a BIOS request');
  });

  test('an ARM64 UEFI host is not switched by the refused-loader rule: it goes to the signed chain at its first request, once', () => {
    const { actions } = run([
      { kind: 'pxe-dhcp', firmware: 'uefi', arch: 'arm64' },
      SNPONLY,
      { kind: 'pxe-dhcp', firmware: 'uefi', arch: 'arm64' },
    ]);
    // Bootbench has no arm64 iPXE: the signed chain is its only chain (chain-auto-arm64.test.ts)
    assert.equal(actions.length, 1);
    assert.equal(actions[0]?.kind, 'switch');
    assert.match(actions[0]?.kind === 'switch' ? actions[0].reason : '', /ARM64/);
  });

  test('a host that refuses both chains fails once, with both attempts explained, and never flaps back', () => {
    const { actions, state } = run([UEFI, SNPONLY, UEFI, SHIM, GRUB, UEFI, UEFI, UEFI, SHIM, GRUB, UEFI, SNPONLY, UEFI, IPXE_DHCP, UEFI]);
    assert.deepEqual(
      actions.map((a) => a.kind),
      ['switch', 'fail'],
    );
    const fail = actions[1];
    assert.match(fail?.message ?? '', /refused both boot chains/);
    assert.match(fail?.message ?? '', /iPXE: it fetched the iPXE loader \(snponly\.efi\)/);
    assert.match(fail?.message ?? '', /Signed chain \(shim, GRUB\): it fetched the signed chain \(shimx64\.efi, grubx64\.efi\)/);
    assert.equal(state.phase, 'failed', 'it stays on the signed chain, failed');
  });

  test('the shim alone (GRUB never asked for) and a return is a refusal too', () => {
    const { actions } = run([UEFI, SNPONLY, UEFI, SHIM, UEFI]);
    assert.deepEqual(
      actions.map((a) => a.kind),
      ['switch', 'fail'],
    );
  });

  test('a failed host whose GRUB reads its configuration later (keys fixed) runs the signed chain again', () => {
    const { state } = run([SHIM, GRUB, GRUB_CFG], initialAutoState('signed', true));
    assert.equal(state.phase, 'signed');
  });

  test('a host stored as switched starts on the signed chain, keeping why (after a restart)', () => {
    const start = initialAutoState('signed', false, 'it fetched the iPXE loader … without running it');
    const { actions } = run([UEFI, SHIM, UEFI], start);
    assert.equal(actions[0]?.kind, 'fail');
    assert.match(actions[0]?.message ?? '', /iPXE: it fetched the iPXE loader … without running it/);
  });
});
