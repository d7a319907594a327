// The control API's guards as a real browser meets them (the unit tests in test/unit/control send
// raw requests; this is what a page can actually do): a page without the token gets nothing, a
// foreign site cannot open the event stream even with a stolen token (WebSockets skip CORS: only
// the server's Origin check stops them), and a DNS-rebinding name for 127.0.0.1 is refused.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Lab } from '../helpers/netns.js';
import { removeDir, startBootbench, tempDataDir, type RunningBootbench } from '../helpers/bootbench.js';
import { launchBrowserIn, type LabBrowser } from '../helpers/browser.js';

describe('the control API from a browser', { timeout: 180_000 }, () => {
  let lab: Lab;
  let server: RunningBootbench;
  let dataDir: string;
  let ui: LabBrowser;
  let base: string;
  let token: string;

  before(async () => {
    dataDir = tempDataDir('uisec');
    lab = Lab.create('uisec');
    server = await startBootbench(lab, [], dataDir); // setup state: the API and the page are up
    const m = /^UI: (http:\/\/127\.0\.0\.1:(\d+))\/\?token=(\S+)$/m.exec(server.output());
    assert.ok(m?.[1] && m[3], server.output());
    base = m[1];
    token = decodeURIComponent(m[3]);
    // evil.example resolves to 127.0.0.1 in this browser: a rebinding attacker's name.
    ui = await launchBrowserIn(lab.serverNs, { extraArgs: ['--host-resolver-rules=MAP evil.example 127.0.0.1'] });
  });

  after(async () => {
    await ui?.close();
    await server?.stop();
    lab?.destroy();
    if (dataDir) removeDir(dataDir);
  });

  test('without the token: the page says where to get it, and the API answers 401', async () => {
    const page = ui.page;
    await page.goto(`${base}/`);
    await page.getByText(/needs the address printed by/).waitFor({ timeout: 15_000 });
    const status = await page.evaluate(async () => (await fetch('/api/status')).status);
    assert.equal(status, 401);
    const wrong = await page.evaluate(
      async () => (await fetch('/api/status', { headers: { Authorization: 'Bearer not-the-token-at-all' } })).status,
    );
    assert.equal(wrong, 401);
  });

  test('a foreign site holding the token can neither call the API nor open the event stream', async () => {
    const page = await ui.context.newPage();
    await page.route('http://attacker.example/**', (route) =>
      route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>attacker</title>' }),
    );
    await page.goto('http://attacker.example/');
    const result = await page.evaluate(
      async ({ base, token }) => {
        const call = await fetch(`${base}/api/status`, { headers: { Authorization: `Bearer ${token}` } }).then(
          (r) => `status ${r.status}`,
          (e: Error) => `rejected: ${e.name}`,
        );
        const ws = await new Promise<string>((resolve) => {
          const s = new WebSocket(`${base.replace('http:', 'ws:')}/api/events/stream?token=${encodeURIComponent(token)}`);
          s.onopen = () => resolve('open');
          s.onerror = () => resolve('error');
          setTimeout(() => resolve('timeout'), 5000);
        });
        return { call, ws };
      },
      { base, token },
    );
    assert.match(result.call, /^rejected/, 'the preflight is refused (Origin check), so the call never happens');
    assert.equal(result.ws, 'error', 'the WebSocket handshake with a foreign Origin is refused');
    await page.close();
  });

  test('a DNS-rebinding name for 127.0.0.1 gets 421, the page and the API alike', async () => {
    const page = await ui.context.newPage();
    const port = new URL(base).port;
    const res = await page.goto(`http://evil.example:${port}/?token=${encodeURIComponent(token)}`);
    assert.equal(res?.status(), 421);
    const api = await page.evaluate(async (t) => (await fetch('/api/status', { headers: { Authorization: `Bearer ${t}` } })).status, token);
    assert.equal(api, 421);
    await page.close();
  });
});
