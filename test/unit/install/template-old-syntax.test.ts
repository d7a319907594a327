import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TEMPLATES_DIR } from '../../../electron/core/paths.js';
import { EMPTIABLE_VARIABLES } from '../../../electron/core/install/answer-files.js';
import { DEFAULT_TEMPLATE_FILES } from '../../../electron/core/install/template-store.js';
import { findOldSyntax, oldSyntaxMessage } from '../../../electron/core/install/template-old-syntax.js';
import { ANSWER_TEMPLATE_NAMES } from '../../../electron/shared/contract.js';

const find = (src: string) => findOldSyntax(src, EMPTIABLE_VARIABLES);

function oldAt(src: string, line: number, construct: string, fix: RegExp): void {
  const found = find(src);
  assert.ok(found, `not found in ${JSON.stringify(src)}`);
  assert.equal(found.line, line);
  assert.equal(found.construct, construct);
  assert.match(found.fix, fix);
}

describe('constructs of the old syntax that Liquid would refuse or misread', () => {
  test('each is found, with its line and the Liquid to write instead', () => {
    oldAt('a\n{# a comment #}\nb', 2, '{# a comment #}', /printed as text by Liquid: write \{% comment %\}/);
    oldAt('x\n\n{% set full = name ~ ".lab" %}', 3, '{% set full = name ~ ".lab" %}', /\{% assign name = value %\}/);
    oldAt('{% if a %}\n{% elif b %}{% endif %}', 2, '{% elif b %}', /\{% elsif … %\}/);
    oldAt('{{ report.start ~ "&m=" }}', 1, '{{ report.start ~ "&m=" }}', /a \| append: b/);
    oldAt("{{ x | default('!', true) }}", 1, "{{ x | default('!', true) }}", /\| default: arg1, arg2/);
    oldAt('{{ keys | join("\\n") }}', 1, '{{ keys | join("\\n") }}', /\| join: arg1, arg2/);
    oldAt('{% if x is defined %}{% endif %}', 1, '{% if x is defined %}', /compare, e\.g\. \{% if x != nil %\}/);
    oldAt('{% if x is not none %}{% endif %}', 1, '{% if x is not none %}', /compare/);
    oldAt('{% for p in ps %}{{ loop.index }}{% endfor %}', 1, '{{ loop.index }}', /forloop/);
    oldAt('{% for k, v in m | items %}{% endfor %}', 1, '{% for k, v in m | items %}', /one name/);
    oldAt('{{ name | upper }}', 1, '{{ name | upper }}', /old filter "upper": in Liquid it is \| upcase/);
    oldAt('{{ s | trim }}', 1, '{{ s | trim }}', /\| strip/);
    oldAt('{{ s | xml }}', 1, '{{ s | xml }}', /\| xml_escape/);
    oldAt('{{ s | urlencode }}', 1, '{{ s | urlencode }}', /\| percent_encode/);
    oldAt('{{ s | b64encode }}', 1, '{{ s | b64encode }}', /\| base64_encode/);
    oldAt('{{ s | indent }}', 1, '{{ s | indent }}', /Liquid has no such filter/);
    oldAt('{% if x == None %}{% endif %}', 1, '{% if x == None %}', /nil, true and false/);
    oldAt('{% if n in [1, 2] %}{% endif %}', 1, '{% if n in [1, 2] %}', /list in brackets/);
    oldAt('{% if "vim" in extraPackages %}{% endif %}', 1, '{% if "vim" in extraPackages %}', /contains/);
    oldAt('{% if postInstallScript | trim %}{% endif %}', 1, '{% if postInstallScript | trim %}', /old filter "trim"/);
    oldAt('{% if a | first %}{% endif %}', 1, '{% if a | first %}', /filters a condition/);
    oldAt('{% if (a or b) and c %}{% endif %}', 1, '{% if (a or b) and c %}', /parentheses/);
    oldAt('{% if on +%}\nkept{% endif %}', 1, '{% if on +%}', /"\+"/);
  });

  test('a bare test of a value that can be empty meant "not empty"; in Liquid it is always true', () => {
    oldAt('\n{% if targetDisk %}x{% endif %}', 2, '{% if targetDisk %}', /targetDisk != blank/);
    oldAt('{% if not sshAuthorizedKeys %}x{% endif %}', 1, '{% if not sshAuthorizedKeys %}', /empty lists are true/);
    oldAt('{% if on %}{% elsif host.ip and domain %}{% endif %}', 1, '{% elsif host.ip and domain %}', /host\.ip != blank/);
    // compared, or a value that is nil when absent: the same in both
    for (const ok of [
      '{% if targetDisk != blank %}{% endif %}',
      '{% if targetDisk == "" %}{% endif %}',
      '{% if rootPasswordHash %}{% endif %}',
      '{% unless debianSigned %}{% endunless %}',
    ]) {
      assert.equal(find(ok), null, ok);
    }
  });

  test('text that only looks like the old syntax is not: strings, raw and comment blocks, shell text', () => {
    for (const ok of [
      '{{ "a ~ b | upper(1)" }}',
      "{% assign m = 'x is defined' %}",
      '{% raw %}{# not a comment #} {{ a ~ b }}{% endraw %}',
      '{% comment %} {% set x = 1 %} {# #} {% endcomment %}',
      "echo ${#arr[@]} and awk '$1 !~ /zram/'",
      "{{ x | default: '!' | json }}",
    ])
      assert.equal(find(ok), null, ok);
  });

  test('the shipped templates are Liquid through and through', () => {
    for (const name of ANSWER_TEMPLATE_NAMES)
      assert.equal(find(readFileSync(join(TEMPLATES_DIR, DEFAULT_TEMPLATE_FILES[name]), 'utf8')), null, name);
  });

  test('the message names the line and the construct, and says where the syntax is described', () => {
    const found = find('a\nb\n{% set x = 1 %}');
    assert.ok(found);
    assert.equal(
      oldSyntaxMessage(found),
      'line 3: `{% set x = 1 %}` is the old syntax: in Liquid write {% assign name = value %}. Bootbench answer-file templates are Liquid now: see docs/design/answer-files.md',
    );
  });
});
