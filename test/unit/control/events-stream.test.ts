// The WebSocket event stream over real loopback sockets: the same guards as HTTP on the upgrade,
// backlog after `since` then live events, per-host filtering, slow clients dropped, close().
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { WebSocket, type ClientOptions } from 'ws';
import { EVENTS_STREAM_PATH, type CoreEvent } from '../../../electron/shared/contract.js';
import { EventBus } from '../../../electron/core/events.js';
import { startControlApi, type ControlApi, type ControlHandlers } from '../../../electron/core/control/control-api.js';
import { stubHandlers } from '../../helpers/control-handlers.js';
import { newToken } from '../../../electron/core/control/auth.js';

const handlers: ControlHandlers = stubHandlers();

/** Resolves with the status code of a refused upgrade, or rejects if the upgrade succeeded. */
function refusedStatus(url: string, options: ClientOptions = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    ws.on('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    ws.on('open', () => {
      ws.close();
      reject(new Error('the upgrade was accepted'));
    });
    ws.on('error', () => undefined); // 'unexpected-response' carries the answer
  });
}

/** An open stream collecting its messages. */
async function openStream(
  url: string,
  options: ClientOptions = {},
): Promise<{ ws: WebSocket; events: CoreEvent[]; next: (n: number) => Promise<CoreEvent[]> }> {
  const ws = new WebSocket(url, options);
  const events: CoreEvent[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  ws.on('message', (data: Buffer) => {
    events.push(JSON.parse(data.toString('utf8')) as CoreEvent);
    for (const w of waiters.filter((w) => events.length >= w.n)) w.resolve();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const next = (n: number) =>
    new Promise<CoreEvent[]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${n} events, have ${events.length}`)), 10_000);
      const done = () => {
        clearTimeout(timer);
        resolve(events.slice(0, n));
      };
      if (events.length >= n) done();
      else waiters.push({ n, resolve: done });
    });
  return { ws, events, next };
}

const messages = (events: CoreEvent[]) => events.map((e) => (e.type === 'log' ? e.message : e.type));

describe('control API event stream (WebSocket)', () => {
  const token = newToken();
  const bus = new EventBus();
  let api: ControlApi;
  let base: string;

  before(async () => {
    api = await startControlApi({ port: 0, token, bus, handlers });
    base = `ws://127.0.0.1:${api.port}${EVENTS_STREAM_PATH}`;
    for (const m of ['e1', 'e2', 'e3', 'e4', 'e5']) bus.log('core', 'info', 'test', m);
  });
  after(async () => {
    await api.close();
  });

  test('refused without a token (401) and with a wrong one', async () => {
    const none = await refusedStatus(base);
    assert.equal(none.status, 401);
    assert.equal(JSON.parse(none.body).error.code, 'UNAUTHORIZED');
    assert.equal((await refusedStatus(`${base}?token=${token}x`)).status, 401);
    // The header form is for HTTP; the stream takes the token from the query (browsers cannot set headers).
    assert.equal((await refusedStatus(base, { headers: { Authorization: `Bearer ${token}` } })).status, 401);
  });

  test('refused with a foreign Origin (403) or a foreign Host (421)', async () => {
    assert.equal((await refusedStatus(`${base}?token=${token}`, { origin: 'http://evil.example' })).status, 403);
    assert.equal((await refusedStatus(`${base}?token=${token}`, { headers: { Host: `evil.example:${api.port}` } })).status, 421);
  });

  test('refused on another path (404) and with a bad query (400)', async () => {
    assert.equal((await refusedStatus(`ws://127.0.0.1:${api.port}/api/other?token=${token}`)).status, 404);
    const bad = await refusedStatus(`${base}?token=${token}&since=abc`);
    assert.equal(bad.status, 400);
    assert.match(JSON.parse(bad.body).error.message, /query\.since/);
  });

  test('with the token (and our own Origin): the backlog after `since`, then live events', async () => {
    const stream = await openStream(`${base}?token=${token}&since=3`, { origin: `http://127.0.0.1:${api.port}` });
    try {
      const backlog = await stream.next(2);
      assert.deepEqual(messages(backlog), ['e4', 'e5']);
      assert.deepEqual(
        backlog.map((e) => e.seq),
        [4, 5],
      );
      bus.log('core', 'info', 'test', 'live-1');
      const all = await stream.next(3);
      assert.deepEqual(messages(all), ['e4', 'e5', 'live-1']);
      assert.equal(all[2]?.seq, 6);
    } finally {
      stream.ws.close();
    }
  });

  test("a `mac` filter gives only that host's events, backlog and live", async () => {
    bus.log('dhcp', 'info', 'dhcp.discover', 'mine-1', { mac: '52:54:00:aa:bb:cc' });
    bus.log('dhcp', 'info', 'dhcp.discover', 'other-1', { mac: '52:54:00:00:00:01' });
    const stream = await openStream(`${base}?token=${token}&mac=52-54-00-AA-BB-CC`);
    try {
      assert.deepEqual(messages(await stream.next(1)), ['mine-1']);
      bus.log('dhcp', 'info', 'dhcp.request', 'other-2', { mac: '52:54:00:00:00:01' });
      bus.log('core', 'info', 'test', 'no-mac');
      bus.log('dhcp', 'info', 'dhcp.request', 'mine-2', { mac: '52:54:00:aa:bb:cc' });
      // One socket delivers in the order events were logged: other-2 and no-mac came before mine-2,
      // so had either been sent it would be second here. mine-2 arriving second is the proof.
      assert.deepEqual(messages(await stream.next(2)), ['mine-1', 'mine-2']);
      assert.equal(stream.events.length, 2, "no other host's events arrived");
    } finally {
      stream.ws.close();
    }
  });

  test('a client that stops reading is dropped with 1013 instead of buffered without bound', async () => {
    const slowBus = new EventBus({ backlog: 2000 });
    const small = await startControlApi({ port: 0, token, bus: slowBus, handlers, maxBufferedBytes: 256 * 1024 });
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${small.port}${EVENTS_STREAM_PATH}?token=${token}`);
      let socket: Socket | undefined;
      // Pause the TCP socket before ws starts reading it: the server's sends then back up.
      ws.on('upgrade', (res) => {
        socket = res.socket;
        socket.pause();
      });
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      const closed = new Promise<{ code: number; reason: string }>((resolve) =>
        ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
      );
      let received = 0;
      ws.on('message', () => received++);

      const payload = 'x'.repeat(64 * 1024);
      let dropped = false;
      const off = slowBus.subscribe((e) => {
        if (e.type === 'log' && e.kind === 'control.stream.dropped') dropped = true;
      });
      // Bounded: at most 1500 × 64 KiB (~94 MiB) before the kernel's loopback buffers and 256 KiB are exceeded.
      let sent = 0;
      for (; sent < 1500 && !dropped; sent++) {
        slowBus.log('core', 'info', 'flood', payload);
        if (sent % 50 === 49) await new Promise((r) => setImmediate(r)); // let the drop log (a microtask) land
      }
      off();
      assert.ok(dropped, `the slow client was not dropped after ${sent} events`);
      socket?.resume();
      const { code, reason } = await closed;
      assert.equal(code, 1013);
      assert.match(reason, /too slow/);
      assert.ok(received < sent, `received ${received} of ${sent}: the server stopped sending`);
    } finally {
      await small.close();
    }
  });

  test('close() closes open streams with 1001', async () => {
    const otherBus = new EventBus();
    const other = await startControlApi({ port: 0, token, bus: otherBus, handlers });
    const stream = await openStream(`ws://127.0.0.1:${other.port}${EVENTS_STREAM_PATH}?token=${token}`);
    const closed = new Promise<number>((resolve) => stream.ws.once('close', (code) => resolve(code)));
    await other.close();
    assert.equal(await closed, 1001);
    otherBus.log('core', 'info', 'test', 'after close'); // no listener left to throw
  });
});
