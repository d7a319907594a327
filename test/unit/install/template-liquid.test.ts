import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { compileTemplate, TEMPLATE_LIMITS, TemplateError, type TemplateContext } from '../../../electron/core/install/template-liquid.js';

const ctx: TemplateContext = {
  name: 'node-1',
  n: 3,
  on: true,
  off: false,
  nothing: null,
  emptyText: '',
  pkgs: ['vim', 'curl', 'tmux'],
  nada: [],
  host: { mac: '52:54:00:12:34:56', ip: '10.0.0.5', tags: { rack: 'a1' } },
  settings: { domain: 'lab' },
  script: "echo 'hi'\nexit 0",
};
const r = (src: string, c: TemplateContext = ctx) => compileTemplate(src).render(c);

/** A TemplateError at `line` whose message matches, from compiling or from rendering. */
function refusedAt(src: string, line: number | null, message: RegExp, c: TemplateContext = ctx): void {
  assert.throws(
    () => r(src, c),
    (e: unknown) => {
      assert.ok(e instanceof TemplateError, `expected a TemplateError, got ${String(e)}`);
      assert.equal(e.line, line, `line of: ${e.message}`);
      assert.match(e.message, message);
      return true;
    },
  );
}

describe('the constructs the shipped templates use', () => {
  test('output, dotted and indexed access, filters with arguments', () => {
    assert.equal(
      r('{{ name }} {{ host.mac }} {{ host["ip"] }} {{ pkgs[1] }} {{ pkgs.last }} {{ host.tags.rack }} {{ pkgs.size }}'),
      'node-1 52:54:00:12:34:56 10.0.0.5 curl tmux a1 3',
    );
    assert.equal(
      r(
        "{{ name | append: '.' | append: settings.domain | upcase }} {{ pkgs | join: ', ' }} {{ emptyText | default: '!' }} {{ nothing | default: '!' }}",
      ),
      'NODE-1.LAB vim, curl, tmux ! !',
    );
    assert.equal(r('{{ pkgs | join: "\\n" | append: "\\n" | base64_encode }}'), Buffer.from('vim\ncurl\ntmux\n').toString('base64'));
    assert.equal(
      r('{{ script | json }} {{ pkgs | json }} {{ nada | json }} {{ "  x \\n" | strip }}'),
      `"echo 'hi'\\nexit 0" ["vim","curl","tmux"] [] x`,
    );
  });

  test('if / elsif / else, unless, and blank: empty text and empty lists are true in Liquid, so templates compare with blank', () => {
    const t = compileTemplate('{% if n == 1 %}one{% elsif n == 3 %}three{% else %}other{% endif %}');
    assert.equal(t.render({ n: 1 }), 'one');
    assert.equal(t.render({ n: 3 }), 'three');
    assert.equal(t.render({ n: 9 }), 'other');
    assert.equal(r('{% if emptyText %}a{% endif %}{% if nada %}b{% endif %}{% if nothing %}c{% endif %}{% if off %}d{% endif %}'), 'ab');
    assert.equal(
      r(
        '{% if emptyText != blank %}a{% endif %}{% if nada != blank %}b{% endif %}{% if "  " == blank %}c{% endif %}{% if pkgs != blank %}d{% endif %}',
      ),
      'cd',
    );
    assert.equal(r('{% unless off %}u{% endunless %}{% if on and n > 2 %}v{% endif %}{% if pkgs contains "vim" %}w{% endif %}'), 'uvw');
  });

  test('for with forloop, else for an empty list; assign and capture', () => {
    assert.equal(
      r('{% for p in pkgs %}{{ forloop.index }}:{{ p }}{% unless forloop.last %},{% endunless %}{% endfor %}'),
      '1:vim,2:curl,3:tmux',
    );
    assert.equal(r('{% for p in nada %}x{% else %}nothing{% endfor %}'), 'nothing');
    assert.equal(r("{% assign full = name | append: '.lab' %}{{ full }}"), 'node-1.lab');
    assert.equal(r('{% capture cmd %}echo {{ name | shell_quote }} > /tmp/x{% endcapture %}{{ cmd | json }}'), `"echo 'node-1' > /tmp/x"`);
  });

  test('comment, raw, and whitespace control: a dash trims the whitespace on its side, line breaks included', () => {
    assert.equal(r('a{% comment %} {{ not evaluated }} {% endcomment %}b'), 'ab');
    assert.equal(r('{% raw %}{{ not evaluated }} ${#arr[@]}{% endraw %}'), '{{ not evaluated }} ${#arr[@]}');
    const src = 'packages:\n{%- for p in pkgs %}\n  - {{ p }}\n{%- endfor %}\nend {{ n }}';
    assert.equal(r(src), 'packages:\n  - vim\n  - curl\n  - tmux\nend 3');
    assert.equal(
      r('packages:\n{% for p in pkgs %}\n  - {{ p }}\n{% endfor %}\nend'),
      'packages:\n\n  - vim\n\n  - curl\n\n  - tmux\n\nend',
      'without a dash, the line breaks stay',
    );
  });

  test('compile once, render many, without assignments leaking between renders', () => {
    const t = compileTemplate('{% assign x = name %}{{ x }}');
    assert.equal(t.render({ name: 'a' }), 'a');
    assert.equal(t.render({ name: 'b' }), 'b');
  });
});

