// The renderer's pure parts, in Node: batching and backoff of the event stream, the state reducer,
// windowing arithmetic, the token hand-off, the typed client's paths, names and orderings.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CoreEvent, Host, LogEvent, NicInfo, ServerStatus } from '../../electron/shared/contract.js';
import { Batcher, backoffMs, type Timers } from '../../renderer/api/batcher.js';
import { buildPath, createApiClient, ApiError } from '../../renderer/api/client.js';
import { streamUrl } from '../../renderer/api/events.js';
import { takeToken } from '../../renderer/api/token.js';
import { uploadName } from '../../renderer/api/upload.js';
import { LOG_CAP, appendCapped, applyEvents, emptyState, withSnapshot } from '../../renderer/app/state.js';
import { atTail } from '../../renderer/components/window-range.js';
import { formatBytes } from '../../renderer/components/format.js';
import { vendorOf } from '../../renderer/features/hosts/oui.js';
import { parseOverrides } from '../../renderer/features/hosts/overrides.js';
import { caveatOf, orderInterfaces } from '../../renderer/features/first-run/nic-order.js';

/** Timers driven by hand: `advance(ms)` runs what is due. */
function fakeTimers(): Timers & { advance(ms: number): void; pending(): number } {
  let now = 0;
  let id = 0;
  const due = new Map<number, { at: number; fn: () => void }>();
  return {
    setTimeout: (fn, ms) => (due.set(++id, { at: now + ms, fn }), id),
    clearTimeout: (h) => void due.delete(h as number),
    advance(ms) {
      now += ms;
      for (const [k, t] of [...due].sort((a, b) => a[1].at - b[1].at)) {
        if (t.at <= now) {
          due.delete(k);
          t.fn();
        }
      }
    },
    pending: () => due.size,
  };
}

const log = (seq: number, extra: Partial<LogEvent> = {}): LogEvent => ({
  type: 'log',
  seq,
  time: '2026-01-01T00:00:00Z',
  source: 'syslog',
  level: 'info',
  kind: 'syslog.line',
  mac: null,
  message: `line ${seq}`,
  ...extra,
});
const host = (mac: string, state: Host['state'] = 'discovered'): Host => ({
  mac,
  firmware: 'bios',
  arch: 'x86_64',
  clientArch: 0,
  ip: null,
  state,
  distro: null,
  uuid: null,
  vendorClass: null,
  userClass: null,
  hostname: null,
  firstSeen: '2026-01-01T00:00:00Z',
  lastSeen: '2026-01-01T00:00:00Z',
  chain: 'ipxe',
});

describe('event batching', () => {
  test('a flood of 5,000 events is handed over in one batch per interval, in order', () => {
    const timers = fakeTimers();
    const batches: number[][] = [];
    const b = new Batcher<number>((xs) => batches.push(xs), 100, timers);
    for (let i = 0; i < 5000; i += 1) {
      b.push(i);
      if (i % 1000 === 999) timers.advance(50); // 250 ms of flood in all
    }
    timers.advance(100);
    assert.ok(batches.length <= 3, `${batches.length} batches for 250 ms of flood`);
    assert.deepEqual(
      batches.flat(),
      Array.from({ length: 5000 }, (_, i) => i),
    );
    assert.equal(timers.pending(), 0, 'no timer left once drained');
  });

  test('a lone event waits at most one interval; drain hands over at once; cancel drops', () => {
    const timers = fakeTimers();
    const batches: string[][] = [];
    const b = new Batcher<string>((xs) => batches.push(xs), 100, timers);
    b.push('a');
    timers.advance(99);
    assert.equal(batches.length, 0);
    timers.advance(1);
    assert.deepEqual(batches, [['a']]);
    b.push('b');
    b.drain();
    assert.deepEqual(batches, [['a'], ['b']]);
    b.push('c');
    b.cancel();
    timers.advance(500);
    assert.equal(batches.length, 2);
  });

  test('reconnect backoff grows from 250 ms to a 10 s cap, with bounded jitter', () => {
    assert.equal(
      backoffMs(0, () => 0.5),
      250,
    );
    assert.equal(
      backoffMs(3, () => 0.5),
      2000,
    );
    assert.equal(
      backoffMs(20, () => 0.5),
      10_000,
    );
    assert.equal(
      backoffMs(20, () => 0),
      8000,
    );
    assert.equal(
      backoffMs(20, () => 1),
      12_000,
    );
  });

  test('the stream URL carries the token and the resume point', () => {
    assert.equal(streamUrl('http://127.0.0.1:5000/machines', 'tok', 0), 'ws://127.0.0.1:5000/api/events/stream?token=tok');
    assert.equal(streamUrl('http://127.0.0.1:5000/', 'tok', 42), 'ws://127.0.0.1:5000/api/events/stream?token=tok&since=42');
  });
});

