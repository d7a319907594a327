// Live service status: only the services that changed are sent, at most once per sampling
// interval; the events are live-only (not in the backlog, so they never push log lines out), and
// the stream sends them only to clients that ask (the UI), not to a CLI printing log lines.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { EVENTS_STREAM_PATH, type CoreEvent, type ServiceStatus } from '../../../electron/shared/contract.js';
import { EventBus } from '../../../electron/core/events.js';
import { newToken } from '../../../electron/core/control/auth.js';
import { startControlApi } from '../../../electron/core/control/control-api.js';
import { changedServices, startServiceFeed } from '../../../electron/core/control/service-feed.js';
import { stubHandlers } from '../../helpers/control-handlers.js';

const dhcp = (acks: number): ServiceStatus => ({ name: 'dhcp', state: 'up', address: '10.0.0.1:67', error: null, counters: { acks } });
const tftp: ServiceStatus = { name: 'tftp', state: 'up', address: '10.0.0.1:69', error: null, counters: {} };

describe('service feed', () => {
  test('changedServices: only what differs from the last sent', () => {
    const first = changedServices(new Map(), [dhcp(0), tftp]);
    assert.deepEqual(
      first.changed.map((s) => s.name),
      ['dhcp', 'tftp'],
    );
    const same = changedServices(first.sent, [dhcp(0), tftp]);
    assert.deepEqual(same.changed, []);
    const more = changedServices(same.sent, [dhcp(3), tftp]);
    assert.deepEqual(more.changed, [dhcp(3)]);
  });

  test('publish: to subscribers, never into the backlog', () => {
    const bus = new EventBus();
    const seen: CoreEvent[] = [];
    bus.subscribe((e) => seen.push(e));
    bus.log('core', 'info', 'test', 'a line');
    bus.publish({ type: 'service', service: dhcp(1) });
    assert.deepEqual(
      seen.map((e) => e.type),
      ['log', 'service'],
    );
    assert.ok((seen[1]?.seq ?? 0) > (seen[0]?.seq ?? 0), 'stamped in order');
    assert.deepEqual(
      bus.history().map((e) => e.type),
      ['log'],
    );
  });

  test('a flood of counter changes becomes at most one event per service per interval', async () => {
    const bus = new EventBus();
    const sent: CoreEvent[] = [];
    bus.subscribe((e) => sent.push(e));
    let acks = 0;
    const flood = setInterval(() => (acks += 1), 1);
    const stop = startServiceFeed({ bus, services: () => [dhcp(acks), tftp], intervalMs: 50 });
    await new Promise((r) => setTimeout(r, 330));
    stop();
    clearInterval(flood);
    const services = sent.filter((e) => e.type === 'service');
    assert.ok(services.length >= 3 && services.length <= 7, `${services.length} updates in 330 ms at 50 ms`);
    assert.ok(
      services.every((e) => e.type === 'service' && e.service.name === 'dhcp'),
      'tftp did not change: not sent',
    );
    const count = sent.length;
    await new Promise((r) => setTimeout(r, 120));
    assert.equal(sent.length, count, 'stopped');
  });

  test('the event stream sends service status only to clients that ask for it', async () => {
    const bus = new EventBus();
    const token = newToken();
    const api = await startControlApi({ port: 0, token, bus, handlers: stubHandlers() });
    const open = (query: string) =>
      new Promise<{ ws: WebSocket; got: CoreEvent[] }>((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${api.port}${EVENTS_STREAM_PATH}?token=${token}${query}`);
        const got: CoreEvent[] = [];
        ws.on('message', (d: Buffer) => got.push(JSON.parse(d.toString('utf8')) as CoreEvent));
        ws.once('open', () => resolve({ ws, got }));
        ws.once('error', reject);
      });
    try {
      const ui = await open('&services=true');
      const cli = await open('');
      bus.publish({ type: 'service', service: dhcp(5) });
      bus.log('core', 'info', 'test', 'after');
      const until = Date.now() + 5000;
      while ((ui.got.length < 2 || cli.got.length < 1) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(
        ui.got.map((e) => e.type),
        ['service', 'log'],
      );
      assert.deepEqual(
        cli.got.map((e) => e.type),
        ['log'],
      );
      ui.ws.close();
      cli.ws.close();
    } finally {
      await api.close();
    }
  });
});
