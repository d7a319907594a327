import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { isSha512CryptHash, randomSalt, sha512Crypt, verifySha512Crypt } from '../../../electron/core/install/sha512-crypt.js';

// The references: OpenSSL's and whois' mkpasswd's own implementations (mkpasswd calls glibc crypt(3)).
// `openssl passwd -stdin` reads at most 256 bytes of a line, so longer passwords go to mkpasswd only
// (as an argument: glibc crypt(3) takes any length).
const openssl = (password: string, setting: string) =>
  execFileSync('openssl', ['passwd', '-6', '-salt', setting, '-stdin'], { input: `${password}\n` })
    .toString()
    .trim();
const mkpasswd = (password: string, salt: string, rounds?: number) =>
  execFileSync('mkpasswd', ['-m', 'sha-512', '-S', salt, ...(rounds ? ['-R', String(rounds)] : []), password])
    .toString()
    .trim();

const PASSWORDS = [
  'x',
  'hunter2',
  'correct horse battery staple',
  'pässwörd ✓ 日本語',
  'a'.repeat(64),
  'b'.repeat(65),
  'long '.repeat(60),
  'z'.repeat(511),
  `quote'"\\$`,
];

describe('sha512Crypt against openssl passwd -6 and mkpasswd -m sha-512', () => {
  for (const pw of PASSWORDS) {
    test(`password ${JSON.stringify(pw.length > 20 ? `${pw.slice(0, 20)}…(${pw.length})` : pw)}`, () => {
      if (Buffer.byteLength(pw) < 256) assert.equal(sha512Crypt(pw, 'saltsalt'), openssl(pw, 'saltsalt'));
      assert.equal(sha512Crypt(pw, 'saltsalt'), mkpasswd(pw, 'saltsalt'));
      assert.equal(sha512Crypt(pw, 'Zq9/.xY3abcdefgh'), mkpasswd(pw, 'Zq9/.xY3abcdefgh'));
    });
  }

  test('empty password (openssl refuses it; mkpasswd = glibc)', () => {
    assert.equal(sha512Crypt('', 'saltsalt'), mkpasswd('', 'saltsalt'));
  });

  test('rounds=5000 named explicitly is kept in the output, like glibc', () => {
    const h = sha512Crypt('pw', 'rounds=5000$saltsalt');
    assert.equal(h, mkpasswd('pw', 'saltsalt', 5000));
    assert.ok(h.startsWith('$6$rounds=5000$saltsalt$'));
    assert.equal(h, openssl('pw', 'rounds=5000$saltsalt'));
  });

  test('rounds=10000, via both tools', () => {
    assert.equal(sha512Crypt('pässwörd', 'rounds=10000$abcdefgh'), mkpasswd('pässwörd', 'abcdefgh', 10000));
    assert.equal(sha512Crypt('x', '$6$rounds=10000$abc'), openssl('x', 'rounds=10000$abc'));
  });

  test('rounds below 1000 are clamped to 1000, as glibc does', () => {
    assert.equal(sha512Crypt('pw', 'rounds=10$saltsalt'), sha512Crypt('pw', 'rounds=1000$saltsalt'));
    assert.ok(sha512Crypt('pw', 'rounds=10$saltsalt').startsWith('$6$rounds=1000$'));
  });

  test('salts longer than 16 characters are cut, and a whole hash works as the setting', () => {
    const h = sha512Crypt('pw', 'abcdefghijklmnopqrstuvwxyz');
    assert.ok(h.startsWith('$6$abcdefghijklmnop$'));
    assert.equal(h, openssl('pw', 'abcdefghijklmnop'));
    assert.equal(sha512Crypt('pw', h), h);
  });
});

describe('random salts, verification and the format check', () => {
  test('without a salt: a fresh 16-character salt each time, verifiable', () => {
    const a = sha512Crypt('secret');
    const b = sha512Crypt('secret');
    assert.notEqual(a, b);
    assert.match(a, /^\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
    assert.ok(verifySha512Crypt('secret', a));
    assert.ok(!verifySha512Crypt('Secret', a));
    // the reference tools agree with the hash we made with our own random salt
    const salt = a.split('$')[2] ?? '';
    assert.equal(a, openssl('secret', salt));
  });

  test('randomSalt uses the injected source', () => {
    assert.equal(
      randomSalt((n) => Buffer.alloc(n, 0)),
      '.'.repeat(16),
    );
    assert.equal(
      randomSalt((n) => Buffer.alloc(n, 0xff)),
      'z'.repeat(16),
    );
  });

  test('isSha512CryptHash', () => {
    assert.ok(isSha512CryptHash(mkpasswd('x', 'saltsalt')));
    assert.ok(isSha512CryptHash(mkpasswd('x', 'saltsalt', 20000)));
    assert.ok(!isSha512CryptHash('$5$saltsalt$' + 'a'.repeat(43)));
    assert.ok(!isSha512CryptHash('$6$saltsalt$short'));
    assert.ok(!isSha512CryptHash('plain password'));
    assert.ok(!isSha512CryptHash(`${mkpasswd('x', 'saltsalt')}\n`));
    assert.ok(!verifySha512Crypt('x', 'not a hash'));
  });
});
