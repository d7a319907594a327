// ARM64 UEFI test VMs: qemu-system-aarch64's `virt` machine with AAVMF (Debian's qemu-efi-aarch64,
// the arm64 build of EDK II): code read-only, a per-VM copy of its vars, both as pflash. Always
// TCG (this machine is x86: KVM cannot run an arm64 guest). Cortex-A57 rather than `max`: `max`
// emulates pointer authentication, which costs a lot of time under TCG and nothing here needs it.
// startVm (qemu.ts) takes `arm64: {…}` and uses these; the rest of a VM (tap, serial, disk) is shared.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const QEMU_AARCH64 = 'qemu-system-aarch64';
export const AAVMF_CODE = '/usr/share/AAVMF/AAVMF_CODE.fd';
export const AAVMF_VARS = '/usr/share/AAVMF/AAVMF_VARS.fd';
/** Secure Boot on: the same firmware with Microsoft's keys enrolled (what ships on arm64 servers). */
export const AAVMF_CODE_MS = '/usr/share/AAVMF/AAVMF_CODE.ms.fd';
export const AAVMF_VARS_MS = '/usr/share/AAVMF/AAVMF_VARS.ms.fd';

export interface Arm64Machine {
  /** Microsoft's keys enrolled and Secure Boot enforced (AAVMF_*.ms.fd). Default off. */
  secureBoot?: boolean;
  /** Default cortex-a57. */
  cpu?: string;
}

/** The vars template a new arm64 VM copies. */
export function arm64VarsTemplate(m: Arm64Machine): string {
  return m.secureBoot ? AAVMF_VARS_MS : AAVMF_VARS;
}

/** The machine, CPU and firmware of an arm64 UEFI VM. */
export function arm64MachineArgs(m: Arm64Machine, varsPath: string): string[] {
  return [
    '-machine',
    'virt',
    '-cpu',
    m.cpu ?? 'cortex-a57',
    '-drive',
    `if=pflash,format=raw,unit=0,readonly=on,file=${m.secureBoot ? AAVMF_CODE_MS : AAVMF_CODE}`,
    '-drive',
    `if=pflash,format=raw,unit=1,file=${varsPath}`,
  ];
}

/** Why arm64 VM tests cannot run here, or null. */
export function arm64Unavailable(): string | null {
  if (spawnSync('which', [QEMU_AARCH64]).status !== 0) return `${QEMU_AARCH64} is not installed (apt-get install -y qemu-system-arm)`;
  for (const f of [AAVMF_CODE, AAVMF_VARS, AAVMF_CODE_MS, AAVMF_VARS_MS])
    if (!existsSync(f)) return `${f} is missing (apt-get install -y qemu-efi-aarch64)`;
  if (process.getuid?.() !== 0) return 'VM tests need root (tap devices in a network namespace)';
  return null;
}
