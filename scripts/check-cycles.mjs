// Refuses import cycles, type-only imports included (a cycle of types is still two modules that
// cannot be understood apart). Run by `npm run lint`; test/unit/lint/boundaries.test.ts plants one.
// Usage: node scripts/check-cycles.mjs [DIR …]   (default: electron renderer)
import madge from 'madge';

const dirs = process.argv.slice(2);
const result = await madge(dirs.length > 0 ? dirs : ['electron', 'renderer'], {
  fileExtensions: ['ts', 'tsx'],
  detectiveOptions: { ts: { skipTypeImports: false }, tsx: { skipTypeImports: false } },
});
const cycles = result.circular();
if (cycles.length > 0) {
  process.stderr.write(`${cycles.length} import cycle(s):\n${cycles.map((c) => `  ${[...c, c[0]].join(' -> ')}`).join('\n')}\n`);
  process.exit(1);
}
process.stdout.write(`no import cycles in ${Object.keys(result.obj()).length} modules\n`);
