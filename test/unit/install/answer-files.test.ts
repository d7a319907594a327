import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { XMLParser } from 'fast-xml-parser';
import type { AnswerTemplateName } from '../../../electron/shared/contract.js';
import { BootbenchError } from '../../../electron/core/errors.js';
import { TEMPLATES_DIR } from '../../../electron/core/paths.js';
import { DEFAULT_SETTINGS } from '../../../electron/core/install/settings-store.js';
import {
  buildAnswerContext,
  expandHostnamePattern,
  hostnameFor,
  OVERRIDE_KEYS,
  renderAnswerFile,
  templateForFamily,
  type AnswerContextInput,
  applyOverrides,
} from '../../../electron/core/install/answer-files.js';
import { validateAnswerFile } from '../../../electron/core/install/validate/index.js';
import { SAMPLE_SETTINGS, sampleInput } from './answer-fixtures.js';

const FILES: Record<AnswerTemplateName, { family: 'rhel' | 'debian' | 'ubuntu' | 'suse'; file: string }> = {
  kickstart: { family: 'rhel', file: 'kickstart.ks' },
  preseed: { family: 'debian', file: 'preseed.cfg' },
  autoinstall: { family: 'ubuntu', file: 'autoinstall.yaml' },
  autoyast: { family: 'suse', file: 'autoyast.xml' },
};

function render(name: AnswerTemplateName, over: Partial<AnswerContextInput> = {}): string {
  const { family, file } = FILES[name];
  const input = sampleInput(family, over);
  const text = renderAnswerFile({ name, template: readFileSync(join(TEMPLATES_DIR, file), 'utf8') }, buildAnswerContext(input)).text;
  const v = validateAnswerFile(name, text);
  assert.deepEqual(v.problems, [], `${name} does not validate:\n${text}`);
  assert.ok(v.ok);
  return text;
}

const REPORT = 'http://10.231.5.1:8080/install/tok3n/report';
/** `sh -n`: the shell parses the command (quoting survived the template). */
const shellParses = (cmd: string) => execFileSync('sh', ['-n', '-c', cmd]);

/** The kickstart's sections in order: header line and body lines. */
function kickstartSections(text: string): { header: string; body: string[] }[] {
  const out: { header: string; body: string[] }[] = [];
  let cur: { header: string; body: string[] } | null = null;
  for (const line of text.split('\n')) {
    if (cur) {
      if (line.trim() === '%end') {
        out.push(cur);
        cur = null;
      } else cur.body.push(line);
    } else if (/^%(pre|post|packages|onerror|traceback|pre-install)\b/.test(line)) cur = { header: line, body: [] };
  }
  return out;
}

/** The preseed's selections with continuation lines joined, as debconf-set-selections reads them. */
function preseedValues(text: string): Map<string, string> {
  const joined = text.replace(/\\\n/g, '');
  const out = new Map<string, string>();
  for (const line of joined.split('\n')) {
    const m = /^\s*(\S+)\s+(\S+)\s+(\S+)(?:\s(.*))?$/.exec(line);
    if (m && !line.trim().startsWith('#')) out.set(m[2] as string, m[4] ?? '');
  }
  return out;
}

/** A value deep inside parsed XML (no `any`): keys and indexes in order. */
function at(o: unknown, ...path: (string | number)[]): unknown {
  return path.reduce<unknown>((v, k) => (typeof v === 'object' && v !== null ? (v as Record<string | number, unknown>)[k] : undefined), o);
}

const commands = (s: string) =>
  s
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));

describe('templateForFamily', () => {
  test('each family reads its format; alpine and generic have none', () => {
    assert.equal(templateForFamily('rhel'), 'kickstart');
    assert.equal(templateForFamily('debian'), 'preseed');
    assert.equal(templateForFamily('ubuntu'), 'autoinstall');
    assert.equal(templateForFamily('suse'), 'autoyast');
    assert.equal(templateForFamily('alpine'), null);
    assert.equal(templateForFamily('generic'), null);
  });
});

