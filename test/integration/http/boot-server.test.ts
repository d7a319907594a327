// The boot HTTP server in-process on 127.0.0.1, driven by curl and by raw sockets (exact bytes on
// the wire: Content-Length, keep-alive, traversal attempts that curl would normalise away).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { connect, createServer as createTcpServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBus } from '../../../electron/core/events.js';
import { BootbenchError } from '../../../electron/core/errors.js';
import type { FileResolver } from '../../../electron/core/files/file-source.js';
import { createBootHttpServer, type BootHttpServer } from '../../../electron/core/http/server.js';
import { mountBootRoutes } from '../../../electron/core/boot/routes.js';
import { sendFile } from '../../../electron/core/http/file-response.js';
import type { Host } from '../../../electron/shared/contract.js';
import type { LogEvent } from '../../../electron/shared/contract.js';

const GiB = 1024 ** 3;
const BIG_SIZE = 5 * GiB + 4321; // sparse: only the tail holds data
const TAIL_AT = 4 * GiB + 1000; // a known pattern starts here, past the 32-bit limit
const TAIL = Buffer.from(Array.from({ length: 1 << 16 }, (_, i) => (i * 7 + 3) & 0xff));
const MAC = '52:54:00:ab:cd:ef';

/**
 * A deliberately naive resolver (join, no confinement of its own) that records what it was asked:
 * the server alone must keep requests inside the root. Counts open files to prove they are closed.
 */
function naiveResolver(root: string, seen: string[], openFiles: { count: number }): FileResolver {
  return async (path) => {
    seen.push(path);
    try {
      const fh = await open(join(root, path), 'r');
      const st = await fh.stat();
      if (!st.isFile()) {
        await fh.close();
        return { ok: false, failure: { kind: 'forbidden', message: 'not a file' } };
      }
      openFiles.count += 1;
      let closed = false;
      return {
        ok: true,
        file: {
          size: st.size,
          mtime: st.mtime,
          read: async (buffer, offset, length, position) => (await fh.read(buffer, offset, length, position)).bytesRead,
          close: async () => {
            if (closed) return;
            closed = true;
            openFiles.count -= 1;
            await fh.close();
          },
        },
      };
    } catch {
      return { ok: false, failure: { kind: 'not-found', message: 'no such file' } };
    }
  };
}

function run(cmd: string, args: string[]): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr }));
  });
}

interface RawResponse {
  status: number;
  headers: Map<string, string>;
  head: string;
  body: Buffer;
}

/** One connection; send() writes a request and reads exactly one response (by Content-Length). */
class RawClient {
  private buffer = Buffer.alloc(0);
  private waiter: (() => void) | null = null;
  closed = false;
  constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      this.waiter?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiter?.();
    });
  }
  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }
  private async until(done: () => boolean): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!done()) {
      if (this.closed) throw new Error('connection closed before the response was complete');
      if (Date.now() > deadline) throw new Error('timed out reading a response');
      await new Promise<void>((r) => {
        this.waiter = r;
        setTimeout(r, 200);
      });
    }
  }
  async send(request: string, { head = false } = {}): Promise<RawResponse> {
    this.socket.write(request);
    await this.until(() => this.buffer.includes('\r\n\r\n'));
    const end = this.buffer.indexOf('\r\n\r\n');
    const headText = this.buffer.subarray(0, end).toString('latin1');
    const [statusLine = '', ...lines] = headText.split('\r\n');
    const headers = new Map(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
    const length = head ? 0 : Number(headers.get('content-length') ?? NaN);
    assert.ok(Number.isFinite(length), `no Content-Length in:\n${headText}`);
    await this.until(() => this.buffer.length >= end + 4 + length);
    const body = this.buffer.subarray(end + 4, end + 4 + length);
    this.buffer = this.buffer.subarray(end + 4 + length);
    return { status: Number(statusLine.split(' ')[1]), headers, head: headText, body: Buffer.from(body) };
  }
  close(): void {
    this.socket.destroy();
  }
}

async function raw(port: number, request: string, options: { head?: boolean } = {}): Promise<RawResponse> {
  const c = await RawClient.connect(port);
  try {
    return await c.send(request, options);
  } finally {
    c.close();
  }
}

