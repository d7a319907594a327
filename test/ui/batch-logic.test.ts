// The batch selection and the inventory import's pure parts (renderer/features/hosts/selection.ts,
// renderer/features/inventory/inventory-words.ts): what a click, a shift-click and select-all
// select, each machine's outcome of a batch, and what an import says before and after.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BatchResult, InventoryImportResult } from '../../electron/shared/contract.js';
import { ApiError } from '../../renderer/api/client.js';
import {
  batchOutcome,
  headerState,
  NO_SELECTION,
  pruneSelection,
  selectAll,
  selectedInOrder,
  toggleAll,
  toggleOne,
  toggleRange,
} from '../../renderer/features/hosts/selection.js';
import { checkCsvFile, previewOf, problemsOf, problemWords } from '../../renderer/features/inventory/inventory-words.js';

const ORDER = ['m1', 'm2', 'm3', 'm4', 'm5'];
const sel = (s: { selected: ReadonlySet<string> }) => [...s.selected].sort();

test('a click toggles one machine and becomes the anchor', () => {
  const a = toggleOne(NO_SELECTION, 'm2');
  assert.deepEqual(sel(a), ['m2']);
  assert.equal(a.anchor, 'm2');
  const b = toggleOne(a, 'm2');
  assert.deepEqual(sel(b), []);
});

test('a shift-click selects the range from the anchor, either direction, with the state the clicked box gets', () => {
  const down = toggleRange(toggleOne(NO_SELECTION, 'm2'), 'm4', ORDER);
  assert.deepEqual(sel(down), ['m2', 'm3', 'm4']);
  assert.equal(down.anchor, 'm4');
  const up = toggleRange(toggleOne(NO_SELECTION, 'm5'), 'm3', ORDER);
  assert.deepEqual(sel(up), ['m3', 'm4', 'm5']);
  // Shift-click on a selected box clears the range from the anchor to it.
  const cleared = toggleRange(toggleOne(down, 'm1'), 'm3', ORDER);
  assert.deepEqual(sel(cleared), ['m4']);
  // No anchor (or one no longer shown): a plain toggle.
  assert.deepEqual(sel(toggleRange(NO_SELECTION, 'm3', ORDER)), ['m3']);
  assert.deepEqual(sel(toggleRange({ selected: new Set(), anchor: 'gone' }, 'm3', ORDER)), ['m3']);
});

test('select all takes every machine shown; the header box clears them when all are selected', () => {
  const shown = ['m1', 'm3'];
  const all = selectAll(toggleOne(NO_SELECTION, 'm5'), shown);
  assert.deepEqual(sel(all), ['m1', 'm3', 'm5'], 'machines hidden by the search stay selected');
  assert.equal(headerState(all.selected, shown), 'all');
  assert.equal(headerState(all.selected, ORDER), 'some');
  assert.equal(headerState(new Set(), ORDER), 'none');
  assert.deepEqual(sel(toggleAll(all, shown)), ['m5']);
  assert.deepEqual(sel(toggleAll(NO_SELECTION, shown)), ['m1', 'm3']);
  assert.deepEqual(selectedInOrder(new Set(['m4', 'm1']), ORDER), ['m1', 'm4']);
});

test('forgotten machines leave the selection', () => {
  const s = { selected: new Set(['m1', 'm2']), anchor: 'm2' };
  assert.equal(pruneSelection(s, new Set(['m1', 'm2', 'm3'])), s, 'unchanged: the same object');
  const p = pruneSelection(s, new Set(['m1']));
  assert.deepEqual(sel(p), ['m1']);
  assert.equal(p.anchor, null);
});

test('batch outcome: each machine, the failures by name with the server’s words', () => {
  const result: BatchResult = {
    results: [
      { mac: 'm1', ok: true },
      { mac: 'm2', ok: false, error: { code: 'HOST_BUSY', message: 'an install is under way' } },
      { mac: 'm3', ok: true },
    ],
  };
  const hosts = new Map([['m2', { mac: 'm2', label: 'web-02', hostname: null }]]);
  const o = batchOutcome('install', result, hosts);
  assert.deepEqual(o.ok, ['m1', 'm3']);
  assert.deepEqual(o.failed, [{ mac: 'm2', name: 'web-02 (m2)', message: 'an install is under way' }]);
  assert.equal(o.summary, '2 queued, 1 failed');
  assert.equal(batchOutcome('cancel', { results: [{ mac: 'm1', ok: true }] }, new Map()).summary, '1 cancelled');
});

test('a CSV file is checked before it is sent: ISO, empty, too large, binary', () => {
  assert.equal(checkCsvFile({ name: 'lab.csv', size: 120, type: 'text/csv' }), null);
  assert.equal(checkCsvFile({ name: 'lab.txt', size: 120, type: '' }), null);
  assert.match(checkCsvFile({ name: 'x.iso', size: 1e9, type: 'application/x-iso9660-image' }) ?? '', /ISO image/);
  assert.match(checkCsvFile({ name: 'e.csv', size: 0, type: 'text/csv' }) ?? '', /empty/);
  assert.match(checkCsvFile({ name: 'big.csv', size: 5 * 1024 * 1024, type: 'text/csv' }) ?? '', /4 MiB/);
  assert.match(checkCsvFile({ name: 'a.png', size: 10, type: 'image/png' }) ?? '', /not a CSV/);
});

test('a dry run says what will be done; installs are counted apart (they erase disks)', () => {
  const row = (line: number, distro: string | null) => ({ line, mac: `m${line}`, hostname: null, ip: null, distro, powerMethod: null });
  const dry: InventoryImportResult = {
    rows: [row(2, 'rocky'), row(3, null), row(4, 'rocky')],
    hosts: [],
    reservations: 3,
    installsQueued: 2,
    applied: false,
  };
  assert.deepEqual(previewOf(dry), { summary: '3 machines: 3 reservations, 2 installs to queue', wipes: 2 });
  assert.equal(previewOf({ ...dry, applied: true }).summary, '3 machines: 3 reservations, 2 installs queued');
  assert.equal(
    previewOf({ ...dry, rows: [row(2, null)], reservations: 1, installsQueued: 0 }).summary,
    '1 machine: 1 reservation, no install',
  );
});

test('a refused file: every problem by line, in order', () => {
  const e = new ApiError(400, 'BAD_INVENTORY', 'the inventory has 2 problems', undefined, [
    { line: 4, message: 'duplicate MAC 52:54:00:00:00:01 (first on line 2)' },
    { line: 3, message: 'malformed MAC "zz"' },
  ]);
  const p = problemsOf(e);
  assert.deepEqual(
    p?.map((x) => problemWords(x)),
    ['Line 3: malformed MAC "zz"', 'Line 4: duplicate MAC 52:54:00:00:00:01 (first on line 2)'],
  );
  assert.equal(problemsOf(new ApiError(400, 'X', 'no problems')), null);
  assert.equal(problemWords({ line: null, message: 'no mac column' }), 'no mac column');
});
