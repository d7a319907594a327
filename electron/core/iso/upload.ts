// A browser cannot hand over a path: the ISO is streamed into the data folder (`isos/`), written to
// a `.part` file and renamed once complete, then imported. A failed, refused or cancelled upload
// leaves nothing behind: no file, no distro. The bytes are hashed as they pass, so the same ISO
// uploaded twice is recognised (library.ts keeps one record) and its second copy deleted.
import { createHash } from 'node:crypto';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Distro } from '../../shared/contract.js';
import { BootbenchError, isBootbenchError } from '../errors.js';
import type { IsoLibrary } from './library.js';

/**
 * `name` is the safe file name the route accepted; `chosenName` the name of the file the user
 * picked, which every message names (not the server's copy).
 */
export async function receiveUpload(
  library: IsoLibrary,
  name: string,
  stream: AsyncIterable<Uint8Array>,
  length: number | null,
  chosenName: string = name,
): Promise<Distro> {
  const { bus } = library;
  const dir = library.uploadDir;
  await mkdir(dir, { recursive: true });
  let target = join(dir, name);
  for (let n = 2; await exists(target); n += 1) target = join(dir, name.replace(/\.iso$/i, `-${n}.iso`));
  const part = `${target}.part`;
  const handle = await open(part, 'wx', 0o644);
  const hash = createHash('sha256');
  // No progress lines in the log: the uploading browser shows its own progress bar (XHR progress).
  let done = 0;
  try {
    for await (const chunk of stream) {
      await handle.write(chunk);
      hash.update(chunk);
      done += chunk.length;
    }
    if (length !== null && done !== length) throw new Error(`the upload ended after ${done} of ${length} bytes`);
    await handle.sync();
    await handle.close();
    await rename(part, target);
  } catch (e) {
    await handle.close().catch(() => undefined);
    await rm(part, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    // The browser's Cancel (or a closed tab) resets the connection mid-body.
    const reason =
      code === 'ENOSPC' ? `the disk holding ${dir} is full` : code === 'ECONNRESET' ? 'it was cancelled' : (e as Error).message;
    const failure = new BootbenchError('ISO_UNREADABLE', { file: chosenName, reason: `the upload failed: ${reason}` }, { cause: e });
    // A cancel is the user's choice (a warning); anything else is a failed import, logged as every one is.
    if (code === 'ECONNRESET')
      bus.log('core', 'warn', 'iso.upload', `upload of ${chosenName} stopped (${reason}); the partial file was removed`, {
        data: { name, done, total: length },
      });
    else bus.log('core', 'error', 'iso.import-failed', failure.message, { data: { file: chosenName, code: failure.code } });
    throw failure;
  }
  bus.log('core', 'info', 'iso.upload', `received ${name} (${formatMiB(done)})`, { data: { name, done, total: done } });
  try {
    const distro = await library.import(target, { sha256: hash.digest('hex') });
    // The same ISO was in the library already: keep its record, not a second copy of the file.
    if (distro.iso !== target) await rm(target, { force: true });
    return distro;
  } catch (e) {
    await rm(target, { force: true });
    throw namingChosenFile(e, target, chosenName);
  }
}

/** An upload's refusal names the file the user chose, not where the server put it. */
function namingChosenFile(e: unknown, target: string, chosen: string): unknown {
  if (!isBootbenchError(e) || !(e.code === 'ISO_UNREADABLE' || e.code === 'ISO_UNSUPPORTED' || e.code === 'ISO_NOT_FOUND')) return e;
  const { file, reason } = e.context as { file: string; reason: string };
  // The import names the real path of the file (the data folder may be reached through a link).
  if (basename(file) !== basename(target)) return e;
  return new BootbenchError(e.code, { file: chosen, reason: reason.split(file).join(chosen) }, { cause: e.cause });
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );
const formatMiB = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;
