// Architecture names differ by distribution (Debian 'amd64'/'arm64'/'ppc64el', Fedora 'aarch64',
// Alpine 'x86', Windows 'x64'/'ARM64', EFI loaders 'bootx64.efi'/'bootaa64.efi'); every spelling is
// mapped to the contract's one vocabulary (Arch: 'x86_64', 'arm64', 'i386', 'arm32', …), which hosts
// use too. Stored distro records with an older name are normalized with the same table.
import type { Arch } from '../../../shared/contract.js';

const aliases: Readonly<Record<string, Arch>> = {
  x86_64: 'x86_64',
  amd64: 'x86_64',
  x64: 'x86_64',
  'x86-64': 'x86_64',
  arm64: 'arm64',
  aarch64: 'arm64',
  a64: 'arm64',
  aa64: 'arm64',
  // 'x86' alone is 32-bit x86 on media (Alpine's name); the contract's 'x86' (width unknown) is
  // only ever said of a BIOS PXE client, never detected on an ISO.
  i386: 'i386',
  i486: 'i386',
  i586: 'i386',
  i686: 'i386',
  x86: 'i386',
  '386': 'i386',
  ia32: 'i386',
  ppc64le: 'ppc64le',
  ppc64el: 'ppc64le',
  ppc64: 'ppc64',
  s390x: 's390x',
  arm32: 'arm32',
  armhf: 'arm32',
  armv7: 'arm32',
  armv7hl: 'arm32',
  armhfp: 'arm32',
  armv7l: 'arm32',
  riscv64: 'riscv64',
  loongarch64: 'loongarch64',
  loong64: 'loongarch64',
};

/** The contract's name of an architecture word, or null when the word is not one. */
export function normalizeArch(word: string): Arch | null {
  return aliases[word.toLowerCase()] ?? null;
}

/** The first architecture word in free text ('Official arm64 NETINST', 'Win11_24H2_x64.iso'). */
export function archInText(text: string): Arch | null {
  for (const word of text.split(/[^A-Za-z0-9_-]+|[_-](?=[A-Za-z])/)) {
    // 'x86' alone is ambiguous in file names ('x86_64' splits oddly), so only whole tokens count.
    const arch = normalizeArch(word);
    if (arch) return arch;
  }
  const m = /(x86_64|x86-64|amd64|aarch64|arm64|ppc64le|ppc64el|s390x|i[3-6]86)/i.exec(text);
  return m?.[1] ? normalizeArch(m[1]) : null;
}

/** Architecture from the EFI removable-media loader name (UEFI spec 2.10 §3.5.1.1: BOOTX64.EFI …). */
export function archFromEfiLoader(name: string): Arch | null {
  const m = /^boot(x64|aa64|ia32|riscv64|loongarch64)\.efi$/i.exec(name);
  return m?.[1] ? normalizeArch(m[1]) : null;
}
