// In-process timing of the ISO import for bench/iso/run.sh: IsoLibrary.import of the same ISO
// RUNS times, its mtime bumped before each run so that every run is a real re-import (index,
// detect, register, save distros.json) and not the idempotent no-op; then RUNS no-op imports, and
// IsoImage.open alone (volume descriptors + the whole directory tree) for the split.
// Usage: node import.mjs ISO DATA_DIR RUNS  → one JSON line {import: [ms…], noop: [ms…], open: [ms…], files}
import { utimes } from 'node:fs/promises';
import { EventBus } from '../../electron/core/events.js';
import { IsoImage } from '../../electron/core/iso/iso9660.js';
import { IsoLibrary } from '../../electron/core/iso/library.js';

const [iso, dataDir, runsText = '5'] = process.argv.slice(2);
if (!iso || !dataDir) throw new Error('usage: import ISO DATA_DIR [RUNS]');
const runs = Math.max(1, Math.min(1000, Number(runsText)));

const bus = new EventBus();
const library = await IsoLibrary.open(dataDir, bus);
const base = Date.now() / 1000;
const importMs: number[] = [];
const eventMs: number[] = [];
bus.subscribe((e) => {
  if (e.type === 'log' && e.kind === 'iso.imported' && typeof e.data?.ms === 'number') eventMs.push(e.data.ms);
});
// One untimed import first (JIT warm-up, distros.json created), as a running server would have.
await utimes(iso, base, base);
await library.import(iso);
eventMs.length = 0; // the warm-up's event is not one of the timed runs
for (let i = 1; i <= runs; i++) {
  await utimes(iso, base + i, base + i); // a changed mtime: the library must re-read the ISO
  const t = performance.now();
  await library.import(iso);
  importMs.push(performance.now() - t);
}
const noopMs: number[] = [];
for (let i = 0; i < runs; i++) {
  const t = performance.now();
  await library.import(iso);
  noopMs.push(performance.now() - t);
}
const openMs: number[] = [];
let files = 0;
for (let i = 0; i < runs; i++) {
  const t = performance.now();
  const image = await IsoImage.open(iso);
  openMs.push(performance.now() - t);
  files = image.entries().filter((e) => e.kind === 'file').length;
  await image.close();
}
await library.close();
process.stdout.write(`${JSON.stringify({ import: importMs, event: eventMs, noop: noopMs, open: openMs, files })}\n`);
