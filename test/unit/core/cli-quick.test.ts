// The pure parts of the CLI's fast path: which arguments it takes (everything else goes to the full
// CLI), which server.json it trusts with the token, the request bytes, and HTTP/1.1 responses read
// from real node:http bytes (Content-Length, chunked, read-until-close), prefix by prefix.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type RequestListener } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { encodeRequest, parseHttpResponse, parseQuickArgs, serverTarget } from '../../../electron/core/cli-quick.js';

describe('parseQuickArgs', () => {
  test('the plain forms of import, distros and hosts', () => {
    assert.deepEqual(parseQuickArgs(['import', 'a.iso']), { verb: 'import', json: false, verify: false, data: undefined, file: 'a.iso' });
    assert.deepEqual(parseQuickArgs(['import', '--verify', 'a.iso', '--json', '--data', '/d']), { verb: 'import', json: true, verify: true, data: '/d', file: 'a.iso' });
    assert.deepEqual(parseQuickArgs(['distros', '--data=/d']), { verb: 'distros', json: false, verify: false, data: '/d', file: undefined });
    assert.deepEqual(parseQuickArgs(['hosts', '--json', '--json']), { verb: 'hosts', json: true, verify: false, data: undefined, file: undefined });
  });

  test('anything else is left to the full CLI', () => {
    for (const argv of [
      [],
      ['serve'],
      ['logs'],
      ['--help'],
      ['import'],
      ['import', 'a.iso', 'b.iso'],
      ['import', 'a.iso', '--bogus'],
      ['import', 'a.iso', '-h'],
      ['import', 'a.iso', '--help'],
      ['import', '--', '-a.iso'],
      ['import', '-'],
      ['import', 'a.iso', '--data'],
      ['import', 'a.iso', '--data', '--json'],
      ['import', 'a.iso', '--json=false'],
      ['distros', '--verify'],
      ['distros', 'extra'],
      ['hosts', '-q'],
    ]) {
      assert.equal(parseQuickArgs(argv), null, argv.join(' '));
    }
  });
});

describe('serverTarget', () => {
  const good = { pid: 4242, controlUrl: 'http://127.0.0.1:45678', token: 'a'.repeat(43), uiUrl: 'http://127.0.0.1:45678/?token=x', interface: 'eth1', startedAt: '2026-01-01T00:00:00Z' };

  test('a well-formed server.json', () => {
    assert.deepEqual(serverTarget(good), { pid: 4242, port: 45678, token: 'a'.repeat(43) });
    assert.deepEqual(serverTarget({ ...good, interface: null }), { pid: 4242, port: 45678, token: 'a'.repeat(43) });
  });

  test('the token goes nowhere but http://127.0.0.1:PORT, and a malformed file is refused', () => {
    for (const bad of [
      null,
      [],
      'x',
      { ...good, controlUrl: 'http://10.0.0.1:45678' },
      { ...good, controlUrl: 'http://localhost:45678' },
      { ...good, controlUrl: 'https://127.0.0.1:45678' },
      { ...good, controlUrl: 'http://127.0.0.1:45678/x' },
      { ...good, controlUrl: 'http://127.0.0.1.evil.example:45678' },
      { ...good, controlUrl: 'http://127.0.0.1:0' },
      { ...good, controlUrl: 'http://127.0.0.1:70000' },
      { ...good, token: 'short' },
      { ...good, token: `${'a'.repeat(20)}\r\nX-Evil: 1` },
      { ...good, pid: 0 },
      { ...good, pid: 1.5 },
      { ...good, pid: '4242' },
      { ...good, uiUrl: undefined },
      { ...good, startedAt: 5 },
      { ...good, interface: 7 },
    ]) {
      assert.equal(serverTarget(bad), null, JSON.stringify(bad));
    }
  });
});

