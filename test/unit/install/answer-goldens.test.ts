import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TEMPLATES_DIR } from '../../../electron/core/paths.js';
import { buildAnswerContext, renderAnswerFile } from '../../../electron/core/install/answer-files.js';
import { DEFAULT_TEMPLATE_FILES } from '../../../electron/core/install/template-store.js';
import { goldenCases } from './answer-golden-cases.js';

const UPDATE = process.env.UPDATE_GOLDEN === '1';
const GOLDEN_DIR = join(import.meta.dirname, '../../fixtures/answer-files');

describe('the shipped templates render exactly their golden files', () => {
  for (const c of goldenCases()) {
    test(`${c.template}: ${c.name}`, () => {
      const template = readFileSync(join(TEMPLATES_DIR, DEFAULT_TEMPLATE_FILES[c.template]), 'utf8');
      const text = renderAnswerFile({ name: c.template, template }, buildAnswerContext(c.input)).text;
      const path = join(GOLDEN_DIR, `${c.template}.${c.name}.golden`);
      if (UPDATE) writeFileSync(path, text);
      else if (!existsSync(path)) assert.fail(`no golden file ${path}: run with UPDATE_GOLDEN=1 and review it`);
      assert.equal(text, readFileSync(path, 'utf8'));
    });
  }
});
