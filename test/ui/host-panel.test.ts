// Issue 18, findings 3 and 10, in Debian's Chromium at 900×800 against a real `bootbench serve`:
// the host panel opens in view and takes focus, Install is two Tabs away and Escape closes it; an
// install's progress says its stage, elapsed time and stall deadline in words; a finished install
// changes the window title and is announced through an aria-live region; the service chips have
// accessible names.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { screenshot } from '../helpers/browser.js';
import { reportUrlIn, type PxeClient } from '../helpers/pxe-client.js';
import { discover, installThrough, rockyIso, startUiLab, type UiLab } from '../helpers/ui-lab.js';

const SUBNET = '10.231.82';
const BRIDGE = 'bbuip0';
const VIEWPORT = { width: 900, height: 800 };

/** Whether the focused element is inside `selector` (and which element it is, for the message). */
async function focusIn(page: Page, selector: string): Promise<{ inside: boolean; what: string }> {
  return page.evaluate((sel) => {
    const el = document.activeElement;
    return { inside: !!el && !!document.querySelector(sel)?.contains(el), what: el ? el.outerHTML.slice(0, 120) : 'none' };
  }, selector);
}

describe('the host panel: in view, keyboard path, progress in words, announcements', { timeout: 600_000 }, () => {
  let lab: UiLab;
  let distroId: string;
  const clients: PxeClient[] = [];
  const waits: Awaited<ReturnType<typeof discover>>[] = [];

  before(async () => {
    lab = await startUiLab({ tag: 'uipanel', subnet: SUBNET, bridge: BRIDGE, viewport: VIEWPORT });
    distroId = (await lab.importIso(rockyIso(lab.dataDir))).id;
    // Three machines, as in the issue.
    for (let i = 0; i < 3; i += 1) {
      const c = lab.client();
      clients.push(c);
      waits.push(await discover(c));
    }
    for (const c of clients) await lab.page.locator(`tr[data-mac="${c.mac}"]`).waitFor({ timeout: 30_000 });
  });

  afterEach((t) => {
    if ((t as unknown as { passed?: boolean }).passed === false || process.env.BOOTBENCH_TEST_VERBOSE) process.stderr.write(lab.dump());
  });

  after(async () => {
    await lab?.close();
  });

  const openButton = (mac: string) => lab.page.getByRole('button', { name: new RegExp(`^Open ${mac}`) });
  const panelOf = (mac: string) => lab.page.locator(`.host-panel[data-mac="${mac}"]`);

  test('at 900×800 a clicked machine opens its panel in view, Install visible, focus inside it', async () => {
    const { page } = lab;
    const mac = clients[0]!.mac;
    await openButton(mac).click();
    const panel = panelOf(mac);
    await panel.waitFor({ timeout: 10_000 });
    // Let a scroll or a transition settle before measuring.
    await page.waitForTimeout(500);
    const box = await panel.boundingBox();
    assert.ok(box, 'the panel is rendered');
    assert.ok(box.y >= 0 && box.y < VIEWPORT.height / 2, `the panel's top is in the upper half of the window: y = ${box.y}`);
    const install = panel.getByRole('button', { name: 'Install', exact: true });
    const ib = await install.boundingBox();
    assert.ok(ib, 'Install is rendered');
    assert.ok(ib.y >= 0 && ib.y + ib.height <= VIEWPORT.height, `Install is inside the window: y = ${ib.y}..${ib.y + ib.height}`);
    const focus = await focusIn(page, `.host-panel[data-mac="${mac}"]`);
    assert.ok(focus.inside, `focus moved into the panel, not left on ${focus.what}`);
    await screenshot(page, 'panel-900');
  });

  test('after opening a host from the keyboard, Install is ≤ 2 Tabs away, and Escape closes the panel and returns to the row', async () => {
    const { page } = lab;
    const mac = clients[1]!.mac;
    await openButton(mac).focus();
    await page.keyboard.press('Enter');
    const panel = panelOf(mac);
    await panel.waitFor({ timeout: 10_000 });
    const install = panel.getByRole('button', { name: 'Install', exact: true });
    const isInstall = () => install.evaluate((el) => el === document.activeElement);
    let tabs = 0;
    while (!(await isInstall()) && tabs < 2) {
      await page.keyboard.press('Tab');
      tabs += 1;
    }
    const where = await focusIn(page, 'body');
    assert.ok(await isInstall(), `Install is focused within 2 Tabs (after ${tabs}, focus is on ${where.what})`);
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached', timeout: 5000 });
    const back = await openButton(mac).evaluate((el) => el === document.activeElement);
    assert.ok(back, `focus returned to the row: ${(await focusIn(page, 'body')).what}`);
  });

  test('progress in words (stage, elapsed, when a stall fails it); on installed the title changes and an aria-live region announces it', async () => {
    const { page } = lab;
    const client = clients[2]!;
    const mac = client.mac;
    const titleBefore = await page.title();
    const answer = await installThrough(lab, client, waits[2]!, distroId, 'installing');
    await page.locator(`tr[data-mac="${mac}"] .badge[data-state="installing"]`).waitFor({ timeout: 15_000 });
    await openButton(mac).click();
    const panel = panelOf(mac);
    await panel.waitFor({ timeout: 10_000 });

    const progress = panel.getByRole('progressbar');
    const valuetext = (await progress.getAttribute('aria-valuetext')) ?? '';
    assert.match(valuetext, /installing/i, `aria-valuetext names the stage: "${valuetext}"`);
    assert.match(valuetext, /\d+\s?%/, `aria-valuetext has a percentage: "${valuetext}"`);
    const words = await panel.locator('[data-testid="install-progress"]').innerText();
    assert.match(words, /Installing/, `the stage in words: ${words}`);
    assert.match(words, /\d+ ?(s|min)\b.*elapsed|elapsed.*\d+ ?(s|min)\b/is, `the elapsed time: ${words}`);
    assert.match(words, /fail/i, `when a stall fails the install: ${words}`);
    // The deadline shown is the server's, in the host's install record.
    const hosts = await lab.api<{ mac: string; install?: { deadline: string | null } | null }[]>('/api/hosts');
    const record = hosts.body.find((h) => h.mac === mac);
    assert.ok(record?.install?.deadline, `the install has a deadline: ${JSON.stringify(record)}`);
    await screenshot(page, 'panel-progress');

    const report = reportUrlIn(answer);
    assert.ok(report, 'the answer file reports to Bootbench');
    assert.equal((await client.get(`${report}?event=installed`)).status, 200);
    await panel.locator('.host-head .badge[data-state="installed"]').waitFor({ timeout: 15_000 });
    await page.waitForFunction(
      ({ before, mac }) => document.title !== before && /installed/i.test(document.title) && document.title.includes(mac),
      { before: titleBefore, mac },
      { timeout: 10_000 },
    );
    const live = page
      .locator('[aria-live="polite"], [aria-live="assertive"]')
      .filter({ hasText: new RegExp(`installed[\\s\\S]*${mac}|${mac}[\\s\\S]*installed`, 'i') });
    await live.first().waitFor({ state: 'attached', timeout: 10_000 });
  });

  test('the service chips have accessible names: service, state, address and counters', async () => {
    const { page } = lab;
    const services = page.getByRole('list', { name: 'Services' });
    const dhcp = services.getByRole('listitem', { name: /^DHCP: up\b/ });
    await dhcp.waitFor({ timeout: 5000 });
    const name = (await dhcp.getAttribute('aria-label')) ?? '';
    assert.match(name, new RegExp(`${SUBNET.replaceAll('.', '\\.')}\\.1`), `the name says where it listens: "${name}"`);
    // After a reload the counters are fresh: three machines got offers.
    await page.reload();
    await page.getByTestId('serving-on').filter({ hasText: BRIDGE }).waitFor({ timeout: 60_000 });
    const fresh = (await services.getByRole('listitem', { name: /^DHCP: up\b/ }).getAttribute('aria-label')) ?? '';
    assert.match(fresh, /\b[1-9]\d* offers\b/, `the name counts offers in words: "${fresh}"`);
    await services.getByRole('listitem', { name: /^TFTP: up\b/ }).waitFor({ timeout: 5000 });
  });

  test('axe: the open panel with a running install, and the service chips, at 900 px in light and dark: no serious or critical violations', async () => {
    const { page } = lab;
    const client = clients[0]!;
    await installThrough(lab, client, waits[0]!, distroId, 'booting');
    await page.locator(`tr[data-mac="${client.mac}"] .badge[data-state="booting"]`).waitFor({ timeout: 15_000 });
    await openButton(client.mac).click();
    await panelOf(client.mac).getByTestId('install-progress').waitFor({ timeout: 10_000 });
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      // The timeline's log lines are the log view's (issue 18, finding 5), scanned with it.
      const result = await new AxeBuilder({ page }).include('.host-panel').include('.services').exclude('.host-panel .vlist').analyze();
      const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(
        bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
        [],
        `${colorScheme}: no serious or critical violations`,
      );
      await screenshot(page, `panel-booting-${colorScheme}`);
    }
    await page.emulateMedia({ colorScheme: 'light' });
  });
});
