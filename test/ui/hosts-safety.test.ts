// Issue 18, findings 2 and 9, in Chromium against a real `bootbench serve`: destructive actions
// confirm and name what they erase, Cancel gives an installed machine back its local boot, and the
// machine list keeps its order, counts every contact, says when a waiting machine last polled, and
// can be searched, renamed and forgotten.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from 'playwright-core';
import type { Host } from '../../electron/shared/contract.js';
import type { PxeClient, ScriptAction } from '../helpers/pxe-client.js';
import { discover, installThrough, rockyIso, startUiLab, type UiLab } from '../helpers/ui-lab.js';
import { screenshot } from '../helpers/browser.js';

const SUBNET = '10.231.81';
const BRIDGE = 'bbuih0';
const DISK = '/dev/vdb';

/** Serious and critical axe-core violations on the page as it is now, in words for the failure. */
async function axeProblems(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page: page as never }).analyze();
  assert.ok(result.passes.length > 10, 'axe-core ran its rules on the page');
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('the machine list and its destructive actions (issue 18, findings 2 and 9)', { timeout: 900_000 }, () => {
  let lab: UiLab;
  let distroId: string;
  // installed: taken to `installed`; fresh and idle: discovered, waiting in the loop.
  let installed: PxeClient;
  let fresh: PxeClient;
  let idle: PxeClient;
  let installedScript: string;
  let freshWait: ScriptAction;
  let idleWait: ScriptAction;

  const host = async (mac: string): Promise<Host | undefined> => {
    const r = await lab.api<Host[]>('/api/hosts');
    return r.body.find((h) => h.mac === mac);
  };
  const row = (mac: string): Locator => lab.page.locator(`tr[data-mac="${mac}"]`);
  const openPanel = async (mac: string): Promise<Locator> => {
    await row(mac)
      .getByRole('button', { name: new RegExp(`Open .*${mac}`) })
      .click();
    const panel = lab.page.locator(`.host-panel[data-mac="${mac}"]`);
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

  before(async () => {
    lab = await startUiLab({ tag: 'uih', subnet: SUBNET, bridge: BRIDGE });
    const iso = rockyIso(lab.dataDir);
    distroId = (await lab.importIso(iso)).id;
    const set = await lab.api('/api/settings', { method: 'PUT', body: { targetDisk: DISK } });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    installed = lab.client();
    installedScript = await installed.powerOn();
    const first = await installed.script(installedScript);
    assert.equal(first.kind, 'wait');
    await installThrough(lab, installed, first, distroId, 'installed');
    fresh = lab.client();
    freshWait = await discover(fresh);
    idle = lab.client();
    idleWait = await discover(idle);
    await row(idle.mac).waitFor({ timeout: 20_000 });
  });

  afterEach((t) => {
    if ((t as unknown as { passed?: boolean }).passed === false) process.stderr.write(lab.dump());
  });

  after(async () => {
    await lab?.close();
  });

  test('Reinstall is secondary and confirms, naming the machine and the disk; Cancel keeps an installed machine installed', async () => {
    const panel = await openPanel(installed.mac);
    const reinstall = panel.getByRole('button', { name: 'Reinstall', exact: true });
    assert.doesNotMatch((await reinstall.getAttribute('class')) ?? '', /primary/, 'Reinstall is not the filled primary button');
    await reinstall.click();
    const dialog = lab.page.getByRole('dialog');
    await dialog.waitFor({ timeout: 5000 });
    const words = await dialog.innerText();
    assert.match(words, new RegExp(installed.mac), 'the dialog names the MAC');
    assert.match(words, new RegExp(DISK), 'the dialog names the target disk');
    assert.ok(await lab.page.evaluate(() => !!document.activeElement?.closest('[role="dialog"], dialog')), 'focus is inside the dialog');
    await screenshot(lab.page, 'hosts-reinstall-confirm');
    assert.deepEqual(await axeProblems(lab.page), [], 'the dialog, light theme');
    await lab.page.emulateMedia({ colorScheme: 'dark' });
    assert.deepEqual(await axeProblems(lab.page), [], 'the dialog, dark theme');
    await screenshot(lab.page, 'hosts-reinstall-confirm-dark');
    await lab.page.emulateMedia({ colorScheme: 'light' });
    await lab.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden', timeout: 5000 });
    assert.equal((await host(installed.mac))?.state, 'installed', 'Escape queues nothing');

    await reinstall.click();
    await dialog.getByRole('button', { name: /Erase and reinstall/ }).click();
    await waitFor('queued', async () => (await host(installed.mac))?.state === 'queued');
    await panel.getByRole('button', { name: 'Cancel install' }).click();
    await waitFor('installed again', async () => (await host(installed.mac))?.state === 'installed');
    const after = await host(installed.mac);
    assert.equal(after?.install?.failure?.code, 'cancelled', 'the install record says cancelled');
    assert.equal(after?.failureReason, undefined, 'the machine is not marked failed');
    await row(installed.mac).locator('.badge[data-state="installed"]').waitFor({ timeout: 10_000 });
    await panel
      .getByRole('list', { name: `Timeline of ${installed.mac}` })
      .getByText(/cancelled/)
      .first()
      .waitFor({ timeout: 10_000 });
    const next = await installed.script(installedScript);
    assert.equal(next.kind, 'local', `its next network boot boots the local disk: ${JSON.stringify(next)}`);
  });

  test('Install on a never-installed machine confirms too; Cancel puts it back to discovered, waiting', async () => {
    const panel = await openPanel(fresh.mac);
    await panel.getByLabel('Installer').selectOption(distroId);
    const install = panel.getByRole('button', { name: 'Install', exact: true });
    await install.click();
    const dialog = lab.page.getByRole('dialog');
    await dialog.waitFor({ timeout: 5000 });
    assert.match(await dialog.innerText(), new RegExp(`${fresh.mac}[\\s\\S]*${DISK}|${DISK}[\\s\\S]*${fresh.mac}`));
    await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
    await dialog.waitFor({ state: 'hidden', timeout: 5000 });
    assert.equal((await host(fresh.mac))?.state, 'discovered');
    await install.click();
    await dialog.getByRole('button', { name: /Erase and install/ }).click();
    await waitFor('queued', async () => (await host(fresh.mac))?.state === 'queued');
    await panel.getByRole('button', { name: 'Cancel install' }).click();
    await waitFor('discovered again', async () => (await host(fresh.mac))?.state === 'discovered');
    const next = await fresh.script(freshWait.kind === 'wait' ? freshWait.pollUrl : '');
    assert.equal(next.kind, 'wait');
  });

  test('the list order stays the same over 20 DHCP messages', async () => {
    const order = () => lab.page.locator('tr[data-mac]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-mac')));
    const initial = await order();
    assert.equal(initial.length, 3, JSON.stringify(initial));
    const clients = [installed, fresh, idle];
    for (let i = 0; i < 20; i += 1) {
      // Oldest first: the one least recently seen is the one a "latest first" sort moves.
      const c = clients[i % 3]!;
      const before = (await host(c.mac))?.lastSeen ?? '';
      await new Promise((r) => setTimeout(r, 20));
      assert.ok(await c.dhcp(), 'DHCP acknowledged');
      await waitFor('lastSeen moved', async () => ((await host(c.mac))?.lastSeen ?? '') > before);
      const seen = (await host(c.mac))?.lastSeen ?? '';
      await row(c.mac).locator(`[title="${seen}"]`).waitFor({ timeout: 10_000 });
      assert.deepEqual(await order(), initial, `order after DHCP message ${i + 1}`);
    }
  });

  test('last seen moves on an HTTP request and on a syslog line', async () => {
    const seen = async () => (await host(idle.mac))?.lastSeen ?? '';
    const t0 = await seen();
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await idle.get(`http://${lab.seg.serverIp}/no-such-file`)).status, 404);
    await waitFor('lastSeen after HTTP', async () => (await seen()) > t0, 10_000);
    const t1 = await seen();
    await row(idle.mac).locator(`[title="${t1}"]`).waitFor({ timeout: 10_000 });
    await new Promise((r) => setTimeout(r, 1500));
    await idle.syslog(['a line from the machine']);
    await waitFor('lastSeen after syslog', async () => (await seen()) > t1, 10_000);
  });

  test('a waiting machine says when it last polled', async () => {
    assert.equal(idleWait.kind, 'wait');
    if (idleWait.kind !== 'wait') return;
    await idle.script(idleWait.pollUrl);
    await row(idle.mac)
      .getByText(/waiting — polled \d+ s ago/)
      .waitFor({ timeout: 15_000 });
    await screenshot(lab.page, 'hosts-polled');
  });

  test('search by MAC, vendor and IP; rename; forget (refused while installing)', async () => {
    const search = lab.page.getByRole('searchbox', { name: 'Search machines' });
    await search.fill(fresh.mac.slice(-5));
    await waitFor('one row', async () => (await lab.page.locator('tr[data-mac]').count()) === 1);
    assert.equal(await lab.page.locator('tr[data-mac]').getAttribute('data-mac'), fresh.mac);
    await search.fill('qemu');
    await waitFor('three rows', async () => (await lab.page.locator('tr[data-mac]').count()) === 3);
    const ip = (await host(idle.mac))?.ip ?? '';
    await search.fill(ip);
    await waitFor('the row with that IP', async () => (await lab.page.locator('tr[data-mac]').count()) === 1);
    await search.fill('');

    const panel = await openPanel(fresh.mac);
    await panel.getByRole('button', { name: 'Rename' }).click();
    await panel.getByLabel('Name', { exact: true }).fill('rack-3 web');
    await panel.getByRole('button', { name: 'Save name' }).click();
    await waitFor('label stored', async () => (await host(fresh.mac))?.label === 'rack-3 web');
    await row(fresh.mac).getByText('rack-3 web').waitFor({ timeout: 10_000 });
    await search.fill('rack-3');
    await waitFor('found by name', async () => (await lab.page.locator('tr[data-mac]').count()) === 1);
    await search.fill('');
    assert.deepEqual(await axeProblems(lab.page), [], 'the list with names and the panel with Rename and Forget');
    const listed = (await lab.server.cliOk(['hosts'])).split('\n').find((l) => l.startsWith(fresh.mac)) ?? '';
    assert.match(listed, / {2}name: rack-3 web$/, 'bootbench hosts shows the name');

    // Refused while an install is under way, with words that say why.
    const queued = await lab.api(`/api/hosts/${fresh.mac}/install`, { method: 'POST', body: { distro: distroId } });
    assert.equal(queued.status, 200);
    const refused = await lab.api<{ error: { message: string } }>(`/api/hosts/${fresh.mac}`, { method: 'DELETE' });
    assert.equal(refused.status, 409);
    assert.match(refused.body.error.message, /install.*under way|cancel/i);
    assert.equal((await lab.api(`/api/hosts/${fresh.mac}/cancel`, { method: 'POST' })).status, 200);

    await panel.getByRole('button', { name: 'Forget' }).click();
    const dialog = lab.page.getByRole('dialog');
    await dialog.getByRole('button', { name: /Forget/ }).click();
    await row(fresh.mac).waitFor({ state: 'detached', timeout: 10_000 });
    assert.equal(await host(fresh.mac), undefined, 'the host record is gone');

    // The same from the command line.
    assert.equal(await lab.server.cliOk(['rename', idle.mac, 'bench-2']), `${idle.mac}: named bench-2\n`);
    await row(idle.mac).getByText('bench-2').waitFor({ timeout: 10_000 });
    assert.equal(await lab.server.cliOk(['forget', idle.mac]), `${idle.mac}: forgotten\n`);
    await row(idle.mac).waitFor({ state: 'detached', timeout: 10_000 });
    const busy = await lab.api(`/api/hosts/${installed.mac}/install`, { method: 'POST', body: { distro: distroId } });
    assert.equal(busy.status, 200);
    const refusedCli = await lab.server.cli(['forget', installed.mac]);
    assert.equal(refusedCli.code, 1);
    assert.match(refusedCli.stderr, /an install is under way \(queued\)\. Cancel the install first/);
    assert.match(await lab.server.cliOk(['cancel', installed.mac]), /boots its local disk again/);
  });
});
