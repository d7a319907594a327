import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { POWER_FILE, PowerSettingsStore } from '../../../electron/core/power/settings-store.js';
import { PowerSettingsUpdate } from '../../../electron/shared/schemas.js';
import { badArgument, withTempDir } from '../../helpers/store-fixtures.js';

const MAC = '52:54:00:12:34:56';
const SECRET = 'pw-Zq8#never-shown';
const withDir = (fn: (dir: string) => Promise<void>) => withTempDir('power', fn);

describe('PowerSettingsStore', () => {
  test('IPMI settings: defaults, the password stored 0600 and never in the view', () =>
    withDir(async (dir) => {
      const store = await PowerSettingsStore.open(dir);
      await store.update(MAC, { method: 'ipmi', ipmi: { address: '10.0.0.5', user: 'admin', password: SECRET } });
      const view = store.view(MAC, null);
      assert.deepEqual(view.ipmi, { address: '10.0.0.5', port: 623, user: 'admin', passwordSet: true, cipherSuite: 3 });
      assert.equal(view.method, 'ipmi');
      assert.ok(!JSON.stringify(view).includes(SECRET));
      const file = join(dir, POWER_FILE);
      assert.equal((await stat(file)).mode & 0o777, 0o600);
      assert.ok((await readFile(file, 'utf8')).includes(SECRET)); // a BMC login needs the password itself
      assert.deepEqual(store.secretsOf(MAC), [SECRET]);
      const reopened = await PowerSettingsStore.open(dir);
      assert.equal(reopened.get(MAC)?.ipmi?.password, SECRET);
    }));

  test('an update without a secret keeps the stored one; "" removes it; method null removes everything', () =>
    withDir(async (dir) => {
      const store = await PowerSettingsStore.open(dir);
      await store.update(MAC, { method: 'ipmi', ipmi: { address: '10.0.0.5', user: 'admin', password: SECRET } });
      await store.update(MAC, { method: 'ipmi', ipmi: { address: '10.0.0.6', user: 'root', cipherSuite: 17 } });
      assert.equal(store.get(MAC)?.ipmi?.password, SECRET);
      assert.equal(store.view(MAC, null).ipmi?.cipherSuite, 17);
      await store.update(MAC, { method: 'ipmi', ipmi: { address: '10.0.0.6', user: 'root', password: '' } });
      assert.equal(store.view(MAC, null).ipmi?.passwordSet, false);
      await store.update(MAC, { method: 'wol', wol: { secureOn: '01:02:03:04' } });
      assert.deepEqual(store.view(MAC, null).wol, { mac: MAC, secureOnSet: true });
      await store.update(MAC, { method: 'wol', wol: {} });
      assert.equal(store.view(MAC, null).wol?.secureOnSet, true);
      await store.update(MAC, { method: null });
      assert.equal(store.get(MAC), null);
      assert.ok(!(await readFile(join(dir, POWER_FILE), 'utf8')).includes(SECRET));
    }));

  test('Redfish: plain http refused unless allowed; another URL unpins; accepting only the presented certificate', () =>
    withDir(async (dir) => {
      const store = await PowerSettingsStore.open(dir);
      await assert.rejects(
        store.update(MAC, { method: 'redfish', redfish: { url: 'http://10.0.0.5', user: 'a', password: SECRET } }),
        badArgument(/plain HTTP/),
      );
      assert.equal(store.get(MAC), null);
      await store.update(MAC, { method: 'redfish', redfish: { url: 'http://10.0.0.5/', user: 'a', password: SECRET, allowHttp: true } });
      assert.equal(store.view(MAC, null).redfish?.url, 'http://10.0.0.5');
      await store.update(MAC, { method: 'redfish', redfish: { url: 'https://bmc.lab', user: 'a' } });
      const a = 'AA:' + '11:'.repeat(30) + 'FF';
      const b = 'BB:' + '22:'.repeat(30) + 'EE';
      await store.recordCertificate(MAC, { pinned: a });
      await store.recordCertificate(MAC, { presented: b });
      await assert.rejects(store.acceptCertificate(MAC, a), badArgument(/not the certificate/));
      await store.acceptCertificate(MAC, b.toLowerCase());
      assert.equal(store.view(MAC, null).redfish?.pinnedFingerprint, b);
      assert.equal(store.view(MAC, null).redfish?.presentedFingerprint, null);
      await store.update(MAC, { method: 'redfish', redfish: { url: 'https://other.lab', user: 'a' } });
      assert.equal(store.view(MAC, null).redfish?.pinnedFingerprint, null);
      assert.equal(store.get(MAC)?.redfish?.password, SECRET);
    }));

  test('the schema: one method at a time, no unknown keys, SecureOn of 4 or 6 bytes, no option-like address', () => {
    assert.ok(PowerSettingsUpdate.safeParse({ method: null }).success);
    assert.ok(PowerSettingsUpdate.safeParse({ method: 'wol', wol: { secureOn: '192.168.1.2' } }).success);
    assert.ok(!PowerSettingsUpdate.safeParse({ method: 'wol', wol: { secureOn: '01:02:03' } }).success);
    assert.ok(!PowerSettingsUpdate.safeParse({ method: 'ipmi', ipmi: { address: '-oProxyCommand=x', user: 'a' } }).success);
    assert.ok(!PowerSettingsUpdate.safeParse({ method: 'ipmi', ipmi: { address: '10.0.0.5', user: 'a', passwordSet: true } }).success);
    assert.ok(!PowerSettingsUpdate.safeParse({ method: 'ipmi', ipmi: { address: '10.0.0.5', user: 'a', password: 'a\nb' } }).success);
    assert.ok(!PowerSettingsUpdate.safeParse({ method: 'magic' }).success);
  });
});
