// What a UI test needs, said once: a real `bootbench serve` on a lab segment, Debian's Chromium in
// the server namespace with the UI open, ISOs imported, and scripted PXE clients taken to any state
// (discovered, installing, installed) through the real protocols. Tests then act as a technician
// would, in the page.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { Distro } from '../../electron/shared/contract.js';
import { removeDir, startBootbench, tempDataDir, type RunningBootbench } from './bootbench.js';
import { collectPageErrors, launchBrowserIn, type LabBrowser } from './browser.js';
import { Lab, randomMac, type Segment } from './netns.js';
import { PxeClient, kernelArg, reportUrlIn, type ScriptAction } from './pxe-client.js';
import { loadManifest } from '../fixtures/iso-layouts/manifest.js';

export interface UiLabOptions {
  /** A short tag for namespaces and the data folder. */
  tag: string;
  /** The segment's /24, e.g. '10.231.73' (unique per test file). */
  subnet: string;
  /** The bridge's name (≤ 15 characters, unique per test file). */
  bridge: string;
  viewport?: { width: number; height: number };
  colorScheme?: 'light' | 'dark';
  /** Extra `serve` arguments. */
  serveArgs?: string[];
}

export interface UiLab {
  lab: Lab;
  seg: Segment;
  server: RunningBootbench;
  dataDir: string;
  ui: LabBrowser;
  page: Page;
  /** The UI URL with its token, as `serve` printed it. */
  uiUrl: string;
  /** Page errors, CSP violations and failed requests seen so far. */
  pageErrors: string[];
  /** A control-API call from inside the page, with the page's token; the parsed JSON answer. */
  api<T = unknown>(path: string, init?: { method?: string; body?: unknown }): Promise<{ status: number; body: T }>;
  /** Imports an ISO by its path on the server (as a drop in the desktop app does); the distro. */
  importIso(path: string): Promise<Distro>;
  /** A new scripted PXE client on the segment (not yet powered on). */
  client(firmware?: 'bios' | 'uefi'): PxeClient;
  /** Prints the server's output and the page errors (for a failing test). */
  dump(): string;
  close(): Promise<void>;
}

/** Starts Bootbench serving full DHCP on a new lab segment, and the UI in Chromium, serving view shown. */
export async function startUiLab(o: UiLabOptions): Promise<UiLab> {
  const dataDir = tempDataDir(o.tag);
  const lab = Lab.create(o.tag);
  let server: RunningBootbench | undefined;
  let ui: LabBrowser | undefined;
  try {
    const seg = lab.segment(o.bridge, `${o.subnet}.1/24`);
    server = await startBootbench(
      lab,
      ['--interface', o.bridge, '--mode', 'dhcp', '--pool', `${o.subnet}.100-${o.subnet}.199`, '--no-probe', ...(o.serveArgs ?? [])],
      dataDir,
    );
    const uiUrl = /^UI: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)$/m.exec(server.output())?.[1] ?? '';
    assert.ok(uiUrl, server.output());
    ui = await launchBrowserIn(lab.serverNs, {
      ...(o.viewport ? { viewport: o.viewport } : {}),
      ...(o.colorScheme ? { colorScheme: o.colorScheme } : {}),
    });
    const page = ui.page;
    const pageErrors = collectPageErrors(page);
    await page.goto(uiUrl);
    await page.getByTestId('serving-on').filter({ hasText: o.bridge }).waitFor({ timeout: 60_000 });
    const running = server;
    const browser = ui;
    const api: UiLab['api'] = async (path, init = {}) =>
      page.evaluate(
        async ({ path, method, body }) => {
          const token = sessionStorage.getItem('bootbench.token') ?? '';
          const res = await fetch(path, {
            method,
            headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
            ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          });
          const text = await res.text();
          return { status: res.status, body: text ? JSON.parse(text) : null };
        },
        { path, method: init.method ?? 'GET', body: init.body },
      );
    return {
      lab,
      seg,
      server: running,
      dataDir,
      ui: browser,
      page,
      uiUrl,
      pageErrors,
      api,
      importIso: async (path) => {
        const r = await api<Distro>('/api/distros/import', { method: 'POST', body: { path } });
        assert.equal(r.status, 200, JSON.stringify(r.body));
        return r.body;
      },
      client: (firmware = 'bios') => new PxeClient({ lab, host: lab.host(seg, { mac: randomMac() }), serverIp: seg.serverIp, firmware }),
      dump: () => `--- page errors\n${pageErrors.join('\n')}\n--- server output (tail)\n${running.output().slice(-6000)}\n`,
      close: async () => {
        await browser.close();
        await running.stop();
        lab.destroy();
        removeDir(dataDir);
      },
    };
  } catch (e) {
    await ui?.close();
    await server?.stop();
    lab.destroy();
    removeDir(dataDir);
    throw e;
  }
}

