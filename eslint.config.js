// Boundaries that the architecture relies on, said once (see ../shared/ARCHITECTURE.md):
// the core never imports electron; the renderer talks to the core only through the shared contract;
// codecs do no I/O; protocol servers are transports that never import a feature, another protocol
// server or the composition root; the bottom layer imports nothing above it. Import cycles (type-only
// ones included, which ESLint's cycle rules skip) are refused by scripts/check-cycles.mjs, run with
// lint. test/unit/lint/boundaries.test.ts proves each rule fires.
import tseslint from 'typescript-eslint';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';

const core = './electron/core';
const protocolServers = ['dhcp', 'tftp', 'http', 'dns', 'syslog'].map((d) => `${core}/${d}`);
const features = ['boot', 'install', 'iso', 'power', 'hosts', 'inventory'].map((d) => `${core}/${d}`);
const compositionRoot = ['app.ts', 'session.ts', 'serve-options.ts', 'cli.ts', 'cli-bmc.ts', 'check.ts', 'control'].map(
  (f) => `${core}/${f}`,
);
const lowLayers = ['net', 'files', 'store', 'events.ts', 'errors.ts', 'lifecycle.ts', 'paths.ts'].map((f) => `${core}/${f}`);

const nodeIo = [
  'node:fs',
  'node:fs/promises',
  'node:dgram',
  'node:net',
  'node:http',
  'node:child_process',
  'fs',
  'dgram',
  'net',
  'http',
  'child_process',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'out/**', 'test-artifacts/**', 'bench/**/work/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['electron/**/*.{ts,tsx}', 'renderer/**/*.{ts,tsx}'],
    plugins: { 'import-x': importX },
    settings: {
      // Sources import each other as './x.js' (TypeScript's ESM convention) while the files are .ts.
      'import-x/resolver-next': [
        createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.mjs'], extensionAlias: { '.js': ['.ts', '.tsx', '.js'] } }),
      ],
    },
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: protocolServers,
              from: [...features, ...compositionRoot],
              message:
                'Protocol servers are transports: they are handed their policy at composition (session.ts) and never import a feature or the composition root.',
            },
            ...protocolServers.map((server) => ({
              target: server,
              from: protocolServers.filter((other) => other !== server && !other.endsWith('/http')),
              message:
                'A protocol server does not import another one: what they share belongs in the bottom layer (net/, files/). (http/ file responses are the exception: every HTTP route uses them.)',
            })),
            {
              target: features,
              from: compositionRoot,
              message: 'Feature modules never import the composition root (app, session, cli, control): it imports them.',
            },
            {
              target: `${core}/boot`,
              from: `${core}/install`,
              message:
                'boot/ renders what install/ hands it (InstallerBoot, wired in session.ts); install/ may use boot/ URLs, never the reverse.',
            },
            {
              target: lowLayers,
              from: [...protocolServers, ...features, ...compositionRoot],
              message: 'net/, files/, store/ and the event bus are the bottom layer: they import nothing above them.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'electron/core runs in plain Node: it never imports electron.' }],
          patterns: [
            {
              group: ['electron/*', '**/renderer/**', '../main*', '../preload*', '../window*'],
              message: 'electron/core never imports electron, the Electron shell or the renderer.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/core/**/codec.ts', 'electron/core/**/options.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'no electron in the core' },
            ...nodeIo.map((name) => ({ name, message: 'codecs are pure functions over Buffers: no I/O here' })),
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'the renderer imports only the shared contract (electron/shared).' }],
          patterns: [
            {
              group: ['**/electron/core/**', '**/electron/main*', '**/electron/preload*', 'node:*'],
              message: 'the renderer imports only the shared contract (electron/shared).',
            },
          ],
        },
      ],
    },
  },
);
