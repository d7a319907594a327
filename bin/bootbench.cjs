#!/usr/bin/env node
// The `bootbench` command: runs the bundled core (built by `npm run build`).
//
// CommonJS on purpose: a CommonJS entry does not start Node's ES module loader, which costs ~6 ms
// here before a line of ours runs, and `bootbench import` has a 100 ms budget in all (issue 4).
// The full CLI is an ES module bundle and is loaded with import() only when the fast path declines.
'use strict';
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

// Node 22 caches compiled code between runs: every verb starts faster from the second run on.
require('node:module').enableCompileCache?.();

// `import FILE`, `distros` and `hosts` are one control-API call each: a small CommonJS bundle that
// loads almost nothing answers them (dist/cli-quick.cjs, electron/core/cli-quick.ts). It declines
// (null) whatever it does not handle, before printing anything, and the full CLI runs instead.
// BOOTBENCH_NO_QUICK=1 always runs the full CLI (the tests compare the two).
const QUICK_VERBS = new Set(['import', 'distros', 'hosts']);

async function main() {
  const argv = process.argv.slice(2);
  if (!process.env.BOOTBENCH_NO_QUICK && QUICK_VERBS.has(argv[0])) {
    let quickRun = null;
    try {
      ({ quickRun } = require(join(__dirname, '..', 'dist', 'cli-quick.cjs')));
    } catch {
      // No fast path built (or an older dist/): the full CLI below reports what is missing.
    }
    const out = quickRun ? await quickRun(argv).catch(() => null) : null;
    if (out !== null) {
      process.stdout.write(out.stdout);
      process.stderr.write(out.stderr);
      process.exitCode = out.code;
      await new Promise((resolve) => process.stdout.write('', resolve)); // flushed before exit when piped
      process.exit(out.code);
    }
  }
  const cli = join(__dirname, '..', 'dist', 'cli.mjs');
  try {
    await import(pathToFileURL(cli).href);
  } catch (e) {
    // Only the bundle itself missing gets this advice; any other error is the CLI's own.
    if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('dist/cli.mjs')) throw e;
    process.stderr.write('bootbench: dist/cli.mjs is missing. Run `npm run build` in the bootbench folder first.\n');
    process.exit(1);
  }
}

main().catch((e) => {
  // What an uncaught error in an ES module entry would print, with its exit code.
  process.stderr.write(`${e?.stack ?? e}\n`);
  process.exit(1);
});