const get = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\nHost: x\r\n${extra}\r\n`;

describe('boot HTTP server on loopback', { timeout: 120_000 }, () => {
  let dir: string;
  let root: string;
  let server: BootHttpServer;
  let port: number;
  const bus = new EventBus();
  const seen: string[] = [];
  const openFiles = { count: 0 };
  const loader = randomBytes(300_000);
  const hosts = new Map<string, Host>();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bootbench-http-'));
    root = join(dir, 'boot');
    await import('node:fs/promises').then((fs) => fs.mkdir(join(root, 'sub'), { recursive: true }));
    writeFileSync(join(root, 'undionly.kpxe'), loader);
    writeFileSync(join(root, 'empty.efi'), '');
    writeFileSync(join(dir, 'secret.txt'), 'TOP-SECRET-OUTSIDE-ROOT');
    const big = await open(join(root, 'big.iso'), 'w');
    await big.truncate(BIG_SIZE);
    await big.write(TAIL, 0, TAIL.length, TAIL_AT);
    await big.close();
    hosts.set(MAC, {
      mac: MAC,
      firmware: 'bios',
      arch: 'x86_64',
      clientArch: 0,
      ip: '127.0.0.1',
      state: 'discovered',
      distro: null,
      uuid: null,
      vendorClass: null,
      userClass: 'iPXE',
      hostname: null,
      firstSeen: new Date().toISOString(),
      lastSeen: new Date().toISOString(),
      chain: 'ipxe',
    });
    server = createBootHttpServer({ address: '127.0.0.1', port: 0, bus, macForIp: (ip) => (ip === '127.0.0.1' ? MAC : null) });
    mountBootRoutes(server, { loaders: naiveResolver(root, seen, openFiles), hosts, serverIp: '127.0.0.1', httpPort: 0, pollSeconds: 3 });
    await server.start();
    port = Number(new URL(server.url).port);
  });

  after(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('curl gets a loader whole, with Content-Length, Accept-Ranges and a content type', async () => {
    const headersFile = join(dir, 'h1.txt');
    const r = await run('curl', ['-sS', '-D', headersFile, '-o', '-', `${server.url}/boot/undionly.kpxe`]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.equals(loader));
    const { readFileSync } = await import('node:fs');
    const head = readFileSync(headersFile, 'utf8');
    assert.match(head, /^HTTP\/1\.1 200/);
    assert.match(head, new RegExp(`\\r\\nContent-Length: ${loader.length}\\r\\n`, 'i'));
    assert.match(head, /\r\nAccept-Ranges: bytes\r\n/i);
    assert.match(head, /\r\nContent-Type: application\/octet-stream\r\n/i);
    assert.match(head, /\r\nLast-Modified: /i);
  });

  test('curl -r returns exactly the requested bytes (a-b, a-, -n)', async () => {
    for (const [spec, start, end] of [
      ['100-199', 100, 200],
      ['299990-', 299_990, 300_000],
      ['-17', 300_000 - 17, 300_000],
      ['0-0', 0, 1],
    ] as const) {
      const r = await run('curl', ['-sS', '-r', spec, '-o', '-', '-w', '%{http_code}', `${server.url}/boot/undionly.kpxe`]);
      const body = r.stdout.subarray(0, r.stdout.length - 3);
      assert.equal(r.stdout.subarray(-3).toString(), '206', spec);
      assert.ok(body.equals(loader.subarray(start, end)), `range ${spec}`);
    }
  });

  test('a range beyond 4 GiB of a sparse 5 GiB file is exact (curl and raw socket)', async () => {
    const start = TAIL_AT + 12_345;
    const end = start + 40_000 - 1;
    const r = await run('curl', ['-sS', '-r', `${start}-${end}`, '-o', '-', `${server.url}/boot/big.iso`]);
    assert.ok(r.stdout.equals(TAIL.subarray(12_345, 12_345 + 40_000)), 'curl range beyond 4 GiB');

    const res = await raw(port, get('/boot/big.iso', `Range: bytes=${TAIL_AT - 10}-${TAIL_AT + 9}\r\n`));
    assert.equal(res.status, 206);
    assert.equal(res.headers.get('content-range'), `bytes ${TAIL_AT - 10}-${TAIL_AT + 9}/${BIG_SIZE}`);
    assert.equal(res.headers.get('content-length'), '20');
    assert.ok(res.body.equals(Buffer.concat([Buffer.alloc(10), TAIL.subarray(0, 10)])));

    const whole = await raw(port, `HEAD /boot/big.iso HTTP/1.1\r\nHost: x\r\n\r\n`, { head: true });
    assert.equal(whole.headers.get('content-length'), String(BIG_SIZE));
  });

  test('unsatisfiable → 416 with Content-Range */size; several ranges → 200 with the whole file', async () => {
    const bad = await raw(port, get('/boot/undionly.kpxe', 'Range: bytes=300000-\r\n'));
    assert.equal(bad.status, 416);
    assert.equal(bad.headers.get('content-range'), 'bytes */300000');
    assert.ok(bad.headers.has('content-length'));
    const multi = await raw(port, get('/boot/undionly.kpxe', 'Range: bytes=0-1,5-6\r\n'));
    assert.equal(multi.status, 200);
    assert.ok(multi.body.equals(loader));
    const empty = await raw(port, get('/boot/empty.efi'));
    assert.equal(empty.status, 200);
    assert.equal(empty.headers.get('content-length'), '0');
  });

  test('If-Range with a stale date sends the whole file; If-Modified-Since answers 304', async () => {
    const first = await raw(port, get('/boot/undionly.kpxe'));
    const lm = first.headers.get('last-modified') ?? '';
    const fresh = await raw(port, get('/boot/undionly.kpxe', `Range: bytes=0-9\r\nIf-Range: ${lm}\r\n`));
    assert.equal(fresh.status, 206);
    const stale = await raw(port, get('/boot/undionly.kpxe', 'Range: bytes=0-9\r\nIf-Range: Thu, 01 Jan 1970 00:00:00 GMT\r\n'));
    assert.equal(stale.status, 200);
    assert.equal(stale.body.length, loader.length);
    const notModified = await raw(port, get('/boot/undionly.kpxe', `If-Modified-Since: ${lm}\r\n`), { head: true });
    assert.equal(notModified.status, 304);
  });

  test('HEAD returns the headers only, with the full Content-Length', async () => {
    const c = await RawClient.connect(port);
    try {
      const res = await c.send('HEAD /boot/undionly.kpxe HTTP/1.1\r\nHost: x\r\n\r\n', { head: true });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-length'), String(loader.length));
      // no body follows: the next response on the connection starts right away
      const next = await c.send(get('/boot/undionly.kpxe', 'Range: bytes=0-3\r\n'));
      assert.equal(next.status, 206);
      assert.ok(next.body.equals(loader.subarray(0, 4)));
    } finally {
      c.close();
    }
    const curlHead = await run('curl', ['-sS', '-I', `${server.url}/boot/undionly.kpxe`]);
    assert.match(curlHead.stdout.toString(), new RegExp(`Content-Length: ${loader.length}`, 'i'));
  });

  test('keep-alive: two requests (loader, then script) on one connection', async () => {
    const c = await RawClient.connect(port);
    let remotePort = 0;
    c.socket.once('connect', () => undefined);
    try {
      remotePort = c.socket.localPort ?? 0;
      const a = await c.send(get('/boot/undionly.kpxe'));
      assert.equal(a.status, 200);
      assert.ok(a.body.equals(loader));
      assert.doesNotMatch(a.head, /connection: close/i);
      const b = await c.send(get('/ipxe/52-54-00-ab-cd-ef.ipxe'));
      assert.equal(b.status, 200);
      assert.ok(b.body.toString().startsWith('#!ipxe'));
      assert.equal(c.closed, false);
      assert.equal(c.socket.localPort, remotePort);
    } finally {
      c.close();
    }
    // and curl reuses its connection for two URLs
    const r = await run('curl', [
      '-sS',
      '-v',
      '-o',
      '/dev/null',
      '-o',
      '/dev/null',
      `${server.url}/boot/undionly.kpxe`,
      `${server.url}/boot/undionly.kpxe`,
    ]);
    assert.match(r.stderr, /Re-using existing connection|Reusing existing connection/i);
  });

  test('traversal, encoded traversal, backslashes and NUL never reach a file outside the root', async () => {
    const attempts = [
      '/boot/../secret.txt',
      '/boot/%2e%2e/secret.txt',
      '/boot/%2E%2E%2Fsecret.txt',
      '/boot/..%2fsecret.txt',
      '/boot/sub/..%2f..%2fsecret.txt',
      '/boot/..\\secret.txt',
      '/boot/%5c..%5csecret.txt',
      '/boot/undionly.kpxe%00.txt',
      '/boot/%00',
      '/boot/./undionly.kpxe',
      '/boot/',
      '/boot/sub',
      '/../secret.txt',
      '/boot/%252e%252e/secret.txt',
    ];
    for (const path of attempts) {
      const res = await raw(port, get(path));
      assert.ok(res.status === 400 || res.status === 404, `${path} → ${res.status}`);
      assert.doesNotMatch(res.body.toString('latin1'), /TOP-SECRET/, path);
      assert.ok(res.headers.has('content-length'), `${path}: Content-Length on the error too`);
    }
    const viaCurl = await run('curl', ['-sS', '--path-as-is', '-o', '-', '-w', '%{http_code}', `${server.url}/boot/../secret.txt`]);
    assert.doesNotMatch(viaCurl.stdout.toString(), /TOP-SECRET/);
    assert.ok(
      seen.every((p) => !p.split('/').includes('..') && !p.includes('\\') && !p.includes('\0')),
      `resolver saw: ${seen.join(' | ')}`,
    );
  });

  test('the iPXE script endpoint: #!ipxe with the MAC, for known and unknown hosts; text/plain; Content-Length', async () => {
    const known = await raw(port, get('/ipxe/52-54-00-ab-cd-ef.ipxe'));
    assert.equal(known.status, 200);
    assert.match(known.headers.get('content-type') ?? '', /^text\/plain/);
    assert.equal(Number(known.headers.get('content-length')), known.body.length);
    const text = known.body.toString();
    assert.ok(text.startsWith('#!ipxe\n'));
    assert.ok(text.includes(MAC));
    assert.ok(
      text.includes(`chain --replace --autofree http://127.0.0.1:${port}/ipxe/52-54-00-ab-cd-ef.ipxe?poll=1`) ||
        text.includes('/ipxe/52-54-00-ab-cd-ef.ipxe?poll=1'),
    );
    const unknown = await raw(port, get('/ipxe/02-00-00-00-00-09.ipxe'));
    assert.equal(unknown.status, 200);
    assert.ok(unknown.body.toString().startsWith('#!ipxe'));
    assert.ok(unknown.body.toString().includes('02:00:00:00:00:09'));
    const colons = await raw(port, get('/ipxe/02:00:00:00:00:0A.ipxe'));
    assert.ok(colons.body.toString().includes('02:00:00:00:00:0a'));
    assert.equal((await raw(port, get('/ipxe/not-a-mac.ipxe'))).status, 404);
    assert.equal((await raw(port, `POST /ipxe/52-54-00-ab-cd-ef.ipxe HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n`)).status, 405);
    assert.equal((await raw(port, get('/nothing/here'))).status, 404);
  });

  test('every request is an http event with method, path, status, bytes, duration, client and mac', async () => {
    const since = bus.history().at(-1)?.seq ?? 0;
    await raw(port, get('/boot/undionly.kpxe', 'Range: bytes=0-99\r\n'));
    await raw(port, get('/ipxe/52-54-00-ab-cd-ef.ipxe?poll=1'));
    await new Promise((r) => setTimeout(r, 50));
    const events = bus.history({ since }).filter((e): e is LogEvent => e.type === 'log' && e.kind === 'http.request');
    assert.equal(events.length, 2);
    const [range, poll] = events as [LogEvent, LogEvent];
    assert.equal(range.source, 'http');
    assert.equal(range.mac, MAC);
    assert.equal(range.data?.method, 'GET');
    assert.equal(range.data?.path, '/boot/undionly.kpxe');
    assert.equal(range.data?.status, 206);
    assert.ok(Number(range.data?.bytes) >= 100);
    assert.equal(typeof range.data?.durationMs, 'number');
    assert.equal(range.data?.client, '127.0.0.1');
    assert.equal(poll.level, 'debug', 'wait-loop polls are logged quietly');
    assert.equal(bus.history({ mac: MAC, since }).length, 2, 'per-host backlog');
    const status = server.status();
    assert.equal(status.name, 'http');
    assert.equal(status.state, 'up');
    assert.ok((status.counters.requests ?? 0) > 10 && (status.counters.bytes ?? 0) > 300_000);
  });

  test('a client that goes away mid-transfer stops the reading and the file is closed', async () => {
    const before = openFiles.count;
    const c = await RawClient.connect(port);
    c.socket.write(get('/boot/big.iso'));
    await new Promise((r) => setTimeout(r, 300));
    c.close();
    const deadline = Date.now() + 5000;
    while (openFiles.count !== before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(openFiles.count, before, 'file closed after the abort');
    const aborted = bus
      .history()
      .filter((e): e is LogEvent => e.type === 'log' && e.kind === 'http.request')
      .at(-1);
    assert.equal(aborted?.data?.complete, false);
    // and the server still serves
    assert.equal((await raw(port, get('/boot/undionly.kpxe', 'Range: bytes=0-0\r\n'))).status, 206);
  });

  test('an HTTP/1.0 client that half-closes after its request (busybox nc) still gets the whole file', async () => {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((r) => socket.once('connect', () => r()));
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => chunks.push(d));
    const ended = new Promise<void>((r) => socket.once('end', () => r()));
    socket.end('GET /boot/undionly.kpxe HTTP/1.0\r\nHost: x\r\n\r\n'); // FIN right after the request
    await ended;
    socket.destroy();
    const all = Buffer.concat(chunks);
    const split = all.indexOf('\r\n\r\n');
    assert.match(all.subarray(0, split).toString(), /^HTTP\/1\.1 200 /);
    assert.ok(all.subarray(split + 4).equals(loader), `got ${all.length - split - 4} of ${loader.length} body bytes`);
  });

  test('a client that stops reading is cut after the idle timeout and the file is closed', async () => {
    const resolve = naiveResolver(root, [], openFiles);
    server.mount('/stall', async (req, res) => {
      const opened = await resolve('big.iso');
      assert.ok(opened.ok);
      await sendFile(req, res, opened.file, { idleTimeoutMs: 500 });
    });
    const before = openFiles.count;
    const c = await RawClient.connect(port);
    c.socket.pause(); // read nothing: the kernel buffers fill, then the server's writes stall
    c.socket.write(get('/stall'));
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(openFiles.count, before + 1, 'transfer running');
    const deadline = Date.now() + 10_000;
    while (openFiles.count !== before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.equal(openFiles.count, before, 'stalled transfer cut and its file closed');
    c.close();
  });

  test('parallel downloads and ranges share the buffer pool without mixing bytes', async () => {
    const data = randomBytes(24 * 1024 * 1024 + 777);
    writeFileSync(join(root, 'par.img'), data);
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    const runs = await Promise.all([
      run('curl', ['-sS', '-o', '-', `${server.url}/boot/par.img`]),
      run('curl', ['-sS', '-o', '-', `${server.url}/boot/par.img`]),
      run('curl', ['-sS', '-r', '1000-9000000', '-o', '-', `${server.url}/boot/par.img`]),
      run('curl', ['-sS', '--limit-rate', '20M', '-o', '-', `${server.url}/boot/par.img`]),
    ]);
    assert.equal(sha(runs[0]!.stdout), sha(data));
    assert.equal(sha(runs[1]!.stdout), sha(data));
    assert.equal(sha(runs[2]!.stdout), sha(data.subarray(1000, 9_000_001)));
    assert.equal(sha(runs[3]!.stdout), sha(data));
  });

  test('a 64 MiB range of the sparse 5 GiB file streams intact', async () => {
    const r = await run('curl', ['-sS', '-r', `0-${64 * 1024 * 1024 - 1}`, '-o', '-', `${server.url}/boot/big.iso`]);
    assert.equal(r.stdout.length, 64 * 1024 * 1024);
    assert.equal(
      createHash('sha256').update(r.stdout).digest('hex'),
      createHash('sha256')
        .update(Buffer.alloc(64 * 1024 * 1024))
        .digest('hex'),
    );
  });
});

