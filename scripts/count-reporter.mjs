// A node:test reporter that writes only the totals, as JSON, so that run-tests.mjs can add
// up several runs and end with the one line CI reads: "N passed, N failed". It also writes how
// long each file's top-level tests and suites took (`files`), for run-tests.mjs's time table.
export default async function* countReporter(source) {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  const files = {};
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    if (event.data.nesting === 0 && event.data.file)
      files[event.data.file] = (files[event.data.file] ?? 0) + (event.data.details?.duration_ms ?? 0);
    if (event.data.details?.type === 'suite') continue;
    if (event.data.skip || event.data.todo) counts.skipped += 1;
    else if (event.type === 'test:pass') counts.passed += 1;
    else counts.failed += 1;
  }
  yield `${JSON.stringify({ ...counts, files })}\n`;
}
