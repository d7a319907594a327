// A real Debian live ISO for the live-boot end-to-end test, built from Debian's archive with
// live-build (live-build/build.sh: minimal, no recommends, serial console) and cached outside the
// repo like the test kernels (installer-iso.ts): $BOOTBENCH_TEST_CACHE or
// /var/tmp/bootbench-test-cache, one folder per build script + mirror, renamed into place when
// complete. The first build downloads ~150 MB of packages and takes several minutes; later runs
// reuse the ISO.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { testCacheDir } from './installer-iso.js';

const run = promisify(execFile);
const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'live-build', 'build.sh');

/** The Debian archive apt uses here (the first URIs: / deb line), for live-build's mirrors. */
export function debianMirror(): string {
  const dirs = ['/etc/apt/sources.list.d', '/etc/apt'];
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).filter((n) => /\.(sources|list)$/.test(n))) {
      const text = readFileSync(join(dir, f), 'utf8');
      const uri = /^URIs:\s*(\S+\/debian)\/?\s*$/m.exec(text)?.[1] ?? /^deb\s+(?:\[[^\]]*\]\s+)?(\S+\/debian)\/?\s/m.exec(text)?.[1];
      if (uri) return `${uri}/`;
    }
  }
  return 'http://deb.debian.org/debian/';
}

export interface DebianLiveIso {
  iso: string;
  size: number;
  /** Seconds the build took, when this call built it (null: from the cache). */
  buildSeconds: number | null;
  /** When it was built (the cache's record). */
  builtAt: string;
}

/** The cache folder of the ISO this build script and mirror make. */
function cacheDir(): string {
  const key = createHash('sha256').update(readFileSync(SCRIPT)).update(debianMirror()).digest('hex').slice(0, 16);
  return join(testCacheDir(), `debian-live-${key}`);
}

/** Whether the ISO is built and cached already (no build needed). */
export function debianLiveIsoCached(): boolean {
  return existsSync(join(cacheDir(), '.complete'));
}

export async function debianLiveIso(): Promise<DebianLiveIso> {
  const mirror = debianMirror();
  const dir = cacheDir();
  const iso = join(dir, 'debian-live.iso');
  if (existsSync(join(dir, '.complete'))) {
    return { iso, size: statSync(iso).size, buildSeconds: null, builtAt: readFileSync(join(dir, '.complete'), 'utf8').trim() };
  }
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  mkdirSync(tmp, { recursive: true });
  const started = Date.now();
  try {
    await run('bash', [SCRIPT, join(tmp, 'debian-live.iso'), mirror], { maxBuffer: 16 * 1024 * 1024, timeout: 60 * 60_000 });
    const seconds = Math.round((Date.now() - started) / 1000);
    writeFileSync(join(tmp, '.complete'), `${new Date().toISOString()} (live-build ${seconds} s)`);
    rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(tmp, dir);
    } catch (e) {
      if (!existsSync(join(dir, '.complete'))) throw e; // another process won the race: use theirs
    }
    return { iso, size: statSync(iso).size, buildSeconds: seconds, builtAt: new Date().toISOString() };
  } catch (e) {
    const err = e as Error & { stderr?: string };
    throw new Error(`live-build failed (${SCRIPT}): ${err.stderr?.trim() || err.message}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
