import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateAnswerFile } from '../../../electron/core/install/validate/index.js';
import { checkPreseed } from '../../../electron/core/install/validate/preseed.js';

const lines = (r: { problems: { line: number | null }[] }) => r.problems.map((p) => p.line);

describe('preseed: debconf-set-selections -c rules, cross-checked with the real tool', () => {
  // Each sample: the text, whether it passes, and the lines of its errors (warnings apart).
  const samples: { name: string; text: string; ok: boolean; errorLines: number[]; warningLines?: number[] }[] = [
    {
      name: 'a good file',
      ok: true,
      errorLines: [],
      text: '# comment\n\n   # indented comment\nd-i debian-installer/locale string en_US.UTF-8\nd-i passwd/user-password-crypted password $6$x$y\ntasksel tasksel/first multiselect standard, ssh-server\n',
    },
    {
      name: 'empty value (three fields suffice)',
      ok: true,
      errorLines: [],
      text: 'd-i mirror/http/proxy string\nd-i apt-setup/services-select multiselect\n',
    },
    { name: 'two fields', ok: false, errorLines: [2], text: 'd-i a/b string x\nd-i netcfg/get_hostname\n' },
    { name: 'only an owner, and a lone word', ok: false, errorLines: [1, 3], text: 'd-i\nd-i a/b boolean true\nhello\n' },
    {
      name: 'unknown type is a warning, not an error',
      ok: true,
      errorLines: [],
      warningLines: [1],
      text: 'd-i foo/bar strin value\nd-i foo/baz string v\n',
    },
    {
      name: 'continuation lines are joined (error reported on the last physical line)',
      ok: false,
      errorLines: [4],
      text: 'd-i preseed/late_command string a; \\\n  b\nd-i \\\nfoo\n',
    },
    {
      name: 'good continuation',
      ok: true,
      errorLines: [],
      text: 'd-i preseed/late_command string true; \\\n  in-target true; \\\n  wget -q -O /dev/null http://x/ || true\n',
    },
    { name: 'a backslash on the last line is kept', ok: true, errorLines: [], text: 'd-i a/b string x \\' },
    { name: 'CRLF line endings', ok: true, errorLines: [], text: 'd-i a/b string x\r\nd-i c/d boolean true\r\n' },
    { name: 'seen flag after the value: fine', ok: true, errorLines: [], text: 'd-i bb-test/q string a\nd-i bb-test/q seen false\n' },
    { name: 'seen flag for a question never set', ok: false, errorLines: [1], text: 'd-i bb-test/never seen true\n' },
    {
      name: 'a non-ASCII space does not separate fields (Perl \\s on bytes)',
      ok: true,
      errorLines: [],
      warningLines: [1],
      text: 'd-i\u00a0a/b string x\n',
    },
    { name: 'tabs separate fields', ok: true, errorLines: [], text: 'd-i\ta/b\tstring\tx y\n' },
  ];

  const dir = mkdtempSync(join(tmpdir(), 'bootbench-preseed-'));
  for (const s of samples) {
    test(s.name, () => {
      const r = checkPreseed(s.text);
      const errors = r.problems.filter((p) => !p.message.startsWith('warning:')).map((p) => p.line);
      const warnings = r.problems.filter((p) => p.message.startsWith('warning:')).map((p) => p.line);
      assert.equal(r.ok, s.ok);
      assert.deepEqual(errors, s.errorLines);
      assert.deepEqual(warnings, s.warningLines ?? []);
      // the reference: the same file through debconf-set-selections -c
      const file = join(dir, 'sample.cfg');
      writeFileSync(file, s.text);
      const real = spawnSync('debconf-set-selections', ['-c', file], { encoding: 'utf8' });
      assert.equal(real.status === 0, s.ok, `debconf-set-selections said: ${real.stderr}`);
      const realErrorLines = [...real.stderr.matchAll(/^error: parse error on line (\d+)/gm)].map((m) => Number(m[1]));
      const realWarningLines = [...real.stderr.matchAll(/^warning: Unknown type \S+, skipping line (\d+)/gm)].map((m) => Number(m[1]));
      const realMissing = [...real.stderr.matchAll(/^error: Cannot find a question/gm)].length;
      assert.deepEqual(
        realErrorLines,
        errors.filter((l) => !r.problems.some((p) => p.line === l && /cannot find a question/.test(p.message))),
      );
      assert.equal(realMissing, r.problems.filter((p) => /cannot find a question/.test(p.message)).length);
      assert.deepEqual(realWarningLines, warnings);
    });
  }
  test('cleanup', () => rmSync(dir, { recursive: true, force: true }));

  test('validateAnswerFile also checks boolean values', () => {
    const r = validateAnswerFile('preseed', 'd-i partman/confirm boolean yes\n');
    assert.equal(r.ok, false);
    assert.deepEqual(lines(r), [1]);
    assert.match(r.problems[0]?.message ?? '', /true or false/);
  });
});

