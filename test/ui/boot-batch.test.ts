// Issue 13's UI in Chromium against a real `bootbench serve`: the policy for new machines and the
// menu timeout (Settings) and a machine's own wait policy (its panel); batch selection in the machine
// list by mouse and keyboard, a batch install confirmed like a single one and each machine's outcome;
// an inventory CSV with bad rows refused by line with nothing applied, then a good one applied after
// its installs were confirmed; kernel arguments of a distro and of a host, with the server's refusal
// shown at the input; how each distro boots. axe-core scans the new dialogs and forms.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from 'playwright-core';
import type { BatchResult, Distro, Host, ReservationRecord, ServerStatus } from '../../electron/shared/contract.js';
import { randomMac } from '../helpers/netns.js';
import type { PxeClient, ScriptAction } from '../helpers/pxe-client.js';
import { loadManifest, writeTree } from '../fixtures/iso-layouts/manifest.js';
import { screenshot } from '../helpers/browser.js';
import { discover, rockyIso, startUiLab, type UiLab } from '../helpers/ui-lab.js';

const SUBNET = '10.231.220';
const BRIDGE = 'bbuib0';
const DISK = '/dev/vdb';

const escapeRe = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Serious and critical axe-core violations on the page as it is now, light and dark, in words for the failure. */
async function axeProblems(page: Page): Promise<string[]> {
  const problems: string[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const result = await new AxeBuilder({ page: page as never }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    assert.ok(result.passes.length > 10, 'axe-core ran its rules on the page');
    for (const v of result.violations)
      if (v.impact === 'serious' || v.impact === 'critical')
        problems.push(`${scheme} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return problems;
}

describe('issue 13 in the UI: new machines, batch, inventory, kernel arguments', { timeout: 900_000 }, () => {
  let lab: UiLab;
  let page: Page;
  let rocky: Distro;
  let clients: PxeClient[];
  let waits: ScriptAction[];

  const hosts = async (): Promise<Host[]> => (await lab.api<Host[]>('/api/hosts')).body;
  const host = async (mac: string): Promise<Host | undefined> => (await hosts()).find((h) => h.mac === mac);
  const status = async (): Promise<ServerStatus> => (await lab.api<ServerStatus>('/api/status')).body;
  const row = (mac: string): Locator => page.locator(`tr[data-mac="${mac}"]`);
  const box = (mac: string): Locator => row(mac).getByRole('checkbox', { name: new RegExp(`^Select ${mac}`) });
  const order = (): Promise<string[]> =>
    page.locator('tr[data-mac]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-mac') ?? ''));
  const checked = async (): Promise<string[]> =>
    page
      .locator('tr[data-mac]')
      .evaluateAll((rows) =>
        rows.filter((r) => r.querySelector<HTMLInputElement>('input.pick')?.checked).map((r) => r.getAttribute('data-mac') ?? ''),
      );
  const view = (name: string) => page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name, exact: true }).click();
  const openPanel = async (mac: string): Promise<Locator> => {
    await row(mac)
      .getByRole('button', { name: new RegExp(`Open .*${mac}`) })
      .click();
    const panel = page.locator(`.host-panel[data-mac="${mac}"]`);
    await panel.waitFor({ timeout: 10_000 });
    return panel;
  };
  const waitFor = async (what: string, ok: () => Promise<boolean>, ms = 20_000): Promise<void> => {
    const end = Date.now() + ms;
    while (!(await ok())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  // Each test starts on the machine list with no panel open, whatever the one before left.
  const machines = async (): Promise<void> => {
    await view('Machines');
    const close = page.getByRole('button', { name: 'Close host panel' });
    if (await close.isVisible()) await close.click();
    await page.locator('.host-panel').waitFor({ state: 'detached', timeout: 10_000 });
  };
  const focusedId = () => page.evaluate(() => document.activeElement?.id ?? '');

  before(async () => {
    lab = await startUiLab({ tag: 'uibb', subnet: SUBNET, bridge: BRIDGE, viewport: { width: 1400, height: 900 } });
    page = lab.page;
    rocky = await lab.importIso(rockyIso(lab.dataDir));
    const set = await lab.api('/api/settings', { method: 'PUT', body: { targetDisk: DISK } });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    clients = [lab.client(), lab.client(), lab.client()];
    waits = [];
    for (const c of clients) waits.push(await discover(c));
    for (const c of clients) await row(c.mac).waitFor({ timeout: 20_000 });
  });

  afterEach((t) => {
    if ((t as unknown as { passed?: boolean }).passed === false) process.stderr.write(lab.dump());
  });

  after(async () => {
    await lab?.close();
  });

  test('each distro says how it boots', async () => {
    const cell = page.locator(`tr[data-distro="${rocky.id}"] [data-testid="boots-as"]`);
    assert.equal((await cell.locator('.boot-kind').innerText()).trim(), 'Installer', 'an installer ISO boots as an installer');
  });

  test('New machines: show the menu with a timeout; install on first sight is confirmed; a bad timeout is marked at its field', async () => {
    await view('Settings');
    const form = page.locator('section.new-hosts');
    await form.waitFor({ timeout: 10_000 });
    await form.getByRole('radio', { name: 'Show the boot menu' }).check();
    const timeout = form.getByLabel('Menu timeout (seconds)');
    await timeout.fill('soon');
    await form.getByRole('button', { name: 'Save new-machine policy' }).click();
    assert.equal(await timeout.getAttribute('aria-invalid'), 'true', 'the timeout is marked');
    assert.equal(await focusedId(), await timeout.getAttribute('id'), 'the focus is on the timeout');
    assert.match(await form.innerText(), /whole seconds from 0 to 3600/);
    assert.equal((await status()).newHosts.action, 'wait', 'nothing was sent');

    await timeout.fill('15');
    await form.getByRole('button', { name: 'Save new-machine policy' }).click();
    await form.getByRole('status').filter({ hasText: 'Saved.' }).waitFor({ timeout: 10_000 });
    const s = await status();
    assert.deepEqual(s.newHosts, { action: 'menu', distro: null });
    assert.equal(s.menu.timeoutSeconds, 15);

    // Installing on first sight erases every new machine's disk: one click must not turn it on.
    await form.getByRole('radio', { name: 'Install a distro' }).check();
    await form.getByLabel('Distro to install').selectOption(rocky.id);
    await form.getByRole('button', { name: 'Save new-machine policy' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor({ timeout: 5000 });
    assert.match(await dialog.innerText(), /Rocky Linux 9\.4/, 'the dialog names the installer');
    assert.ok(await page.evaluate(() => document.activeElement?.textContent === 'Cancel'), 'the focus starts on Cancel');
    assert.deepEqual(await axeProblems(page), [], 'the new-machines form and its confirmation');
    await screenshot(page, 'new-hosts-install-confirm');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden', timeout: 5000 });
    assert.equal((await status()).newHosts.action, 'menu', 'Escape changes nothing');
    await form.getByRole('button', { name: 'Save new-machine policy' }).click();
    await dialog.getByRole('button', { name: 'Erase and install on new machines' }).click();
    await form.getByRole('status').filter({ hasText: 'Saved.' }).waitFor({ timeout: 10_000 });
    assert.deepEqual((await status()).newHosts, { action: 'install', distro: rocky.id });

    // Back to the default, so that later machines in this file wait.
    await form.getByRole('radio', { name: 'Wait', exact: true }).check();
    await form.getByRole('button', { name: 'Save new-machine policy' }).click();
    await form.getByRole('status').filter({ hasText: 'Saved.' }).waitFor({ timeout: 10_000 });
    assert.deepEqual((await status()).newHosts, { action: 'wait', distro: null });
    await machines();
  });

  test('a machine’s own wait policy, set in its panel', async () => {
    await machines();
    const mac = clients[0]!.mac;
    const panel = await openPanel(mac);
    const words = panel.getByTestId('host-wait-policy');
    assert.match(await words.innerText(), /follows the global setting/);
    await panel.getByLabel('When this machine waits').selectOption('local');
    await panel.getByRole('button', { name: 'Set wait policy' }).click();
    await waitFor('its wait policy', async () => (await host(mac))?.waitPolicy === 'local');
    await words.filter({ hasText: 'Boot the local disk (this machine’s own setting)' }).waitFor({ timeout: 10_000 });
    await panel.getByLabel('When this machine waits').selectOption('');
    await panel.getByRole('button', { name: 'Set wait policy' }).click();
    await waitFor('following again', async () => !(await host(mac))?.waitPolicy);
    await panel.getByRole('button', { name: 'Close host panel' }).click();
  });

  test('kernel arguments of a distro: the server’s refusal at the input, then saved', async () => {
    await machines();
    const distroRow = page.locator(`tr[data-distro="${rocky.id}"]`);
    await distroRow.getByRole('button', { name: /^Edit kernel arguments of/ }).click();
    const input = page.getByRole('textbox', { name: 'Kernel arguments of Rocky Linux 9.4', exact: true });
    const distroForm = page.locator('tr.distro-form');
    await input.fill('console=ttyS0,115200n8 inst.text="unclosed');
    await distroForm.getByRole('button', { name: 'Save kernel arguments' }).click();
    await waitFor('the refusal at the input', async () => (await input.getAttribute('aria-invalid')) === 'true', 10_000);
    assert.equal(await focusedId(), await input.getAttribute('id'), 'the focus is on the input');
    const message = await input.evaluate(
      (el) => document.getElementById((el.getAttribute('aria-describedby') ?? '').split(' ')[0] ?? '')?.textContent ?? '',
    );
    assert.match(message, /quotes/, `the server's words are at the input: ${message}`);
    const before = (await lab.api<Distro[]>('/api/distros')).body.find((d) => d.id === rocky.id);
    assert.equal(before?.kernelArgs, rocky.kernelArgs, 'nothing was saved');
    assert.deepEqual(await axeProblems(page), [], 'the kernel-arguments form with its error');

    await input.fill('console=ttyS0,115200n8 nomodeset');
    assert.equal(await input.getAttribute('aria-invalid'), null, 'typing clears the mark');
    await distroForm.getByRole('button', { name: 'Save kernel arguments' }).click();
    await waitFor(
      'saved',
      async () =>
        (await lab.api<Distro[]>('/api/distros')).body.find((d) => d.id === rocky.id)?.kernelArgs === 'console=ttyS0,115200n8 nomodeset',
    );
    await screenshot(page, 'distro-kernel-args');
    await distroForm.getByRole('button', { name: 'Close', exact: true }).click();
  });

  test('kernel arguments of a host: saved, removed, and a refusal at the input', async () => {
    await machines();
    const mac = clients[1]!.mac;
    const panel = await openPanel(mac);
    const input = panel.getByLabel('Kernel arguments for this machine');
    await input.fill('console=ttyS0,115200n8');
    await panel.getByRole('button', { name: 'Save kernel arguments' }).click();
    await waitFor('saved', async () => (await host(mac))?.kernelArgs === 'console=ttyS0,115200n8');
    // Longer than the server takes (4,096 characters): refused, shown at the input.
    await input.fill(`nomodeset ${'x'.repeat(4100)}`);
    await panel.getByRole('button', { name: 'Save kernel arguments' }).click();
    await waitFor('the refusal', async () => (await input.getAttribute('aria-invalid')) === 'true', 10_000);
    assert.equal(await focusedId(), await input.getAttribute('id'), 'the focus is on the input');
    assert.equal((await host(mac))?.kernelArgs, 'console=ttyS0,115200n8', 'nothing was saved');
    await input.fill('');
    await panel.getByRole('button', { name: 'Save kernel arguments' }).click();
    await waitFor('removed', async () => !(await host(mac))?.kernelArgs);
    await panel.getByRole('button', { name: 'Close host panel' }).click();
  });

  test('batch selection: click, shift-click, keyboard (Space, arrows, Shift+Space, Ctrl-A, Escape)', async () => {
    await machines();
    const [a, b, c] = await order();
    assert.ok(a && b && c, 'three machines listed');
    await box(a).click();
    await box(c).click({ modifiers: ['Shift'] });
    assert.deepEqual(await checked(), [a, b, c], 'shift-click selects the range');
    assert.equal(await page.getByRole('checkbox', { name: 'Select every machine' }).isChecked(), true, 'the header box says all');
    await page.locator('.batch-bar h3').filter({ hasText: '3 machines selected' }).waitFor({ timeout: 5000 });
    await box(b).click();
    assert.deepEqual(await checked(), [a, c], 'a click toggles one');
    assert.equal(
      await page.getByRole('checkbox', { name: 'Select every machine' }).evaluate((el) => (el as HTMLInputElement).indeterminate),
      true,
      'the header box says some',
    );
    assert.equal(await page.locator('.host-panel').count(), 0, 'a click on a box opens no panel');

    await box(a).focus();
    await page.keyboard.press('Escape');
    assert.deepEqual(await checked(), [], 'Escape clears');
    await page.keyboard.press('Space');
    assert.deepEqual(await checked(), [a], 'Space toggles');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.equal(await box(c).evaluate((el) => el === document.activeElement), true, 'the arrows move between boxes');
    await page.keyboard.press('Shift+Space');
    assert.deepEqual(await checked(), [a, b, c], 'Shift+Space selects the range');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+a');
    assert.deepEqual(await checked(), [a, b, c], 'Ctrl-A selects every machine shown');
    assert.deepEqual(await axeProblems(page), [], 'the list with its boxes and the batch bar');
    await screenshot(page, 'batch-selection');
  });

  test('batch install confirms like a single one; Cancel installs and the wait policy show each machine’s outcome', async () => {
    await machines();
    const macs = await order();
    const bar = page.locator('.batch-bar');
    await bar.getByLabel('Distro for the selected').selectOption(rocky.id);
    await bar.getByRole('button', { name: 'Install…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor({ timeout: 5000 });
    const words = await dialog.innerText();
    for (const m of macs) assert.match(words, new RegExp(m), `the dialog names ${m}`);
    await dialog.getByText(DISK).waitFor({ timeout: 5000 });
    assert.ok(await page.evaluate(() => document.activeElement?.textContent === 'Cancel'), 'the focus starts on Cancel');
    assert.deepEqual(await axeProblems(page), [], 'the batch install confirmation');
    await screenshot(page, 'batch-install-confirm');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden', timeout: 5000 });
    assert.deepEqual(
      (await hosts()).filter((h) => h.state !== 'discovered').map((h) => h.mac),
      [],
      'Escape queues nothing',
    );
    // One machine is queued already: the server goes on past what it cannot do, and says so.
    const queued = await lab.api(`/api/hosts/${macs[1]}/install`, { method: 'POST', body: { distro: rocky.id } });
    assert.equal(queued.status, 200, JSON.stringify(queued.body));
    await bar.getByRole('button', { name: 'Install…' }).click();
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/hosts/batch'));
    await dialog.getByRole('button', { name: 'Erase and install on 3 machines' }).click();
    const result = (await (await answer).json()) as BatchResult;
    const outcome = bar.getByTestId('batch-outcome');
    const ok = result.results.filter((r) => r.ok).length;
    await outcome.filter({ hasText: new RegExp(`^${ok} queued`) }).waitFor({ timeout: 10_000 });
    for (const r of result.results.filter((x) => !x.ok))
      assert.match(await outcome.innerText(), new RegExp(`${r.mac}.*${escapeRe(r.error?.message.slice(0, 20) ?? '')}`));
    await waitFor('every machine queued', async () => (await hosts()).every((h) => h.state === 'queued'));

    // One install cancelled already: the batch Cancel goes on past it and names it with the server's words.
    const first = await lab.api(`/api/hosts/${macs[0]}/cancel`, { method: 'POST' });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const cancelled = page.waitForResponse((r) => r.url().endsWith('/api/hosts/batch'));
    await bar.getByRole('button', { name: 'Cancel installs' }).click();
    const cancelResult = (await (await cancelled).json()) as BatchResult;
    const refused = cancelResult.results.filter((r) => !r.ok);
    assert.deepEqual(
      refused.map((r) => r.mac),
      [macs[0]],
      `only the machine with nothing to cancel fails: ${JSON.stringify(cancelResult)}`,
    );
    await outcome.filter({ hasText: '2 cancelled, 1 failed' }).waitFor({ timeout: 10_000 });
    const failure = outcome.getByRole('listitem');
    assert.equal(await failure.count(), 1);
    assert.match(await failure.innerText(), new RegExp(`${macs[0]}.*${escapeRe(refused[0]!.error!.message.slice(0, 30))}`));
    await waitFor('every machine back to discovered', async () => (await hosts()).every((h) => h.state === 'discovered'));

    await bar.getByLabel('Wait policy for the selected').selectOption('menu');
    await bar.getByRole('button', { name: 'Set wait policy' }).click();
    await outcome.filter({ hasText: '3 set' }).waitFor({ timeout: 10_000 });
    assert.ok(
      (await hosts()).every((h) => h.waitPolicy === 'menu'),
      'each machine shows the menu while it waits',
    );
    await bar.getByRole('button', { name: 'Clear selection' }).click();
    assert.deepEqual(await checked(), []);
  });

  test('inventory CSV: bad rows refused by line with nothing applied (dropped file); a good one applied after its install is confirmed', async () => {
    await machines();
    const good = randomMac();
    const second = randomMac();
    const bad = [
      'mac,hostname,ip,distro',
      `${good},web-01,${SUBNET}.50,${rocky.id}`,
      'zz:zz:zz:zz:zz:zz,web-02,,',
      `${good},web-03,,`,
      `${second},web-04,192.168.77.5,`,
      `${randomMac()},web-05,,no-such-distro`,
    ].join('\n');
    const before = (await hosts()).length;
    await page.getByRole('button', { name: 'Import inventory (CSV)…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor({ timeout: 5000 });
    // Dropped on the dialog (not the window's ISO drop zone).
    const transfer = await page.evaluateHandle((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'lab-bad.csv', { type: 'text/csv' }));
      return dt;
    }, bad);
    await dialog.locator('.inventory-drop').dispatchEvent('drop', { dataTransfer: transfer });
    const problems = dialog.locator('.inventory-problems');
    await problems.waitFor({ timeout: 15_000 });
    const text = await problems.innerText();
    assert.match(text, /Nothing was imported/);
    for (const line of [3, 4, 5, 6]) assert.match(text, new RegExp(`Line ${line}:`), `line ${line} is named: ${text}`);
    assert.doesNotMatch(text, /Line 2:/, 'the good row is not a problem');
    assert.ok(await problems.evaluate((el) => el === document.activeElement), 'the focus is on the problems');
    assert.deepEqual(await axeProblems(page), [], 'the inventory dialog with its problems');
    await screenshot(page, 'inventory-problems');
    assert.equal((await hosts()).length, before, 'no machine was added');
    assert.deepEqual((await lab.api<ReservationRecord[]>('/api/reservations')).body, [], 'no reservation was made');
    assert.equal(await page.locator('ul.imports li.import').count(), 0, 'the drop did not start an ISO import');

    // A good file, picked: the dry run shows what will be done, the install is confirmed, then applied.
    await dialog.getByRole('button', { name: 'Choose another file' }).click();
    const file = join(lab.dataDir, 'lab.csv');
    writeFileSync(file, ['mac,hostname,ip,distro', `${good},web-01,${SUBNET}.50,${rocky.id}`, `${second},web-02,${SUBNET}.51,`].join('\n'));
    await dialog.getByLabel('CSV file').setInputFiles(file);
    await dialog.locator('.inventory-summary').waitFor({ timeout: 15_000 });
    assert.match(await dialog.innerText(), /2 machines: 2 reservations, 1 install to queue/);
    assert.equal((await hosts()).length, before, 'the dry run applied nothing');
    await dialog.getByRole('button', { name: 'Import and install…' }).click();
    const erase = dialog.getByRole('button', { name: 'Erase 1 disk and import' });
    await erase.waitFor({ timeout: 5000 });
    assert.ok(await page.evaluate(() => document.activeElement?.textContent === 'Cancel'), 'the focus starts on Cancel');
    assert.equal((await hosts()).length, before, 'nothing applied before the confirmation');
    await erase.click();
    await dialog.getByText(/Imported from lab\.csv: 2 machines: 2 reservations, 1 install queued/).waitFor({ timeout: 15_000 });
    const reservations = (await lab.api<ReservationRecord[]>('/api/reservations')).body;
    assert.deepEqual(
      reservations.map((r) => [r.mac, r.ip]).sort(),
      [
        [good, `${SUBNET}.50`],
        [second, `${SUBNET}.51`],
      ].sort(),
    );
    assert.equal((await host(good))?.state, 'queued', 'the row with a distro is queued');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden', timeout: 5000 });
    await row(good).waitFor({ timeout: 10_000 });
  });
  test('a live distro says so and boots on a host with no wipe confirmation; the last boot is shown in the panel', async (t) => {
    await machines();
    // Debian's live ISO as laid out on the real media (placeholder contents), detected at import.
    const tree = join(lab.dataDir, 'debian-live-tree');
    writeTree(loadManifest('debian-live-12.7.0-amd64-standard'), tree);
    const iso = join(lab.dataDir, 'debian-live-12.7.0-amd64-standard.iso');
    const made = spawnSync('xorriso', ['-as', 'mkisofs', '-quiet', '-R', '-J', '-V', 'd-live 12.7.0 st amd64', '-o', iso, tree], {
      encoding: 'utf8',
    });
    assert.equal(made.status, 0, made.stderr);
    const live = await lab.importIso(iso);
    if (live.boot !== 'live') return t.skip(`live detection is not in this build (the ISO imports as ${live.boot ?? 'an installer'})`);
    const cell = page.locator(`tr[data-distro="${live.id}"] [data-testid="boots-as"]`);
    await cell.waitFor({ timeout: 10_000 });
    assert.match(await cell.innerText(), /^Live/);

    const client = clients[2]!;
    const panel = await openPanel(client.mac);
    assert.equal(
      await panel.getByLabel('Installer').locator(`option[value="${live.id}"]`).count(),
      0,
      'a live system is not offered as an installer',
    );
    await panel.getByLabel('Boot without installing').selectOption(`live:${live.id}`);
    const answer = page.waitForResponse((r) => r.url().endsWith(`/api/hosts/${encodeURIComponent(client.mac)}/boot`));
    await panel.getByRole('button', { name: 'Boot live' }).click();
    assert.equal((await answer).status(), 200, 'the boot was asked for at once');
    assert.equal(await page.getByRole('dialog').count(), 0, 'no wipe confirmation: nothing touches the disk');
    const wait = waits[2];
    if (wait?.kind === 'wait') await client.script(wait.pollUrl);
    await waitFor('its last boot', async () => !!(await host(client.mac))?.lastBoot, 30_000);
    const words = panel.getByTestId('last-boot');
    await words.waitFor({ timeout: 10_000 });
    assert.match(await words.innerText(), /^Booted .+, chosen in the app, \d{2}:\d{2}$/);
    assert.deepEqual(await axeProblems(page), [], 'the panel with its boot section');
    await screenshot(page, 'boot-live');
  });
});
