// Issue 18, findings 1 and 6, in Debian's Chromium against a real `bootbench serve`:
// - a machine installed now could not be logged in to: Install warns while nobody knows the admin
//   password and no SSH key is set; Settings shows the admin user and the generated password with
//   Show and Copy (the clipboard holds the very password the answer file's hash was made from);
// - a refused value is marked at its field (aria-invalid, the message next to it, focus on it),
//   in the UI's words; unsaved settings are guarded when switching views;
// - first run shows the credentials too, and a bad pool is marked at the pool field.
import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from 'playwright-core';
import type { AnswerFilePreview, Distro, InstallSettingsView } from '../../electron/shared/contract.js';
import { verifySha512Crypt } from '../../electron/core/install/sha512-crypt.js';
import { screenshot } from '../helpers/browser.js';
import type { PxeClient } from '../helpers/pxe-client.js';
import { discover, rockyIso, startUiLab, type UiLab } from '../helpers/ui-lab.js';
import { buildingSteps } from '../helpers/steps.js';

const SUBNET = '10.231.84';
const BRIDGE = 'bbuis0';

/** The element `input` points at with aria-describedby whose text matches `re` (the inline error). */
async function describedError(page: Page, input: Locator, re: RegExp): Promise<Locator> {
  const ids = ((await input.getAttribute('aria-describedby')) ?? '').split(/\s+/).filter(Boolean);
  for (const id of ids) {
    const el = page.locator(`[id="${id}"]`);
    if (re.test(await el.innerText())) return el;
  }
  assert.fail(`no element named by aria-describedby="${ids.join(' ')}" says ${re}`);
}