describe('AutoYaST: well-formed XML with the yast2ns profile root, cross-checked with xmllint', () => {
  const NS = 'xmlns="http://www.suse.com/1.0/yast2ns" xmlns:config="http://www.suse.com/1.0/configns"';
  const samples: { name: string; text: string; wellFormed: boolean; ok: boolean; line?: number }[] = [
    {
      name: 'good',
      wellFormed: true,
      ok: true,
      text: `<?xml version="1.0"?>\n<!DOCTYPE profile>\n<profile ${NS}>\n  <general><mode><confirm config:type="boolean">false</confirm></mode></general>\n  <scripts><![CDATA[ <not a tag> ]]></scripts>\n</profile>\n`,
    },
    {
      name: 'unclosed element',
      wellFormed: false,
      ok: false,
      line: 4,
      text: `<?xml version="1.0"?>\n<profile ${NS}>\n  <general>\n</profile>\n`,
    },
    {
      name: 'bare ampersand',
      wellFormed: false,
      ok: false,
      line: 3,
      text: `<profile ${NS}>\n  <a>x</a>\n  <b>curl 'http://x/?a=1&b=2'</b>\n</profile>\n`,
    },
    { name: 'two root elements', wellFormed: false, ok: false, text: `<profile ${NS}></profile>\n<profile ${NS}></profile>\n` },
    {
      name: 'unquoted attribute',
      wellFormed: false,
      ok: false,
      line: 2,
      text: `<profile ${NS}>\n<a config:type=boolean>x</a>\n</profile>\n`,
    },
    {
      name: 'wrong root element',
      wellFormed: true,
      ok: false,
      line: 2,
      text: `<?xml version="1.0"?>\n<autoinstall ${NS}>\n</autoinstall>\n`,
    },
    { name: 'profile without the namespace', wellFormed: true, ok: false, line: 1, text: '<profile>\n  <general/>\n</profile>\n' },
    {
      name: 'prefixed root in the right namespace',
      wellFormed: true,
      ok: true,
      text: '<y:profile xmlns:y="http://www.suse.com/1.0/yast2ns"><y:general/></y:profile>\n',
    },
  ];
  for (const s of samples) {
    test(s.name, () => {
      const r = validateAnswerFile('autoyast', s.text);
      assert.equal(r.ok, s.ok, JSON.stringify(r.problems));
      if (s.line !== undefined) assert.equal(r.problems[0]?.line, s.line, JSON.stringify(r.problems));
      const real = spawnSync('xmllint', ['--noout', '-'], { input: s.text, encoding: 'utf8' });
      assert.equal(real.status === 0, s.wellFormed, `xmllint said: ${real.stderr}`);
      if (!s.wellFormed) {
        assert.match(r.problems[0]?.message ?? '', /not well-formed XML|one root element/);
        const realLine = /^-:(\d+):/m.exec(real.stderr)?.[1];
        if (s.line !== undefined) assert.equal(Number(realLine), s.line, `xmllint: ${real.stderr}`);
      }
    });
  }

  test('config:type without the config namespace: xmllint reports a namespace error, and so do we', () => {
    const text = '<profile xmlns="http://www.suse.com/1.0/yast2ns">\n<a config:type="boolean">x</a>\n</profile>\n';
    const real = spawnSync('xmllint', ['--noout', '-'], { input: text, encoding: 'utf8' });
    assert.match(real.stderr, /Namespace prefix config .* is not defined/);
    const r = validateAnswerFile('autoyast', text);
    assert.equal(r.ok, false);
    assert.equal(r.problems[0]?.line, 2);
  });
});

