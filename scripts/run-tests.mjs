// Runs the test suites in order (unit, integration, e2e, ui) with node's own test runner,
// loading TypeScript through tsx, and ends with the line CI reads: "N passed, N failed".
// Usage: node scripts/run-tests.mjs [unit|integration|e2e|ui ...] [-- extra node --test args]
// Each suite ends with the time of its slowest files (their top-level tests and suites).
// BOOTBENCH_E2E_CONCURRENCY=N runs N e2e files at once (default 1: the QEMU VMs under TCG are
// CPU-bound and the CI machine has 2 cores; measure on a quiet machine before raising it).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const suites = {
  unit: { dir: 'test/unit', concurrency: 2 },
  integration: { dir: 'test/integration', concurrency: 1 },
  e2e: { dir: 'test/e2e', concurrency: Number(process.env.BOOTBENCH_E2E_CONCURRENCY ?? 1) || 1 },
  ui: { dir: 'test/ui', concurrency: 1 },
};

const argv = process.argv.slice(2);
const split = argv.indexOf('--');
const chosen = (split < 0 ? argv : argv.slice(0, split)).filter((a) => a in suites);
const extra = split < 0 ? [] : argv.slice(split + 1);
const wanted = chosen.length > 0 ? chosen : Object.keys(suites);

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...testFiles(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const scratch = mkdtempSync(join(tmpdir(), 'bootbench-tests-'));
for (const name of wanted) {
  const { dir, concurrency } = suites[name];
  const files = testFiles(dir);
  if (files.length === 0) continue;
  process.stdout.write(`\n=== ${name}: ${files.length} file(s)\n`);
  const countsFile = join(scratch, `${name}.json`);
  const started = Date.now();
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--test',
      `--test-concurrency=${concurrency}`,
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=./scripts/count-reporter.mjs',
      `--test-reporter-destination=${countsFile}`,
      ...extra,
      ...files,
    ],
    { stdio: 'inherit' },
  );
  let counts = { passed: 0, failed: 1, skipped: 0 };
  try {
    counts = JSON.parse(readFileSync(countsFile, 'utf8'));
  } catch {
    process.stdout.write(`the ${name} suite ended (exit ${result.status}, signal ${result.signal}) without reporting its counts\n`);
  }
  if (result.status !== 0 && counts.failed === 0) counts.failed = 1; // a crash outside any test still fails the run
  const times = Object.entries(counts.files ?? {}).sort((a, b) => b[1] - a[1]);
  process.stdout.write(`\n=== ${name}: ${((Date.now() - started) / 1000).toFixed(0)} s (concurrency ${concurrency}); by file:\n`);
  for (const [file, ms] of times.slice(0, 20))
    process.stdout.write(`${(ms / 1000).toFixed(1).padStart(8)} s  ${relative(process.cwd(), file)}\n`);
  if (times.length > 20)
    process.stdout.write(`          (${times.length - 20} more files, each under ${(times[20][1] / 1000).toFixed(1)} s)\n`);
  for (const key of Object.keys(totals)) totals[key] += counts[key];
}
rmSync(scratch, { recursive: true, force: true });
const skipped = totals.skipped > 0 ? `, ${totals.skipped} skipped` : '';
process.stdout.write(`\n${totals.passed} passed, ${totals.failed} failed${skipped}\n`);
process.exit(totals.failed > 0 || totals.passed === 0 ? 1 : 0);
