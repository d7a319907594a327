// Waiting for a VM to reach a stage of its boot, with two limits: a deadline for the stage, and a
// stall limit, so that a VM that makes no progress at all (no console output, nothing new in the
// lab) fails its test long before the deadline. Either way the error names the stage it was
// waiting for and carries the tail of each VM's serial console; the caller's after() hook still
// disposes the VM (and startVm's own lifetime limit and exit hook back that up).
import type { Vm } from './qemu.js';

export interface StageWait {
  /** What the test waits for, e.g. "bios-1 installed"; a function for a stage that moves on. */
  stage: string | (() => string);
  deadlineMs: number;
  /** Fail when neither a console nor `activity` changed for this long. Default 180 s (TCG, busy machine). */
  stallMs?: number;
  pollMs?: number;
  /** Changes while the lab sees the VM work (e.g. timeline length, host lastSeen), besides its console. */
  activity?: () => Promise<string | number> | string | number;
}

export class StageError extends Error {}

/** Polls `check` until it returns a value; throws a StageError on the deadline, a stall, or a dead QEMU. */
export async function waitForStage<T>(vms: Vm | Vm[], o: StageWait, check: () => Promise<T | null | undefined | false>): Promise<T> {
  const list = Array.isArray(vms) ? vms : [vms];
  const stage = () => (typeof o.stage === 'string' ? o.stage : o.stage());
  const stallMs = o.stallMs ?? 180_000;
  const t0 = Date.now();
  let lastSeen = '';
  let lastChange = t0;
  const fail = (why: string) =>
    new StageError(`${why} (waiting for: ${stage()}, at +${((Date.now() - t0) / 1000).toFixed(0)} s)\n${list.map(consoleTail).join('\n')}`);
  for (;;) {
    const value = await check();
    if (value) return value;
    const now = Date.now();
    for (const vm of list) {
      if (/KVM internal error/.test(vm.qemuLog())) throw fail(`${vm.name}: KVM internal error; run with BOOTBENCH_TEST_ACCEL=tcg`);
      if (vm.exited) throw fail(`${vm.name}: QEMU exited\nqemu: ${vm.qemuLog().trim().slice(-1000)}`);
    }
    const seen = `${list.map((vm) => vm.serialLog().length).join(',')}/${o.activity ? await o.activity() : ''}`;
    if (seen !== lastSeen) {
      lastSeen = seen;
      lastChange = now;
    }
    if (now - lastChange > stallMs) throw fail(`no progress for ${stallMs / 1000} s: no console output and no lab activity`);
    if (now - t0 > o.deadlineMs) throw fail(`not reached within ${o.deadlineMs / 1000} s`);
    await new Promise((r) => setTimeout(r, o.pollMs ?? 1000));
  }
}

/** The last lines of a VM's serial console, without terminal escapes. */
export function consoleTail(vm: Vm, chars = 3000): string {
  const text = vm
    .serialLog()
    .replace(/\x1b\[[0-9;=?]*[A-Za-z]/g, '')
    .replace(/\r/g, '');
  return `--- ${vm.name} serial console (last ${chars} chars) ---\n${text.slice(-chars)}`;
}