describe('kickstart', () => {
  test('settings, start in the first %pre, failed in %onerror, installed as the last command of the last %post', () => {
    const ks = render('kickstart');
    assert.match(ks, /^network --bootproto=dhcp --activate --hostname=node-525400abcdef\.lab$/m);
    assert.match(ks, /^timezone Europe\/Berlin --utc$/m);
    assert.match(ks, /^lang de_DE\.UTF-8$/m);
    assert.match(ks, /^rootpw --iscrypted '\$6\$saltsalt\$/m);
    assert.match(ks, /^user --name=bootbench --groups=wheel --iscrypted --password='\$6\$rounds=10000\$/m);
    assert.match(ks, /^sshkey --username=bootbench 'ssh-ed25519 AAAA/m);
    assert.match(ks, /^%include \/tmp\/bootbench-disk\.ks$/m);
    assert.match(ks, /^reboot$/m);
    const sections = kickstartSections(ks);
    const packages = sections.find((s) => s.header === '%packages');
    assert.deepEqual(commands(packages?.body.join('\n') ?? ''), ['@core', 'openssh-server', 'curl', 'vim', 'htop']);
    const pre = sections.find((s) => s.header.startsWith('%pre'));
    assert.ok(commands(pre?.body.join('\n') ?? '')[0]?.startsWith(`curl -fsS -m 20 -X POST '${REPORT}?event=start&message=`));
    assert.match(sections.find((s) => s.header === '%onerror')?.body.join('\n') ?? '', /event=failed/);
    const last = sections[sections.length - 1];
    assert.match(last?.header ?? '', /^%post --nochroot/);
    const lastCommand = commands(last?.body.join('\n') ?? '').pop() ?? '';
    assert.match(lastCommand, new RegExp(`^curl .*'${REPORT}\\?event=installed&message=installed%20Rocky%20Linux%209\\.4' \\|\\| :$`));
    assert.equal(ks.match(/event=installed/g)?.length, 1);
    // the user's post-install script runs in an earlier %post, in the installed system
    const userPost = sections.filter((s) => s.header.startsWith('%post'));
    // the user's %post, the first-boot unit's (chrooted: in the installed system), the report
    assert.equal(userPost.length, 3);
    assert.match(userPost[1]?.header ?? '', /^%post --log=\/root\/bootbench-first-boot\.log$/);
    assert.match(userPost[0]?.body.join('\n') ?? '', /echo 'hello from post' > \/root\/hello/);
    for (const s of sections.filter((x) => x.header.startsWith('%pre') || x.header.startsWith('%post') || x.header === '%onerror'))
      shellParses(s.body.join('\n'));
  });

  test('a set target disk replaces the first-disk %pre; no root password locks root', () => {
    const ks = render('kickstart', {
      settings: { ...SAMPLE_SETTINGS, targetDisk: '/dev/nvme0n1', rootPasswordHash: null, sshAuthorizedKey: '', postInstallScript: '' },
    });
    assert.match(ks, /^ignoredisk --only-use=\/dev\/nvme0n1$/m);
    assert.doesNotMatch(ks, /%include|lsblk/);
    assert.match(ks, /^rootpw --lock$/m);
    assert.doesNotMatch(ks, /sshkey/);
    assert.equal(kickstartSections(ks).filter((s) => s.header.startsWith('%post')).length, 2, 'the first-boot unit and the report');
  });
});

describe('preseed', () => {
  test('an unsigned ISO archive (Debian CDs have no Release.gpg) is accepted explicitly, a signed one is not', () => {
    const unsigned = preseedValues(render('preseed', { debianSigned: false }));
    assert.equal(unsigned.get('debian-installer/allow_unauthenticated'), 'true');
    assert.equal(preseedValues(render('preseed', { debianSigned: true })).has('debian-installer/allow_unauthenticated'), false);
    assert.equal(preseedValues(render('preseed')).has('debian-installer/allow_unauthenticated'), false, 'signed unless said otherwise');
  });

  test('settings, mirror = the ISO over HTTP, start in early_command, installed at the end of late_command', () => {
    const cfg = render('preseed');
    const v = preseedValues(cfg);
    assert.equal(v.get('netcfg/get_hostname'), 'node-525400abcdef');
    assert.equal(v.get('netcfg/get_domain'), 'lab');
    assert.equal(v.get('time/zone'), 'Europe/Berlin');
    assert.equal(v.get('mirror/http/hostname'), '10.231.5.1:8080');
    assert.equal(v.get('mirror/http/directory'), '/iso/debian-12.5.0-amd64');
    assert.equal(v.get('mirror/suite'), 'bookworm');
    assert.equal(v.get('passwd/username'), 'bootbench');
    assert.match(v.get('passwd/user-password-crypted') ?? '', /^\$6\$rounds=10000\$/);
    assert.equal(v.get('pkgsel/include'), 'openssh-server curl vim htop');
    assert.equal(v.get('partman/early_command'), 'debconf-set partman-auto/disk "$(list-devices disk | head -n1)"');
    assert.equal(v.get('finish-install/reboot_in_progress'), '');
    const early = v.get('preseed/early_command') ?? '';
    assert.match(early, new RegExp(`^wget -q -O /dev/null '${REPORT}\\?event=start&message=`));
    const late = v.get('preseed/late_command') ?? '';
    shellParses(late);
    shellParses(early);
    // the last command of late_command is the installed report, with busybox wget
    assert.match(
      late,
      new RegExp(`; +wget -q -O /dev/null '${REPORT}\\?event=installed&message=installed%20Debian%2012\\.5\\.0' \\|\\| true$`),
    );
    assert.ok(late.indexOf('bootbench-post-install.sh') < late.indexOf('event=installed'));
    assert.ok(late.indexOf('authorized_keys') < late.indexOf('event=installed'));
    // the key is written exactly (base64 through the shell)
    const b64 = /echo (\S+) \| base64 -d > \/home\/bootbench\/\.ssh\/authorized_keys/.exec(late)?.[1] ?? '';
    assert.equal(Buffer.from(b64, 'base64').toString(), `${SAMPLE_SETTINGS.sshAuthorizedKey}\n`);
    assert.equal(cfg.match(/event=installed/g)?.length, 1);
  });

  test('target disk set; no root password; nothing optional', () => {
    const cfg = render('preseed', {
      settings: {
        ...SAMPLE_SETTINGS,
        targetDisk: 'sdb',
        rootPasswordHash: null,
        sshAuthorizedKey: '',
        postInstallScript: '',
        extraPackages: [],
      },
      debianSuite: null,
    });
    const v = preseedValues(cfg);
    assert.equal(v.get('partman-auto/disk'), '/dev/sdb');
    assert.equal(v.get('grub-installer/bootdev'), '/dev/sdb');
    assert.equal(v.get('passwd/root-login'), 'false');
    assert.equal(v.has('mirror/suite'), false);
    assert.equal(v.get('pkgsel/include'), 'openssh-server curl');
    assert.match(
      v.get('preseed/late_command') ?? '',
      /^true; +in-target sh -c 'mkdir -p [^']*base64 -d[^']*' \|\| true; +wget -q -O \/dev\/null '.*event=installed.*' \|\| true$/,
    );
  });
});

describe('autoinstall', () => {
  test('cloud-config with autoinstall v1: identity, webhook reporting, start first, installed last', () => {
    const text = render('autoinstall');
    assert.ok(text.startsWith('#cloud-config\n'));
    const doc = parseYaml(text) as { autoinstall: Record<string, unknown> };
    const ai = doc.autoinstall;
    assert.equal(ai.version, 1);
    assert.deepEqual(ai.identity, {
      hostname: 'node-525400abcdef',
      realname: 'bootbench',
      username: 'bootbench',
      password: SAMPLE_SETTINGS.adminPasswordHash,
    });
    assert.deepEqual(ai.reporting, { bootbench: { type: 'webhook', endpoint: 'http://10.231.5.1:8080/install/tok3n/webhook' } });
    assert.deepEqual(ai.ssh, { 'install-server': true, 'authorized-keys': [SAMPLE_SETTINGS.sshAuthorizedKey] });
    assert.deepEqual(ai.packages, ['openssh-server', 'curl', 'vim', 'htop']);
    assert.deepEqual(ai.keyboard, { layout: 'de' });
    assert.equal(ai.timezone, 'Europe/Berlin');
    assert.equal(ai.shutdown, 'reboot');
    assert.deepEqual(ai.storage, { layout: { name: 'lvm' } });
    const early = ai['early-commands'] as string[];
    assert.match(early[0] ?? '', /event=start/);
    const late = ai['late-commands'] as string[];
    late.forEach(shellParses);
    assert.match(
      late[late.length - 1] ?? '',
      new RegExp(
        `^curl .*'${REPORT}\\?event=installed&message=installed%20Ubuntu%20Server%2024\\.04' \\|\\| wget -q -O /dev/null '.*event=installed.*' \\|\\| true$`,
      ),
    );
    assert.match(late[0] ?? '', /^curtin in-target --target=\/target -- usermod -p '\$6\$saltsalt\$.*' root$/);
    assert.match((ai['error-commands'] as string[])[0] ?? '', /event=failed/);
  });

  test('target disk, no root password, no keys', () => {
    const text = render('autoinstall', {
      settings: {
        ...SAMPLE_SETTINGS,
        targetDisk: '/dev/vda',
        rootPasswordHash: null,
        sshAuthorizedKey: '',
        postInstallScript: '',
        adminPasswordHash: null,
      },
    });
    const ai = (parseYaml(text) as { autoinstall: Record<string, unknown> }).autoinstall;
    assert.deepEqual(ai.storage, { layout: { name: 'lvm', match: { path: '/dev/vda' } } });
    assert.deepEqual(ai.ssh, { 'install-server': true, 'authorized-keys': [] });
    assert.equal((ai.identity as { password: string }).password, '!');
    assert.equal((ai['late-commands'] as string[]).length, 2, 'the first-boot unit, then the report');
  });
});

describe('autoyast', () => {
  const parser = new XMLParser({
    ignoreAttributes: false,
    isArray: (name) => ['script', 'user', 'package', 'listentry', 'drive'].includes(name),
  });
  type Script = { filename: string; chrooted?: boolean; source: string };

  test('profile: settings, start in pre-scripts, logs posted, installed as the last chroot script', () => {
    const text = render('autoyast');
    const profile = (parser.parse(text) as { profile: unknown }).profile;
    assert.equal(at(profile, '@_xmlns'), 'http://www.suse.com/1.0/yast2ns');
    assert.equal(at(profile, 'networking', 'dns', 'hostname'), 'node-525400abcdef');
    assert.equal(at(profile, 'keyboard', 'keymap'), 'german');
    assert.equal(at(profile, 'language', 'language'), 'de_DE');
    assert.equal(at(profile, 'timezone', 'timezone'), 'Europe/Berlin');
    assert.deepEqual(at(profile, 'software', 'packages', 'package'), ['openssh', 'curl', 'sudo', 'vim', 'htop']);
    const users = at(profile, 'users', 'user') as { username: string; user_password?: string; authorized_keys?: { listentry: string[] } }[];
    assert.deepEqual(
      users.map((u) => u.username),
      ['root', 'bootbench'],
    );
    assert.equal(users[1]?.user_password, SAMPLE_SETTINGS.adminPasswordHash);
    assert.deepEqual(users[1]?.authorized_keys?.listentry, [SAMPLE_SETTINGS.sshAuthorizedKey]);
    assert.equal(at(profile, 'partitioning', 'drive', 0, 'device'), undefined, 'no device: AutoYaST takes the first disk');
    assert.equal(at(profile, 'general', 'mode', 'final_reboot', '#text'), true);
    const pre = at(profile, 'scripts', 'pre-scripts', 'script') as Script[];
    assert.match(pre[0]?.source ?? '', new RegExp(`^curl .*'${REPORT}\\?event=start&message=`));
    const chroot = at(profile, 'scripts', 'chroot-scripts', 'script') as Script[];
    assert.match(chroot[0]?.source ?? '', /--data-binary @- 'http:\/\/10\.231\.5\.1:8080\/install\/tok3n\/log'/);
    const last = chroot[chroot.length - 1] as Script;
    assert.equal(last.filename, 'bootbench-installed.sh');
    assert.match(
      last.source.trim(),
      new RegExp(`^curl .*'${REPORT}\\?event=installed&message=installed%20openSUSE%20Leap%2015\\.6' \\|\\| true$`),
    );
    assert.equal(at(profile, 'scripts', 'init-scripts'), undefined);
    assert.equal(at(profile, 'scripts', 'post-scripts'), undefined);
    for (const s of [...pre, ...chroot]) shellParses(s.source);
  });

  test('target disk; awkward text is escaped; xmllint agrees it is well-formed', () => {
    const nasty = `echo "<b>&amp;</b>" ]]> 'x'`;
    const text = render('autoyast', {
      settings: { ...SAMPLE_SETTINGS, targetDisk: 'sda', postInstallScript: nasty, rootPasswordHash: null },
    });
    const profile = (parser.parse(text) as { profile: unknown }).profile;
    assert.equal(at(profile, 'partitioning', 'drive', 0, 'device'), '/dev/sda');
    const post = (at(profile, 'scripts', 'chroot-scripts', 'script') as Script[]).find((s) => s.filename === 'bootbench-post-install.sh');
    assert.equal(post?.source.trim(), nasty);
    assert.ok(post);
    execFileSync('xmllint', ['--noout', '-'], { input: text });
  });
});

describe('context, overrides and host names', () => {
  test('hostname patterns: {mac} without colons, {n} the counter', () => {
    assert.equal(expandHostnamePattern('node-{mac}', '52:54:00:AB:cd:ef', 1), 'node-525400abcdef');
    assert.equal(expandHostnamePattern('web{n}', '52:54:00:ab:cd:ef', 12), 'web12');
    assert.deepEqual(hostnameFor({ settings: SAMPLE_SETTINGS, overrides: {}, mac: '52:54:00:ab:cd:ef', counter: 3 }), {
      hostname: 'node-525400abcdef',
      domain: 'lab',
      fqdn: 'node-525400abcdef.lab',
    });
    assert.deepEqual(
      hostnameFor({
        settings: { ...SAMPLE_SETTINGS, domain: '' },
        overrides: { hostnamePattern: 'db-{n}' },
        mac: '52:54:00:ab:cd:ef',
        counter: 3,
      }),
      { hostname: 'db-3', domain: '', fqdn: 'db-3' },
    );
  });

  test('overrides replace settings of the same name, in every template', () => {
    const overrides = {
      hostname: 'web1',
      domain: 'test.example',
      timezone: 'Etc/UTC',
      keyboard: 'us',
      targetDisk: 'sdb',
      extraPackages: 'nginx, git  jq',
      locale: 'en_US.UTF-8',
    };
    const ctx = buildAnswerContext(sampleInput('rhel', { overrides }));
    assert.equal(ctx.hostname, 'web1');
    assert.equal(ctx.fqdn, 'web1.test.example');
    assert.equal(ctx.targetDisk, '/dev/sdb');
    assert.deepEqual(ctx.extraPackages, ['nginx', 'git', 'jq']);
    assert.equal(ctx.keyboardYast, 'english-us');
    assert.equal(ctx.language, 'en_US');
    const ks = render('kickstart', { overrides });
    assert.match(ks, /--hostname=web1\.test\.example/);
    assert.match(ks, /^ignoredisk --only-use=\/dev\/sdb$/m);
    assert.match(ks, /^nginx\ngit\njq\n%end/m);
    assert.equal(preseedValues(render('preseed', { overrides })).get('pkgsel/include'), 'openssh-server curl nginx git jq');
    assert.match(render('autoinstall', { overrides }), /hostname: "web1"/);
    assert.match(render('autoyast', { overrides }), /<hostname>web1<\/hostname>\s*<domain>test\.example<\/domain>/);
    // a hash can be overridden, a plain password cannot
    const hash = '$6$saltsalt$qkTgsCrWMTAS9gBGcf9W60sFfH.hU0oTCAOJjhbz5tSp/sU3/xXZK4OFwCtq8lIIdpJ6CatVdOTSHKp97TPkt/';
    assert.equal(buildAnswerContext(sampleInput('rhel', { overrides: { adminPasswordHash: hash } })).adminPasswordHash, hash);
  });

  test('bad overrides are errors that say what is wrong and which keys exist', () => {
    const err = (overrides: Record<string, string>, re: RegExp) =>
      assert.throws(
        () => buildAnswerContext(sampleInput('rhel', { overrides })),
        (e: unknown) => {
          assert.ok(e instanceof BootbenchError);
          assert.equal(e.code, 'BAD_ARGUMENT');
          assert.match(e.message, re);
          return true;
        },
      );
    err({ hostnme: 'x' }, new RegExp(`--set hostnme: unknown setting; the settings are: ${OVERRIDE_KEYS.join(', ')}`));
    err({ hostname: 'bad name' }, /--set hostname: hostname "bad name" is not a valid host name/);
    err({ timezone: 'Mars/Olympus' }, /--set timezone: .*not a known IANA time zone/);
    err({ extraPackages: 'vim, rm -rf' }, /--set extraPackages: extraPackages: "-rf" is not a package name/);
    err({ rootPassword: 'hunter2' }, /plain passwords are not kept.*rootPasswordHash/);
    err({ adminPasswordHash: 'hunter2' }, /SHA-512 crypt hash/);
    err({ targetDisk: '/dev/sda; reboot' }, /targetDisk/);
    err(JSON.parse('{"__proto__": "x"}') as Record<string, string>, /--set __proto__: unknown setting/);
    err({ constructor: 'x' }, /--set constructor: unknown setting/);
  });

  test('a template that names an unknown variable fails with the template name and line', () => {
    assert.throws(
      () => renderAnswerFile({ name: 'kickstart', template: 'text\n{{ hostnmae }}\n' }, buildAnswerContext(sampleInput('rhel'))),
      (e: unknown) => {
        assert.ok(e instanceof BootbenchError);
        assert.match(
          e.message,
          /^The kickstart template: line 2: "hostnmae" is undefined \(write \{\{ hostnmae \| default: '…' \}\} if it may be missing\)/,
        );
        return true;
      },
    );
  });
});

test('a refused per-machine setting names the key and the problem for the UI, and keeps the CLI words in its message', () => {
  const settings = { ...DEFAULT_SETTINGS, extraPackages: [] };
  for (const [overrides, key] of [
    [{ timezone: 'Mars/Olympus' }, 'timezone'],
    [{ noSuchSetting: 'x' }, 'noSuchSetting'],
    [{ rootPassword: 'secret' }, 'rootPassword'],
  ] as const) {
    assert.throws(
      () => applyOverrides(settings, overrides),
      (e: unknown) => {
        assert.ok(e instanceof BootbenchError);
        assert.match(e.message, new RegExp(`^--set ${key}: `), 'the CLI speaks its flag');
        assert.equal(e.field?.name, key);
        assert.ok(
          e.field && e.field.detail.length > 0 && !e.field.detail.includes('--set'),
          `no CLI flag in the UI's words: ${e.field?.detail}`,
        );
        return true;
      },
    );
  }
});
