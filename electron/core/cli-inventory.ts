// The CLI's verbs on several hosts at once: `install MAC MAC … --distro ID`, `cancel MAC MAC …`
// (the batch route: one line per host, exit 1 when any failed) and `hosts import FILE.csv`
// (all rows or none: every problem by line, exit 1).
import { readFile } from 'node:fs/promises';
import { normalizeMac, type BatchRequest, type BatchResult, type InventoryImportResult } from '../shared/contract.js';
import type { ControlClient } from './control/client.js';
import { BootbenchError, isBootbenchError } from './errors.js';

function fail(message: string): never {
  throw new BootbenchError('BAD_ARGUMENT', { message });
}

/** Every positional as a MAC (lower-case, colons); a word that is not one refuses the whole command before anything is sent. */
export function macsArg(positionals: string[], verb: string): string[] {
  if (positionals.length === 0) fail(`${verb} takes one or more MAC addresses: bootbench ${verb} 52:54:00:12:34:56 [52:54:00:12:34:57 …]`);
  return positionals.map((text) => normalizeMac(text) ?? fail(`"${text}" is not a MAC address (like 52:54:00:12:34:56).`));
}

/** A batch on several MACs: one line per host (or the BatchResult as JSON); 1 when any host failed. */
export async function runBatchVerb(client: ControlClient, request: BatchRequest, json: boolean): Promise<number> {
  const result: BatchResult = await client.call('POST /api/hosts/batch', { body: request });
  if (json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else
    for (const r of result.results) {
      const line =
        r.ok && r.host ? `${r.mac}: ${describeOk(request, r.host.state, r.host.distro)}` : `${r.mac}: FAILED: ${r.error?.message}`;
      (r.ok ? process.stdout : process.stderr).write(`${line}\n`);
    }
  const failed = result.results.filter((r) => !r.ok).length;
  if (failed > 0 && !json) process.stderr.write(`${failed} of ${result.results.length} hosts failed\n`);
  return failed > 0 ? 1 : 0;
}

function describeOk(request: BatchRequest, state: string, distro: string | null): string {
  switch (request.action) {
    case 'install':
      return `${state} (${distro})`;
    case 'cancel':
      return `install cancelled (${state})`;
    case 'wait-policy':
      return `wait policy ${request.policy ?? 'global'}`;
  }
}

/** `bootbench hosts import FILE.csv [--dry-run]`: 0 when imported (or checked), 1 when refused (problems by line on stderr). */
export async function runHostsImport(client: ControlClient, positionals: string[], dryRun: boolean, json: boolean): Promise<number> {
  const file = positionals[0];
  if (!file || positionals.length > 1) fail('hosts import takes one CSV file: bootbench hosts import FILE.csv [--dry-run]');
  let csv: string;
  try {
    csv = await readFile(file, 'utf8');
  } catch (e) {
    return fail(`cannot read ${file}: ${(e as Error).message}`);
  }
  let result: InventoryImportResult;
  try {
    result = await client.call('POST /api/hosts/import', { body: { csv, ...(dryRun ? { dryRun } : {}) } });
  } catch (e) {
    if (!isBootbenchError(e) || !e.problems) throw e;
    if (json)
      process.stdout.write(
        `${JSON.stringify({ error: { code: (e.context as { apiCode?: string }).apiCode ?? e.code, message: e.message, problems: e.problems } }, null, 2)}\n`,
      );
    process.stderr.write(`bootbench: ${e.message}\n`);
    for (const p of e.problems) process.stderr.write(`  ${p.line !== null ? `line ${p.line}` : 'file'}: ${p.message}\n`);
    return 1;
  }
  if (json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  }
  for (const r of result.rows)
    process.stdout.write(
      `line ${String(r.line).padEnd(4)} ${r.mac}  ${(r.hostname ?? '-').padEnd(16)} ${(r.ip ?? '-').padEnd(15)} ${(r.distro ?? '-').padEnd(24)} ${r.powerMethod ?? '-'}\n`,
    );
  const n = result.rows.length;
  const what = `${n} machine${n === 1 ? '' : 's'}, ${result.reservations} reservation${result.reservations === 1 ? '' : 's'}, ${result.installsQueued} install${result.installsQueued === 1 ? '' : 's'}`;
  process.stdout.write(
    result.applied ? `imported ${what} queued\n` : `checked ${what} to queue: every row is valid; nothing applied (--dry-run)\n`,
  );
  return 0;
}
