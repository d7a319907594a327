// The Settings form's pure state, in Node: what counts as unsaved, what is sent (never the view's
// read-only parts), and how an API refusal becomes a field error (ApiErrorBody.field via the client).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { InstallSettingsView } from '../../electron/shared/contract.js';
import { createApiClient } from '../../renderer/api/client.js';
import { draftOf, fieldErrorOf, isDirty, NO_PASSWORDS, updateOf } from '../../renderer/features/settings/settings-draft.js';

const VIEW: InstallSettingsView = {
  hostnamePattern: 'node-{mac}',
  domain: 'lab',
  timezone: 'Etc/UTC',
  locale: 'en_US.UTF-8',
  keyboard: 'us',
  targetDisk: '',
  adminUser: 'bootbench',
  sshAuthorizedKey: '',
  extraPackages: ['vim'],
  postInstallScript: '',
  rootPasswordSet: false,
  adminPasswordSet: true,
  adminPasswordInfo: { source: 'generated', setAt: null, revealed: false },
  loginKnown: false,
};

describe('settings draft', () => {
  test('a fresh draft is clean; an edit or a typed password makes it dirty; editing back makes it clean', () => {
    const draft = draftOf(VIEW);
    assert.equal(isDirty(VIEW, draft, NO_PASSWORDS), false);
    assert.equal(isDirty(VIEW, { ...draft, domain: 'x' }, NO_PASSWORDS), true);
    assert.equal(isDirty(VIEW, { ...draft, extraPackages: ['vim', 'git'] }, NO_PASSWORDS), true);
    assert.equal(isDirty(VIEW, { ...draft, domain: 'lab' }, NO_PASSWORDS), false);
    assert.equal(isDirty(VIEW, draft, { ...NO_PASSWORDS, adminPassword: 's' }), true);
    // what the server says about the password is not an edit
    assert.equal(
      isDirty({ ...VIEW, loginKnown: true, adminPasswordInfo: { ...VIEW.adminPasswordInfo, revealed: true } }, draft, NO_PASSWORDS),
      false,
    );
  });

  test('the update carries the editable settings and only the passwords typed', () => {
    const update = updateOf(draftOf(VIEW), { rootPassword: '', adminPassword: 'secret' });
    assert.equal(update.adminPassword, 'secret');
    assert.ok(!('rootPassword' in update));
    for (const key of ['rootPasswordSet', 'adminPasswordSet', 'adminPasswordInfo', 'loginKnown']) assert.ok(!(key in update), key);
  });

  test('an API refusal with a field becomes a field error; one without stays general', async () => {
    const answer = (body: unknown) => async () =>
      new Response(JSON.stringify(body), { status: 400, headers: { 'Content-Type': 'application/json' } });
    const withField = createApiClient(
      't',
      answer({ error: { code: 'BAD_ARGUMENT', message: 'settings: timezone "x" …', field: { name: 'timezone', detail: '"x" …' } } }),
    );
    const err = await withField.call('GET /api/settings').catch((e: unknown) => e);
    assert.deepEqual(fieldErrorOf(err), { field: 'timezone', text: '"x" …' });
    const plain = createApiClient('t', answer({ error: { code: 'BAD_ARGUMENT', message: 'no' } }));
    assert.equal(fieldErrorOf(await plain.call('GET /api/settings').catch((e: unknown) => e)), null);
  });
});
