import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bearerToken, hostAllowed, htmlHeaders, newToken, originAllowed, tokenMatches } from '../../../electron/core/control/auth.js';

describe('control auth checks', () => {
  test('tokens are long, URL-safe and different each time', () => {
    const a = newToken();
    const b = newToken();
    assert.match(a, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a, b);
  });

  test('tokenMatches accepts only the exact token', () => {
    const token = newToken();
    assert.equal(tokenMatches(token, token), true);
    assert.equal(tokenMatches(`${token}x`, token), false);
    assert.equal(tokenMatches(token.slice(0, -1), token), false);
    assert.equal(tokenMatches('', token), false);
    assert.equal(tokenMatches(null, token), false);
    assert.equal(tokenMatches(undefined, token), false);
    assert.equal(tokenMatches('', ''), false, 'an empty configured token never matches');
  });

  test('bearerToken reads RFC 6750 headers only', () => {
    assert.equal(bearerToken('Bearer abc.DEF-123'), 'abc.DEF-123');
    assert.equal(bearerToken('bearer abc'), 'abc');
    assert.equal(bearerToken('Basic YWxhZGRpbjpvcGVuc2VzYW1l'), null);
    assert.equal(bearerToken('Bearer'), null);
    assert.equal(bearerToken('Bearer a b'), null);
    assert.equal(bearerToken(undefined), null);
  });

  test('hostAllowed: loopback names with our port only', () => {
    assert.equal(hostAllowed('127.0.0.1:4000', 4000), true);
    assert.equal(hostAllowed('localhost:4000', 4000), true);
    assert.equal(hostAllowed('LOCALHOST:4000', 4000), true);
    assert.equal(hostAllowed('[::1]:4000', 4000), true);
    assert.equal(hostAllowed('127.0.0.1:4001', 4000), false);
    assert.equal(hostAllowed('127.0.0.1', 4000), false);
    assert.equal(hostAllowed('evil.example:4000', 4000), false);
    assert.equal(hostAllowed('localhost.evil.example:4000', 4000), false);
    assert.equal(hostAllowed(undefined, 4000), false);
  });

  test('originAllowed: absent or our own http origin', () => {
    assert.equal(originAllowed(undefined, 4000), true);
    assert.equal(originAllowed('http://127.0.0.1:4000', 4000), true);
    assert.equal(originAllowed('http://localhost:4000', 4000), true);
    assert.equal(originAllowed('https://127.0.0.1:4000', 4000), false);
    assert.equal(originAllowed('http://127.0.0.1:4001', 4000), false);
    assert.equal(originAllowed('http://evil.example', 4000), false);
    assert.equal(originAllowed('null', 4000), false);
  });

  test('the HTML CSP is strict and names our WebSocket origin', () => {
    const csp = htmlHeaders(4000)['Content-Security-Policy'] ?? '';
    for (const part of [
      "default-src 'self'",
      'ws://127.0.0.1:4000',
      'ws://localhost:4000',
      "object-src 'none'",
      "frame-ancestors 'none'",
      "img-src 'self' data:",
    ]) {
      assert.ok(csp.includes(part), `CSP lacks ${part}: ${csp}`);
    }
    assert.ok(!csp.includes('unsafe-eval'));
  });
});
