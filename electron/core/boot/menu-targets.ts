// The BootTarget of a menu entry Bootbench boots itself (pure): memtest86+ (bundled in assets/boot,
// see PROVENANCE), the local disk, reboot, the shell. Installs go through the install manager, live
// and whole-ISO entries through the live boots handed in at composition (menu-choice.ts).
import type { Host } from '../../shared/contract.js';
import type { BootTarget } from './boot-target.js';
import { loaderPath } from './urls.js';

/** memtest86+'s builds, by their names in assets/boot (served as /boot/<name> and at the TFTP root). */
export const MEMTEST_BIOS = 'memtest-x64.bin';
export const MEMTEST_EFI = 'memtest-x64.efi';
/** memtest86+ 6 reads its console from its command line, as Linux does: the lab's consoles are serial. */
export const MEMTEST_ARGS = ['console=ttyS0,115200'];

/**
 * The target of `memtest`, `local`, `reboot` or `shell` for this host; null for any other entry.
 * memtest: the BIOS build boots as a Linux kernel (its bzImage header), the EFI build as an EFI program.
 */
export function fixedTarget(entry: string, host: Pick<Host, 'firmware'> | undefined, serverBase: string): BootTarget | null {
  switch (entry) {
    case 'memtest':
      if (host?.firmware === 'uefi' || host?.firmware === 'uefi-http')
        return { kind: 'efi', title: 'memtest86+ (EFI)', url: `${serverBase}${loaderPath(MEMTEST_EFI)}`, args: MEMTEST_ARGS };
      return {
        kind: 'kernel',
        boot: { title: 'memtest86+', kernelUrl: `${serverBase}${loaderPath(MEMTEST_BIOS)}`, initrds: [], args: MEMTEST_ARGS },
      };
    case 'local':
      return { kind: 'local' };
    case 'reboot':
      return { kind: 'reboot' };
    case 'shell':
      return { kind: 'shell' };
    default:
      return null;
  }
}

/** Words for people, for the timeline and Host.lastBoot. */
export function targetTitle(target: BootTarget): string {
  switch (target.kind) {
    case 'kernel':
      return target.boot.title;
    case 'efi':
    case 'sanboot':
      return target.title;
    case 'local':
      return 'the local disk';
    case 'reboot':
      return 'a reboot';
    case 'shell':
      return 'the shell';
  }
}