describe('the filters Bootbench adds', () => {
  test('shell_quote is POSIX single quoting, checked with a real shell', () => {
    for (const s of ["it's", "a'b'c", '$(rm -rf /) `x` "q" \\ $HOME', '', "multi\nline'"]) {
      const quoted = r('{{ s | shell_quote }}', { s });
      assert.equal(execFileSync('sh', ['-c', `printf %s ${quoted}`]).toString(), s);
    }
    assert.equal(r('{{ script | shell_quote }}'), `'echo '\\''hi'\\''\nexit 0'`);
  });

  test('percent_encode is RFC 3986 (a space is %20, where url_encode writes +); xml_escape writes the named entities', () => {
    assert.equal(r('{{ "a b&c=d/é" | percent_encode }} {{ "a b" | url_encode }}'), 'a%20b%26c%3Dd%2F%C3%A9 a+b');
    assert.equal(r(`{{ '<a href="x">&\\'</a>' | xml_escape }}`), '&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;');
  });
});

describe('sandbox', () => {
  test('no file system: include, render and layout are refused when the template is compiled, with the line', () => {
    refusedAt(
      "%pre\n{% include '/etc/passwd' %}\n%end",
      2,
      /^line 2: \{% include %\} is not available: answer-file templates cannot read other files$/,
    );
    refusedAt("{% render 'package.json' %}", 1, /\{% render %\} is not available/);
    refusedAt("\n\n{% layout '/etc/shadow' %}x", 3, /\{% layout %\} is not available/);
    refusedAt('{% include name %}', 1, /\{% include %\} is not available/);
  });

  test('no prototype walking: only own properties of the context exist, and reading another names it and its line', () => {
    refusedAt('x\n{{ settings.constructor }}', 2, /^line 2: "settings\.constructor" is undefined/);
    refusedAt('{{ constructor }}', 1, /"constructor" is undefined/);
    refusedAt('{{ host.__proto__ }}', 1, /"host\.__proto__" is undefined/);
    refusedAt('{{ host.toString }}', 1, /"host\.toString" is undefined/);
    refusedAt('{{ name.constructor.name }}', 1, /"name\.constructor" is undefined/);
    refusedAt("{{ host['constructor'] | json }}", 1, /is undefined/);
  });

  test('strict variables and filters: an unknown name is an error naming it and its line', () => {
    refusedAt(
      'line one\n\n{{ hostnme }}',
      3,
      /^line 3: "hostnme" is undefined \(write \{\{ hostnme \| default: '…' \}\} if it may be missing\)$/,
    );
    refusedAt('\n{{ host.macc }}', 2, /"host\.macc" is undefined/);
    refusedAt('\n{{ pkgs[7] }}', 2, /"pkgs\.7" is undefined/);
    refusedAt('{{ name | shout }}', 1, /^line 1: undefined filter: shout$/);
    // an if and the default filter may look at a missing name: that is how a template asks
    assert.equal(r('{% if missing %}x{% else %}y{% endif %}{{ missing | default: "d" }}'), 'yd');
  });

  test('malformed templates are refused with their line', () => {
    refusedAt('a\n{% if on %}\nb\n', 2, /^line 2: tag \{% if on %\} not closed$/);
    refusedAt('x\n{{ name', 2, /not closed/);
    refusedAt('\n\n\n{% frobnicate %}', 4, /tag "frobnicate" not found/);
  });

  test('parse, render time, memory and output are bounded', () => {
    refusedAt('x'.repeat(TEMPLATE_LIMITS.parse + 1), null, /^the template is larger than 524288 characters$/);
    const xs = Array.from({ length: 1000 }, (_, i) => i);
    refusedAt(
      '{% for a in xs %}{% for b in xs %}{% for c in xs %}{{ c }}{% endfor %}{% endfor %}{% endfor %}',
      1,
      /the render took longer than 1000 ms/,
      { xs },
    );
    refusedAt(
      '{% assign s = "xxxxxxxx" %}{% for a in xs %}{% assign s = s | append: s %}{% endfor %}{{ s.size }}',
      1,
      /allocated more than 16777216 characters/,
      { xs },
    );
    refusedAt(
      '{% for a in xs %}{% for b in (1..2) %}{{ big }}{% endfor %}{% endfor %}',
      null,
      /^the output is larger than 1048576 characters$/,
      { xs, big: 'y'.repeat(600) },
    );
  });
});
