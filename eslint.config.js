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
        patterns: [{ group: ['electron/*', '**/renderer/**', '../main*', '../preload*', '../window*'], message: 'electron/core never imports electron, the Electron shell or the renderer.' }],
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
        paths: [{ name: 'electron', message: 'the renderer imports only the shared contract (electron/shared).' }],
        patterns: [{ group: ['**/electron/core/**', '**/electron/main*', '**/electron/preload*', 'node:*'], message: 'the renderer imports only the shared contract (electron/shared).' }],
      }],
    },
  },
);
