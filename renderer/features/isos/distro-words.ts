// How a distro is named to people: "Rocky Linux 9.4", and the file name of its ISO.
import type { Distro } from '../../../electron/shared/contract.js';

export function distroLabel(d: Pick<Distro, 'name' | 'version'>): string {
  return d.version ? `${d.name} ${d.version}` : d.name;
}

export function fileNameOf(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}