/** A small ISO laid out like Rocky 9.4 (detected as family rhel, installed with a kickstart). */
export function rockyIso(dir: string, name = 'Rocky-9.4-x86_64-dvd.iso'): string {
  const tree = join(dir, `${name}-tree`);
  mkdirSync(join(tree, 'images/pxeboot'), { recursive: true });
  mkdirSync(join(tree, 'BaseOS/Packages'), { recursive: true });
  const treeinfo = loadManifest('rocky-9.4-x86_64-dvd').files.find((f) => f.path.replace(/^\//, '') === '.treeinfo')?.content;
  if (!treeinfo) throw new Error('no .treeinfo in the rocky fixture');
  writeFileSync(join(tree, '.treeinfo'), treeinfo);
  writeFileSync(join(tree, 'images/pxeboot/vmlinuz'), randomBytes(1024 * 1024 + 3));
  writeFileSync(join(tree, 'images/pxeboot/initrd.img'), randomBytes(2 * 1024 * 1024 + 7));
  writeFileSync(join(tree, 'images/install.img'), randomBytes(64 * 1024));
  const iso = join(dir, name);
  const r = spawnSync('xorriso', ['-as', 'mkisofs', '-quiet', '-R', '-J', '-V', 'Rocky-9-4-x86_64-dvd', '-o', iso, tree], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`xorriso failed (apt-get install -y xorriso): ${r.stderr}`);
  return iso;
}

/** Powers a client on: DHCP, loader, its script; it then waits in the loop (state `discovered`). */
export async function discover(client: PxeClient): Promise<ScriptAction> {
  const action = await client.script(await client.powerOn());
  assert.equal(action.kind, 'wait', `a new machine waits: ${JSON.stringify(action)}`);
  return action;
}

/**
 * Takes a discovered client through an install of `distroId` queued through the API, as far as
 * `until`: 'booting' (installer fetched), 'installing' (answer file fetched, log lines sent) or
 * 'installed' (reported). Returns the answer file's text.
 */
export async function installThrough(
  lab: UiLab,
  client: PxeClient,
  waiting: ScriptAction,
  distroId: string,
  until: 'booting' | 'installing' | 'installed',
): Promise<string> {
  const queued = await lab.api(`/api/hosts/${client.mac}/install`, { method: 'POST', body: { distro: distroId } });
  assert.equal(queued.status, 200, JSON.stringify(queued.body));
  const action = await client.pollUntilNotWaiting(waiting, 30_000);
  assert.equal(action.kind, 'install', JSON.stringify(action));
  if (action.kind !== 'install') return '';
  await client.fetchInstaller(action);
  if (until === 'booting') return '';
  const answer = await client.get(kernelArg(action.args, 'inst.ks') ?? '');
  assert.equal(answer.status, 200);
  await client.syslog(['Starting installation', 'Installing packages']);
  if (until === 'installing') return answer.body;
  const report = reportUrlIn(answer.body);
  assert.ok(report, 'the answer file reports to Bootbench');
  assert.equal((await client.get(`${report}?event=installed`)).status, 200);
  return answer.body;
}
