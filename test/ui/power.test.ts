// Issues 14 and 17 in Chromium against a real `bootbench serve`: a queued machine without power
// settings says "reboot this machine to start"; the BMC form never shows a stored password (not in
// the DOM, not in an input, not in any response the page gets); a refused value is marked at its
// field; Power off confirms; a BMC that does not answer fails in words; Wake-on-LAN set in the form,
// Power on says what it did, and Reinstall now sends `now: true` and puts the power action on the
// timeline; each host's boot chain shown and changed, the global chain in Settings; each distro's
// Secure Boot verdict in the ISO list.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Locator, Request } from 'playwright-core';
import type { CoreEvent, Distro, Host, LogEvent, ServerStatus } from '../../electron/shared/contract.js';
import type { PowerSettingsView } from '../../electron/shared/power.js';
import { screenshot } from '../helpers/browser.js';
import { randomMac } from '../helpers/netns.js';
import { startRedfishBmc, switchMachine, type RedfishBmc } from '../helpers/redfish-bmc.js';
import type { PxeClient } from '../helpers/pxe-client.js';
import { discover, installThrough, rockyIso, startUiLab, type UiLab } from '../helpers/ui-lab.js';

const SUBNET = '10.231.180';
const BRIDGE = 'bbpui0';
// Nothing answers there: a BMC that never answers.
const SILENT_BMC = `${SUBNET}.250`;
const IPMI_PASSWORD = 'pui-Stored-ipmi-5521';
const NEW_PASSWORD = 'pui-Typed-ipmi-8830';
// The test Redfish BMC (test/helpers/redfish-bmc.ts), on the segment, with a self-signed certificate.
const REDFISH_BMC = `${SUBNET}.240`;
const REDFISH_PASSWORD = 'pui-Redfish-pw-4417';

