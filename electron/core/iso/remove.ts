// Remove: a distro leaves the library. Its ISO file is deleted only when Bootbench uploaded it into
// its own data folder; an ISO imported by path belongs to the user and stays where it lies.
import { rm } from 'node:fs/promises';
import type { DistroRemoval, Host } from '../../shared/contract.js';
import { BootbenchError } from '../errors.js';
import type { IsoLibrary } from './library.js';

const ACTIVE: ReadonlySet<Host['state']> = new Set(['queued', 'booting', 'installing']);

/** The hosts whose queued or running install boots `distroId`. */
export function hostsUsing(hosts: readonly Host[], distroId: string): Host[] {
  return hosts.filter((h) => ACTIVE.has(h.state) && (h.install?.distro ?? h.distro) === distroId);
}

export async function removeDistro(library: IsoLibrary, id: string, hosts: readonly Host[]): Promise<DistroRemoval> {
  const distro = library.get(id);
  if (!distro) throw new BootbenchError('DISTRO_NOT_FOUND', { id });
  const users = hostsUsing(hosts, id);
  if (users.length > 0) throw new BootbenchError('DISTRO_IN_USE', { id, hosts: users.map((h) => h.hostname ?? h.mac).join(', ') });
  await library.forget(id);
  const fileDeleted = distro.uploaded === true;
  if (fileDeleted) await rm(distro.iso, { force: true });
  library.bus.log(
    'core',
    'info',
    'iso.removed',
    `removed "${id}"; ${fileDeleted ? `deleted ${distro.iso}` : `${distro.iso} was left in place`}`,
    {
      data: { id, iso: distro.iso, fileDeleted },
    },
  );
  return { id, iso: distro.iso, fileDeleted };
}
