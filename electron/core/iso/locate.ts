// Locate…: a moved ISO is pointed at its new place. The file must be the same ISO (same size and
// volume id) so that the record's detection, kernel and initrd still hold; its id stays, and so do
// the installs and menus that name it.
import { realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Distro } from '../../shared/contract.js';
import { BootbenchError } from '../errors.js';
import { IsoImage } from './iso9660.js';
import type { IsoLibrary } from './library.js';

export async function locateDistro(library: IsoLibrary, id: string, path: string): Promise<Distro> {
  const distro = library.get(id);
  if (!distro) throw new BootbenchError('DISTRO_NOT_FOUND', { id });
  const file = await realpath(resolve(path)).catch(() => null);
  const st = file ? await stat(file).catch(() => null) : null;
  if (!file || !st?.isFile()) throw new BootbenchError('ISO_NOT_FOUND', { file: path, reason: 'there is no such file' });
  if (st.size !== distro.isoSize)
    throw new BootbenchError('ISO_NOT_THE_SAME', { file, id, reason: `it has ${st.size} bytes, the ISO had ${distro.isoSize}` });
  let volumeId: string;
  try {
    const image = await IsoImage.open(file);
    volumeId = image.volumeId;
    await image.close();
  } catch (e) {
    throw new BootbenchError('ISO_NOT_THE_SAME', { file, id, reason: `it is not readable as an ISO (${(e as Error).message})` });
  }
  if (volumeId !== distro.volumeId)
    throw new BootbenchError('ISO_NOT_THE_SAME', {
      file,
      id,
      reason: `its volume id is "${volumeId}", the ISO's was "${distro.volumeId}"`,
    });
  const located: Distro = { ...distro, iso: file, isoMtime: st.mtime.toISOString(), status: 'ok' };
  await library.replace(located);
  library.bus.log('core', 'info', 'iso.located', `"${id}" now reads ${file} (was ${distro.iso})`, { data: { id, file, was: distro.iso } });
  return library.get(id) ?? located;
}
