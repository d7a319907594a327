// Debian's Chromium driven by playwright-core, started INSIDE a lab namespace: the control API
// listens on 127.0.0.1 of the server namespace, so the browser must live there too. Playwright talks
// to it over a pipe (--remote-debugging-pipe), which `ip netns exec` passes through untouched, so a
// two-line wrapper script is all it takes.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { REPO } from './bootbench.js';

export const CHROMIUM = process.env.BOOTBENCH_CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = join(REPO, 'test-artifacts', 'ui');

/** Flags that keep Chromium off the network and quiet (see ENVIRONMENT.md). */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-features=Translate,MediaRouter,OptimizationHints',
];

export interface LabBrowser {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function launchBrowserIn(
  ns: string,
  options: { colorScheme?: 'light' | 'dark'; viewport?: { width: number; height: number }; extraArgs?: string[] } = {},
): Promise<LabBrowser> {
  const dir = mkdtempSync(join(tmpdir(), 'bootbench-chromium-'));
  const wrapper = join(dir, 'chromium-in-ns.sh');
  writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec '${ns}' '${CHROMIUM}' "$@"\n`);
  chmodSync(wrapper, 0o755);
  // Playwright gives Chromium a fresh, empty --user-data-dir of its own for every launch.
  const browser = await chromium.launch({
    executablePath: wrapper,
    args: [...CHROMIUM_ARGS, ...(options.extraArgs ?? [])],
    headless: true,
    timeout: 60_000,
    env: { ...process.env, HOME: dir },
  });
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 820 },
    colorScheme: options.colorScheme ?? 'light',
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  const page = await context.newPage();
  return {
    browser,
    context,
    page,
    close: async () => {
      await browser.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let shot = 0;
/** Saves a full-page screenshot as test-artifacts/ui/<NN>-<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  shot += 1;
  const path = join(ARTIFACTS, `${String(shot).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}

/** The errors a page logs (uncaught exceptions, console.error, CSP violations): a test asserts none. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return errors;
}
