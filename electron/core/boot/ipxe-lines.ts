// iPXE lines shared by the host script (ipxe-script.ts) and the boot menu (ipxe-menu.ts), pure:
// labels made safe, the local-disk boot, and a BootTarget as iPXE lines.
//
// Labels are data (distro names, ISO volume names). iPXE expands `${…}` anywhere in a line, splits
// words on white space, reads `||` / `&&` as command separators, `#` as a comment, quotes and `\`
// specially, and options (`--key`) among the words: a label keeps letters, digits, spaces and
// `.,:()+/@=_-` only (anything else becomes a space), and no word of it starts with `-`.
import type { Host } from '../../shared/contract.js';
import { assertNever } from '../../shared/assert-never.js';
import type { BootTarget } from './boot-target.js';

/** Text iPXE shows as it is: see the header. */
export function ipxeLabel(text: string): string {
  return text
    .replace(/[^A-Za-z0-9 .,:()+/@=_-]/g, ' ')
    .replace(/(^|\s)-+/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Boot from the local disk, for the `installed` branch. BIOS: `sanboot --no-describe --drive 0x80`
 * boots the first hard disk (no iBFT/ABFT described, the disk is not a SAN target). UEFI: `exit 1`
 * hands control back to the firmware with an error, so that it tries the next boot option (the
 * installed OS): edk2's boot manager treats a boot option that returns *success* as finished and
 * opens its setup menu instead (seen with OVMF), and iPXE EFI cannot boot a local disk itself.
 * Unknown firmware: decide at run time from `${platform}`.
 */
export function localBootLines(firmware: Host['firmware'] | undefined): string[] {
  const sanboot = 'sanboot --no-describe --drive 0x80 || exit 1';
  if (firmware === 'bios') return [sanboot];
  if (firmware === 'uefi' || firmware === 'uefi-http') return ['exit 1'];
  return ['iseq ${platform} pcbios || exit 1', sanboot];
}

/**
 * A BootTarget as iPXE lines, ending in a boot (a failure falls to `failLabel`, which the caller
 * defines). Kernel: as the installer (ipxe-script.ts), arguments joined as the kernel reads them.
 * EFI program: `chain` with its load options. Whole ISO: `sanboot` over HTTP.
 */
export function ipxeTargetLines(target: BootTarget, firmware: Host['firmware'] | undefined, failLabel: string): string[] {
  switch (target.kind) {
    case 'kernel': {
      const b = target.boot;
      return [
        `echo Bootbench: booting ${ipxeLabel(b.title)}`,
        `kernel ${b.kernelUrl} ${b.args.join(' ')}`.trimEnd() + ` || goto ${failLabel}`,
        ...b.initrds.map((i) => `initrd --name ${i.name} ${i.url} || goto ${failLabel}`),
        `boot || goto ${failLabel}`,
      ];
    }
    case 'efi':
      return [
        `echo Bootbench: booting ${ipxeLabel(target.title)}`,
        `chain ${target.url} ${target.args.join(' ')}`.trimEnd() + ` || goto ${failLabel}`,
      ];
    case 'sanboot':
      return [`echo Bootbench: booting ${ipxeLabel(target.title)}`, `sanboot --no-describe ${target.url} || goto ${failLabel}`];
    case 'local':
      return ['echo Bootbench: booting from the local disk', ...localBootLines(firmware)];
    case 'reboot':
      return ['echo Bootbench: rebooting', 'reboot'];
    case 'shell':
      return ['echo Bootbench: the iPXE shell (type exit to leave it)', 'shell', `goto ${failLabel}`];
    default:
      return assertNever(target, 'boot target');
  }
}