test('encodeRequest: Host names the loopback port (the control API checks it); the body length is in bytes', () => {
  const target = { pid: 1, port: 4321, token: 't'.repeat(16) };
  const body = JSON.stringify({ path: '/isos/débian.iso', verify: false });
  const text = encodeRequest('POST', '/api/distros/import', target, body).toString('utf8');
  assert.equal(
    text,
    `POST /api/distros/import HTTP/1.1\r\nHost: 127.0.0.1:4321\r\nAuthorization: Bearer ${'t'.repeat(16)}\r\nConnection: close\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  assert.equal(encodeRequest('GET', '/api/hosts', target, null).toString('latin1'), `GET /api/hosts HTTP/1.1\r\nHost: 127.0.0.1:4321\r\nAuthorization: Bearer ${'t'.repeat(16)}\r\nConnection: close\r\n\r\n`);
});

/** The raw bytes a node:http server sends for one request (Connection: close). */
async function rawResponse(handler: RequestListener): Promise<Buffer> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      const socket = connect({ host: '127.0.0.1', port });
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('end', () => resolve(Buffer.concat(chunks)));
      socket.on('error', reject);
      socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    });
  } finally {
    server.close();
  }
}

/** Every proper prefix is 'more' (or null once the peer closed, when the body has a known end); the whole is the answer. */
function assertReadsWhole(bytes: Buffer, status: number, body: string, knownEnd = true): void {
  for (let n = 0; n < bytes.length; n += 1) {
    assert.equal(parseHttpResponse(bytes.subarray(0, n), false), 'more', `prefix of ${n} bytes`);
    if (knownEnd) assert.equal(parseHttpResponse(bytes.subarray(0, n), true), null, `truncated at ${n} bytes`);
  }
  for (const ended of knownEnd ? [false, true] : [true]) {
    const answer = parseHttpResponse(bytes, ended);
    assert.ok(answer && answer !== 'more', `whole response (ended: ${ended})`);
    assert.equal(answer.status, status);
    assert.equal(answer.body.toString('utf8'), body);
  }
}

describe('parseHttpResponse over node:http bytes', () => {
  const json = JSON.stringify([{ id: 'rocky-9.4-x86_64', name: 'Rocky Linux', note: 'é✓' }]);

  test('Content-Length (what the control API sends)', async () => {
    const bytes = await rawResponse((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(json)) });
      res.end(json);
    });
    assert.match(bytes.toString('latin1'), /content-length/i);
    assertReadsWhole(bytes, 200, json);
  });

  test('chunked, in several chunks', async () => {
    const bytes = await rawResponse((_req, res) => {
      res.writeHead(201, { 'Content-Type': 'application/json' });
      res.write(json.slice(0, 10));
      setTimeout(() => res.end(json.slice(10)), 20);
    });
    assert.match(bytes.toString('latin1'), /transfer-encoding: chunked/i);
    assertReadsWhole(bytes, 201, json);
  });

  test('an error status is read like any other (the caller declines it)', async () => {
    const bytes = await rawResponse((_req, res) => {
      const body = JSON.stringify({ error: { code: 'ISO_NOT_FOUND', message: 'nope' } });
      res.writeHead(404, { 'Content-Length': String(body.length) });
      res.end(body);
    });
    const answer = parseHttpResponse(bytes, true);
    assert.ok(answer && answer !== 'more');
    assert.equal(answer.status, 404);
  });

  test('neither length nor chunked: the body ends with the connection', () => {
    const bytes = Buffer.from(`HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n${json}`);
    assertReadsWhole(bytes, 200, json, false);
  });

  test('chunk extensions and trailer fields', () => {
    const bytes = Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\n[1,\r\n2\r\n2]\r\n0\r\nX-Trailer: y\r\n\r\n');
    assertReadsWhole(bytes, 200, '[1,2]');
  });

  test('what is not an HTTP/1.1 response is refused', () => {
    for (const text of [
      'HTTP/2 200\r\n\r\n',
      'SSH-2.0-OpenSSH_9.2\r\n\r\n',
      'HTTP/1.1 100 Continue\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc',
      'HTTP/1.1 200 OK\r\nno colon here\r\n\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n',
    ]) {
      assert.equal(parseHttpResponse(Buffer.from(text), true), null, JSON.stringify(text));
    }
  });
});
