// The text the client verbs print, shared by the full command line (cli.ts) and its fast path
// (cli-quick.ts): one copy, so that both print the same bytes. Imports nothing at run time, so that
// the fast path pays nothing to load it.
import type { Distro, Host } from '../shared/contract.js';

export function formatDistros(distros: Distro[]): string {
  if (distros.length === 0) return 'No distros imported yet: bootbench import FILE.iso (or drag an ISO onto the window).\n';
  const rows = distros.map((d) => `${d.id.padEnd(28)} ${d.family.padEnd(8)} ${`${d.name} ${d.version}`.padEnd(28)} ${d.arch.padEnd(8)} ${d.status.padEnd(8)} ${d.iso}`);
  return `${['ID                           FAMILY   NAME                         ARCH     STATUS   ISO', ...rows].join('\n')}\n`;
}

export function formatHosts(hosts: Host[]): string {
  if (hosts.length === 0) return 'No hosts seen yet: power on a machine set to boot from the network.\n';
  const rows = hosts.map((h) => {
    const detail = h.state === 'failed' ? `  ${h.failureReason ?? ''}` : h.install && h.state !== 'discovered' ? `  ${h.install.distro} ${Math.round(h.install.progress * 100)}% ${h.install.lastStep ?? ''}` : '';
    return `${h.mac}  ${h.firmware.padEnd(9)} ${h.arch.padEnd(7)} ${(h.ip ?? '-').padEnd(15)} ${h.state.padEnd(11)} ${h.lastSeen}${detail}`;
  });
  return `${['MAC                FIRMWARE  ARCH    IP              STATE       LAST SEEN', ...rows].join('\n')}\n`;
}

/** What `bootbench import` prints for the distro the server registered. */
export function formatImported(distro: Distro): string {
  return `imported ${distro.name} ${distro.version} (${distro.arch}) as ${distro.id}\n  kernel ${distro.kernel}\n  initrd ${distro.initrd}\n`;
}