describe('boot HTTP server: binding', { timeout: 30_000 }, () => {
  test('a port in use → PORT_IN_USE naming the holder', async () => {
    const blocker = createTcpServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const taken = (blocker.address() as { port: number }).port;
    const server = createBootHttpServer({ address: '127.0.0.1', port: taken, bus: new EventBus() });
    try {
      await assert.rejects(server.start(), (e: unknown) => {
        assert.ok(e instanceof BootbenchError);
        assert.equal(e.code, 'PORT_IN_USE');
        assert.match(e.message, new RegExp(`Port ${taken}/tcp on 127\\.0\\.0\\.1`));
        assert.match(e.message, new RegExp(`pid ${process.pid}\\)`));
        return true;
      });
      assert.equal(server.status().state, 'failed');
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  });

  test('stop() closes kept-alive connections and frees the port', async () => {
    const server = createBootHttpServer({ address: '127.0.0.1', port: 0, bus: new EventBus() });
    server.mount('/x', (_req, res) => {
      res.writeHead(200, { 'Content-Length': '2' });
      res.end('ok');
    });
    await server.start();
    const port = Number(new URL(server.url).port);
    const c = await RawClient.connect(port);
    assert.equal((await c.send(get('/x'))).body.toString(), 'ok');
    await server.stop();
    assert.equal(server.status().state, 'stopped');
    const again = createBootHttpServer({ address: '127.0.0.1', port, bus: new EventBus() });
    await again.start();
    await again.stop();
    c.close();
  });
});
