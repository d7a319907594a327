#!/usr/bin/env node
// The `bootbench` command: runs the bundled core (built by `npm run build`).
import module from 'node:module';

// Node 22 caches compiled code between runs: every verb starts faster from the second run on.
module.enableCompileCache?.();

// `import FILE`, `distros` and `hosts` are one control-API call each: a small bundle that loads
// almost nothing answers them (dist/cli-quick.mjs, electron/core/cli-quick.ts). It declines
// (null) whatever it does not handle, before printing anything, and the full CLI runs instead.
// BOOTBENCH_NO_QUICK=1 always runs the full CLI (the tests compare the two).
const argv = process.argv.slice(2);
if (!process.env.BOOTBENCH_NO_QUICK && (argv[0] === 'import' || argv[0] === 'distros' || argv[0] === 'hosts')) {
  let quickRun = null;
  try {
    ({ quickRun } = await import(new URL('../dist/cli-quick.mjs', import.meta.url).href));
  } catch {
    // No fast path built (or an older dist/): the full CLI below reports what is missing.
  }
  const out = quickRun ? await quickRun(argv).catch(() => null) : null;
  if (out !== null) {
    process.stdout.write(out.stdout);
    process.stderr.write(out.stderr);
    process.exitCode = out.code;
    await new Promise((r) => process.stdout.write('', r)); // flushed before exit when piped
    process.exit(out.code);
  }
}

const cli = new URL('../dist/cli.mjs', import.meta.url);
try {
  await import(cli.href);
} catch (e) {
  // Only the bundle itself missing gets this advice; any other error is the CLI's own.
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('dist/cli.mjs')) throw e;
  process.stderr.write('bootbench: dist/cli.mjs is missing. Run `npm run build` in the bootbench folder first.\n');
  process.exit(1);
}
