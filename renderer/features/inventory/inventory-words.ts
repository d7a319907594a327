// The inventory import's words and checks, pure (tested in test/ui/inventory-logic.test.ts): which
// files are taken, what a dry run says will be done (installs are wipes: counted apart), and a
// refusal's problems by line.
import type { InventoryImportResult, ValidationProblem } from '../../../electron/shared/contract.js';
import { ApiError } from '../../api/client.js';

/** The route takes at most 4 MiB of text (schemas.ts InventoryImportRequest). */
export const MAX_CSV_BYTES = 4 * 1024 * 1024;

/** Why a picked or dropped file is not sent at all; null when it may be a CSV. */
export function checkCsvFile(file: { name: string; size: number; type: string }): string | null {
  if (/\.iso$/i.test(file.name)) return `${file.name} is an ISO image: drop it outside this dialog to import it as an installer.`;
  if (file.size === 0) return `${file.name} is empty.`;
  if (file.size > MAX_CSV_BYTES) return `${file.name} is larger than 4 MiB: not an inventory of machines.`;
  const textual = file.type === '' || file.type.startsWith('text/') || /csv|excel/.test(file.type);
  if (!textual && !/\.(csv|txt)$/i.test(file.name)) return `${file.name} is not a CSV file (header: mac,hostname,ip,distro).`;
  return null;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export interface ImportPreview {
  /** "3 machines: 3 reservations, 2 installs queued". */
  summary: string;
  /** Installs the import queues: each erases a disk. */
  wipes: number;
}

/** What a dry run (or the import) says is (to be) done. */
export function previewOf(result: InventoryImportResult): ImportPreview {
  const verb = result.applied ? 'queued' : 'to queue';
  const installs = result.installsQueued > 0 ? `, ${plural(result.installsQueued, 'install')} ${verb}` : ', no install';
  return {
    summary: `${plural(result.rows.length, 'machine')}: ${plural(result.reservations, 'reservation')}${installs}`,
    wipes: result.installsQueued,
  };
}

/** Every problem of a refused file, by line (lines without a number, about the whole file, first). */
export function problemsOf(e: unknown): ValidationProblem[] | null {
  if (!(e instanceof ApiError) || !e.problems || e.problems.length === 0) return null;
  return [...e.problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

export function problemWords(p: ValidationProblem): string {
  return p.line === null ? p.message : `Line ${p.line}: ${p.message}`;
}
