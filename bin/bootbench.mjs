#!/usr/bin/env node
// The `bootbench` command: runs the bundled core and its command line (dist/cli.mjs, built by
// `npm run build`).
import module from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Node 22 caches compiled code between runs: every verb starts faster from the second run on.
module.enableCompileCache?.();

const cli = new URL('../dist/cli.mjs', import.meta.url);
try {
  await import(cli.href);
} catch (e) {
  // Only the bundle itself missing gets this advice (not a dependency it cannot find): any other
  // error is the CLI's own.
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || existsSync(fileURLToPath(cli))) throw e;
  process.stderr.write('bootbench: dist/cli.mjs is missing. Run `npm run build` in the bootbench folder first.\n');
  process.exit(1);
}
