import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Host, HostState } from '../../../electron/shared/contract.js';
import {
  grubConfigPath,
  grubFile,
  grubWord,
  renderGrubBootstrap,
  renderGrubConfig,
  type GrubServer,
} from '../../../electron/core/boot/grub-config.js';
import type { InstallerBoot } from '../../../electron/core/boot/installer-boot.js';

const MAC = '52:54:00:12:34:56';
const TFTP: GrubServer = { ip: '10.231.110.1', httpPort: 8080, via: 'tftp' };
const HTTP: GrubServer = { ...TFTP, via: 'http' };

function host(state: HostState): Host {
  return {
    mac: MAC,
    firmware: 'uefi',
    arch: 'x86_64',
    clientArch: 7,
    ip: '10.231.110.100',
    state,
    distro: null,
    uuid: null,
    vendorClass: null,
    userClass: null,
    hostname: null,
    chain: 'signed',
    firstSeen: '2025-01-01T00:00:00.000Z',
    lastSeen: '2025-01-01T00:00:00.000Z',
  };
}

/** Arguments a user could type in a distro's or host's kernel-argument setting, each meant to break out. */
const HOSTILE = [
  "a'; reboot; echo '",
  'b; reboot',
  'c$(reboot)',
  'd${prefix}',
  'e"f"g',
  'h\\i\\',
  'j}k{l',
  "m'\\''n",
  'o\nreboot\rp',
  '$root',
  '`reboot`',
  '#comment',
  'key="a b"',
];

const INSTALLER: InstallerBoot = {
  title: "installing Debian 12 ('bookworm') $x",
  kernelUrl: 'http://10.231.110.1:8080/install/TOKEN0123456789abcdef/kernel',
  initrds: [{ url: 'http://10.231.110.1:8080/install/TOKEN0123456789abcdef/initrd', name: 'initrd' }],
  args: ['initrd=initrd', 'auto=true', 'priority=critical', ...HOSTILE],
};

const hasScriptCheck = spawnSync('grub-script-check', ['--version']).status === 0;

