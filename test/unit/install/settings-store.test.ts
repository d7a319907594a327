import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BootbenchError } from '../../../electron/core/errors.js';
import { DEFAULT_SETTINGS, generatePassword, INITIAL_PASSWORD_FILE, SettingsStore } from '../../../electron/core/install/settings-store.js';
import { isSha512CryptHash, verifySha512Crypt } from '../../../electron/core/install/sha512-crypt.js';
import { badArgument, withTempDir } from '../../helpers/store-fixtures.js';

const withDir = (fn: (dir: string) => Promise<void>) => withTempDir('settings', fn);

describe('SettingsStore', () => {
  test('first start: defaults, a generated admin password kept only as a hash, its plain text in a 0600 file', () =>
    withDir(async (dir) => {
      const store = await SettingsStore.open(dir);
      const view = store.view();
      const { adminPasswordSet: _a, rootPasswordSet: _r, adminPasswordInfo: _i, loginKnown: _k, ...shown } = view;
      const { adminPasswordHash: _ah, rootPasswordHash: _rh, ...defaults } = DEFAULT_SETTINGS;
      assert.deepEqual(shown, defaults);
      assert.equal(view.adminPasswordSet, true);
      assert.equal(view.rootPasswordSet, false);
      assert.ok(!('adminPasswordHash' in view));
      const hash = store.get().adminPasswordHash ?? '';
      assert.ok(isSha512CryptHash(hash));
      const file = join(dir, INITIAL_PASSWORD_FILE);
      assert.equal(store.initialPasswordFile, file);
      assert.equal((await stat(file)).mode & 0o777, 0o600);
      const password = /^password: (\S+)$/m.exec(await readFile(file, 'utf8'))?.[1] ?? '';
      assert.equal(password.length, 16);
      assert.ok(verifySha512Crypt(password, hash));
      // the plain password is nowhere in settings.json
      const json = await readFile(join(dir, 'settings.json'), 'utf8');
      assert.ok(!json.includes(password));
      assert.equal(JSON.parse(json).adminPasswordHash, hash);
      // a restart keeps the same hash and does not generate another
      const again = await SettingsStore.open(dir);
      assert.equal(again.get().adminPasswordHash, hash);
    }));

  test('update: validates, trims, normalises, hashes passwords at once, persists atomically', () =>
    withDir(async (dir) => {
      const store = await SettingsStore.open(dir);
      const view = await store.update({
        hostnamePattern: ' web-{n} ',
        domain: 'example.test',
        timezone: 'America/New_York',
        locale: 'de_DE.UTF-8',
        keyboard: 'de',
        targetDisk: 'nvme0n1',
        extraPackages: ['vim', ' htop ', 'vim'],
        rootPassword: 'r00t pw',
        adminPassword: 'correct horse',
        postInstallScript: 'echo hi\n',
        sshAuthorizedKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGk5 me@host\nssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ== other',
      });
      assert.equal(view.hostnamePattern, 'web-{n}');
      assert.equal(view.targetDisk, '/dev/nvme0n1');
      assert.deepEqual(view.extraPackages, ['vim', 'htop']);
      assert.equal(view.rootPasswordSet, true);
      const s = store.get();
      assert.ok(verifySha512Crypt('r00t pw', s.rootPasswordHash ?? ''));
      assert.ok(verifySha512Crypt('correct horse', s.adminPasswordHash ?? ''));
      // setting the admin password retires the generated one's file
      await assert.rejects(stat(join(dir, INITIAL_PASSWORD_FILE)), { code: 'ENOENT' });
      const reopened = await SettingsStore.open(dir);
      assert.deepEqual(reopened.get(), s);
      assert.ok(!(await readFile(join(dir, 'settings.json'), 'utf8')).includes('correct horse'));
      // an empty root password clears it
      assert.equal((await store.update({ rootPassword: '' })).rootPasswordSet, false);
      assert.equal(store.get().rootPasswordHash, null);
    }));

  test('bad values are refused with a clear message, and nothing changes', () =>
    withDir(async (dir) => {
      const store = await SettingsStore.open(dir);
      const before = store.get();
      await assert.rejects(
        store.update({ hostnamePattern: 'node_{mac}' }),
        badArgument(/hostnamePattern "node_\{mac\}" does not give a valid host name/),
      );
      await assert.rejects(store.update({ hostnamePattern: 'x-{serial}' }), badArgument(/placeholder other than \{mac\} and \{n\}/));
      await assert.rejects(store.update({ timezone: 'Berlin' }), badArgument(/timezone "Berlin" is not a known IANA time zone/));
      await assert.rejects(store.update({ locale: 'english' }), badArgument(/locale "english"/));
      await assert.rejects(store.update({ adminUser: 'root' }), badArgument(/adminUser "root"/));
      await assert.rejects(store.update({ extraPackages: ['vim; reboot'] }), badArgument(/"vim; reboot" is not a package name/));
      await assert.rejects(store.update({ sshAuthorizedKey: 'not a key' }), badArgument(/not an OpenSSH public key line/));
      await assert.rejects(store.update({ targetDisk: '/dev/sda && reboot' }), badArgument(/targetDisk/));
      await assert.rejects(store.update({ adminPassword: '' }), badArgument(/admin password cannot be removed/));
      await assert.rejects(store.update({ rootPassword: 'x'.repeat(600) }), badArgument(/at most 511 bytes/));
      await assert.rejects(store.update({ bogus: 1 } as never), badArgument(/unknown key\(s\) bogus; known: /));
      await assert.rejects(store.update({ domain: 42 } as never), badArgument(/domain must be text/));
      assert.deepEqual(store.get(), before);
    }));

  test('a corrupt or invalid settings.json is a DATA_DIR error, never silently replaced', () =>
    withDir(async (dir) => {
      await writeFile(join(dir, 'settings.json'), '{ not json');
      await assert.rejects(
        SettingsStore.open(dir),
        (e: unknown) => e instanceof BootbenchError && e.code === 'DATA_DIR' && /not readable JSON/.test(e.message),
      );
      await writeFile(join(dir, 'settings.json'), JSON.stringify({ timezone: 'Nowhere/Land' }));
      await assert.rejects(
        SettingsStore.open(dir),
        (e: unknown) => e instanceof BootbenchError && e.code === 'DATA_DIR' && /Nowhere\/Land/.test(e.message),
      );
      assert.equal(await readFile(join(dir, 'settings.json'), 'utf8'), JSON.stringify({ timezone: 'Nowhere/Land' }));
    }));

  test('an older settings.json gains the new keys from the defaults', () =>
    withDir(async (dir) => {
      await writeFile(
        join(dir, 'settings.json'),
        JSON.stringify({
          domain: 'old',
          adminPasswordHash: '$6$saltsalt$qkTgsCrWMTAS9gBGcf9W60sFfH.hU0oTCAOJjhbz5tSp/sU3/xXZK4OFwCtq8lIIdpJ6CatVdOTSHKp97TPkt/',
        }),
      );
      const store = await SettingsStore.open(dir);
      assert.equal(store.get().domain, 'old');
      assert.equal(store.get().timezone, 'Etc/UTC');
      await assert.rejects(stat(join(dir, INITIAL_PASSWORD_FILE)), { code: 'ENOENT' });
    }));

  test('concurrent updates are applied one after the other', () =>
    withDir(async (dir) => {
      const store = await SettingsStore.open(dir);
      await Promise.all([store.update({ domain: 'a' }), store.update({ keyboard: 'fr' }), store.update({ timezone: 'Asia/Tokyo' })]);
      const reopened = await SettingsStore.open(dir);
      assert.equal(reopened.get().domain, 'a');
      assert.equal(reopened.get().keyboard, 'fr');
      assert.equal(reopened.get().timezone, 'Asia/Tokyo');
    }));

  test('the generated password is readable (and recorded as shown) until the user sets their own; then only "own, set at" is known', () =>
    withDir(async (dir) => {
      const store = await SettingsStore.open(dir);
      const password = /^password: (\S+)$/m.exec(await readFile(join(dir, INITIAL_PASSWORD_FILE), 'utf8'))?.[1] ?? '';
      assert.deepEqual(store.view().adminPasswordInfo, { source: 'generated', setAt: null, revealed: false });
      assert.equal(store.view().loginKnown, false, 'nobody has seen the generated password and no key is set');
      assert.deepEqual(await store.revealInitialPassword(), { user: 'bootbench', password });
      assert.equal(store.view().adminPasswordInfo.revealed, true);
      assert.equal(store.view().loginKnown, true);
      // "shown" survives a restart, and the plain password is not in the record of it
      const again = await SettingsStore.open(dir);
      assert.equal(again.view().adminPasswordInfo.revealed, true);
      assert.ok(!(await readFile(join(dir, 'admin-password.json'), 'utf8')).includes(password));
      const before = Date.now();
      await again.update({ adminPassword: 'my own secret' });
      const info = again.view().adminPasswordInfo;
      assert.equal(info.source, 'own');
      assert.ok(info.setAt !== null && Date.parse(info.setAt) >= before - 1000, JSON.stringify(info));
      assert.equal(await again.revealInitialPassword(), null);
      assert.equal((await SettingsStore.open(dir)).view().adminPasswordInfo.source, 'own');
    }));

  test('an SSH key alone makes login known', () =>
    withDir(async (dir) => {
      const store = await SettingsStore.open(dir);
      await store.update({
        sshAuthorizedKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB6Zbcl1Q3uHfPs3pWEXmA0Z6R8lQmQpPr0dM4yR5sIa me@laptop',
      });
      assert.equal(store.view().adminPasswordInfo.source, 'generated');
      assert.equal(store.view().loginKnown, true);
    }));

  test('a refused value names its field, with words that name neither the key nor a CLI flag', () =>
    withDir(async (dir) => {
      const store = await SettingsStore.open(dir);
      const fieldOf = async (update: Parameters<SettingsStore['update']>[0]) => {
        try {
          await store.update(update);
        } catch (e) {
          assert.ok(e instanceof BootbenchError);
          return e.field;
        }
        assert.fail('the update was accepted');
      };
      const tz = await fieldOf({ timezone: 'Mars/Base' });
      assert.equal(tz?.name, 'timezone');
      assert.match(tz?.detail ?? '', /^"Mars\/Base" is not a known IANA time zone/);
      assert.equal((await fieldOf({ domain: 'bad domain' }))?.name, 'domain');
      assert.equal((await fieldOf({ extraPackages: ['vim; reboot'] }))?.name, 'extraPackages');
      assert.equal((await fieldOf({ rootPassword: 'x'.repeat(600) }))?.name, 'rootPassword');
      const key = await fieldOf({ sshAuthorizedKey: 'not a key' });
      assert.equal(key?.name, 'sshAuthorizedKey');
      assert.doesNotMatch(key?.detail ?? '', /sshAuthorizedKey|--/);
    }));

  test('generatePassword: the alphabet has no look-alikes, and the injected source is used', () => {
    const p = generatePassword(200);
    assert.match(p, /^[a-km-zA-HJ-NP-Z2-9]{200}$/);
    assert.equal(
      generatePassword(4, (n) => Buffer.alloc(n, 0)),
      'aaaa',
    );
  });
});
