// The architecture's import boundaries are enforced by eslint.config.js; these tests prove that the
// rules fire (a rule that silently stopped matching would let the core grow an electron import).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ESLint } from 'eslint';

const root = resolve(import.meta.dirname, '..', '..', '..');
const eslint = new ESLint({ cwd: root });

async function messagesFor(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(root, filePath) });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

test('electron/core may not import electron', async () => {
  const messages = await messagesFor("import { app } from 'electron';\nexport const a = app;\n", 'electron/core/some-module.ts');
  assert.ok(
    messages.some((m) => m.includes('no-restricted-imports') && m.includes('never imports electron')),
    messages.join('\n'),
  );
});

test('a codec may not do I/O', async () => {
  const messages = await messagesFor(
    "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n",
    'electron/core/dhcp/codec.ts',
  );
  assert.ok(
    messages.some((m) => m.includes('pure functions')),
    messages.join('\n'),
  );
});

test('the renderer may import only the shared contract', async () => {
  const bad = await messagesFor("import { serve } from '../electron/core/app.js';\nexport const s = serve;\n", 'renderer/main.tsx');
  assert.ok(
    bad.some((m) => m.includes('only the shared contract')),
    bad.join('\n'),
  );
  const good = await messagesFor(
    "import type { Host } from '../electron/shared/contract.js';\nexport type H = Host;\n",
    'renderer/main.tsx',
  );
  assert.deepEqual(
    good.filter((m) => m.startsWith('no-restricted-imports')),
    [],
  );
});

test('the Electron shell itself may import electron', async () => {
  const messages = await messagesFor("import { app } from 'electron';\nexport const a = app;\n", 'electron/main.ts');
  assert.deepEqual(
    messages.filter((m) => m.startsWith('no-restricted-imports')),
    [],
  );
});

// Each zone of import-x/no-restricted-paths, planted: the import must be refused with its reason.
const zones: { what: string; file: string; code: string; says: RegExp }[] = [
  {
    what: 'a protocol server imports boot policy',
    file: 'electron/core/dhcp/server.ts',
    code: "import { chooseBoot } from '../boot/dhcp-boot.js';\nexport const c = chooseBoot;\n",
    says: /Protocol servers are transports/,
  },
  {
    what: 'a protocol server imports install',
    file: 'electron/core/tftp/server.ts',
    code: "import type { InstallManager } from '../install/manager.js';\nexport type M = InstallManager;\n",
    says: /Protocol servers are transports/,
  },
  {
    what: 'a protocol server imports the ISO library',
    file: 'electron/core/http/server.ts',
    code: "import { IsoLibrary } from '../iso/library.js';\nexport const l = IsoLibrary;\n",
    says: /Protocol servers are transports/,
  },
  {
    what: 'a protocol server imports the composition root',
    file: 'electron/core/syslog/receiver.ts',
    code: "import { serve } from '../app.js';\nexport const s = serve;\n",
    says: /Protocol servers are transports/,
  },
  {
    what: 'a protocol server imports another one',
    file: 'electron/core/dns/codec.ts',
    code: "import { ipToBuffer } from '../dhcp/options.js';\nexport const i = ipToBuffer;\n",
    says: /does not import another one/,
  },
  {
    what: 'a feature imports the composition root',
    file: 'electron/core/install/manager.ts',
    code: "import { startSession } from '../session.js';\nexport const s = startSession;\n",
    says: /never import the composition root/,
  },
  {
    what: 'boot imports install',
    file: 'electron/core/boot/routes.ts',
    code: "import { kernelCmdline } from '../install/recipes.js';\nexport const k = kernelCmdline;\n",
    says: /never the reverse/,
  },
  {
    what: 'the bottom layer imports a protocol server',
    file: 'electron/core/net/bound-socket.ts',
    code: "import { decodeDhcp } from '../dhcp/codec.js';\nexport const d = decodeDhcp;\n",
    says: /bottom layer/,
  },
];
for (const zone of zones) {
  test(`import boundary: ${zone.what} is refused`, async () => {
    const messages = await messagesFor(zone.code, zone.file);
    assert.ok(
      messages.some((m) => m.startsWith('import-x/no-restricted-paths') && zone.says.test(m)),
      messages.join('\n') || 'no messages',
    );
  });
}

test('import boundary: install may use boot URLs, and session.ts may import everything', async () => {
  const install = await messagesFor(
    "import { httpBase } from '../boot/urls.js';\nexport const h = httpBase;\n",
    'electron/core/install/recipes.ts',
  );
  assert.deepEqual(
    install.filter((m) => m.startsWith('import-x/')),
    [],
  );
  const session = await messagesFor(
    "import { chooseBoot } from './boot/dhcp-boot.js';\nimport { DhcpServer } from './dhcp/server.js';\nexport const a = [chooseBoot, DhcpServer];\n",
    'electron/core/session.ts',
  );
  assert.deepEqual(
    session.filter((m) => m.startsWith('import-x/')),
    [],
  );
});

describe('import cycles (scripts/check-cycles.mjs)', () => {
  const script = resolve(root, 'scripts', 'check-cycles.mjs');
  const run = (...dirs: string[]) => spawnSync(process.execPath, [script, ...dirs], { cwd: root, encoding: 'utf8' });

  test('a planted cycle of type-only imports fails, naming both modules', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bootbench-cycle-'));
    try {
      writeFileSync(join(dir, 'a.ts'), "import type { B } from './b.js';\nexport interface A { b: B }\n");
      writeFileSync(join(dir, 'b.ts'), "import type { A } from './a.js';\nexport interface B { a: A }\n");
      const r = run(dir);
      assert.equal(r.status, 1, r.stdout + r.stderr);
      assert.match(r.stderr, /1 import cycle/);
      assert.match(r.stderr, /a\.ts -> .*b\.ts -> .*a\.ts/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the tree itself has none', () => {
    const r = run();
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /no import cycles in \d+ modules/);
  });
});