describe('power control and the boot chain in the UI (issues 14 and 17)', { timeout: 1_200_000 }, () => {
  let lab: UiLab;
  let distro: Distro;
  let bmcHost: PxeClient;
  let wolHost: PxeClient;
  let uefiHost: PxeClient;
  let redfish: RedfishBmc | undefined;
  const requests: { method: string; url: string; body: string | null }[] = [];
  const responses: { url: string; body: string }[] = [];

  const host = async (mac: string): Promise<Host | undefined> => (await lab.api<Host[]>('/api/hosts')).body.find((h) => h.mac === mac);
  const row = (mac: string): Locator => lab.page.locator(`tr[data-mac="${mac}"]`);
  const openPanel = async (mac: string): Promise<Locator> => {
    const panel = lab.page.locator(`.host-panel[data-mac="${mac}"]`);
    if (await panel.isVisible()) return panel;
    await row(mac)
      .getByRole('button', { name: new RegExp(`Open .*${mac}`) })
      .click();
    await panel.waitFor({ timeout: 10_000 });
    return panel;
  };
  const openBmcForm = async (panel: Locator): Promise<Locator> => {
    const details = panel.locator('details.bmc-details');
    if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open))) await details.locator('summary').click();
    const form = details.locator('form.bmc-form');
    await form.waitFor({ timeout: 10_000 });
    return form;
  };
  const waitFor = async (what: string, ok: () => Promise<boolean>, ms = 20_000): Promise<void> => {
    const end = Date.now() + ms;
    while (!(await ok())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  const timeline = async (mac: string): Promise<LogEvent[]> => (await lab.api<LogEvent[]>(`/api/hosts/${mac}/timeline?limit=1000`)).body;
  const powerLines = async (mac: string): Promise<LogEvent[]> =>
    (await timeline(mac)).filter((e) => (e.source as string) === 'power' || e.kind.startsWith('power.'));

  before(async () => {
    lab = await startUiLab({ tag: 'pui', subnet: SUBNET, bridge: BRIDGE, viewport: { width: 1280, height: 900 } });
    lab.page.on('request', (r: Request) => {
      // Decoded: the client encodes the MAC in a path (52%3A54%3A…).
      if (new URL(r.url()).pathname.startsWith('/api/'))
        requests.push({ method: r.method(), url: decodeURIComponent(r.url()), body: r.postData() });
    });
    lab.page.on('response', (r) => {
      if (!new URL(r.url()).pathname.startsWith('/api/')) return;
      r.text().then(
        (body) => responses.push({ url: r.url(), body }),
        () => undefined,
      );
    });
    distro = await lab.importIso(rockyIso(lab.dataDir));
    bmcHost = lab.client();
    await discover(bmcHost);
    wolHost = lab.client();
    await discover(wolHost);
    uefiHost = lab.client('uefi');
    await discover(uefiHost);
    await row(uefiHost.mac).waitFor({ timeout: 20_000 });
  });

  afterEach((t) => {
    if ((t as unknown as { passed?: boolean }).passed === false) process.stderr.write(lab.dump());
  });

  after(async () => {
    await redfish?.close().catch(() => undefined);
    await lab?.close();
  });

  test('a machine queued without power settings says "reboot this machine to start", in the list and in its panel', async () => {
    // Registered by the install itself, never seen: nothing but a person can start it.
    const mac = randomMac();
    const queued = await lab.api(`/api/hosts/${mac}/install`, { method: 'POST', body: { distro: distro.id } });
    assert.equal(queued.status, 200, JSON.stringify(queued.body));
    await row(mac).getByText('reboot this machine to start').waitFor({ timeout: 15_000 });
    const panel = await openPanel(mac);
    assert.match(await panel.getByTestId('queued-words').innerText(), /reboot this machine to start/);
    assert.equal(await panel.getByTestId('power-method').innerText(), 'none');
    // No settings yet: the form is open, method None.
    const form = await openBmcForm(panel);
    assert.equal(await form.getByLabel('Method').inputValue(), 'none');
    await screenshot(lab.page, 'power-queued-no-settings');
    await panel.getByRole('button', { name: 'Cancel install' }).click();
    await waitFor('cancelled', async () => (await host(mac))?.state !== 'queued');
    await panel.getByRole('button', { name: 'Close host panel' }).click();
  });

  test('the BMC form never shows a stored password: not in the DOM, an input or any response; typing replaces it', async () => {
    const set = await lab.api<PowerSettingsView>(`/api/hosts/${bmcHost.mac}/power`, {
      method: 'PUT',
      body: { method: 'ipmi', ipmi: { address: SILENT_BMC, user: 'admin', password: IPMI_PASSWORD } },
    });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.equal(set.body.ipmi?.passwordSet, true);
    assert.doesNotMatch(JSON.stringify(set.body), new RegExp(IPMI_PASSWORD), 'the PUT answer has no password');

    await lab.page.reload();
    await lab.page.getByTestId('serving-on').waitFor({ timeout: 30_000 });
    const panel = await openPanel(bmcHost.mac);
    await panel.getByTestId('power-method').filter({ hasText: 'IPMI' }).waitFor({ timeout: 10_000 });
    const form = await openBmcForm(panel);
    assert.equal(await form.getByLabel('BMC address').inputValue(), SILENT_BMC);
    assert.equal(await form.getByLabel('User').inputValue(), 'admin');
    const password = form.getByLabel('Password', { exact: true });
    assert.equal(await password.inputValue(), '', 'the stored password is not in its input');
    assert.equal(await password.getAttribute('placeholder'), 'set — leave empty to keep');
    assert.equal(await password.getAttribute('type'), 'password');
    await screenshot(lab.page, 'power-bmc-form-ipmi');

    const noSecretOnPage = async (secret: string, when: string) => {
      assert.doesNotMatch(await lab.page.content(), new RegExp(secret), `the DOM has no password (${when})`);
      const values = await lab.page.locator('input, textarea, select').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
      assert.ok(!values.includes(secret), `no input holds the password (${when})`);
      await new Promise((r) => setTimeout(r, 300)); // the last responses' bodies
      const leaked = responses.filter((r) => r.body.includes(secret)).map((r) => r.url);
      assert.deepEqual(leaked, [], `no response carries the password (${when})`);
    };
    // The form shows what the page read; its response body reaches `responses` a little later (an
    // async text()), later still on a loaded machine: wait for it, so that the check below sees it.
    const readPower = () => responses.some((r) => new URL(r.url).pathname === `/api/hosts/${bmcHost.mac}/power`);
    for (const until = Date.now() + 15_000; !readPower() && Date.now() < until;) await new Promise((r) => setTimeout(r, 100));
    assert.ok(readPower(), 'the page read the power settings (so the check saw them)');
    await noSecretOnPage(IPMI_PASSWORD, 'after a reload');

    // Another field changed, the password left empty: the update keeps the stored one and sends none.
    await form.getByLabel('User').fill('operator');
    const before = requests.length;
    await form.getByRole('button', { name: 'Save power settings' }).click();
    await form.getByText('Saved.').waitFor({ timeout: 10_000 });
    const put = requests.slice(before).find((r) => r.method === 'PUT' && r.url.endsWith(`/api/hosts/${bmcHost.mac}/power`));
    assert.ok(put?.body, 'the form sent its update');
    assert.deepEqual(JSON.parse(put.body), { method: 'ipmi', ipmi: { address: SILENT_BMC, port: 623, user: 'operator', cipherSuite: 3 } });
    const kept = await lab.api<PowerSettingsView>(`/api/hosts/${bmcHost.mac}/power`);
    assert.equal(kept.body.ipmi?.passwordSet, true, 'the stored password is kept');

    // A typed password replaces it, and the field is empty again after saving.
    await password.fill(NEW_PASSWORD);
    const beforeTyped = requests.length;
    await form.getByRole('button', { name: 'Save power settings' }).click();
    await form.getByText('Saved.').waitFor({ timeout: 10_000 });
    const typed = requests.slice(beforeTyped).find((r) => r.method === 'PUT' && r.url.endsWith('/power'));
    assert.equal(JSON.parse(typed?.body ?? '{}').ipmi?.password, NEW_PASSWORD, 'what is typed is sent once');
    assert.equal(await password.inputValue(), '', 'cleared after saving');
    assert.equal(await password.getAttribute('placeholder'), 'set — leave empty to keep');
    await noSecretOnPage(NEW_PASSWORD, 'after saving a new one');
    await noSecretOnPage(IPMI_PASSWORD, 'after saving a new one');

    // The event stream's backlog (what the page's stream replays) carries neither.
    const events = await lab.api<CoreEvent[]>('/api/events?since=0');
    const all = JSON.stringify(events.body);
    assert.doesNotMatch(all, new RegExp(`${IPMI_PASSWORD}|${NEW_PASSWORD}`), 'no event carries a password');
  });

  test('a value refused before sending is marked at its field, focused, and nothing is sent', async () => {
    const panel = await openPanel(bmcHost.mac);
    const form = await openBmcForm(panel);
    const port = form.getByLabel('Port');
    await port.fill('99999');
    const before = requests.length;
    await form.getByRole('button', { name: 'Save power settings' }).click();
    await form
      .locator('.field-error')
      .filter({ hasText: /1 to 65535/ })
      .waitFor({ timeout: 5000 });
    assert.equal(await port.getAttribute('aria-invalid'), 'true');
    assert.ok(await port.evaluate((el) => el === document.activeElement), 'the focus is on the refused field');
    const describedBy = (await port.getAttribute('aria-describedby')) ?? '';
    const described = await lab.page.evaluate(
      (ids) =>
        ids
          .split(' ')
          .map((id) => document.getElementById(id)?.textContent ?? '')
          .join(' '),
      describedBy,
    );
    assert.match(described, /1 to 65535/, 'the field is described by its error');
    assert.equal(requests.slice(before).filter((r) => r.method === 'PUT').length, 0, 'nothing was sent');
    await form.getByRole('button', { name: 'Discard' }).click();
    assert.equal(await port.inputValue(), '623');
  });

  test('Power off confirms (Cancel sends nothing); Refresh status of a BMC that never answers fails in words, on the timeline', async () => {
    const panel = await openPanel(bmcHost.mac);
    const section = panel.locator('.power-section');
    const names = await section.locator('.power-actions button').allInnerTexts();
    assert.deepEqual(names, ['Power on', 'Power off', 'Power cycle', 'Refresh status']);

    const before = requests.length;
    await section.getByRole('button', { name: 'Power off' }).click();
    const dialog = lab.page.getByRole('dialog');
    await dialog.waitFor({ timeout: 5000 });
    assert.match(await dialog.innerText(), new RegExp(bmcHost.mac));
    assert.ok(await lab.page.evaluate(() => !!document.activeElement?.closest('dialog')), 'focus is inside the dialog');
    await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
    await dialog.waitFor({ state: 'hidden', timeout: 5000 });
    assert.equal(requests.slice(before).filter((r) => /\/power\/off$/.test(r.url)).length, 0, 'Cancel powers nothing off');

    await section.getByRole('button', { name: 'Refresh status' }).click();
    await section.getByRole('status').filter({ hasText: 'Reading the power state…' }).waitFor({ timeout: 5000 });
    assert.equal(await section.getByRole('button', { name: 'Power on' }).isDisabled(), true, 'one action at a time');
    const error = section.getByRole('alert');
    await error.waitFor({ timeout: 180_000 });
    const words = await error.innerText();
    assert.ok(words.trim().length > 10, `the failure in words: ${words}`);
    assert.doesNotMatch(words, new RegExp(`${IPMI_PASSWORD}|${NEW_PASSWORD}`));
    await screenshot(lab.page, 'power-bmc-no-answer');
    await waitFor('the action on the timeline', async () => (await powerLines(bmcHost.mac)).length > 0, 20_000);
  });

  test('Wake-on-LAN set in the form; Power on says what it did; Reinstall now sends now:true and the timeline shows the wake', async () => {
    const panel = await openPanel(wolHost.mac);
    const form = await openBmcForm(panel);
    // By keyboard: the method is a select.
    await form.getByLabel('Method').focus();
    await form.getByLabel('Method').selectOption('wol');
    assert.equal(await form.getByLabel('MAC to wake').inputValue(), wolHost.mac, 'the machine’s own MAC by default');
    assert.equal(await form.getByLabel('SecureOn password').getAttribute('placeholder'), 'not set');
    await form.getByRole('button', { name: 'Save power settings' }).click();
    await panel.getByTestId('power-method').filter({ hasText: 'Wake-on-LAN' }).waitFor({ timeout: 10_000 });
    const section = panel.locator('.power-section');
    assert.deepEqual(await section.locator('.power-actions button').allInnerTexts(), ['Power on'], 'Wake-on-LAN only wakes');

    await section.getByRole('button', { name: 'Power on' }).click();
    await section
      .getByRole('status')
      .filter({ hasText: /^Power on: / })
      .waitFor({ timeout: 60_000 });
    await waitFor('the wake on the timeline', async () => (await powerLines(wolHost.mac)).length > 0, 20_000);
    const wakes = (await powerLines(wolHost.mac)).length;

    // Installed, then Reinstall now from the panel.
    const first = await wolHost.script(await wolHost.powerOn());
    await installThrough(lab, wolHost, first, distro.id, 'installed');
    await panel.locator('.badge[data-state="installed"]').waitFor({ timeout: 15_000 });
    await panel.getByRole('button', { name: 'Reinstall', exact: true }).click();
    const dialog = lab.page.getByRole('dialog');
    await dialog.waitFor({ timeout: 5000 });
    const now = dialog.getByRole('checkbox', { name: 'Reinstall now (wake it with Wake-on-LAN)' });
    assert.equal(await now.isChecked(), false, 'not by default: it is a choice');
    await now.check();
    await screenshot(lab.page, 'power-reinstall-now');
    const before = requests.length;
    await dialog.getByRole('button', { name: 'Erase and reinstall now' }).click();
    await waitFor('queued', async () => (await host(wolHost.mac))?.state === 'queued');
    const install = requests.slice(before).find((r) => r.method === 'POST' && r.url.endsWith(`/api/hosts/${wolHost.mac}/install`));
    assert.equal(JSON.parse(install?.body ?? '{}').now, true, 'Reinstall now sends now: true');
    await waitFor('the wake of Reinstall now on the timeline', async () => (await powerLines(wolHost.mac)).length > wakes, 30_000);
    await panel
      .getByRole('list', { name: `Timeline of ${wolHost.mac}` })
      .locator('.logline .log-source.src-power')
      .first()
      .waitFor({ timeout: 15_000 });
    // It does not poll (the scripted client is not running its loop): the panel says what it waits for.
    await panel.getByTestId('queued-words').filter({ hasText: 'Power on wakes it' }).waitFor({ timeout: 60_000 });
    await panel.getByRole('button', { name: 'Cancel install' }).click();
    await waitFor('installed again', async () => (await host(wolHost.mac))?.state === 'installed');
  });

  test('each host shows its boot chain, and its own setting changes it; the global chain is in Settings', async () => {
    const h = await host(uefiHost.mac);
    assert.ok(h?.chain, `the server reports the host's chain: ${JSON.stringify(h)}`);
    await row(uefiHost.mac).locator('.chain').filter({ hasText: 'iPXE' }).waitFor({ timeout: 10_000 });
    const panel = await openPanel(uefiHost.mac);
    assert.match(await panel.getByTestId('host-chain').innerText(), /iPXE[\s\S]*Follows the global setting/);
    const select = panel.getByLabel('Boot chain for this machine');
    await select.selectOption('signed');
    await panel.getByRole('button', { name: 'Set chain' }).click();
    await waitFor('signed', async () => (await host(uefiHost.mac))?.chain === 'signed');
    assert.equal((await host(uefiHost.mac))?.chainOverride, 'signed');
    await panel
      .getByTestId('host-chain')
      .filter({ hasText: /Signed \(Secure Boot\)[\s\S]*Set for this machine/ })
      .waitFor({ timeout: 10_000 });
    await row(uefiHost.mac).locator('.chain').filter({ hasText: 'Signed (Secure Boot)' }).waitFor({ timeout: 10_000 });
    await screenshot(lab.page, 'chain-host-signed');
    await select.selectOption('');
    await panel.getByRole('button', { name: 'Set chain' }).click();
    await waitFor('back to the global setting', async () => !(await host(uefiHost.mac))?.chainOverride);

    await lab.page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Settings', exact: true }).click();
    const global = lab.page.getByLabel('Boot chain for every machine');
    await global.waitFor({ timeout: 10_000 });
    const initial = (await lab.api<ServerStatus>('/api/status')).body.chain;
    assert.equal(await global.inputValue(), initial);
    await global.selectOption('signed');
    await lab.page.getByRole('button', { name: 'Save boot chain' }).click();
    await waitFor('the global chain saved', async () => (await lab.api<ServerStatus>('/api/status')).body.chain === 'signed');
    await screenshot(lab.page, 'chain-settings');
    await global.selectOption(initial ?? 'auto');
    await lab.page.getByRole('button', { name: 'Save boot chain' }).click();
    await waitFor('the global chain restored', async () => (await lab.api<ServerStatus>('/api/status')).body.chain === initial);
    await lab.page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Machines', exact: true }).click();
  });

  test('the ISO list says per distro whether it boots under Secure Boot, and why not', async () => {
    const d = (await lab.api<Distro[]>('/api/distros')).body.find((x) => x.id === distro.id);
    assert.equal(typeof d?.secureBoot, 'boolean', `the server reports the verdict: ${JSON.stringify(d)}`);
    const cell = lab.page.locator(`tr[data-distro="${distro.id}"] [data-testid="secure-boot"]`);
    await cell.waitFor({ timeout: 10_000 });
    const words = await cell.innerText();
    if (d?.secureBoot) assert.match(words, /^Yes/);
    else {
      assert.match(words, /^No/);
      assert.ok(d?.secureBootReason && words.includes(d.secureBootReason), `the reason is shown: ${words}`);
    }
    await screenshot(lab.page, 'iso-secure-boot');
  });

  test('Redfish: the pinned certificate shown; a changed one shows both fingerprints, and Accept new certificate (confirmed) trusts it', async () => {
    const bmcNs = lab.lab.host(lab.seg, { cidr: `${REDFISH_BMC}/24` });
    redfish = await startRedfishBmc({ user: 'admin', password: REDFISH_PASSWORD, machine: switchMachine(), ns: bmcNs.ns });
    const first = redfish.fingerprint();
    const set = await lab.api(`/api/hosts/${bmcHost.mac}/power`, {
      method: 'PUT',
      body: { method: 'redfish', redfish: { url: redfish.url(REDFISH_BMC), user: 'admin', password: REDFISH_PASSWORD } },
    });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    const panel = await openPanel(bmcHost.mac);
    await panel.getByTestId('power-method').filter({ hasText: 'Redfish' }).waitFor({ timeout: 10_000 });
    const section = panel.locator('.power-section');
    await section.getByRole('button', { name: 'Refresh status' }).click();
    await section
      .getByRole('status')
      .filter({ hasText: /^Refresh status: / })
      .waitFor({ timeout: 60_000 });
    await panel.getByTestId('pinned-fingerprint').filter({ hasText: first }).waitFor({ timeout: 10_000 });
    await panel
      .getByTestId('power-state')
      .filter({ hasText: /^(on|off) / })
      .waitFor({ timeout: 10_000 });

    const second = redfish.rotateCertificate();
    await section.getByRole('button', { name: 'Refresh status' }).click();
    await section.locator('.note-error').waitFor({ timeout: 60_000 });
    const warning = panel.locator('.certificate .note-warn');
    await warning.waitFor({ timeout: 10_000 });
    const words = await warning.innerText();
    assert.ok(words.includes(first) && words.includes(second), `both fingerprints: ${words}`);
    await screenshot(lab.page, 'power-redfish-certificate-changed');
    await warning.getByRole('button', { name: 'Accept new certificate' }).click();
    const dialog = lab.page.getByRole('dialog');
    await dialog.waitFor({ timeout: 5000 });
    assert.match(await dialog.innerText(), new RegExp(second));
    await dialog.getByRole('button', { name: 'Accept new certificate' }).click();
    await panel.getByTestId('pinned-fingerprint').filter({ hasText: second }).waitFor({ timeout: 10_000 });
    assert.equal(await warning.count(), 0, 'the warning is gone');
    await section.getByRole('button', { name: 'Refresh status' }).click();
    await section
      .getByRole('status')
      .filter({ hasText: /^Refresh status: / })
      .waitFor({ timeout: 60_000 });
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(
      responses.filter((r) => r.body.includes(REDFISH_PASSWORD)).map((r) => r.url),
      [],
      'no response carries the Redfish password',
    );
    assert.doesNotMatch(await lab.page.content(), new RegExp(REDFISH_PASSWORD));
  });
});