/** Serious or critical axe-core violations inside `selector` (this file's views: settings, first run). */
async function axeProblems(page: Page, selector: string): Promise<string[]> {
  const result = await new AxeBuilder({ page }).include(selector).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/** Whether `input` has the focus. */
const focused = (input: Locator) => input.evaluate((el) => el === document.activeElement);

describe('settings: login credentials, inline errors, unsaved changes', { timeout: 600_000 }, () => {
  const step = buildingSteps(() => console.log(lab.dump()));

  let lab: UiLab;
  let page: Page;
  let distro: Distro;
  let client: PxeClient;
  let password: string;

  const view = (name: string) => page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name, exact: true });
  const openHost = async () => {
    await view('Machines').click();
    const row = page.locator(`tr[data-mac="${client.mac}"]`);
    await row.getByRole('button', { name: new RegExp(client.mac) }).click();
    const panel = page.locator(`.host-panel[data-mac="${client.mac}"]`);
    await panel.waitFor({ timeout: 10_000 });
    return panel;
  };
  const settings = async () => (await lab.api<InstallSettingsView>('/api/settings')).body;

  before(async () => {
    lab = await startUiLab({ tag: 'uis', subnet: SUBNET, bridge: BRIDGE });
    page = lab.page;
    distro = await lab.importIso(rockyIso(lab.dataDir));
    client = lab.client();
    await discover(client);
    password = /^password: (\S+)$/m.exec(readFileSync(join(lab.dataDir, 'initial-password.txt'), 'utf8'))?.[1] ?? '';
    assert.equal(password.length, 16);
  });
  after(async () => {
    await lab?.close();
  });

  step('Install warns while nobody knows the admin password and no SSH key is set, with a way to Settings', async () => {
    const panel = await openHost();
    const warning = panel.getByRole('note').filter({ hasText: /log in/i });
    await warning.waitFor({ timeout: 10_000 });
    assert.match(await warning.innerText(), /password/i);
    await screenshot(page, 'settings-install-warning');
    await warning.getByRole('button', { name: /Settings/ }).click();
    await page.getByRole('heading', { name: 'Logging in to installed machines' }).waitFor({ timeout: 10_000 });
    assert.equal(await view('Settings').getAttribute('aria-current'), 'page');
  });

  step('Settings shows the admin user and the generated password, masked, with Show and Copy; the copy logs in', async () => {
    await view('Settings').click();
    const section = page.getByRole('region', { name: 'Logging in to installed machines' });
    await section.waitFor({ timeout: 10_000 });
    assert.equal(await section.getByLabel('Admin user').inputValue(), 'bootbench');
    const shown = section.getByTestId('admin-password');
    assert.ok(!(await shown.innerText()).includes(password), 'masked by default');
    await section.getByRole('button', { name: 'Copy password' }).click();
    await section.getByRole('status').filter({ hasText: 'Copied' }).waitFor({ timeout: 10_000 });
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(copied, password, 'the clipboard holds the generated password');
    await section.getByRole('button', { name: 'Show password' }).click();
    await shown.filter({ hasText: password }).waitFor({ timeout: 10_000 });
    await screenshot(page, 'settings-credentials');
    // The installed machine's admin account: the answer file's hash is of the copied password.
    const preview = await lab.api<AnswerFilePreview>(`/api/hosts/${client.mac}/answer-file?distro=${encodeURIComponent(distro.id)}`);
    assert.equal(preview.status, 200, JSON.stringify(preview.body));
    const hash = /user --name=bootbench .*--password='?(\$6\$[^'\s]+)/.exec(preview.body.text)?.[1] ?? '';
    assert.ok(hash, preview.body.text);
    assert.ok(verifySha512Crypt(copied, hash), 'logging in as bootbench with the copied password works');
    // Seen once, the password is known: Install no longer warns.
    assert.equal((await settings()).loginKnown, true);
    const panel = await openHost();
    await panel.getByRole('button', { name: 'Preview answer file' }).waitFor();
    assert.equal(
      await panel
        .getByRole('note')
        .filter({ hasText: /log in/i })
        .count(),
      0,
    );
  });

  step('a bad time zone is marked at its field, in the UI’s words, with the focus on it', async () => {
    await view('Settings').click();
    const tz = page.getByLabel('Time zone');
    await tz.fill('Mars/Base');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.locator('input[aria-invalid="true"]').first().waitFor({ timeout: 10_000 });
    assert.equal(await tz.getAttribute('aria-invalid'), 'true');
    const message = await describedError(page, tz, /Mars\/Base/);
    const text = await message.innerText();
    assert.doesNotMatch(text, /--|timezone/, `UI words, not CLI flags or API keys: ${text}`);
    const [box, msg] = [await tz.boundingBox(), await message.boundingBox()];
    assert.ok(box && msg);
    assert.ok(msg.y >= box.y && msg.y - (box.y + box.height) < 40, `the message is right under its field: ${JSON.stringify({ box, msg })}`);
    assert.ok(await focused(tz), 'the focus is on the field');
    await screenshot(page, 'settings-inline-error');
    assert.deepEqual(await axeProblems(page, '.settings'), [], 'the settings view with an inline error passes axe-core');
    await tz.fill('Etc/UTC');
    assert.equal(await tz.getAttribute('aria-invalid'), null, 'editing the field clears its mark');
  });

  step('unsaved changes are shown in a Save bar, and switching views asks to save or discard', async () => {
    await view('Settings').click();
    const domain = page.getByLabel('Domain', { exact: true });
    assert.equal(await domain.inputValue(), 'lab');
    await domain.fill('changed');
    const bar = page.getByRole('region', { name: 'Save changes' });
    await bar.getByText(/unsaved changes/i).waitFor({ timeout: 5_000 });
    await view('Machines').click();
    const dialog = page.getByRole('dialog', { name: /unsaved/i });
    await dialog.waitFor({ timeout: 5_000 });
    await screenshot(page, 'settings-unsaved-dialog');
    assert.equal(await domain.inputValue(), 'changed', 'nothing is dropped while the question is open');
    await dialog.getByRole('button', { name: 'Discard changes' }).click();
    assert.equal(await view('Machines').getAttribute('aria-current'), 'page');
    assert.equal((await settings()).domain, 'lab');
    await view('Settings').click();
    assert.equal(await page.getByLabel('Domain', { exact: true }).inputValue(), 'lab', 'discarded');

    await page.getByLabel('Domain', { exact: true }).fill('example.test');
    await view('Log').click();
    await page
      .getByRole('dialog', { name: /unsaved/i })
      .getByRole('button', { name: 'Save changes' })
      .click();
    await page.getByRole('list', { name: 'Server log' }).waitFor({ timeout: 10_000 });
    assert.equal((await settings()).domain, 'example.test', 'saved, then switched');
  });

  step('a password of the user’s own replaces the generated one: only "your password (set …)" is shown', async () => {
    await view('Settings').click();
    await page.getByLabel('New admin password').fill('correct horse battery staple');
    await page.getByRole('button', { name: 'Save settings' }).click();
    const section = page.getByRole('region', { name: 'Logging in to installed machines' });
    await section.getByText(/Your password \(set /).waitFor({ timeout: 10_000 });
    assert.equal(await section.getByRole('button', { name: 'Copy password' }).count(), 0);
    assert.equal((await lab.api('/api/settings/initial-password', { method: 'POST' })).status, 409);
  });

  step('first run shows the credentials, and a bad pool is marked at the pool field', async () => {
    assert.equal((await lab.api('/api/stop', { method: 'POST' })).status, 200);
    await page.reload(); // (the status after a stop from outside the page is not streamed)
    await page.getByRole('heading', { name: 'Set up Bootbench' }).waitFor({ timeout: 30_000 });
    await page.getByRole('region', { name: 'Logging in to installed machines' }).waitFor({ timeout: 10_000 });
    await page.getByRole('radio', { name: new RegExp(BRIDGE) }).check();
    await page.getByRole('radio', { name: 'DHCP server', exact: true }).check();
    const pool = page.getByLabel(/Address pool/);
    await pool.fill('10.9.9.10-10.9.9.20');
    await page.getByRole('button', { name: `Start on ${BRIDGE}` }).click();
    await page.locator('input[aria-invalid="true"]').first().waitFor({ timeout: 30_000 });
    assert.equal(await pool.getAttribute('aria-invalid'), 'true');
    const message = await describedError(page, pool, /10\.9\.9\.10-10\.9\.9\.20/);
    assert.doesNotMatch(await message.innerText(), /--pool/);
    const [box, msg] = [await pool.boundingBox(), await message.boundingBox()];
    assert.ok(box && msg && msg.y >= box.y && msg.y - (box.y + box.height) < 40, JSON.stringify({ box, msg }));
    assert.ok(await focused(pool));
    await screenshot(page, 'first-run-pool-error');
    assert.deepEqual(await axeProblems(page, '.first-run'), [], 'first run with the credentials and a pool error passes axe-core');
  });
});
