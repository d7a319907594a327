// Dropped-to-listed in the UI, for bench/iso/run.sh (docs/benchmarks.md "## ISO"): a real
// `bootbench serve` on a bridge of its own in a lab namespace (test/helpers/netns.ts: nothing leaves
// it), Debian's Chromium in the same namespace on the UI URL, and an ISO dropped on the window as
// the desktop app sees it: the preload's bridge (electron/preload.ts) gives the renderer the dropped
// file's path, which the renderer imports in place (renderer/features/isos/imports.ts). Here the same
// bridge is put in the page by an init script, answering the path of the ISO for the dropped File.
//
// Each drop is a new ISO for the server (a hard link of ISO under a new name: same bytes and page
// cache, another path, so another distro and a new row), timed in the page from the drop event to
// (1) its row in the installers list (a MutationObserver: in the DOM) and (2) the task after the
// next frame (painted). Beside each: the request POST /api/distros/import as the page saw it
// (resource timing) and the server's own `iso.imported` ms. The dragenter/dragover that come before
// a drop (the overlay) are dispatched and rendered first, untimed, as they are while a user drags.
// The first drop of a freshly opened page is reported on its own; then WARMUP untimed drops, then
// RUNS timed ones.
//
// Usage (root): node --import tsx bench/iso/ui-drop.ts ISO RUNS WARMUP
//   → one JSON line {first: {...}, runs: [{listed, painted, request, answered, server, id}…], distros}
import assert from 'node:assert/strict';
import { linkSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import type { CoreEvent } from '../../electron/shared/contract.js';
import { Lab } from '../../test/helpers/netns.js';
import { removeDir, startBootbench, tempDataDir, type RunningBootbench } from '../../test/helpers/bootbench.js';
import { collectPageErrors, launchBrowserIn, type LabBrowser } from '../../test/helpers/browser.js';

const [iso, runsText = '11', warmupText = '5'] = process.argv.slice(2);
if (!iso) throw new Error('usage: ui-drop ISO [RUNS] [WARMUP]');
const runs = Math.max(1, Math.min(100, Number(runsText)));
const warmup = Math.max(0, Math.min(100, Number(warmupText)));
const BRIDGE = 'bbisoui0';

interface Drop {
  /** drop event → the row is in the DOM (ms). */
  listed: number;
  /** drop event → the task after the next frame: on screen (ms). */
  painted: number;
  /** POST /api/distros/import as the page saw it (resource timing, ms). */
  request: number;
  /** drop event → that request's answer complete (ms). */
  answered: number;
  /** the server's iso.imported ms for this import. */
  server: number;
  id: string;
}

/**
 * In the page, before the app loads: the desktop bridge of electron/preload.ts, whose pathForFile
 * answers from a table the bench fills, and benchDrop(name, path), which drops a File named `name`
 * whose path (through the bridge) is `path` and resolves with the page's timings. Plain JavaScript
 * in a string, so that nothing the TypeScript loader adds to functions (name helpers) travels into
 * the page.
 */
const IN_PAGE = `
  const paths = new Map();
  globalThis.bootbench = {
    pathForFile: (file) => paths.get(file.name) ?? '',
    openIsoDialog: async () => null,
    getSetting: async () => undefined,
    setSetting: async () => undefined,
  };
  const nextFrame = () => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
  globalThis.benchDrop = async (name, path) => {
    paths.set(name, path);
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(16)], name, { type: 'application/x-iso9660-image' }));
    const target = document.querySelector('main') ?? document.body;
    const fire = (type) => target.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
    // The user drags the file over the window first: the overlay is up before the drop.
    fire('dragenter');
    fire('dragover');
    await nextFrame();
    await nextFrame();
    const selector = 'tr[data-distro] td[title="' + CSS.escape(path) + '"]';
    const requestsBefore = performance.getEntriesByType('resource').length;
    return new Promise((resolve, reject) => {
      let t0 = 0;
      const timer = setTimeout(() => {
        observer.disconnect();
        reject(new Error(path + ' was not listed within 20 s'));
      }, 20000);
      const observer = new MutationObserver(() => {
        const cell = document.querySelector(selector);
        if (!cell) return;
        const listed = performance.now() - t0;
        observer.disconnect();
        clearTimeout(timer);
        const id = cell.closest('tr')?.getAttribute('data-distro') ?? '';
        void nextFrame().then(async () => {
          const painted = performance.now() - t0;
          // The row can come before the answer (the distro event is sent before distros.json is
          // saved): the request's timing entry exists once its answer is complete.
          const find = () => performance.getEntriesByType('resource').slice(requestsBefore).find((e) => e.name.endsWith('/api/distros/import'));
          for (let i = 0; i < 2000 && !find(); i++) await new Promise((done) => setTimeout(done, 10));
          const post = find();
          resolve({ listed, painted, request: post ? post.duration : NaN, answered: post ? post.responseEnd - t0 : NaN, id });
        });
      });
      observer.observe(document.body, { childList: true, subtree: true });
      t0 = performance.now();
      fire('drop');
    });
  };
`;

function dropTimed(page: Page, name: string, path: string): Promise<Omit<Drop, 'server'>> {
  return page.evaluate(`benchDrop(${JSON.stringify(name)}, ${JSON.stringify(path)})`);
}

async function serverMs(page: Page, token: string): Promise<Map<string, number>> {
  const events = (await page.evaluate(
    async (token) => (await fetch('/api/events', { headers: { Authorization: `Bearer ${token}` } })).json(),
    token,
  )) as CoreEvent[];
  const byId = new Map<string, number>();
  for (const e of events)
    if (e.type === 'log' && e.kind === 'iso.imported' && typeof e.data?.id === 'string' && typeof e.data.ms === 'number')
      byId.set(e.data.id, e.data.ms);
  return byId;
}

const dataDir = tempDataDir('iso-ui');
const links: string[] = [];
let lab: Lab | undefined;
let server: RunningBootbench | undefined;
let ui: LabBrowser | undefined;
const cleanup = async () => {
  await ui?.close();
  await server?.stop();
  lab?.destroy();
  for (const l of links) rmSync(l, { force: true });
  removeDir(dataDir);
};
process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
process.once('SIGTERM', () => void cleanup().then(() => process.exit(143)));

try {
  lab = Lab.create('isoui');
  lab.segment(BRIDGE, '10.231.92.1/24');
  server = await startBootbench(lab, ['--interface', BRIDGE, '--mode', 'proxy', '--quiet'], dataDir);
  const uiUrl = /^UI: (http:\/\/127\.0\.0\.1:\d+\/\?token=(\S+))$/m.exec(server.output());
  assert.ok(uiUrl, server.output());
  const [, url, token] = uiUrl as unknown as [string, string, string];
  ui = await launchBrowserIn(lab.serverNs);
  const page = ui.page;
  const errors = collectPageErrors(page);
  await page.addInitScript({ content: IN_PAGE });
  await page.goto(url);
  await page.getByTestId('serving-on').filter({ hasText: BRIDGE }).waitFor({ timeout: 30_000 });
  await page.locator('.conn-open').waitFor({ timeout: 10_000 });

  let n = 0;
  const dropNew = async () => {
    n += 1;
    const name = `${basename(iso, '.iso')}-ui${n}.iso`;
    const link = join(dirname(iso), name);
    rmSync(link, { force: true });
    linkSync(iso, link);
    links.push(link);
    return dropTimed(page, name, link);
  };
  const first = await dropNew();
  for (let i = 0; i < warmup; i++) await dropNew();
  const timed: Omit<Drop, 'server'>[] = [];
  for (let i = 0; i < runs; i++) timed.push(await dropNew());

  const ms = await serverMs(page, token);
  const withServer = (d: Omit<Drop, 'server'>): Drop => ({ ...d, server: ms.get(d.id) ?? Number.NaN });
  assert.deepEqual(errors, [], 'the page logged no errors');
  const rows = await page.locator('tr[data-distro]').count();
  assert.equal(rows, 1 + warmup + runs, 'one row per dropped ISO');
  process.stdout.write(`${JSON.stringify({ first: withServer(first), runs: timed.map(withServer), distros: rows })}\n`);
} finally {
  await cleanup();
}
