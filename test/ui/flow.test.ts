// The UI end to end, in Debian's Chromium against a real `bootbench serve` in a lab namespace:
// first run (choose the interface, preflight, start) → import an ISO through the file input
// (upload with progress) and another through a synthetic drop → a scripted PXE client appears live
// → click it → Install → its badge and timeline follow it to `installed`. Screenshots of each step
// go to test-artifacts/ui/.
import { after, afterEach, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { Lab, randomMac, type Segment } from '../helpers/netns.js';
import { removeDir, startBootbench, tempDataDir, type RunningBootbench } from '../helpers/bootbench.js';
import { collectPageErrors, launchBrowserIn, screenshot, type LabBrowser } from '../helpers/browser.js';
import { PxeClient, kernelArg, reportUrlIn, type ScriptAction } from '../helpers/pxe-client.js';
import { buildIso } from '../helpers/iso-build.js';
import { rockyIso } from '../helpers/ui-lab.js';
import { buildingSteps } from '../helpers/steps.js';
import { loadManifest, writeTree } from '../fixtures/iso-layouts/manifest.js';

const SUBNET = '10.231.71';
const BRIDGE = 'bbui0';

/** A second, different distro for the drop: Alpine's virt ISO layout (placeholder file contents). */
async function alpineIso(dir: string): Promise<string> {
  const manifest = loadManifest('alpine-virt-3.20.3-x86_64');
  const tree = join(dir, 'alpine-tree');
  writeTree(manifest, tree);
  const iso = join(dir, 'alpine-virt-3.20.3-x86_64.iso');
  await buildIso(tree, iso, { volid: 'alpine-virt 3.20.3 x86_64' });
  return iso;
}

/** Drops `path` on the page the way a file manager does: dragenter, dragover, drop with a DataTransfer holding a File. */
async function dropFile(page: Page, path: string, name: string): Promise<void> {
  const base64 = readFileSync(path).toString('base64');
  await page.evaluate(
    ({ base64, name }) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], name, { type: 'application/x-iso9660-image' }));
      const target = document.querySelector('main') ?? document.body;
      for (const type of ['dragenter', 'dragover', 'drop'])
        target.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    { base64, name },
  );
}

