#!/usr/bin/env node
// The `bootbench` command: runs the bundled core (built by `npm run build`).
import { existsSync } from 'node:fs';
import module from 'node:module';

// Node 22 caches compiled code between runs: every verb starts faster from the second run on.
module.enableCompileCache?.();
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli.mjs', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write('bootbench: dist/cli.mjs is missing. Run `npm run build` in the bootbench folder first.\n');
  process.exit(1);
}
await import(cli.href);
