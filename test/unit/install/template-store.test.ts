import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { TEMPLATES_DIR } from '../../../electron/core/paths.js';
import { buildAnswerContext, renderAnswerFile } from '../../../electron/core/install/answer-files.js';
import { DEFAULT_TEMPLATE_FILES, sampleInputs, TemplateStore } from '../../../electron/core/install/template-store.js';
import { validateAnswerFile } from '../../../electron/core/install/validate/index.js';
import { ANSWER_TEMPLATE_NAMES } from '../../../electron/shared/contract.js';
import { badArgument, withTempDir } from '../../helpers/store-fixtures.js';

const withDir = (fn: (dir: string) => Promise<void>) => withTempDir('templates', fn);

describe('TemplateStore', () => {
  test('lists the four shipped templates with their families', () => withDir(async (dir) => {
    const store = await TemplateStore.open(dir);
    const list = store.list();
    assert.deepEqual(list.map((t) => [t.name, t.families]), [['kickstart', ['rhel']], ['preseed', ['debian']], ['autoinstall', ['ubuntu']], ['autoyast', ['suse']]]);
    for (const t of list) {
      assert.equal(t.custom, false);
      assert.equal(t.text, t.defaultText);
      assert.equal(t.text, await readFile(join(TEMPLATES_DIR, DEFAULT_TEMPLATE_FILES[t.name]), 'utf8'));
    }
  }));

  test('every shipped template renders for both sample installs and passes its validator', () => withDir(async (dir) => {
    const store = await TemplateStore.open(dir);
    for (const name of ANSWER_TEMPLATE_NAMES) {
      for (const input of sampleInputs(name)) {
        const { text } = renderAnswerFile({ name, template: store.compiled(name) }, buildAnswerContext(input));
        assert.deepEqual(validateAnswerFile(name, text).problems, [], `${name}:\n${text}`);
      }
    }
  }));

  test('save: an edit is stored atomically in <data>/templates/<name>, survives a restart, and is used', () => withDir(async (dir) => {
    const store = await TemplateStore.open(dir);
    const edited = `${store.get('kickstart').defaultText}\n# edited for {{ hostname }}\n`;
    const saved = await store.save('kickstart', edited);
    assert.equal(saved.custom, true);
    assert.equal(saved.text, edited);
    assert.equal(await readFile(join(dir, 'templates', 'kickstart'), 'utf8'), edited);
    const reopened = await TemplateStore.open(dir);
    assert.equal(reopened.get('kickstart').text, edited);
    assert.equal(reopened.get('kickstart').custom, true);
    const input = sampleInputs('kickstart')[0];
    assert.ok(input);
    assert.match(renderAnswerFile({ name: 'kickstart', template: reopened.compiled('kickstart') }, buildAnswerContext(input)).text, /# edited for node-525400123456\n$/);
    // null restores the default and removes the file; so does saving the default text itself
    const restored = await reopened.save('kickstart', null);
    assert.equal(restored.custom, false);
    await assert.rejects(stat(join(dir, 'templates', 'kickstart')), { code: 'ENOENT' });
    await reopened.save('preseed', `${reopened.get('preseed').defaultText}# x\n`);
    assert.equal((await reopened.save('preseed', reopened.get('preseed').defaultText)).custom, false);
    await assert.rejects(stat(join(dir, 'templates', 'preseed')), { code: 'ENOENT' });
  }));

  test('a template that does not compile or render is refused with its line, and nothing is written', () => withDir(async (dir) => {
    const store = await TemplateStore.open(dir);
    await assert.rejects(store.save('autoyast', '<profile>\n{% if hostname %}\n</profile>\n'), badArgument(/^The autoyast template: line 2: \{% if %\} is never closed/));
    await assert.rejects(store.save('preseed', 'd-i netcfg/get_hostname string {{ hostnme }}\n'), badArgument(/^The preseed template: line 1: "hostnme" is undefined/));
    // renders with every setting but not without: the bare sample catches it
    await assert.rejects(store.save('autoinstall', '#cloud-config\n{{ extraPackages | first }}\n'), badArgument(/line 2: "first" is undefined/));
    await assert.rejects(store.save('kickstart', '{{ host.constructor }}'), badArgument(/cannot be read/));
    await assert.rejects(store.save('nope', 'x'), badArgument(/No template "nope": the templates are kickstart, preseed, autoinstall, autoyast/));
    await assert.rejects(store.save('kickstart', 'x'.repeat(300 * 1024)), badArgument(/larger than 256 KiB/));
    await assert.rejects(stat(join(dir, 'templates')), { code: 'ENOENT' });
    assert.equal(store.get('autoyast').custom, false);
  }));

  test('a hand-edited broken file on disk is reported when compiled, with the template name', () => withDir(async (dir) => {
    await mkdir(join(dir, 'templates'), { recursive: true });
    await writeFile(join(dir, 'templates', 'autoyast'), '<profile>\n\n{{ oops\n');
    const store = await TemplateStore.open(dir);
    assert.equal(store.get('autoyast').custom, true);
    assert.throws(() => store.compiled('autoyast'), badArgument(/^The autoyast template: line 3: \{\{ is never closed/));
  }));
});