describe('the UI, end to end against a real server', { timeout: 600_000 }, () => {
  const step = buildingSteps();

  let lab: Lab;
  let seg: Segment;
  let server: RunningBootbench;
  let dataDir: string;
  let ui: LabBrowser;
  let page: Page;
  let uiUrl: string;
  let rocky: string;
  let alpine: string;
  let client: PxeClient;
  let pageErrors: string[];

  before(async () => {
    dataDir = tempDataDir('ui');
    rocky = rockyIso(dataDir);
    alpine = await alpineIso(dataDir);
    lab = Lab.create('ui');
    seg = lab.segment(BRIDGE, `${SUBNET}.1/24`);
    // No --interface: the server starts in setup state and the UI's first run chooses it.
    server = await startBootbench(lab, ['--no-probe'], dataDir);
    uiUrl = /^UI: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)$/m.exec(server.output())?.[1] ?? '';
    assert.ok(uiUrl, server.output());
    ui = await launchBrowserIn(lab.serverNs);
    page = ui.page;
    pageErrors = collectPageErrors(page);
  });

  afterEach((t) => {
    if ((t as unknown as { passed?: boolean }).passed === false || process.env.BOOTBENCH_TEST_VERBOSE) {
      if (client) process.stderr.write(`--- client ${client.mac}\n${client.trace.join('\n')}\n`);
      process.stderr.write(
        `--- page errors\n${pageErrors.join('\n')}\n--- server output (tail)\n${(server?.output() ?? '').slice(-6000)}\n`,
      );
    }
  });

  after(async () => {
    await ui?.close();
    await server?.stop();
    lab?.destroy();
    if (dataDir) removeDir(dataDir);
  });

  step('first run: the token leaves the address bar, the interface is chosen, the preflight shown, serving starts', async () => {
    await page.goto(uiUrl);
    await page.getByRole('heading', { name: 'Set up Bootbench' }).waitFor({ timeout: 20_000 });
    assert.ok(!page.url().includes('token='), `the token is removed from the address bar: ${page.url()}`);
    const nic = page.getByRole('radio', { name: new RegExp(BRIDGE) });
    await nic.check();
    await page.getByRole('list', { name: `Preflight checks for ${BRIDGE}` }).waitFor({ timeout: 30_000 });
    assert.ok((await page.locator('.checklist li').count()) > 0, 'the checklist has items');
    await page.getByRole('radio', { name: 'DHCP server', exact: true }).check();
    await page.getByLabel(/Address pool/).fill(`${SUBNET}.100-${SUBNET}.150`);
    await screenshot(page, 'first-run');
    await page.getByRole('button', { name: `Start on ${BRIDGE}` }).click();
    await page.getByTestId('serving-on').filter({ hasText: BRIDGE }).waitFor({ timeout: 60_000 });
    await page.locator('[data-service="dhcp"].service-up').waitFor({ timeout: 30_000 });
    await page.locator('.conn-open').waitFor({ timeout: 10_000 });
    await screenshot(page, 'serving');
    const status = await (await fetchInPage(page, '/api/status')).json();
    assert.equal(status.state, 'serving');
    assert.equal(status.interface, BRIDGE);
  });

  step('an ISO through the file input: upload with progress, the distro appears', async () => {
    await page.getByTestId('iso-file-input').setInputFiles(rocky);
    await page.locator('.import[data-phase="done"]').filter({ hasText: 'Rocky' }).waitFor({ timeout: 60_000 });
    const row = page.locator('tr[data-distro]').filter({ hasText: 'Rocky' });
    await row.waitFor();
    assert.match(await row.innerText(), /9\.4[\s\S]*x86_64[\s\S]*OK/);
    await screenshot(page, 'iso-uploaded');
  });

  step('an ISO through a drop on the window', async () => {
    await dropFile(page, alpine, 'alpine-virt-3.20.3-x86_64.iso');
    const row = page.locator('tr[data-distro]').filter({ hasText: 'Alpine' });
    await row.waitFor({ timeout: 60_000 });
    assert.match(await row.innerText(), /3\.20\.3[\s\S]*x86_64/);
    assert.equal(await page.locator('tr[data-distro]').count(), 2);
    await screenshot(page, 'iso-dropped');
  });

  step('a PXE client appears live; Install; badge and timeline follow it to installed', async () => {
    client = new PxeClient({ lab, host: lab.host(seg, { mac: randomMac() }), serverIp: seg.serverIp, firmware: 'bios' });
    const row = page.locator(`tr[data-mac="${client.mac}"]`);
    const badge = row.locator('.badge');
    const scriptUrl = await client.powerOn();
    let action: ScriptAction = await client.script(scriptUrl);
    assert.equal(action.kind, 'wait');
    // No reload: the row arrives through the event stream.
    await row.waitFor({ timeout: 15_000 });
    assert.equal(await badge.getAttribute('data-state'), 'discovered');
    assert.match(await row.innerText(), /QEMU\/KVM/, 'the vendor from the OUI');
    assert.match(await row.innerText(), /BIOS/);
    await screenshot(page, 'host-discovered');

    await row.getByRole('button', { name: new RegExp(client.mac) }).click();
    const panel = page.locator(`.host-panel[data-mac="${client.mac}"]`);
    await panel.waitFor();
    await panel.getByLabel('Installer').selectOption({ label: 'Rocky Linux 9.4 (x86_64)' });
    await panel.getByRole('button', { name: 'Preview answer file' }).click();
    await panel.locator('.answer-file pre').filter({ hasText: '%post' }).waitFor({ timeout: 15_000 });
    await screenshot(page, 'answer-file');
    await panel.getByRole('button', { name: 'Hide answer file' }).click();
    await panel.getByRole('button', { name: 'Install', exact: true }).click();
    // Installing erases a disk: a dialog names the machine and asks first.
    await page.getByRole('dialog').getByRole('button', { name: 'Erase and install' }).click();
    await row.locator('.badge[data-state="queued"]').waitFor({ timeout: 10_000 });

    action = await client.pollUntilNotWaiting(action, 30_000);
    assert.equal(action.kind, 'install');
    if (action.kind !== 'install') return;
    await client.fetchInstaller(action);
    await row.locator('.badge[data-state="booting"]').waitFor({ timeout: 15_000 });
    await screenshot(page, 'host-booting');

    const ks = kernelArg(action.args, 'inst.ks') ?? '';
    const answer = await client.get(ks);
    assert.equal(answer.status, 200);
    await row.locator('.badge[data-state="installing"]').waitFor({ timeout: 15_000 });
    const marker = `ui-test-${randomBytes(3).toString('hex')}`;
    await client.syslog([`Starting installation ${marker}`, 'Installing packages', 'Running post-installation scripts']);
    const timeline = panel.getByRole('list', { name: `Timeline of ${client.mac}` });
    await timeline.getByText(new RegExp(marker)).waitFor({ timeout: 20_000 });
    await screenshot(page, 'host-installing');

    const report = reportUrlIn(answer.body);
    assert.ok(report, 'the kickstart reports to Bootbench');
    assert.equal((await client.get(`${report}?event=installed`)).status, 200);
    await row.locator('.badge[data-state="installed"]').waitFor({ timeout: 15_000 });
    await panel.locator('.host-head .badge[data-state="installed"]').waitFor();
    // The timeline holds every stage's lines, and the source filter narrows it.
    const text = await timeline.innerText();
    for (const word of ['syslog', 'install']) assert.match(text, new RegExp(word), `timeline shows ${word} lines`);
    await panel.getByLabel('Source').selectOption('syslog');
    const onlySyslog = await timeline.locator('.log-source').allInnerTexts();
    assert.ok(onlySyslog.length > 0 && onlySyslog.every((s) => s === 'syslog'), JSON.stringify(onlySyslog));
    await panel.getByRole('button', { name: 'Copy' }).click();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.match(copied, new RegExp(marker));
    await panel.getByLabel('Source').selectOption('all');
    await screenshot(page, 'host-installed');
  });

  step('the log, settings and templates views; dark theme', async () => {
    await page.getByRole('button', { name: 'Log', exact: true }).click();
    await page.getByRole('list', { name: 'Server log' }).waitFor();
    assert.ok((await page.locator('.log-view .logline').count()) > 0);
    await screenshot(page, 'log');
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await page.getByLabel('Time zone').fill('Europe/Berlin');
    await page.getByLabel('Root password').fill('correct horse battery staple');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).first().waitFor({ timeout: 10_000 });
    const settings = await (await fetchInPage(page, '/api/settings')).json();
    assert.equal(settings.timezone, 'Europe/Berlin');
    assert.equal(settings.rootPasswordSet, true);
    assert.ok(!JSON.stringify(settings).includes('correct horse'), 'the password is never echoed back');
    assert.equal(await page.getByLabel('Root password').inputValue(), '', 'the field is cleared once sent');
    await page.getByLabel('Template', { exact: true }).waitFor();
    await page.evaluate(() => document.querySelector('main')?.scrollTo(0, 0));
    await screenshot(page, 'settings');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByRole('button', { name: 'Machines', exact: true }).click();
    await screenshot(page, 'machines-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    assert.deepEqual(
      pageErrors.filter((e) => !/favicon/.test(e)),
      [],
      'no page errors, CSP violations or failed requests',
    );
  });

  step('keyboard: the views, the host list and the install form are reachable with Tab and Enter', async () => {
    await page.getByRole('button', { name: 'Machines', exact: true }).focus();
    await page.keyboard.press('Tab'); // → Log
    await page.keyboard.press('Enter');
    await page.getByRole('list', { name: 'Server log' }).waitFor();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    const mac = page.getByRole('button', { name: new RegExp(`Open ${client.mac}`) });
    await mac.focus();
    await page.keyboard.press('Enter');
    await page.locator(`.host-panel[data-mac="${client.mac}"]`).waitFor();
    const focusable = await page.evaluate(() =>
      Array.from(document.querySelectorAll('button, select, input, textarea'))
        .filter(
          (e) =>
            !(e as HTMLElement).closest('.visually-hidden') &&
            (e as HTMLElement).offsetParent !== null &&
            !e.getAttribute('aria-label') &&
            !(e as HTMLInputElement).labels?.length &&
            !(e.textContent ?? '').trim(),
        )
        .map((e) => e.outerHTML.slice(0, 120)),
    );
    assert.deepEqual(focusable, [], 'every visible control has a label or text');
  });
});

/** A control-API call from inside the page (the browser holds the token in sessionStorage). */
function fetchInPage(page: Page, path: string): Promise<{ json(): Promise<Record<string, unknown>> }> {
  return page
    .evaluate(async (p) => {
      const token = sessionStorage.getItem('bootbench.token') ?? '';
      const res = await fetch(p, { headers: { Authorization: `Bearer ${token}` } });
      return res.text();
    }, path)
    .then((text) => ({ json: async () => JSON.parse(text) as Record<string, unknown> }));
}
