import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { TEMPLATES_DIR } from '../../../electron/core/paths.js';
import { buildAnswerContext, renderAnswerFile } from '../../../electron/core/install/answer-files.js';
import { DEFAULT_TEMPLATE_FILES, sampleInputs, TemplateStore } from '../../../electron/core/install/template-store.js';
import { validateAnswerFile } from '../../../electron/core/install/validate/index.js';
import { ANSWER_TEMPLATE_NAMES, type AnswerTemplateName } from '../../../electron/shared/contract.js';
import { badArgument, withTempDir } from '../../helpers/store-fixtures.js';

const withDir = (fn: (dir: string) => Promise<void>) => withTempDir('templates', fn);

/** The store's template rendered for its first sample install. */
function renderSample(store: TemplateStore, name: AnswerTemplateName): string {
  const input = sampleInputs(name)[0];
  assert.ok(input);
  return renderAnswerFile({ name, template: store.compiled(name) }, buildAnswerContext(input)).text;
}

describe('TemplateStore', () => {
  test('lists the four shipped templates with their families', () =>
    withDir(async (dir) => {
      const store = await TemplateStore.open(dir);
      const list = store.list();
      assert.deepEqual(
        list.map((t) => [t.name, t.families]),
        [
          ['kickstart', ['rhel']],
          ['preseed', ['debian']],
          ['autoinstall', ['ubuntu']],
          ['autoyast', ['suse']],
        ],
      );
      for (const t of list) {
        assert.equal(t.custom, false);
        assert.equal(t.text, t.defaultText);
        assert.equal(t.text, await readFile(join(TEMPLATES_DIR, DEFAULT_TEMPLATE_FILES[t.name]), 'utf8'));
      }
    }));

  test('every shipped template renders for both sample installs and passes its validator', () =>
    withDir(async (dir) => {
      const store = await TemplateStore.open(dir);
      for (const name of ANSWER_TEMPLATE_NAMES) {
        for (const input of sampleInputs(name)) {
          const { text } = renderAnswerFile({ name, template: store.compiled(name) }, buildAnswerContext(input));
          assert.deepEqual(validateAnswerFile(name, text).problems, [], `${name}:\n${text}`);
        }
      }
    }));

  test('save: an edit is stored atomically in <data>/templates/<name>, survives a restart, and is used', () =>
    withDir(async (dir) => {
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
      assert.match(
        renderAnswerFile({ name: 'kickstart', template: reopened.compiled('kickstart') }, buildAnswerContext(input)).text,
        /# edited for node-525400123456\n$/,
      );
      // null restores the default and removes the file; so does saving the default text itself
      const restored = await reopened.save('kickstart', null);
      assert.equal(restored.custom, false);
      await assert.rejects(stat(join(dir, 'templates', 'kickstart')), { code: 'ENOENT' });
      await reopened.save('preseed', `${reopened.get('preseed').defaultText}# x\n`);
      assert.equal((await reopened.save('preseed', reopened.get('preseed').defaultText)).custom, false);
      await assert.rejects(stat(join(dir, 'templates', 'preseed')), { code: 'ENOENT' });
    }));

  test('a template that does not compile or render is refused with its line, and nothing is written', () =>
    withDir(async (dir) => {
      const store = await TemplateStore.open(dir);
      await assert.rejects(
        store.save('autoyast', '<profile>\n{% if hostname %}\n</profile>\n'),
        badArgument(/^The autoyast template: line 2: tag \{% if hostname %\} not closed/),
      );
      await assert.rejects(
        store.save('preseed', 'd-i netcfg/get_hostname string {{ hostnme }}\n'),
        badArgument(/^The preseed template: line 1: "hostnme" is undefined/),
      );
      // renders with every setting but not without: the bare sample catches it
      await assert.rejects(
        store.save('autoinstall', '#cloud-config\n{{ extraPackages[0] }}\n'),
        badArgument(/^The autoinstall template: line 2: "extraPackages\.0" is undefined/),
      );
      await assert.rejects(
        store.save('kickstart', '{{ host.constructor }}'),
        badArgument(/^The kickstart template: line 1: "host\.constructor" is undefined/),
      );
      await assert.rejects(
        store.save('kickstart', "%pre\n{% include '/etc/passwd' %}\n%end\n"),
        badArgument(/^The kickstart template: line 2: \{% include %\} is not available: answer-file templates cannot read other files/),
      );
      await assert.rejects(
        store.save('nope', 'x'),
        badArgument(/No template "nope": the templates are kickstart, preseed, autoinstall, autoyast/),
      );
      await assert.rejects(store.save('kickstart', 'x'.repeat(300 * 1024)), badArgument(/larger than 256 KiB/));
      await assert.rejects(stat(join(dir, 'templates')), { code: 'ENOENT' });
      assert.equal(store.get('autoyast').custom, false);
    }));

  test('a hand-edited broken file on disk is refused when the store opens, with the file and the line; the shipped one serves', () =>
    withDir(async (dir) => {
      await mkdir(join(dir, 'templates'), { recursive: true });
      await writeFile(join(dir, 'templates', 'autoyast'), '<profile>\n\n{{ oops\n');
      const store = await TemplateStore.open(dir);
      const t = store.get('autoyast');
      assert.equal(t.custom, true);
      assert.equal(t.text, '<profile>\n\n{{ oops\n');
      assert.match(
        t.refusal ?? '',
        /^templates\/autoyast: line 3: output "\{\{ oops\\n" not closed\. Until it is saved again, the shipped autoyast template is used\.$/,
      );
      assert.equal(renderSample(store, 'autoyast'), renderSample(await TemplateStore.open(join(dir, 'elsewhere')), 'autoyast'));
    }));

  describe('a template saved in the old (pre-Liquid) syntax', () => {
    const OLD = join(import.meta.dirname, '../../fixtures/answer-files/old-syntax');

    test('on disk: refused when the store opens, with the file and the line; left on disk; the shipped one serves until it is saved again', () =>
      withDir(async (dir) => {
        await mkdir(join(dir, 'templates'), { recursive: true });
        // what a user who edited the shipped kickstart before the move to Liquid has on disk
        const old = `${await readFile(join(OLD, 'kickstart.ks'), 'utf8')}# my edit\n`;
        await writeFile(join(dir, 'templates', 'kickstart'), old);
        const store = await TemplateStore.open(dir);
        const t = store.list().find((x) => x.name === 'kickstart');
        assert.equal(t?.custom, true);
        assert.equal(t?.text, old, "the editor shows the user's text, to port it");
        assert.match(
          t?.refusal ?? '',
          /^templates\/kickstart: line 1: `\{# Bootbench kickstart .*` is an old-syntax comment, printed as text by Liquid: write \{% comment %\} … \{% endcomment %\}\. Bootbench answer-file templates are Liquid now: see docs\/design\/answer-files\.md\. Until it is saved again, the shipped kickstart template is used\.$/,
        );
        for (const other of store.list().filter((x) => x.name !== 'kickstart')) assert.equal(other.refusal, null);
        assert.equal(await readFile(join(dir, 'templates', 'kickstart'), 'utf8'), old, 'the file is not replaced');
        const rendered = renderSample(store, 'kickstart');
        assert.equal(rendered, renderSample(await TemplateStore.open(join(dir, 'elsewhere')), 'kickstart'), 'the shipped template is used');
        assert.doesNotMatch(rendered, /my edit|\{#/);
        // saving it again as it is: refused, nothing changes; ported to Liquid: saved, used, the refusal gone
        await assert.rejects(store.save('kickstart', old), badArgument(/^The kickstart template: line 1: `\{# Bootbench/));
        assert.equal(await readFile(join(dir, 'templates', 'kickstart'), 'utf8'), old);
        const ported = `${store.get('kickstart').defaultText}# my edit\n`;
        assert.equal((await store.save('kickstart', ported)).refusal, null);
        assert.match(renderSample(store, 'kickstart'), /# my edit\n$/);
        assert.equal((await TemplateStore.open(dir)).get('kickstart').refusal, null);
      }));

    test('each shipped template of the old syntax is refused at the line of its first old construct', () =>
      withDir(async (dir) => {
        const lines: Record<string, number> = {};
        for (const name of ANSWER_TEMPLATE_NAMES) {
          const old = await readFile(join(OLD, DEFAULT_TEMPLATE_FILES[name]), 'utf8');
          await mkdir(join(dir, 'templates'), { recursive: true });
          await writeFile(join(dir, 'templates', name), old.replace(/\{#[\s\S]*?#\}\n/, ''));
          const refusal = (await TemplateStore.open(dir)).get(name).refusal ?? '';
          lines[name] = Number(/^templates\/\w+: line (\d+): /.exec(refusal)?.[1]);
        }
        // with the header comment removed, the next old construct: kickstart's `{% if targetDisk %}` (an empty
        // text was false), preseed's `~`, autoinstall's `{% set %}`, autoyast's filter `| xml`
        assert.deepEqual(lines, { kickstart: 22, preseed: 2, autoinstall: 2, autoyast: 3 });
      }));
  });
});
