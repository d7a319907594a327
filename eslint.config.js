// Boundaries that the architecture relies on, said once (see ../shared/ARCHITECTURE.md):
// the core never imports electron; the renderer talks to the core only through the shared contract;
// codecs do no I/O.
import tseslint from 'typescript-eslint';

const nodeIo = ['node:fs', 'node:fs/promises', 'node:dgram', 'node:net', 'node:http', 'node:child_process', 'fs', 'dgram', 'net', 'http', 'child_process'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'out/**', 'test-artifacts/**', 'bench/**/work/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['electron/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'electron/core runs in plain Node: it never imports electron.' }],
        patterns: [{ group: ['electron/*', '**/renderer/**'], message: 'electron/core never imports electron or the renderer.' }],
      }],
    },
  },
  {
    files: ['electron/core/**/codec.ts', 'electron/core/**/options.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'no electron in the core' }, ...nodeIo.map((name) => ({ name, message: 'codecs are pure functions over Buffers: no I/O here' }))],
      }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/electron/core/**', '**/core/**', 'electron', 'node:*'], message: 'the renderer imports only the shared contract (electron/shared).' }],
      }],
    },
  },
);
