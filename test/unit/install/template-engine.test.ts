import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compileTemplate, renderTemplate, TemplateError, type TemplateContext } from '../../../electron/core/install/template-engine.js';

const ctx: TemplateContext = {
  name: 'node-1',
  n: 3,
  on: true,
  off: false,
  nothing: null,
  empty: '',
  pkgs: ['vim', 'curl', 'tmux'],
  nada: [],
  host: { mac: '52:54:00:12:34:56', ip: '10.0.0.5', tags: { rack: 'a1' } },
  script: "echo 'hi'\nexit 0",
  text: '  Padded Text  ',
};
const r = (src: string, c: TemplateContext = ctx) => renderTemplate(src, c);

function throwsAt(src: string, line: number, message: RegExp, c: TemplateContext = ctx): void {
  assert.throws(() => r(src, c), (e: unknown) => {
    assert.ok(e instanceof TemplateError, `expected a TemplateError, got ${String(e)}`);
    assert.equal(e.line, line, `line of: ${e.message}`);
    assert.match(e.message, message);
    return true;
  });
}

describe('output and expressions', () => {
  test('names, dotted and indexed access, literals', () => {
    assert.equal(r('{{ name }} {{ host.mac }} {{ host["ip"] }} {{ pkgs[1] }} {{ pkgs[-1] }} {{ host.tags.rack }}'), 'node-1 52:54:00:12:34:56 10.0.0.5 curl tmux a1');
    assert.equal(r(`{{ 'a' }}{{ "b\\"c" }}{{ 42 }}{{ 1.5 }}{{ true }}{{ nothing }}|`), 'ab"c421.5true|');
    assert.equal(r('{{ name ~ "-" ~ n }}'), 'node-1-3');
  });

  test('not, and, or, ==, !=, in, not in, comparisons, parentheses, is defined', () => {
    assert.equal(r('{{ not on }} {{ on and off }} {{ on or off }} {{ off or "x" }} {{ n == 3 }} {{ n != 3 }}'), 'false false true x true false');
    assert.equal(r('{{ "vim" in pkgs }} {{ "emacs" in pkgs }} {{ "emacs" not in pkgs }} {{ "12:34" in host.mac }} {{ "ip" in host }}'), 'true false true true true');
    assert.equal(r('{{ (on or off) and not (n > 5) }} {{ n >= 3 }} {{ n < 3 }} {{ "a" < "b" }}'), 'true true false true');
    assert.equal(r('{{ missing is defined }} {{ name is defined }} {{ host.nope is not defined }} {{ nothing is none }}'), 'false true true true');
    assert.equal(r('{{ n in [1, 2, 3] }}'), 'true');
  });

  test('an undefined name or key is an error with its line and a hint, unless filtered by default', () => {
    throwsAt('line one\n{{ hostnme }}', 2, /"hostnme" is undefined.*default/);
    throwsAt('\n\n{{ host.macc }}', 3, /"host\.macc" is undefined \(it has: mac, ip, tags\)/);
    throwsAt('{% if missing %}x{% endif %}', 1, /"missing" is undefined/);
    assert.equal(r('{{ missing | default("dflt") }}|{{ host.nope.deeper | default("d2") }}|{{ empty | default("e") }}|{{ empty | default("e", true) }}'), 'dflt|d2||e');
  });

  test('lists and mappings are not printed by accident', () => {
    throwsAt('{{ pkgs }}', 1, /cannot print a list.*join/);
    assert.equal(r('{{ pkgs | join(", ") }}'), 'vim, curl, tmux');
  });
});