describe('state reducer', () => {
  const status = {
    state: 'serving',
    services: [{ name: 'dhcp', state: 'up', address: null, error: null, counters: {} }],
  } as unknown as ServerStatus;

  test('hosts, distros, services and logs from one batch; replayed events are skipped', () => {
    let s = withSnapshot(emptyState, { status, hosts: [host('52:54:00:00:00:01')], distros: [] });
    const events: CoreEvent[] = [
      log(1),
      { type: 'host', seq: 2, time: '', host: host('52:54:00:00:00:01', 'queued') },
      { type: 'service', seq: 3, time: '', service: { name: 'dhcp', state: 'failed', address: null, error: 'boom', counters: {} } },
      { type: 'host', seq: 4, time: '', host: host('52:54:00:00:00:02') },
    ];
    s = applyEvents(s, events);
    assert.equal(s.hosts.get('52:54:00:00:00:01')?.state, 'queued');
    assert.equal(s.hosts.size, 2);
    assert.equal(s.status?.services[0]?.state, 'failed');
    assert.equal(s.logs.length, 1);
    assert.equal(s.lastSeq, 4);
    const again = applyEvents(s, events);
    assert.equal(again.logs, s.logs, 'a replayed backlog changes nothing');
    assert.equal(again.hosts, s.hosts);
  });

  test('the log is a ring of LOG_CAP lines: the newest are kept', () => {
    let s = emptyState;
    for (let batch = 0; batch < 3; batch += 1)
      s = applyEvents(
        s,
        Array.from({ length: 2500 }, (_, i) => log(batch * 2500 + i + 1)),
      );
    assert.equal(s.logs.length, LOG_CAP);
    assert.equal(s.logs[0]?.seq, 7500 - LOG_CAP + 1);
    assert.equal(s.logs.at(-1)?.seq, 7500);
    assert.deepEqual(appendCapped([1, 2, 3], [4, 5, 6, 7], 3), [5, 6, 7]);
    assert.deepEqual(appendCapped([1], [2], 3), [1, 2]);
  });
});

describe('windowing', () => {
  test('at the tail within one row', () => {
    assert.equal(atTail(780, 220, 1000, 22), true);
    assert.equal(atTail(700, 220, 1000, 22), false);
  });
});