/** GRUB's own parser (grub-common): exit 0 when the whole text parses. */
function grubScriptCheck(text: string): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sbc-grubcfg-'));
  try {
    const file = join(dir, 'grub.cfg');
    writeFileSync(file, text);
    const r = spawnSync('grub-script-check', [file], { encoding: 'utf8' });
    return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The words of one command line as GRUB reads them, for lines made of single-quoted words (what the
 * renderer writes): inside '…' nothing is special, and '\'' is a quote. bash's quoting rules are the
 * same for this subset, so bash is the cross-check: it prints each word it parsed on its own line.
 */
function wordsOf(line: string): string[] {
  const out = execFileSync('bash', ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

describe('grubWord: one literal word, whatever the text', () => {
  test("single quotes, with a quote written as '\\'' and line breaks replaced", () => {
    assert.equal(grubWord('plain'), "'plain'");
    assert.equal(grubWord("it's"), "'it'\\''s'");
    assert.equal(grubWord('a\nb\r\nc'), "'a b c'");
    assert.equal(grubWord('x\u0000y'), "'x y'");
  });

  test('hostile arguments come back as the same single words (bash cross-check)', () => {
    for (const arg of HOSTILE) {
      const expected = arg.replace(/[\u0000-\u001f\u007f]+/g, ' ');
      assert.deepEqual(wordsOf(grubWord(arg)), [expected], JSON.stringify(arg));
    }
  });
});

describe('renderGrubConfig: the host states', () => {
  test('waiting host: banner, a while loop that sleeps and sources its poll config over TFTP', () => {
    const s = renderGrubConfig({ mac: MAC, host: host('discovered'), server: TFTP, pollSeconds: 4 });
    assert.match(s, /^# Bootbench GRUB config for 52:54:00:12:34:56 \(state: discovered\)/);
    assert.match(s, /click Install in the app/);
    assert.match(s, /while true; do\n {2}sleep -v 4\n {2}source '\(tftp,10\.231\.110\.1\)\/grub\/poll\/52-54-00-12-34-56\.cfg'\ndone/);
    assert.doesNotMatch(s, /configfile/, 'a reloading configfile would nest a context per poll');
  });

  test('unknown MAC and failed host wait too; over HTTP the poll names (http,SERVER:PORT)', () => {
    for (const h of [undefined, host('failed')]) {
      const s = renderGrubConfig({ mac: MAC, host: h, server: HTTP, pollSeconds: 5 });
      assert.match(s, /source '\(http,10\.231\.110\.1:8080\)\/grub\/poll\/52-54-00-12-34-56\.cfg'/);
    }
  });

  test('the poll of a waiting host is a no-op: it returns to the loop it was sourced from', () => {
    const s = renderGrubConfig({ mac: MAC, host: host('discovered'), server: TFTP, pollSeconds: 5, poll: true });
    assert.deepEqual(
      s.split('\n').filter((l) => l && !l.startsWith('#')),
      ['set bootbench_state=discovered'],
    );
  });

  test('queued host with an installer: linux + initrd over TFTP, boot, then the wait loop as fallback', () => {
    const s = renderGrubConfig({ mac: MAC, host: host('queued'), server: TFTP, pollSeconds: 5, installer: INSTALLER });
    const linux = s.split('\n').find((l) => l.startsWith('if linux '));
    assert.ok(linux, s);
    const words = wordsOf(linux.replace(/^if linux /, '').replace(/; then$/, ''));
    const expectedArgs = INSTALLER.args.filter((a) => a !== 'initrd=initrd').map((a) => a.replace(/[\u0000-\u001f]+/g, ' '));
    assert.deepEqual(words, ['(tftp,10.231.110.1)/install/TOKEN0123456789abcdef/kernel', ...expectedArgs]);
    assert.match(s, /\n {2}if initrd '\(tftp,10\.231\.110\.1\)\/install\/TOKEN0123456789abcdef\/initrd'; then\n {4}boot\n/);
    assert.ok(s.indexOf('boot\n') < s.indexOf('while true'), 'the loop is only the fallback');
    // The poll form boots the same way but has no loop of its own.
    const poll = renderGrubConfig({ mac: MAC, host: host('queued'), server: TFTP, pollSeconds: 5, poll: true, installer: INSTALLER });
    assert.ok(poll.includes(linux));
    assert.doesNotMatch(poll, /while/);
  });

  test('queued host without an installer waits', () => {
    const s = renderGrubConfig({ mac: MAC, host: host('booting'), server: TFTP, pollSeconds: 5, installer: null });
    assert.match(s, /while true/);
    assert.doesNotMatch(s, /linux/);
  });

  test('installed host: exit 1, back to the firmware and its next boot option', () => {
    for (const poll of [false, true]) {
      const s = renderGrubConfig({ mac: MAC, host: host('installed'), server: TFTP, pollSeconds: 5, poll });
      assert.match(s, /\nexit 1\n$/);
    }
  });

  test(
    'every rendered config parses in GRUB itself (grub-script-check), hostile arguments included',
    { skip: !hasScriptCheck && 'grub-script-check (grub-common) is not installed' },
    () => {
      const states: HostState[] = ['discovered', 'failed', 'queued', 'booting', 'installing', 'installed'];
      const texts = [renderGrubBootstrap(5)];
      for (const state of states)
        for (const poll of [false, true])
          for (const server of [TFTP, HTTP])
            texts.push(renderGrubConfig({ mac: MAC, host: host(state), server, pollSeconds: 5, poll, installer: INSTALLER }));
      for (const text of texts) {
        const r = grubScriptCheck(text);
        assert.ok(r.ok, `${r.output}\n${text}`);
      }
      // The check is real: an unquoted hostile argument does not parse.
      assert.equal(grubScriptCheck("linux /k a'b\n").ok, false);
    },
  );
});

describe('paths and files', () => {
  test('grubConfigPath: dashes, and the poll path', () => {
    assert.equal(grubConfigPath(MAC), '/grub/52-54-00-12-34-56.cfg');
    assert.equal(grubConfigPath(MAC, true), '/grub/poll/52-54-00-12-34-56.cfg');
  });

  test('grubFile: an HTTP URL as GRUB names it over TFTP or HTTP', () => {
    assert.equal(grubFile('http://10.231.110.1:8080/install/T/kernel', TFTP), '(tftp,10.231.110.1)/install/T/kernel');
    assert.equal(grubFile('http://10.231.110.1:8080/install/T/kernel', HTTP), '(http,10.231.110.1:8080)/install/T/kernel');
    assert.equal(grubFile('http://10.231.110.1/iso/x/a?b=1', HTTP), '(http,10.231.110.1)/iso/x/a?b=1');
  });

  test('the bootstrap sources the host config named by the MAC GRUB booted from, from the server it booted from', () => {
    const s = renderGrubBootstrap(5);
    assert.match(s, /source "\(\$root\)\/grub\/\$\{net_default_mac\}\.cfg"/);
    assert.match(s, /sleep -v 5/);
  });
});
