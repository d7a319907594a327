#!/usr/bin/env node
// The `bootbench` command: runs the bundled core (built by `npm run build`).
import module from 'node:module';

// Node 22 caches compiled code between runs: every verb starts faster from the second run on.
module.enableCompileCache?.();

const cli = new URL('../dist/cli.mjs', import.meta.url);
try {
  await import(cli.href);
} catch (e) {
  // Only the bundle itself missing gets this advice; any other error is the CLI's own.
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('dist/cli.mjs')) throw e;
  process.stderr.write('bootbench: dist/cli.mjs is missing. Run `npm run build` in the bootbench folder first.\n');
  process.exit(1);
}
