// Certificate pinning decisions: trust on first use, the same certificate passes, a changed one is
// refused with both fingerprints, and only the certificate waiting to be accepted can be accepted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { acceptPresented, checkPin, normalizeFingerprint, shortFingerprint } from '../../../electron/core/power/cert-pin.js';
import { RedfishError, redactSecrets } from '../../../electron/core/power/redfish-error.js';

const A = Array.from({ length: 32 }, (_, i) => (i * 7).toString(16).padStart(2, '0').toUpperCase()).join(':');
const B = Array.from({ length: 32 }, (_, i) => (255 - i).toString(16).padStart(2, '0').toUpperCase()).join(':');

test('fingerprints: canonical upper-case pairs, from what users paste', () => {
  assert.equal(normalizeFingerprint(A.toLowerCase()), A);
  assert.equal(normalizeFingerprint(A.replace(/:/g, '')), A);
  assert.equal(normalizeFingerprint(`sha256 Fingerprint=${A}`), A);
  assert.equal(normalizeFingerprint('AA:BB'), null);
  assert.equal(normalizeFingerprint(`${A}:00`), null);
  assert.equal(shortFingerprint(A), `${A.slice(0, 11)}…${A.slice(-11)}`);
});

test('first use pins; the same certificate matches; another one is a change', () => {
  assert.deepEqual(checkPin(null, A), { kind: 'first-use', fingerprint: A });
  assert.deepEqual(checkPin(A, A.toLowerCase()), { kind: 'match', fingerprint: A });
  assert.deepEqual(checkPin(A, B), { kind: 'changed', pinned: A, presented: B });
});

test('the changed-certificate message shows both fingerprints and what to do', () => {
  const e = new RedfishError('CERTIFICATE_CHANGED', { origin: 'https://10.0.0.5', pinned: A, presented: B });
  assert.match(
    e.message,
    /^The BMC's certificate changed: 00:07:0E:15…[0-9A-F:]+ → FF:FE:FD:FC…[0-9A-F:]+; accept it in the UI if expected/,
  );
  assert.equal(e.retryable, false);
  assert.equal(new RedfishError('TIMEOUT', { origin: 'https://x', what: 'GET /', ms: 1000 }).retryable, true);
});

test('accepting: only the presented certificate, by its fingerprint', () => {
  assert.deepEqual(acceptPresented({ pinned: A, presented: B }, B.toLowerCase()), { ok: true, pinned: B });
  const other = acceptPresented({ pinned: A, presented: B }, A);
  assert.equal(other.ok, false);
  if (!other.ok) assert.match(other.reason, /waiting to be accepted is FF:FE/);
  const none = acceptPresented({ pinned: A, presented: null }, B);
  assert.equal(none.ok, false);
  if (!none.ok) assert.match(none.reason, /no changed certificate/);
  assert.equal(acceptPresented({ pinned: A, presented: B }, 'nonsense').ok, false);
});

test('text from a BMC loses the password and its Basic credentials before it is shown', () => {
  const basic = Buffer.from('admin:s3cret-PW').toString('base64');
  const out = redactSecrets(`bad password s3cret-PW (Basic ${basic})\n\x07`, ['s3cret-PW', basic]);
  assert.equal(out, 'bad password *** (Basic ***)');
  assert.equal(redactSecrets('x'.repeat(400), [], 10), `${'x'.repeat(10)}…`);
});
