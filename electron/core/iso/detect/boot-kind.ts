// How a machine boots what detection found (Distro.boot): its installer, its live system, or the
// whole ISO. Decided once at import from the detectors' answer and the live layout (live.ts):
//   - an installer Bootbench drives (RHEL, Debian, Ubuntu, SUSE, Alpine) stays `installer`, also
//     when the media is a live system too (Ubuntu desktop: casper); its liveFamily is kept, so that
//     the live system can still be offered (`live:<id>`);
//   - except a RHEL-family tree whose only root is a dracut live image (LiveOS/, no Anaconda stage2
//     images/install.img): Anaconda cannot run from it over the network, so it is `live`;
//   - a live layout → `live`, booted with its family's network-root argument (boot/live-boot.ts);
//   - a kernel and initrd of no known family (`generic`) stays `installer`: booted with the user's
//     kernel arguments, as before;
//   - Windows stays refused (wimboot and WinPE are not there yet; a sanboot of Windows setup media
//     over HTTP cannot find its own install.wim once the firmware's view of the disc is gone);
//   - anything else with an El Torito boot catalog → `whole-iso`, with the reason; an ISO without
//     one cannot boot whole either, and stays refused (`supported: false`).
import type { DistroDetection } from './types.js';
import type { LiveLayout } from './live.js';

const FAMILY_WORDS = {
  casper: 'casper (Ubuntu live: the whole ISO fetched with url=)',
  'live-boot': 'Debian live-boot (the root file system fetched with fetch=)',
  dracut: 'dracut live (LiveOS/squashfs.img fetched with root=live:)',
  archiso: 'archiso (the root file system fetched with archiso_http_srv=)',
} as const;

function platformWords(platforms: readonly string[]): string {
  const words = { bios: 'BIOS: iPXE sanboot over HTTP', uefi: 'UEFI: the firmware HTTP-boots the .iso as a RAM disk' } as const;
  return platforms.map((p) => words[p as keyof typeof words] ?? p).join('; ');
}

export function withBootKind(found: DistroDetection, live: LiveLayout | null, platforms: readonly ('bios' | 'uefi')[]): DistroDetection {
  const installer = found.supported && found.kernel !== null && found.initrd !== null && found.family !== 'windows';
  const dracutOnly = live?.family === 'dracut' && found.family === 'rhel';
  if (installer && found.family !== 'generic' && !dracutOnly) {
    return {
      ...found,
      boot: 'installer',
      bootReason: `Installer: unattended install of ${found.name}${live ? `; also a live system (${FAMILY_WORDS[live.family]})` : ''}`,
      ...(live ? { liveFamily: live.family, liveRootSize: live.rootSize } : {}),
    };
  }
  if (live) {
    return {
      ...found,
      family: found.family === 'windows' ? 'generic' : found.family,
      kernel: live.kernel,
      initrd: live.initrd,
      variant: found.variant ?? 'live',
      supported: true,
      reason: undefined,
      evidence: [...live.evidence, ...found.evidence.filter((e) => !e.startsWith('kernel '))],
      boot: 'live',
      bootReason: `Live system: ${FAMILY_WORDS[live.family]}`,
      liveFamily: live.family,
      liveRootSize: live.rootSize,
    };
  }
  if (installer) {
    return {
      ...found,
      boot: 'installer',
      bootReason: `Kernel and initrd (${found.kernel}, ${found.initrd}) of no family Bootbench knows: booted with the distro's kernel arguments`,
    };
  }
  if (found.family === 'windows') return found;
  const why = found.reason ?? 'no installer or live system recognised';
  if (platforms.length === 0) {
    return { ...found, supported: false, reason: `${why}; and it has no El Torito boot catalog, so it cannot boot as a whole ISO either` };
  }
  return {
    ...found,
    supported: true,
    reason: undefined,
    kernel: null,
    initrd: null,
    boot: 'whole-iso',
    bootReason: `Whole ISO (${platformWords(platforms)}): ${why.replace(/; this is not install media Bootbench knows$/, '')}`,
    evidence: [...found.evidence, `El Torito boot catalog: ${platforms.join(', ')}`],
  };
}

/** A typical client's RAM, for the warning: what a whole-ISO or copy-to-RAM boot must fit in. */
export const TYPICAL_CLIENT_RAM = 2 * 1024 ** 3;

const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;

/**
 * The memory warning of a boot that copies something into the client's RAM: casper (url=) and
 * downloads the whole ISO, the UEFI whole-ISO boot holds it as a RAM disk, live-boot (fetch=),
 * dracut (root=live:http…/squashfs.img) and archiso copy their root file system. Null when it fits a typical client.
 */
export function memoryWarningOf(d: Pick<DistroDetection, 'boot' | 'liveFamily' | 'liveRootSize'>, isoSize: number): string | null {
  const live = d.boot === 'live' ? d.liveFamily : undefined;
  const whole = d.boot === 'whole-iso' || live === 'casper';
  const bytes = whole ? isoSize : live ? (d.liveRootSize ?? 0) : 0;
  if (bytes <= TYPICAL_CLIENT_RAM) return null;
  const what = whole ? `the whole ISO (${gib(bytes)})` : `its root file system (${gib(bytes)})`;
  const how = d.boot === 'whole-iso' ? 'UEFI HTTP boot holds' : live === 'casper' ? 'casper downloads' : `${live} copies`;
  return `${how} ${what} in RAM: the client needs more than ${gib(bytes + 1024 ** 3)} of memory${d.boot === 'whole-iso' ? ' (a BIOS sanboot reads it on demand)' : ''}`;
}
