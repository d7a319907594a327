// Error contexts are typed per code: a call that leaves out a field its message needs does not
// compile (the type-check of the tests runs with `tsc`), so no message says "Port undefined".
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BootbenchError, isBootbenchError } from '../../../electron/core/errors.js';
import { apiError } from '../../../electron/core/control/client.js';

describe('BootbenchError contexts', () => {
  test('a missing or misspelt field is a type error', () => {
    // Built only to be type-checked: each line must fail to compile, or tsc reports the unused directive.
    const unchecked = () => [
      // @ts-expect-error PORT_IN_USE needs the port
      new BootbenchError('PORT_IN_USE', { iface: 'lab0' }),
      // @ts-expect-error PORT_IN_USE needs an interface or an address
      new BootbenchError('PORT_IN_USE', { port: 67 }),
      // @ts-expect-error DISTRO_NOT_FOUND names the distro by id
      new BootbenchError('DISTRO_NOT_FOUND', { distro: 'rocky' }),
      // @ts-expect-error INSTALL_REFUSED needs its reason
      new BootbenchError('INSTALL_REFUSED', { distro: 'rocky', mac: '52:54:00:00:00:01' }),
      // @ts-expect-error only codes whose message needs nothing may leave the context out
      new BootbenchError('HOST_NOT_FOUND'),
    ];
    assert.equal(typeof unchecked, 'function');
  });

  test('every field the message needs is in the words', () => {
    assert.equal(
      new BootbenchError('PORT_IN_USE', { port: 67, iface: 'lab0', holder: 'dnsmasq' }).message.split('. ')[0],
      'Port 67/udp on lab0 is already in use by dnsmasq',
    );
    assert.match(
      new BootbenchError('BIND_DENIED', { port: 8080, proto: 'tcp', address: '127.0.0.1' }).message,
      /^Port 8080\/tcp on 127\.0\.0\.1 needs privileges/,
    );
    assert.match(new BootbenchError('NOT_SERVING').message, /not serving an interface yet/);
  });

  test('isBootbenchError with a code narrows the context to that code', () => {
    const e: unknown = apiError(409, JSON.stringify({ error: { code: 'PORT_IN_USE', message: 'Port 67/udp on lab0 is already in use.' } }));
    assert.ok(isBootbenchError(e, 'CONTROL_API'));
    assert.deepEqual(e.context, { status: 409, message: 'Port 67/udp on lab0 is already in use.', apiCode: 'PORT_IN_USE' });
    assert.equal(isBootbenchError(e, 'PORT_IN_USE'), false);
    assert.equal(isBootbenchError(new Error('x')), false);
  });

  test('an error answer that is not JSON keeps its text and has no API code', () => {
    const e = apiError(502, 'Bad Gateway\n');
    assert.deepEqual(e.context, { status: 502, message: 'Bad Gateway' });
    assert.equal(e.message, 'The Bootbench server answered 502: Bad Gateway');
  });
});