describe('kickstart: known sections closed by %end, known commands', () => {
  test('a good kickstart', () => {
    const r = validateAnswerFile(
      'kickstart',
      [
        '# comment',
        'text',
        'lang en_US.UTF-8',
        'rootpw --iscrypted "$6$x$y"',
        '%include /tmp/part.ks',
        'autopart',
        'reboot',
        '',
        '%packages',
        '@core',
        '-iwl*',
        '%end',
        '%pre --log=/tmp/pre.log',
        'echo "unbalanced \' quotes are fine in scripts',
        '%end',
        '%addon com_redhat_kdump --disable',
        '%end',
        '%post --nochroot',
        'curl x',
        '%end',
        '%onerror',
        'true',
        '%end',
        '%anaconda',
        'pwpolicy root --minlen=6',
        '%end',
      ].join('\n'),
    );
    assert.deepEqual(r.problems, []);
    assert.ok(r.ok);
  });

  const bad: { name: string; text: string; line: number; message: RegExp }[] = [
    { name: 'unknown command', text: 'text\nautopartt\n', line: 2, message: /unknown kickstart command "autopartt"/ },
    { name: 'section never closed', text: 'text\n%post\necho hi\n', line: 2, message: /%post is never closed with %end/ },
    { name: '%end without a section', text: 'text\n%end\n', line: 2, message: /%end without an open section/ },
    { name: 'unknown section', text: '%postt\n%end\n', line: 1, message: /unknown section %postt/ },
    {
      name: 'a section opened inside another',
      text: '%pre\n%post\n%end\n',
      line: 2,
      message: /%post starts before the %pre of line 1 is closed/,
    },
    { name: 'unbalanced quotes in a command', text: 'rootpw --iscrypted "$6$x$y\n', line: 1, message: /no closing quotation/ },
    { name: '%include without a file', text: '%include\n', line: 1, message: /needs a file/ },
  ];
  for (const b of bad) {
    test(b.name, () => {
      const r = validateAnswerFile('kickstart', b.text);
      assert.equal(r.ok, false);
      assert.equal(r.problems[0]?.line, b.line);
      assert.match(r.problems[0]?.message ?? '', b.message);
    });
  }
});

describe('autoinstall: #cloud-config, YAML, autoinstall version 1 and its keys', () => {
  const good = [
    '#cloud-config',
    'autoinstall:',
    '  version: 1',
    '  identity:',
    '    hostname: h',
    '    username: u',
    '    password: "$6$x"',
    '  ssh: {install-server: true, authorized-keys: ["ssh-ed25519 AAAA k"]}',
    '  packages: [vim]',
    '  storage: {layout: {name: lvm}}',
    '  late-commands:',
    '    - echo hi',
    '    - [sh, -c, "true"]',
    '  reporting: {b: {type: webhook, endpoint: "http://x/"}}',
    '  shutdown: reboot',
    '',
  ].join('\n');

  test('a good file', () => {
    assert.deepEqual(validateAnswerFile('autoinstall', good), { ok: true, problems: [] });
  });

  const bad: { name: string; text: string; line: number | null; message: RegExp }[] = [
    {
      name: 'no #cloud-config line',
      text: good.replace('#cloud-config\n', '# cloud-config\n'),
      line: 1,
      message: /exactly "#cloud-config"/,
    },
    { name: 'broken YAML', text: good.replace('    username: u', '    username: "u'), line: 6, message: /^YAML:/ },
    { name: 'version 2', text: good.replace('version: 1', 'version: 2'), line: 3, message: /version must be 1/ },
    {
      name: 'a typo in a key',
      text: good.replace('late-commands:', 'late_commands:'),
      line: 11,
      message: /unknown autoinstall key "late_commands"/,
    },
    {
      name: 'late-commands not a list',
      text: good.replace('  late-commands:\n    - echo hi\n    - [sh, -c, "true"]', '  late-commands: echo hi'),
      line: 11,
      message: /late-commands must be a list/,
    },
    { name: 'a command that is a mapping', text: good.replace('    - echo hi', '    - {run: echo}'), line: 12, message: /command string/ },
    {
      name: 'identity without password',
      text: good.replace('    password: "$6$x"\n', ''),
      line: 5,
      message: /identity\.password is required/,
    },
    { name: 'packages not a list', text: good.replace('packages: [vim]', 'packages: vim'), line: 9, message: /packages must be a list/ },
    {
      name: 'reporting without type',
      text: good.replace('{type: webhook, endpoint: "http://x/"}', '{endpoint: "http://x/"}'),
      line: 14,
      message: /needs a type/,
    },
    { name: 'no autoinstall section', text: '#cloud-config\nusers: []\n', line: 1, message: /"autoinstall:" mapping is required/ },
    {
      name: 'duplicate keys',
      text: good.replace('  shutdown: reboot', '  shutdown: reboot\n  shutdown: poweroff'),
      line: 16,
      message: /^YAML:.*[Uu]nique/,
    },
  ];
  for (const b of bad) {
    test(b.name, () => {
      const r = validateAnswerFile('autoinstall', b.text);
      assert.equal(r.ok, false);
      const p = r.problems.find((x) => b.message.test(x.message));
      assert.ok(p, JSON.stringify(r.problems));
      assert.equal(p.line, b.line);
    });
  }
});
