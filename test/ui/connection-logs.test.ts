// Issue 18, findings 4 and 5, as a technician meets them in Chromium against a real server:
// the log view (a long row expands, Copy and Save take every line, a failed import is logged, an
// upload writes no progress lines), then the connection (a killed server shows a banner and
// disables actions within 3 s; the same data folder restarted is reconnected without a reload).
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import type { LogEvent } from '../../electron/shared/contract.js';
import { startBootbench, type RunningBootbench } from '../helpers/bootbench.js';
import { screenshot } from '../helpers/browser.js';
import { discover, rockyIso, startUiLab, type UiLab } from '../helpers/ui-lab.js';

const SUBNET = '10.231.83';
const BRIDGE = 'bbuic0';
const SERVE_ARGS = ['--interface', BRIDGE, '--mode', 'dhcp', '--pool', `${SUBNET}.100-${SUBNET}.199`, '--no-probe'];

/** Serious or critical accessibility problems on the page, in light and dark. */
async function axeProblems(page: Page, disableRules: string[] = []): Promise<string[]> {
  const problems: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const result = await new AxeBuilder({ page }).disableRules(disableRules).analyze();
    for (const v of result.violations)
      if (v.impact === 'serious' || v.impact === 'critical')
        problems.push(
          `${colorScheme} ${v.id}: ${v.nodes
            .map((n) => n.target.join(' '))
            .slice(0, 3)
            .join(', ')}`,
        );
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return problems;
}

