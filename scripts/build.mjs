// Bundles the core's command line into dist/ with esbuild: one file that plain Node runs.
// Dependencies stay external (koffi ships a native module; ws and zod load from node_modules).
import { build } from 'esbuild';

await build({
  entryPoints: { cli: 'electron/core/cli.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
