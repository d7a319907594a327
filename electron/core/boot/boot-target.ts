// What a host boots next when it is not waiting, as data: each boot program (iPXE, GRUB) renders it
// in its own syntax, so the menu, the live and whole-ISO boots and the installer meet in one shape.
//   kernel   — a Linux kernel (an installer, a live system, memtest86+'s BIOS build, which boots
//              as a bzImage): kernel + initrds over HTTP (or TFTP for a GRUB without http), arguments;
//   efi      — an EFI program by URL (memtest86+'s EFI build), with its load options;
//   sanboot  — a whole ISO over HTTP: iPXE's `sanboot` (BIOS; UEFI through iPXE's block device);
//   local    — the local disk (the same lines as an installed host's);
//   reboot   — restart the machine;
//   shell    — iPXE's shell (GRUB: its command line).
import type { InstallerBoot } from './installer-boot.js';

export type BootTarget =
  | { kind: 'kernel'; boot: InstallerBoot }
  | { kind: 'efi'; title: string; url: string; args: string[] }
  | { kind: 'sanboot'; title: string; url: string }
  | { kind: 'local' }
  | { kind: 'reboot' }
  | { kind: 'shell' };
