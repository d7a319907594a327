// Builds with esbuild:
//   dist/cli.mjs                 the core and its command line (plain Node), dependencies external
//   dist/tftp-lane.mjs           the TFTP transfer lane (Linux: a thread per core; cli.mjs starts them)
//   dist/tftp-worker.mjs         the portable TFTP transfer worker (other systems)
//   dist/electron/main.cjs       the Electron shell's main process
//   dist/electron/preload.cjs    its preload script (sandboxed: one self-contained CommonJS file)
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: 'linked', logLevel: 'warning' };

await Promise.all([
  build({
    ...common,
    entryPoints: { cli: 'electron/core/cli.ts', 'tftp-lane': 'electron/core/tftp/lane.ts', 'tftp-worker': 'electron/core/tftp/worker.ts' },
    outdir: 'dist',
    outExtension: { '.js': '.mjs' },
    format: 'esm',
    packages: 'external',
    // Verbs load the server lazily (import()): split it into chunks so that a client verb such as
    // `bootbench import` does not parse the whole server at startup. Chunks sit beside the entries,
    // so that relative URLs (the TFTP worker's) resolve the same from any of them.
    splitting: true,
    chunkNames: 'chunk-[hash]',
  }),
  build({
    ...common,
    entryPoints: { main: 'electron/main.ts', preload: 'electron/preload.ts' },
    outdir: 'dist/electron',
    outExtension: { '.js': '.cjs' },
    format: 'cjs',
    external: ['electron'],
  }),
  import('./build-renderer.mjs').then((m) => m.buildRenderer()), // dist/renderer/: the React UI
]);