describe('token and client', () => {
  test('the token is taken from the URL, removed from the address bar and kept for a reload', () => {
    const replaced: string[] = [];
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    const history = { replaceState: (_d: unknown, _u: string, url: string) => void replaced.push(url) };
    assert.equal(takeToken({ href: 'http://127.0.0.1:9/?token=abc&x=1#h' }, history, storage), 'abc');
    assert.deepEqual(replaced, ['/?x=1#h']);
    assert.equal(takeToken({ href: 'http://127.0.0.1:9/' }, history, storage), 'abc', 'after a reload, from the session');
    assert.equal(replaced.length, 1);
    assert.equal(takeToken({ href: 'http://127.0.0.1:9/' }, history, null), null);
  });

  test('paths fill and encode parameters; empty query values are left out', () => {
    assert.equal(
      buildPath('/api/hosts/:mac/install', { mac: '52:54:00:00:00:01' }, undefined),
      '/api/hosts/52%3A54%3A00%3A00%3A00%3A01/install',
    );
    assert.equal(buildPath('/api/hosts/:mac/timeline', { mac: 'a' }, { since: 5, limit: undefined }), '/api/hosts/a/timeline?since=5');
    assert.throws(() => buildPath('/api/hosts/:mac', {}, undefined), /missing path parameter mac/);
  });

  test('the client sends the bearer token and JSON, and turns API errors into ApiError', async () => {
    const seen: { url: string; init: RequestInit }[] = [];
    const fake = (async (url: string, init: RequestInit) => {
      seen.push({ url, init });
      if (url.includes('cancel'))
        return new Response(JSON.stringify({ error: { code: 'NO_SUCH_HOST', message: 'No host 52:…' } }), { status: 404 });
      return new Response(JSON.stringify({ mac: 'x' }), { status: 200 });
    }) as unknown as typeof fetch;
    const api = createApiClient('secret-token', fake);
    await api.call('POST /api/hosts/:mac/install', { params: { mac: 'x' }, body: { distro: 'rocky-9.4-x86_64' } });
    assert.equal(seen[0]?.init.method, 'POST');
    assert.equal((seen[0]?.init.headers as Record<string, string>).Authorization, 'Bearer secret-token');
    assert.equal(seen[0]?.init.body, '{"distro":"rocky-9.4-x86_64"}');
    await assert.rejects(
      api.call('POST /api/hosts/:mac/cancel', { params: { mac: 'x' } }),
      (e: unknown) => e instanceof ApiError && e.status === 404 && e.code === 'NO_SUCH_HOST',
    );
  });

  test('upload names match the server’s rule ([A-Za-z0-9][A-Za-z0-9._+-]*.iso)', () => {
    const rule = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,199}\.iso$/i;
    for (const name of [
      'Rocky-9.4-x86_64-dvd.iso',
      'my disk (1).iso',
      '.hidden.iso',
      'C:\\isos\\win.ISO',
      'noext',
      '...',
      'ü.iso',
      `${'a'.repeat(300)}.iso`,
    ]) {
      const out = uploadName(name);
      assert.match(out, rule, `${name} → ${out}`);
    }
    assert.equal(uploadName('Rocky-9.4-x86_64-dvd.iso'), 'Rocky-9.4-x86_64-dvd.iso');
  });
});

describe('names and orderings', () => {
  test('OUI vendors, and locally administered addresses', () => {
    assert.equal(vendorOf('52:54:00:12:34:56'), 'QEMU/KVM');
    assert.equal(vendorOf('08:00:27:aa:bb:cc'), 'VirtualBox');
    assert.equal(vendorOf('00:50:56:01:02:03'), 'VMware');
    assert.equal(vendorOf('AC:1F:6B:00:00:01'), 'Supermicro');
    assert.equal(vendorOf('02:11:22:33:44:55'), 'locally administered');
    assert.equal(vendorOf('00:00:01:00:00:00'), null);
  });

  test('interfaces: Ethernet with an address first, Wi-Fi/VPN/virtual marked, loopback hidden', () => {
    const nic = (name: string, kind: NicInfo['kind'], up = true, ip = true): NicInfo => ({
      name,
      kind,
      up,
      mac: null,
      mtu: 1500,
      speedMbps: null,
      ipv4: ip ? [{ address: '10.0.0.1', prefix: 24 }] : [],
    });
    const ordered = orderInterfaces([
      nic('wlp2s0', 'wifi'),
      nic('lo', 'loopback'),
      nic('tun0', 'vpn'),
      nic('enp4s0', 'ethernet', false),
      nic('docker0', 'virtual'),
      nic('enp3s0', 'ethernet'),
    ]);
    assert.deepEqual(
      ordered.map((n) => n.name),
      ['enp3s0', 'enp4s0', 'docker0', 'wlp2s0', 'tun0'],
    );
    assert.equal(caveatOf(nic('enp3s0', 'ethernet')), null);
    assert.match(caveatOf(nic('enp4s0', 'ethernet', false)) ?? '', /link is down/);
    assert.match(caveatOf(nic('enp5s0', 'ethernet', true, false)) ?? '', /No IPv4/);
    assert.match(caveatOf(nic('wlp2s0', 'wifi')) ?? '', /Wi-Fi/);
  });

  test('overrides and sizes', () => {
    assert.deepEqual(parseOverrides('hostnamePattern=web-01\n\n bad line\n=x\ntimezone = UTC \n'), {
      hostnamePattern: 'web-01',
      timezone: 'UTC',
    });
    assert.equal(formatBytes(1_073_741_824 * 10.5), '10.5 GiB');
    assert.equal(formatBytes(512), '512 B');
  });
});
