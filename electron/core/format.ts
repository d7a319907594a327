// What the command line prints: one line per event (for the terminal and for copied logs), and the
// lists and results of the client verbs.
import type { CoreEvent, Distro, Host } from '../shared/contract.js';

export function formatEvent(e: CoreEvent): string {
  const time = e.time.slice(11, 23);
  switch (e.type) {
    case 'log':
      return `${time} ${e.source.padEnd(6)} ${e.level.padEnd(5)} ${e.mac ? `${e.mac} ` : ''}${e.message}`;
    case 'host':
      return `${time} host   info  ${e.host.mac} ${e.host.state} ${e.host.firmware} ${e.host.ip ?? ''}`.trimEnd();
    case 'distro':
      return `${time} iso    info  ${e.distro.id} ${e.distro.status} ${e.distro.name} ${e.distro.version} ${e.distro.arch}`;
    case 'service':
      return `${time} ${e.service.name.padEnd(6)} ${e.service.state === 'failed' ? 'error' : 'info '} ${e.service.state}${e.service.error ? `: ${e.service.error}` : ''}`;
  }
}

export function formatDistros(distros: Distro[]): string {
  if (distros.length === 0) return 'No distros imported yet: bootbench import FILE.iso (or drag an ISO onto the window).\n';
  const rows = distros.map(
    (d) =>
      `${d.id.padEnd(28)} ${d.family.padEnd(8)} ${`${d.name} ${d.version}`.padEnd(28)} ${d.arch.padEnd(8)} ${d.status.padEnd(8)} ${d.iso}`,
  );
  return `${['ID                           FAMILY   NAME                         ARCH     STATUS   ISO', ...rows].join('\n')}\n`;
}

export function formatHosts(hosts: Host[]): string {
  if (hosts.length === 0) return 'No hosts seen yet: power on a machine set to boot from the network.\n';
  const rows = hosts.map((h) => {
    const detail =
      h.state === 'failed'
        ? `  ${h.failureReason ?? ''}`
        : h.install && h.state !== 'discovered'
          ? `  ${h.install.distro} ${Math.round(h.install.progress * 100)}% ${h.install.lastStep ?? ''}`
          : '';
    // The name comes last, and only when there is one: the columns before it stay where scripts expect them.
    const name = h.label || h.hostname;
    // The UEFI chain when it is not the usual iPXE, or the host has a setting of its own.
    const chain =
      h.chain === 'signed' || h.chainOverride ? `  chain: ${h.chain}${h.chainOverride ? ` (own setting: ${h.chainOverride})` : ''}` : '';
    // Installed: whether the installed system has booted from its disk (issue 19).
    const firstBoot =
      h.state !== 'installed'
        ? ''
        : h.firstBoot
          ? `  first boot: ${h.firstBoot}`
          : h.firstBootOverdue
            ? '  first boot: not reported (overdue)'
            : '';
    // Its own boot settings, when it has any (`bootbench hosts set`).
    const own = `${h.waitPolicy ? `  waits: ${h.waitPolicy}` : ''}${h.kernelArgs ? `  kernel args: ${h.kernelArgs}` : ''}`;
    return `${h.mac}  ${h.firmware.padEnd(9)} ${h.arch.padEnd(7)} ${(h.ip ?? '-').padEnd(15)} ${h.state.padEnd(11)} ${h.lastSeen}${detail}${name ? `  name: ${name}` : ''}${chain}${own}${firstBoot}`;
  });
  return `${['MAC                FIRMWARE  ARCH    IP              STATE       LAST SEEN', ...rows].join('\n')}\n`;
}

/** What `bootbench import` prints for the distro the server registered. */
export function formatImported(distro: Distro): string {
  const secureBoot = `${distro.secureBoot ? 'yes' : 'no'}${distro.secureBootReason ? `: ${distro.secureBootReason}` : ''}`;
  return `imported ${distro.name} ${distro.version} (${distro.arch}) as ${distro.id}\n  kernel ${distro.kernel}\n  initrd ${distro.initrd}\n  Secure Boot ${secureBoot}\n`;
}