describe('connection state and logs', { timeout: 600_000 }, () => {
  let lab: UiLab;
  let page: Page;
  let restarted: RunningBootbench | undefined;

  before(async () => {
    lab = await startUiLab({ tag: 'uiconn', subnet: SUBNET, bridge: BRIDGE });
    page = lab.page;
  });

  afterEach((t) => {
    if ((t as unknown as { passed?: boolean }).passed === false || process.env.BOOTBENCH_TEST_VERBOSE) {
      process.stderr.write(lab.dump());
      if (restarted) process.stderr.write(`--- restarted server output (tail)\n${restarted.output().slice(-4000)}\n`);
    }
  });

  after(async () => {
    await restarted?.stop();
    await lab?.close();
  });

  const logView = async () => {
    await page.getByRole('button', { name: 'Log', exact: true }).click();
    return page.getByRole('list', { name: 'Server log' });
  };

  const serverLog = async (): Promise<LogEvent[]> =>
    (await lab.api<{ type: string }[]>('/api/events')).body.filter((e): e is LogEvent => e.type === 'log');

  test('a failed import is in the log, with the file and the reason', async () => {
    const notIso = join(lab.dataDir, 'readme-not-an-iso.txt');
    writeFileSync(notIso, 'This is a text file, not an ISO image.\n'.repeat(2000));
    const r = await lab.api('/api/distros/import', { method: 'POST', body: { path: notIso } });
    assert.equal(r.status, 400, JSON.stringify(r.body));
    const list = await logView();
    await page.getByTestId('log-search').fill('readme-not-an-iso');
    const line = list.locator('.logline').filter({ hasText: 'readme-not-an-iso.txt' }).first();
    await line.waitFor({ timeout: 10_000 });
    assert.match((await line.getAttribute('class')) ?? '', /level-(error|warn)/, 'said as a problem');
    assert.match(await line.innerText(), /import/i);
    const logged = (await serverLog()).find((e) => e.message.includes('readme-not-an-iso.txt'));
    assert.ok(logged, 'the server log has it too');
    assert.match(logged.message, /CD001|not an ISO|ISO 9660/i, `the reason is given: ${logged.message}`);
    await page.getByTestId('log-search').fill('');
  });

  test('an upload shows a progress bar and writes no progress lines to the log', async () => {
    await page.getByRole('button', { name: 'Machines', exact: true }).click();
    const rocky = rockyIso(lab.dataDir, 'Rocky-9.4-x86_64-dvd-with-a-rather-long-file-name-for-the-log-row-to-overflow-its-width.iso');
    const before = (await serverLog()).at(-1)?.seq ?? 0;
    await page.getByTestId('iso-file-input').setInputFiles(rocky);
    await page.locator('.import[data-phase="done"]').filter({ hasText: 'Rocky' }).waitFor({ timeout: 60_000 });
    const lines = (await serverLog()).filter((e) => e.seq > before);
    assert.ok(
      lines.some((e) => e.kind === 'iso.imported'),
      JSON.stringify(lines.map((e) => e.message)),
    );
    const progress = lines.filter((e) => /receiving|\d+(\.\d+)? MiB of/i.test(e.message));
    assert.deepEqual(
      progress.map((e) => e.message),
      [],
      'no "receiving … MiB" lines',
    );
  });

  test('a long row expands to its full text, by click and by keyboard', async () => {
    const list = await logView();
    await page.getByTestId('log-search').fill('rather-long-file-name');
    const row = list.locator('.logline').filter({ hasText: 'imported' }).first();
    await row.waitFor({ timeout: 10_000 });
    const msg = row.locator('.log-msg');
    const cut = await msg.evaluate((el) => el.scrollWidth > el.clientWidth + 1);
    assert.ok(cut, 'the row is too long for the window (the test needs a cut row)');
    await row.click();
    assert.equal(await row.getAttribute('aria-expanded'), 'true');
    await page.waitForFunction(
      () => {
        const el = document.querySelector('.log-view .logline[aria-expanded="true"] .log-msg');
        return !!el && el.scrollWidth <= el.clientWidth + 1 && el.getBoundingClientRect().height > 22;
      },
      undefined,
      { timeout: 5_000 },
    );
    const full = await msg.innerText();
    assert.match(full, /rather-long-file-name-for-the-log-row-to-overflow-its-width\.iso as "rocky/);
    await screenshot(page, 'log-row-expanded');
    assert.deepEqual(await axeProblems(page), [], 'the log view with an expanded row passes axe');
    // Keyboard: the same row collapses with Enter and opens again with Space.
    await row.focus();
    await page.keyboard.press('Enter');
    assert.equal(await row.getAttribute('aria-expanded'), 'false');
    await page.keyboard.press('Space');
    assert.equal(await row.getAttribute('aria-expanded'), 'true');
    // The arrow keys move between rows (one tab stop for the whole list), Escape folds a row.
    await page.keyboard.press('ArrowUp');
    const above = list.locator('.logline:focus');
    assert.match(await above.innerText(), /received Rocky/, 'ArrowUp focuses the row above');
    await page.keyboard.press('ArrowDown');
    assert.equal(await row.evaluate((el) => el === document.activeElement), true, 'ArrowDown comes back');
    await page.keyboard.press('Escape');
    assert.equal(await row.getAttribute('aria-expanded'), 'false');
    await page.keyboard.press('Enter');
    await page.getByTestId('log-search').fill('');
  });

  test('Copy puts the whole log on the clipboard, Save writes it as a .log file, Pause holds the view', async () => {
    // The service counters follow the traffic live, without a reload.
    await page.getByRole('button', { name: 'Machines', exact: true }).click();
    const dhcpChip = page.locator('[data-service="dhcp"]');
    const countersBefore = await dhcpChip.innerText();
    const client = lab.client('bios');
    await discover(client);
    // Sampled twice a second: the chip may first show the OFFER, then the ACK; within seconds, no reload.
    await page
      .waitForFunction(
        (before) => {
          const text = (document.querySelector('[data-service="dhcp"]') as HTMLElement | null)?.innerText ?? '';
          return text !== before && /acks? [1-9]/.test(text);
        },
        countersBefore,
        { timeout: 5_000 },
      )
      .catch(async () => assert.fail(`the DHCP chip did not count the new client's ACK within 5 s: ${await dhcpChip.innerText()}`));
    const many = Array.from({ length: 90 }, (_, i) => `copy-test line ${String(i + 1).padStart(3, '0')}`);
    await client.syslog(many);
    await logView();
    const total = page.getByTestId('log-count');
    await page.locator('.log-view .logline').filter({ hasText: 'copy-test line 090' }).waitFor({ timeout: 20_000 });
    const shown = Number(/^(\d+)/.exec(await total.innerText())?.[1]);
    const rendered = await page.locator('.log-view .logline').count();
    assert.ok(shown > rendered, `more lines (${shown}) than the list renders (${rendered})`);

    await page.evaluate(() => navigator.clipboard.writeText(''));
    await page.locator('.log-view').getByRole('button', { name: /^Copy/ }).click();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    const lines = copied.trimEnd().split('\n');
    assert.equal(lines.length, shown, 'every shown line, not only the rendered rows');
    for (const text of many) assert.ok(copied.includes(text), `${text} is on the clipboard`);
    const first = lines.find((l) => l.includes('copy-test line 001')) ?? '';
    assert.match(first, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z syslog /, `timestamp and source: ${first}`);
    assert.ok(first.includes(client.mac), `the MAC: ${first}`);

    const download = page.waitForEvent('download', { timeout: 10_000 });
    await page.locator('.log-view').getByRole('button', { name: /^Save/ }).click();
    const file = await download;
    assert.match(file.suggestedFilename(), /\.log$/);
    const saved = readFileSync((await file.path()) ?? '', 'utf8');
    assert.equal(saved.trimEnd(), copied.trimEnd(), 'Save writes what Copy copies');

    // Pause: new lines do not move the list until Resume.
    await page.locator('.log-view').getByRole('button', { name: 'Pause' }).click();
    await client.syslog(['copy-test after pause']);
    await page.getByText(/1 new line/).waitFor({ timeout: 10_000 });
    assert.equal(await page.locator('.log-view .logline').filter({ hasText: 'copy-test after pause' }).count(), 0);
    await page.locator('.log-view').getByRole('button', { name: 'Resume' }).click();
    await page.locator('.log-view .logline').filter({ hasText: 'copy-test after pause' }).waitFor({ timeout: 10_000 });

    // The host's timeline has the same actions.
    await page.getByRole('button', { name: 'Machines', exact: true }).click();
    await page.getByRole('button', { name: new RegExp(`Open ${client.mac}`) }).click();
    const panel = page.locator(`.host-panel[data-mac="${client.mac}"]`);
    await panel.getByRole('list', { name: `Timeline of ${client.mac}` }).waitFor();
    // (the panel has other Save buttons: its power settings)
    const timeline = panel.locator('section.timeline');
    for (const name of [/^Copy/, /^Save/, /^Pause/]) assert.equal(await timeline.getByRole('button', { name }).count(), 1, String(name));
  });

  test('a killed server shows a banner within 3 s and disables actions; restarted, the tab reconnects by itself', async (t) => {
    await page.getByRole('button', { name: 'Machines', exact: true }).click();
    await page.locator('.conn-open').waitFor({ timeout: 10_000 });
    // A machine's panel open (its timeline is checked offline), whatever the tests before did.
    if ((await page.locator('.timeline-list').count()) === 0) {
      if ((await page.locator('tr[data-mac]').count()) === 0) await discover(lab.client('bios'));
      await page
        .locator('tr[data-mac]')
        .first()
        .getByRole('button', { name: /^Open / })
        .click();
      await page.locator('.timeline-list').waitFor({ timeout: 15_000 });
    }
    await page.evaluate(() => ((window as unknown as { bbMarker: number }).bbMarker = 42));
    const firstUrl = lab.uiUrl;
    const banner = page.getByRole('alert').filter({ hasText: /connection/i });
    const killed = Date.now();
    await lab.server.stop();
    await banner.waitFor({ timeout: 3_000 });
    const seenAfter = Date.now() - killed;
    assert.ok(seenAfter <= 3_000, `banner after ${seenAfter} ms`);
    t.diagnostic(`banner shown ${seenAfter} ms after the server was stopped`);
    assert.equal(await page.getByRole('button', { name: 'Open ISO…' }).isDisabled(), true, 'actions are disabled');
    const chip = page.locator('[data-service="dhcp"]');
    assert.match(await chip.innerText(), /unknown/, 'the chip no longer claims "up"');
    assert.doesNotMatch(await chip.innerText(), /\bup\b/);
    await screenshot(page, 'connection-lost');
    // Offline, the actions sit in disabled <fieldset>s; the log lists stay outside them, reachable.
    assert.deepEqual(await axeProblems(page), [], 'the banner and the unknown services pass axe');
    for (const list of [page.getByRole('list', { name: 'Server log' }), page.locator('.timeline-list')]) {
      await list.focus();
      assert.equal(await list.evaluate((el) => el === document.activeElement), true, 'a log list still takes focus offline');
    }

    restarted = await startBootbench(lab.lab, SERVE_ARGS, lab.dataDir);
    const secondUrl = /^UI: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)$/m.exec(restarted.output())?.[1];
    assert.equal(secondUrl, firstUrl, 'same data folder: same port and token');
    const back = Date.now();
    await banner.waitFor({ state: 'detached', timeout: 30_000 });
    t.diagnostic(`reconnected ${Date.now() - back} ms after the restarted server printed its address`);
    await page.locator('.conn-open').waitFor({ timeout: 10_000 });
    await page.locator('[data-service="dhcp"].service-up').waitFor({ timeout: 10_000 });
    assert.equal(await page.getByRole('button', { name: 'Open ISO…' }).isDisabled(), false, 'actions are back');
    assert.equal(await page.evaluate(() => (window as unknown as { bbMarker?: number }).bbMarker), 42, 'no reload');
    const status = await lab.api<{ startedAt: string }>('/api/status');
    assert.equal(status.status, 200, 'the page token still works');
  });
});
