// The server-side import in a running `bootbench serve`, for bench/iso/run.sh: WARMUP untimed then
// RUNS timed `POST /api/distros/import` of the same ISO from one warm client process, the ISO's
// mtime bumped before each (untimed) so that every run is a real re-import (index, detect, register,
// atomic save of distros.json) and not the no-op; then RUNS imports of the unchanged file (no-op).
// For each: the server's own figure (the `iso.imported` event's data.ms, read back from
// GET /api/events, unrounded) and the round trip as a client of the control API sees it.
// Usage: node import-api.mjs ISO DATA_DIR RUNS WARMUP
//   → one JSON line {server: [ms…], roundTrip: [ms…], noop: [ms…]}
import { readFile, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import type { CoreEvent } from '../../electron/shared/contract.js';

const [iso, dataDir, runsText = '11', warmupText = '5'] = process.argv.slice(2);
if (!iso || !dataDir) throw new Error('usage: import-api ISO DATA_DIR [RUNS] [WARMUP]');
const runs = Math.max(1, Math.min(1000, Number(runsText)));
const warmup = Math.max(0, Math.min(1000, Number(warmupText)));

const { controlUrl, token } = JSON.parse(await readFile(join(dataDir, 'server.json'), 'utf8')) as { controlUrl: string; token: string };
const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };

async function importOnce(): Promise<{ id: string; ms: number }> {
  const t = performance.now();
  const res = await fetch(`${controlUrl}/api/distros/import`, { method: 'POST', headers, body: JSON.stringify({ path: iso }) });
  const text = await res.text();
  const ms = performance.now() - t;
  if (!res.ok) throw new Error(`import answered ${res.status}: ${text}`);
  return { id: (JSON.parse(text) as { id: string }).id, ms };
}

const base = Math.floor(Date.now() / 1000);
let bump = 0;
const touch = () => utimes(iso, base + ++bump, base + bump);

for (let i = 0; i < warmup; i++) {
  await touch();
  await importOnce();
}
const res = await fetch(`${controlUrl}/api/events`, { headers });
const before = ((await res.json()) as CoreEvent[]).at(-1)?.seq ?? 0;
const roundTrip: number[] = [];
for (let i = 0; i < runs; i++) {
  await touch();
  roundTrip.push((await importOnce()).ms);
}
const noop: number[] = [];
for (let i = 0; i < runs; i++) noop.push((await importOnce()).ms);

const events = (await (await fetch(`${controlUrl}/api/events?since=${before}`, { headers })).json()) as CoreEvent[];
const server = events.flatMap((e) => (e.type === 'log' && e.kind === 'iso.imported' && typeof e.data?.ms === 'number' ? [e.data.ms] : []));
if (server.length !== runs) throw new Error(`expected ${runs} iso.imported events after seq ${before}, got ${server.length}`);
process.stdout.write(`${JSON.stringify({ server, roundTrip, noop })}\n`);
