// Builds fixture ISOs with xorriso (Debian package `xorriso`) for the ISO reader and detection
// tests. Plain mkisofs emulation, so options read like the genisoimage/mkisofs man page.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface BuildIsoOptions {
  /** Rock Ridge (-R: names, symlinks, permissions as on disk). Default true; false passes
   *  --norock, since xorriso writes Rock Ridge even without -R. */
  rockRidge?: boolean;
  /** Joliet (-J). Default false. */
  joliet?: boolean;
  /** Volume id (-V). Default "BOOTBENCH_TEST". */
  volid?: string;
  /** More mkisofs-style arguments, e.g. ['-iso-level', '3'] or ['-isohybrid-mbr', file]. */
  extraArgs?: string[];
}

/** Builds `out` from the tree `dir`; throws with xorriso's own stderr when it fails. */
export async function buildIso(dir: string, out: string, options: BuildIsoOptions = {}): Promise<void> {
  const args = ['-as', 'mkisofs', '-quiet', '-o', out, '-V', options.volid ?? 'BOOTBENCH_TEST'];
  args.push((options.rockRidge ?? true) ? '-R' : '--norock');
  if (options.joliet) args.push('-J');
  args.push(...(options.extraArgs ?? []), dir);
  try {
    await run('xorriso', args, { maxBuffer: 16 * 1024 * 1024 });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') throw new Error('xorriso is not installed: apt-get install -y xorriso');
    throw new Error(`xorriso ${args.join(' ')} failed: ${err.stderr ?? err.message}`);
  }
}

/** sha256 of a file on disk, streamed. */
export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path, { highWaterMark: 1 << 20 })
      .on('data', (c) => h.update(c))
      .on('end', () => resolve(h.digest('hex')))
      .on('error', reject);
  });
}
