// Architecture names differ by distribution (Debian 'amd64'/'arm64'/'ppc64el', Alpine 'x86',
// Windows 'x64'/'ARM64', EFI loaders 'bootx64.efi'/'bootaa64.efi'); Bootbench reports the kernel's
// names ('x86_64', 'aarch64', 'i386', 'ppc64le', 's390x') like .treeinfo does.

const aliases: Record<string, string> = {
  x86_64: 'x86_64', amd64: 'x86_64', x64: 'x86_64', 'x86-64': 'x86_64',
  aarch64: 'aarch64', arm64: 'aarch64', a64: 'aarch64',
  i386: 'i386', i486: 'i386', i586: 'i386', i686: 'i386', x86: 'i386', '386': 'i386', ia32: 'i386',
  ppc64le: 'ppc64le', ppc64el: 'ppc64le',
  ppc64: 'ppc64',
  s390x: 's390x',
  armhf: 'armhf', armv7: 'armhf', armv7hl: 'armhf', armhfp: 'armhf',
  riscv64: 'riscv64',
  loongarch64: 'loongarch64', loong64: 'loongarch64',
};

/** The canonical name of an architecture word, or null when the word is not one. */
export function normalizeArch(word: string): string | null {
  return aliases[word.toLowerCase()] ?? null;
}

/** The first architecture word in free text ('Official arm64 NETINST', 'Win11_24H2_x64.iso'). */
export function archInText(text: string): string | null {
  for (const word of text.split(/[^A-Za-z0-9_-]+|[_-](?=[A-Za-z])/)) {
    // 'x86' alone is ambiguous in file names ('x86_64' splits oddly), so only whole tokens count.
    const arch = normalizeArch(word);
    if (arch) return arch;
  }
  const m = /(x86_64|x86-64|amd64|aarch64|arm64|ppc64le|ppc64el|s390x|i[3-6]86)/i.exec(text);
  return m?.[1] ? normalizeArch(m[1]) : null;
}

/** Architecture from the EFI removable-media loader name (UEFI spec 2.10 §3.5.1.1: BOOTX64.EFI …). */
export function archFromEfiLoader(name: string): string | null {
  const m = /^boot(x64|aa64|ia32|riscv64|loongarch64)\.efi$/i.exec(name);
  if (!m?.[1]) return null;
  return normalizeArch(m[1].toLowerCase() === 'aa64' ? 'aarch64' : m[1]);
}
