// The architecture's import boundaries are enforced by eslint.config.js; these tests prove that the
// rules fire (a rule that silently stopped matching would let the core grow an electron import).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { ESLint } from 'eslint';

const root = resolve(import.meta.dirname, '..', '..', '..');
const eslint = new ESLint({ cwd: root });

async function messagesFor(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(root, filePath) });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

test('electron/core may not import electron', async () => {
  const messages = await messagesFor("import { app } from 'electron';\nexport const a = app;\n", 'electron/core/some-module.ts');
  assert.ok(messages.some((m) => m.includes('no-restricted-imports') && m.includes('never imports electron')), messages.join('\n'));
});

test('a codec may not do I/O', async () => {
  const messages = await messagesFor("import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n", 'electron/core/dhcp/codec.ts');
  assert.ok(messages.some((m) => m.includes('pure functions')), messages.join('\n'));
});

test('the renderer may import only the shared contract', async () => {
  const bad = await messagesFor("import { serve } from '../electron/core/app.js';\nexport const s = serve;\n", 'renderer/main.tsx');
  assert.ok(bad.some((m) => m.includes('only the shared contract')), bad.join('\n'));
  const good = await messagesFor("import type { Host } from '../electron/shared/contract.js';\nexport type H = Host;\n", 'renderer/main.tsx');
  assert.deepEqual(good.filter((m) => m.startsWith('no-restricted-imports')), []);
});

test('the Electron shell itself may import electron', async () => {
  const messages = await messagesFor("import { app } from 'electron';\nexport const a = app;\n", 'electron/main.ts');
  assert.deepEqual(messages.filter((m) => m.startsWith('no-restricted-imports')), []);
});