describe('filters', () => {
  test('text filters', () => {
    assert.equal(r('{{ name | upper }} {{ "ABC" | lower }} [{{ text | trim }}] {{ name | replace("-", "_") }} {{ pkgs | length }} {{ name | length }}'),
      'NODE-1 abc [Padded Text] node_1 3 6');
    assert.equal(r('{{ pkgs | first }} {{ pkgs | last }} {{ pkgs | join }} {{ "a b  c" | split | join(",") }} {{ "a,b" | split(",") | last }}'), 'vim tmux vimcurltmux a,b,c b');
  });

  test('indent: every line but the first, blank lines left empty (Jinja)', () => {
    assert.equal(r('x:\n  {{ "a\\nb\\n\\nc" | indent(2) }}'), 'x:\n  a\n  b\n\n  c');
    assert.equal(r('{{ "a\\nb" | indent(4, true) }}'), '    a\n    b');
  });

  test('shell_quote is POSIX single quoting, checked with a real shell', async () => {
    const { execFileSync } = await import('node:child_process');
    for (const s of ["it's", "a'b'c", '$(rm -rf /) `x` "q" \\ $HOME', '', "multi\nline'"]) {
      const quoted = r('{{ s | shell_quote }}', { s });
      assert.equal(execFileSync('sh', ['-c', `printf %s ${quoted}`]).toString(), s);
    }
    assert.equal(r('{{ script | shell_quote }}'), `'echo '\\''hi'\\''\nexit 0'`);
  });

  test('xml, json/tojson, urlencode, b64encode, items, lines', () => {
    assert.equal(r(`{{ '<a href="x">&\\'</a>' | xml }}`), '&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;');
    assert.equal(r('{{ pkgs | json }} {{ host.tags | tojson }} {{ script | tojson }}'), '["vim","curl","tmux"] {"rack":"a1"} "echo \'hi\'\\nexit 0"');
    assert.equal(r('{{ "a b&c=d/é" | urlencode }}'), 'a%20b%26c%3Dd%2F%C3%A9');
    assert.equal(r('{{ "héllo" | b64encode }}'), Buffer.from('héllo').toString('base64'));
    assert.equal(r('{% for k, v in host.tags | items %}{{ k }}={{ v }}{% endfor %}'), 'rack=a1');
    assert.equal(r('{{ "a\\n\\n b \\n" | lines | length }}'), '2');
  });

  test('an unknown filter is a parse error naming the known ones', () => {
    throwsAt('\n{{ name | shout }}', 2, /unknown filter "shout" \(filters: .*shell_quote/);
    throwsAt('{{ name | replace("a") }}', 1, /replace needs two arguments/);
  });
});

describe('blocks', () => {
  test('if / elif / else', () => {
    const t = compileTemplate('{% if n == 1 %}one{% elif n == 3 %}three{% else %}other{% endif %}');
    assert.equal(t.render({ n: 1 }), 'one');
    assert.equal(t.render({ n: 3 }), 'three');
    assert.equal(t.render({ n: 9 }), 'other');
    assert.equal(r('{% if nada %}a{% else %}b{% endif %}{% if pkgs %}c{% endif %}{% if empty %}d{% endif %}{% if host %}e{% endif %}'), 'bce');
  });

  test('for with loop.index/first/last/length, else for empty lists, nesting, set', () => {
    assert.equal(r('{% for p in pkgs %}{{ loop.index }}:{{ p }}{% if not loop.last %},{% endif %}{% endfor %}'), '1:vim,2:curl,3:tmux');
    assert.equal(r('{% for p in pkgs %}{% if loop.first %}[{% endif %}{{ loop.index0 }}/{{ loop.length }}{% if loop.last %}]{% endif %}{% endfor %}'), '[0/31/32/3]');
    assert.equal(r('{% for p in nada %}x{% else %}nothing{% endfor %}'), 'nothing');
    assert.equal(r('{% for a in [1, 2] %}{% for b in ["x", "y"] %}{{ a }}{{ b }}{{ loop.index }} {% endfor %}{% endfor %}'), '1x1 1y2 2x1 2y2 ');
    assert.equal(r('{% set full = name ~ ".lab" %}{{ full }}'), 'node-1.lab');
    assert.equal(r('{% for p in pkgs %}{% set last = p %}{% endfor %}{{ last | default("scoped") }}'), 'scoped');
  });

  test('trim_blocks: the newline after a block tag or comment is removed, not after {{ }}', () => {
    const src = 'packages:\n{% for p in pkgs %}\n  - {{ p }}\n{% endfor %}\n{# a comment #}\nend {{ n }}\nx';
    assert.equal(r(src), 'packages:\n  - vim\n  - curl\n  - tmux\nend 3\nx');
    assert.equal(r('{% if on +%}\nkept{% endif %}'), '\nkept');
  });

  test('whitespace control with - on either side', () => {
    assert.equal(r('a   \n  {{- name -}}  \n  b'), 'anode-1b');
    assert.equal(r('x\n    {%- if on %} y{% endif -%}\n\n z'), 'x yz');
    assert.equal(r('a  {#- gone -#}  b'), 'ab');
  });

  test('raw blocks keep {{ }} and ${#x} as text; comments vanish', () => {
    assert.equal(r('{% raw %}{{ not evaluated }} ${#arr[@]}{% endraw %}'), '{{ not evaluated }} ${#arr[@]}');
    assert.equal(r('a{# {{ anything }} %} #}b'), 'ab');
    assert.equal(r('{{ "}}" }}'), '}}');
  });
});

describe('parse errors carry the line', () => {
  test('unclosed and mismatched blocks', () => {
    throwsAt('a\n{% if on %}\nb\n', 2, /\{% if %\} is never closed with \{% endif %\}/);
    throwsAt('a\n\n{% endfor %}', 3, /\{% endfor %\} without a matching \{% for %\}/);
    throwsAt('{% for p in pkgs %}\n{% endif %}', 2, /without a matching \{% if %\}.*\{% for %\} of line 1/);
    throwsAt('x\n{{ name', 2, /never closed with \}\}/);
    throwsAt('x\n{# c', 2, /comment .* never closed/);
    throwsAt('\n\n\n{% frobnicate %}', 4, /unknown tag \{% frobnicate %\}/);
    throwsAt('{{ name name }}', 1, /unexpected "name"/);
    throwsAt('{{ "abc }}', 1, /never closed/);
    throwsAt('{% if %}{% endif %}', 1, /expected a value/);
  });

  test('an expression spread over lines reports the line of the fault', () => {
    throwsAt('{{ name\n  | upper\n  | nope }}', 3, /unknown filter "nope"/);
  });
});

