// Shared by the tests of the on-disk stores (settings, templates): a temporary data dir removed
// after the test even when it fails, and the matcher of a BAD_ARGUMENT refusal.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BootbenchError } from '../../electron/core/errors.js';

/** Runs `fn` with a fresh folder `<tmp>/bootbench-<tag>-XXXXXX`, removed afterwards. */
export async function withTempDir(tag: string, fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), `bootbench-${tag}-`));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** For `assert.throws`/`assert.rejects`: a BootbenchError BAD_ARGUMENT whose message matches `re`. */
export const badArgument = (re: RegExp) => (e: unknown) => {
  assert.ok(e instanceof BootbenchError, String(e));
  assert.equal(e.code, 'BAD_ARGUMENT');
  assert.match(e.message, re);
  return true;
};
