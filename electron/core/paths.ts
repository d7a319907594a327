// Where the package's own files are, whether the core runs bundled (dist/cli.mjs) or from source.
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// stat, not access(2): access judges by the real uid, so it fails where a service runs with
// capabilities instead of as the files' owner.
const exists = (path: string) => {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
};

function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i += 1) {
    if (exists(join(dir, 'package.json')) && exists(join(dir, 'assets'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

export const PACKAGE_ROOT = packageRoot();
export const BOOT_ASSETS_DIR = join(PACKAGE_ROOT, 'assets', 'boot');
/** The answer-file templates that ship (a user's edits live in the data folder). */
export const TEMPLATES_DIR = join(PACKAGE_ROOT, 'assets', 'templates');
export const UI_ROOT = join(PACKAGE_ROOT, 'dist', 'renderer');