describe('sandbox', () => {
  test('no function calls, no prototype walking', () => {
    throwsAt('{{ name.toUpperCase() }}', 1, /cannot call functions/);
    throwsAt('{{ host.constructor }}', 1, /"constructor" cannot be read/);
    throwsAt('{{ host["__proto__"] }}', 1, /"__proto__" cannot be read/);
    throwsAt('{{ host.tags.prototype }}', 1, /cannot be read/);
    throwsAt('{{ constructor }}', 1, /cannot be read/);
    // inherited properties are not own properties: undefined, not Object.prototype's members
    throwsAt('{{ host.toString }}', 1, /"host\.toString" is undefined/);
    throwsAt('{{ pkgs.length }}', 1, /a list is indexed by a whole number/);
    throwsAt('{{ name.length }}', 1, /cannot read "length" of a string/);
  });

  test('values that are not JSON data are refused', () => {
    const evil = { f: (() => 'called') as unknown, d: new Date(0) as unknown } as unknown as TemplateContext;
    throwsAt('{{ f }}', 1, /not template data/, evil);
    throwsAt('{{ d }}', 1, /not template data/, evil);
  });

  test('output size and loop iterations are bounded', () => {
    const big = { xs: Array.from({ length: 1000 }, (_, i) => i) };
    const t = compileTemplate('{% for a in xs %}{% for b in xs %}{{ a }}{% endfor %}{% endfor %}');
    assert.throws(() => t.render(big), /more than 100000 loop iterations/);
    assert.throws(() => t.render(big, { maxIterations: 10_000_000, maxOutput: 50_000 }), /output is larger than 50000/);
    assert.throws(() => compileTemplate('x'.repeat(600 * 1024)), /larger than/);
    assert.throws(() => compileTemplate('{{ ' + '('.repeat(200) + '1' + ')'.repeat(200) + ' }}'), /nested too deeply/);
  });

  test('compile once, render many, without state leaking between renders', () => {
    const t = compileTemplate('{% set x = name %}{{ x }}');
    assert.equal(t.render({ name: 'a' }), 'a');
    assert.equal(t.render({ name: 'b' }), 'b');
  });
});
