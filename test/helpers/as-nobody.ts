// Runs a snippet of test code as nobody, for the tests of unprivileged starts. The snippet is
// bundled with esbuild into the checkout's dist/ first: tsx finds .ts files with access(2), which
// judges by the real uid and so fails for nobody in a 0700 checkout even with CAP_DAC_READ_SEARCH;
// a plain bundle is found with stat(2) and read with that capability.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { AS_NOBODY } from './netns.js';
import { REPO } from './bootbench.js';

/** The command (for lab.run / lab.exec) that runs `code` (an ES module) as nobody. */
export function nobodyRuns(code: string, name: string): [string, string[]] {
  const dir = join(REPO, 'dist', 'test-snippets');
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, `${name}.mjs`);
  buildSync({
    stdin: { contents: code, resolveDir: REPO, loader: 'ts', sourcefile: `${name}.ts` },
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  });
  return ['setpriv', [...AS_NOBODY, process.execPath, outfile]];
}
