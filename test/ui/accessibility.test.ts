// Accessibility (issue 18): an axe-core scan of every view of the UI, light and dark, at 1280×800 and
// 900×800, against a real `bootbench serve`, failing on any violation of impact serious or critical
// (WCAG 2.0/2.1 A and AA rules). The views are a table: each row says how a technician gets there
// (`steps`, also the recipe for the screenshots in docs/guide.md, which this test writes to
// test-artifacts/ui/) and does it (`open`). To cover a new view or dialog, add a row.
import { after, afterEach, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { AxeBuilder } from '@axe-core/playwright';
import type { Locator, Page } from 'playwright-core';
import { Lab, randomMac } from '../helpers/netns.js';
import { removeDir, startBootbench, tempDataDir, type RunningBootbench } from '../helpers/bootbench.js';
import { collectPageErrors, launchBrowserIn, screenshot, type LabBrowser } from '../helpers/browser.js';
import { discover, installThrough, rockyIso, startUiLab, type UiLab } from '../helpers/ui-lab.js';
import { PxeClient, reportUrlIn } from '../helpers/pxe-client.js';

const SUBNET = '10.231.86';
const BRIDGE = 'bbuia0';
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const FAILING_IMPACTS = new Set(['serious', 'critical']);
const THEMES = ['light', 'dark'] as const;
const WIDTHS = [1280, 900] as const;
const HEIGHT = 800;

/** A view of the UI: how to reach it from wherever the previous view left the page. */
interface View {
  name: string;
  /** The route, in a technician's words (for docs/guide.md screenshots too). */
  steps: string;
  /** Brings the page to the view from wherever the previous row left it; runs once, then each look is scanned. */
  open(page: Page, machines: Machines): Promise<void>;
}

/** A dialog: how to open it from the page as the views leave it. */
interface DialogRow {
  name: string;
  steps: string;
  /** Clicks what opens the dialog; false when this UI has no such control. */
  trigger(page: Page, machines: Machines): Promise<boolean>;
  /** Closes it leaving nothing changed; by default Escape, then a Cancel, Close or Keep button. */
  close?(dialog: Locator): Promise<void>;
}

/** The machines of the main lab, one in each kind of state a technician meets. */
interface Machines {
  discovered: PxeClient;
  /** Installing, with syslog lines of every level (debug, info, warn, error) on its timeline. */
  installing: PxeClient;
  installed: PxeClient;
  /** Failed: its installer reported a failure with a message. */
  failed: PxeClient;
}

/** The first-run views have no machines. */
const NO_MACHINES = {} as Machines;

const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name, exact: true });

async function closeHostPanel(page: Page): Promise<void> {
  const close = page.getByRole('button', { name: 'Close host panel' });
  if (await close.isVisible()) await close.click();
  await page.locator('.host-panel').waitFor({ state: 'detached', timeout: 10_000 });
}

async function openHostPanel(page: Page, mac: string): Promise<void> {
  await nav(page, 'Machines').click();
  if (!(await page.locator(`.host-panel[data-mac="${mac}"]`).isVisible())) {
    await page.getByRole('button', { name: new RegExp(`Open ${mac}`) }).click();
  }
  await page.locator(`.host-panel[data-mac="${mac}"]`).waitFor({ timeout: 10_000 });
}

/** A control-API call from the page, with its token (as a technician's other tools would set things up). */
async function apiFromPage(page: Page, path: string, method: string, body: unknown): Promise<number> {
  return page.evaluate(
    async ({ path, method, body }) => {
      const token = sessionStorage.getItem('bootbench.token') ?? '';
      const res = await fetch(path, {
        method,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      return res.status;
    },
    { path, method, body },
  );
}

/** The served views (the first-run views have their own server, below). */
const SERVED_VIEWS: readonly View[] = [
  {
    name: 'Machines, host panel of an installed machine',
    steps: 'Machines; a machine discovered and one installed; click the installed one in the list',
    open: async (page, m) => {
      await openHostPanel(page, m.installed.mac);
      await page.locator('.host-panel .badge[data-state="installed"]').waitFor({ timeout: 15_000 });
      await page.getByRole('list', { name: `Timeline of ${m.installed.mac}` }).waitFor();
    },
  },
  {
    name: 'Machines, host panel with its answer-file preview and per-machine settings',
    steps: 'Machines; click the installed machine; open "Settings for this machine"; Preview answer file',
    open: async (page, m) => {
      await openHostPanel(page, m.installed.mac);
      const panel = page.locator(`.host-panel[data-mac="${m.installed.mac}"]`);
      await panel.getByText('Settings for this machine').click();
      await panel.getByRole('button', { name: 'Preview answer file' }).click();
      await panel.locator('.answer-file pre').waitFor({ timeout: 15_000 });
    },
  },
  {
    name: 'Machines, host panel of a discovered machine',
    steps: 'Machines; click the discovered machine',
    open: async (page, m) => {
      await openHostPanel(page, m.discovered.mac);
      await page.locator('.host-panel .badge[data-state="discovered"]').waitFor({ timeout: 15_000 });
    },
  },
  {
    name: 'Machines, host panel of an installing machine',
    steps: 'Machines; click the installing machine (progress, timeline with warnings and errors)',
    open: async (page, m) => {
      await openHostPanel(page, m.installing.mac);
      await page.locator('.host-panel .badge[data-state="installing"]').waitFor({ timeout: 15_000 });
      await page
        .getByRole('list', { name: `Timeline of ${m.installing.mac}` })
        .getByText(/disk nearly full/)
        .waitFor({ timeout: 15_000 });
    },
  },
  {
    name: 'Machines, host panel of a failed machine',
    steps: 'Machines; click the failed machine (its failure reason shown)',
    open: async (page, m) => {
      await openHostPanel(page, m.failed.mac);
      await page.locator('.host-panel .badge[data-state="failed"]').waitFor({ timeout: 15_000 });
    },
  },
  {
    name: 'Machines, host panel with its power settings (IPMI, a password stored) and boot chain',
    steps: 'Machines; click the discovered machine; open "Power settings"; Method IPMI, address, user, password; Save',
    open: async (page, m) => {
      const status = await apiFromPage(page, `/api/hosts/${m.discovered.mac}/power`, 'PUT', {
        method: 'ipmi',
        ipmi: { address: '10.0.0.250', user: 'admin', password: 'a11y-not-shown' },
      });
      assert.equal(status, 200, 'power settings saved');
      await openHostPanel(page, m.discovered.mac);
      const panel = page.locator(`.host-panel[data-mac="${m.discovered.mac}"]`);
      await panel.getByTestId('power-method').filter({ hasText: 'IPMI' }).waitFor({ timeout: 15_000 });
      const details = panel.locator('details.bmc-details');
      if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open))) await details.locator('summary').click();
      await panel.locator('form.bmc-form').getByLabel('BMC address').waitFor({ timeout: 10_000 });
      await panel.getByLabel('Boot chain for this machine').waitFor();
    },
  },
  {
    name: 'Machines, host panel with the Redfish form (plain HTTP refused, then allowed with its warning)',
    steps: 'Machines; click the discovered machine; Power settings; Method Redfish; URL http://…; Save (refused); Allow plain HTTP',
    open: async (page, m) => {
      await openHostPanel(page, m.discovered.mac);
      const form = page.locator(`.host-panel[data-mac="${m.discovered.mac}"] form.bmc-form`);
      await form.getByLabel('Method').selectOption('redfish');
      await form.getByLabel('Redfish URL').fill('http://10.0.0.251');
      await form.getByRole('button', { name: 'Save power settings' }).click();
      await form.locator('[aria-invalid="true"]').first().waitFor({ timeout: 5_000 });
      await form.getByLabel('Allow plain HTTP').check();
      await form.getByText(/cross the network unencrypted/).waitFor();
    },
  },
  {
    name: 'ISO list with an ISO imported (and its finished upload)',
    steps:
      'Open ISO… and choose an ISO (or drop one on the window); the Installers list, with "Import an ISO that is already on the server" open',
    open: async (page) => {
      const isoView = page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: /^(ISOs?|Installers|ISO library)$/ });
      if ((await isoView.count()) > 0) await isoView.click();
      else {
        await nav(page, 'Machines').click();
        await closeHostPanel(page);
      }
      await page.locator('tr[data-distro]').filter({ hasText: 'Rocky' }).waitFor();
      const serverPath = page.locator('details').filter({ hasText: 'Import an ISO that is already on the server' });
      if ((await serverPath.count()) > 0 && !(await serverPath.first().evaluate((d) => (d as HTMLDetailsElement).open))) {
        await serverPath.first().locator('summary').click();
      }
    },
  },
  {
    name: 'Log, every level shown',
    steps: 'Log (top bar); Level "debug and above"',
    open: async (page) => {
      await nav(page, 'Log').click();
      await page.getByRole('list', { name: 'Server log' }).waitFor();
      await page.locator('.log-view').getByLabel('Level').selectOption('debug');
      for (const level of ['debug', 'warn', 'error'])
        await page.locator(`.log-view .logline.level-${level}`).first().waitFor({ timeout: 10_000 });
    },
  },
  {
    name: 'Settings and the template editor, with a template preview',
    steps: 'Settings (top bar); in Answer-file templates, "Preview for" the installed machine, Preview',
    open: async (page, m) => {
      await nav(page, 'Settings').click();
      await page.getByLabel('Time zone').waitFor({ timeout: 10_000 });
      await page.getByLabel('Template', { exact: true }).waitFor({ timeout: 10_000 });
      await page.getByLabel('Preview for').selectOption(m.installed.mac);
      await page.getByRole('button', { name: 'Preview', exact: true }).click();
      await page.locator('.answer-file pre').waitFor({ timeout: 15_000 });
    },
  },
];

/** The dialogs a technician can open. A row whose control opens no dialog in this UI is skipped, saying why. */
const DIALOGS: readonly DialogRow[] = [
  {
    name: 'Stop serving',
    steps: 'Stop (top bar)',
    trigger: async (page) => {
      await nav(page, 'Machines').click();
      await page.getByRole('banner').getByRole('button', { name: /^Stop/ }).first().click();
      return true;
    },
  },
  {
    name: 'Leave Settings with unsaved changes',
    steps: 'Settings (top bar); change Time zone; Machines (top bar) without saving',
    trigger: async (page) => {
      await nav(page, 'Settings').click();
      await page.getByLabel('Time zone').fill('Europe/Paris');
      await nav(page, 'Machines').click();
      return true;
    },
    close: async (dialog) => {
      await dialog.getByRole('button', { name: /^Discard/ }).click();
    },
  },
  {
    name: 'Import an inventory (CSV)',
    steps: 'Machines; Import inventory (CSV)…',
    trigger: async (page) => {
      await nav(page, 'Machines').click();
      await closeHostPanel(page);
      const open = page.getByRole('button', { name: 'Import inventory (CSV)…' });
      if ((await open.count()) === 0) return false;
      await open.click();
      return true;
    },
  },
  {
    // Late: in a UI without a confirmation this queues installs on every machine.
    name: 'Install on the selected machines',
    steps: 'Machines; tick the box of every machine; Install… in the batch bar',
    trigger: async (page) => {
      await nav(page, 'Machines').click();
      await closeHostPanel(page);
      const all = page.getByRole('checkbox', { name: 'Select every machine' });
      if ((await all.count()) === 0) return false;
      await all.check();
      await page.locator('.batch-bar').getByRole('button', { name: 'Install…' }).click();
      return true;
    },
    close: async (dialog) => {
      await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
      await dialog.waitFor({ state: 'hidden', timeout: 5_000 });
      await dialog.page().locator('.batch-bar').getByRole('button', { name: 'Clear selection' }).click();
    },
  },
  {
    // Late: in a UI without a confirmation this queues an install.
    name: 'Install on a discovered machine',
    steps: 'Machines; click the discovered machine; Install',
    trigger: async (page, m) => {
      await openHostPanel(page, m.discovered.mac);
      await page.getByRole('button', { name: 'Install', exact: true }).click();
      return true;
    },
  },
  {
    name: 'Power off a machine',
    steps: 'Machines; click the discovered machine (with power settings); Power off',
    trigger: async (page, m) => {
      await openHostPanel(page, m.discovered.mac);
      const form = page.locator(`.host-panel[data-mac="${m.discovered.mac}"] form.bmc-form`);
      // The Redfish draft of the view above is left unsaved.
      if (await form.getByRole('button', { name: 'Discard' }).isVisible()) await form.getByRole('button', { name: 'Discard' }).click();
      const off = page.locator(`.host-panel[data-mac="${m.discovered.mac}"] .power-actions`).getByRole('button', { name: 'Power off' });
      if ((await off.count()) === 0) return false;
      await off.click();
      return true;
    },
  },
  {
    name: 'Forget a machine',
    steps: 'Machines; click the failed machine; Forget',
    trigger: async (page, m) => {
      await openHostPanel(page, m.failed.mac);
      const forget = page.locator(`.host-panel[data-mac="${m.failed.mac}"]`).getByRole('button', { name: /^Forget/ });
      if ((await forget.count()) === 0) return false;
      await forget.first().click();
      return true;
    },
  },
  {
    // Near the end: in a UI without a confirmation this queues a reinstall (the panel picks the last installer).
    name: 'Reinstall an installed machine',
    steps: 'Machines; click the installed machine; Reinstall',
    trigger: async (page, m) => {
      await openHostPanel(page, m.installed.mac);
      await page.getByRole('button', { name: 'Reinstall', exact: true }).click();
      return true;
    },
  },
  {
    // Last: in a UI without a confirmation this removes the ISO the rows above use.
    name: 'Remove an ISO',
    steps: 'the ISO list; Remove on the Rocky row',
    trigger: async (page) => {
      const isoView = page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: /^(ISOs?|Installers|ISO library)$/ });
      if ((await isoView.count()) > 0) await isoView.click();
      else await nav(page, 'Machines').click();
      const remove = page
        .locator('tr[data-distro]')
        .filter({ hasText: 'Rocky' })
        .getByRole('button', { name: /Remove/ });
      if ((await remove.count()) === 0) return false;
      await remove.first().click();
      return true;
    },
  },
];

const DIALOG = '[role="dialog"]:visible, [role="alertdialog"]:visible, dialog[open]';

/**
 * axe's findings on the page as it is: the serious and critical violations, one precise paragraph
 * each (rule, impact, help, then every element with its selector, markup and what to fix), and the
 * lesser ones in a line each (reported, not failed).
 */
async function axeFindings(page: Page): Promise<{ failing: string[]; lesser: string[] }> {
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const lesser = results.violations
    .filter((v) => !FAILING_IMPACTS.has(v.impact ?? ''))
    .map((v) => `axe [${v.impact}] ${v.id} (${v.nodes.length} element(s), e.g. ${v.nodes[0]?.target.join(' > ')}): ${v.help}`);
  const failing = results.violations
    .filter((v) => FAILING_IMPACTS.has(v.impact ?? ''))
    .map((v) =>
      [
        `[${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})`,
        ...v.nodes.map(
          (n) =>
            `    at ${n.target.map((t) => JSON.stringify(t)).join(' > ')}\n` +
            `       ${n.html.replace(/\s+/g, ' ').slice(0, 200)}\n` +
            `       ${(n.failureSummary ?? '').replace(/\n\s*/g, ' | ')}`,
        ),
      ].join('\n'),
    );
  return { failing, lesser };
}

function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40);
}

/** Brings the page to the view once (`open`), then scans it in each theme and width, one subtest each. */
async function scanEveryLook(t: TestContext, page: Page, name: string, steps: string, open: () => Promise<void>): Promise<void> {
  await page.setViewportSize({ width: WIDTHS[0], height: HEIGHT });
  await page.emulateMedia({ colorScheme: THEMES[0] });
  await open();
  for (const theme of THEMES) {
    for (const width of WIDTHS) {
      await t.test(`${theme}, ${width}×${HEIGHT}`, async (look) => {
        await page.setViewportSize({ width, height: HEIGHT });
        await page.emulateMedia({ colorScheme: theme });
        await screenshot(page, `a11y-${slug(name)}-${theme}-${width}`);
        const { failing: found, lesser } = await axeFindings(page);
        for (const line of lesser) look.diagnostic(line);
        assert.equal(
          found.length,
          0,
          `axe: ${found.length} serious/critical violation(s) in "${name}" (${theme}, ${width}×${HEIGHT}; steps: ${steps}):\n${found.join('\n')}`,
        );
      });
    }
  }
}

describe('accessibility: axe-core finds no serious or critical violation in any view', { timeout: 900_000 }, () => {
  describe('first run (a server started without an interface)', () => {
    let lab: Lab;
    let server: RunningBootbench;
    let dataDir: string;
    let ui: LabBrowser;
    let page: Page;
    let pageErrors: string[];

    before(async () => {
      dataDir = tempDataDir('a11yfr');
      lab = Lab.create('a11yfr');
      lab.segment(BRIDGE, `${SUBNET}.1/24`);
      server = await startBootbench(lab, ['--no-probe'], dataDir);
      const uiUrl = /^UI: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)$/m.exec(server.output())?.[1] ?? '';
      assert.ok(uiUrl, server.output());
      ui = await launchBrowserIn(lab.serverNs, { viewport: { width: 1280, height: HEIGHT } });
      page = ui.page;
      pageErrors = collectPageErrors(page);
      await page.goto(uiUrl);
      await page.getByRole('heading', { name: 'Set up Bootbench' }).waitFor({ timeout: 30_000 });
    });

    let failures = 0;
    afterEach((t) => {
      if ((t as unknown as { passed?: boolean }).passed === false) failures += 1;
    });

    after(async () => {
      if (failures > 0) {
        process.stderr.write(
          `--- page errors\n${pageErrors.join('\n')}\n--- server output (tail)\n${(server?.output() ?? '').slice(-6000)}\n`,
        );
      }
      await ui?.close();
      await server?.stop();
      lab?.destroy();
      if (dataDir) removeDir(dataDir);
    });

    const views: View[] = [
      {
        name: 'First run, interfaces listed',
        steps: 'start Bootbench without an interface; the Set up Bootbench page',
        open: async () => {
          await page.getByRole('radio', { name: new RegExp(BRIDGE) }).waitFor({ timeout: 30_000 });
        },
      },
      {
        name: 'First run, interface chosen with its preflight, a bad pool refused',
        steps: `Set up Bootbench; choose ${BRIDGE}; DHCP server; Address pool "10.0.0.9-10.0.0.1"; Start`,
        open: async () => {
          await page.getByRole('radio', { name: new RegExp(BRIDGE) }).check();
          await page.getByRole('list', { name: `Preflight checks for ${BRIDGE}` }).waitFor({ timeout: 30_000 });
          await page.getByRole('radio', { name: 'DHCP server', exact: true }).check();
          const pool = page.getByLabel(/Address pool/);
          if ((await pool.inputValue()) !== '10.0.0.9-10.0.0.1') {
            await pool.fill('10.0.0.9-10.0.0.1');
            await page.getByRole('button', { name: `Start on ${BRIDGE}` }).click();
          }
          // The refusal: at the field (aria-invalid) in a UI with inline errors, else a note at the top.
          await page.locator('[aria-invalid="true"], [role="alert"]').first().waitFor({ timeout: 15_000 });
        },
      },
    ];
    for (const v of views) test(v.name, (t) => scanEveryLook(t, page, v.name, v.steps, () => v.open(page, NO_MACHINES)));
  });

  describe('serving: a machine discovered, one installed, an ISO imported', () => {
    let lab: UiLab;
    let machines: Machines;
    let broken = false;

    before(async () => {
      lab = await startUiLab({ tag: 'a11y', subnet: SUBNET, bridge: BRIDGE, viewport: { width: 1280, height: HEIGHT } });
      try {
        // Through the file input, as a technician does, so the finished upload is on screen too.
        await lab.page.getByTestId('iso-file-input').setInputFiles(rockyIso(lab.dataDir));
        await lab.page.locator('tr[data-distro]').filter({ hasText: 'Rocky' }).waitFor({ timeout: 60_000 });
        const distros = await lab.api<{ id: string; name: string }[]>('/api/distros');
        const rocky = distros.body.find((d) => /Rocky/.test(d.name));
        assert.ok(rocky, JSON.stringify(distros.body));
        const discovered = lab.client();
        await discover(discovered);
        const installed = lab.client();
        await installThrough(lab, installed, await discover(installed), rocky.id, 'installed');
        const failed = lab.client();
        const failedAnswer = await installThrough(lab, failed, await discover(failed), rocky.id, 'installing');
        const report = reportUrlIn(failedAnswer);
        assert.ok(report, 'the answer file reports to Bootbench');
        assert.equal((await failed.get(`${report}?event=failed&message=${encodeURIComponent('no disk found')}`)).status, 200);
        // Built by hand (as lab.client() does) for its namespace: logger sends each level from there.
        const installingHost = lab.lab.host(lab.seg, { mac: randomMac() });
        const installing = new PxeClient({ lab: lab.lab, host: installingHost, serverIp: lab.seg.serverIp, firmware: 'uefi' });
        await installThrough(lab, installing, await discover(installing), rocky.id, 'installing');
        for (const [priority, line] of [
          ['user.debug', 'probing storage controllers'],
          ['user.warning', 'disk nearly full: 92%'],
          ['user.err', 'package transaction error, retrying'],
        ] as const) {
          // spawnSync with no stdin pipe: lab.exec's stdin pipe threw EPIPE once when a one-shot command exited at once.
          const r = spawnSync(
            'ip',
            [
              'netns',
              'exec',
              installingHost.ns,
              'logger',
              '--server',
              lab.seg.serverIp,
              '--port',
              '514',
              '--udp',
              '--rfc3164',
              '-t',
              'anaconda',
              '-p',
              priority,
              line,
            ],
            { encoding: 'utf8', timeout: 30_000 },
          );
          assert.equal(r.status, 0, r.stderr);
        }
        machines = { discovered, installing, installed, failed };
        for (const [client, state] of [
          [installed, 'installed'],
          [failed, 'failed'],
          [installing, 'installing'],
        ] as const) {
          await lab.page.locator(`tr[data-mac="${client.mac}"] .badge[data-state="${state}"]`).waitFor({ timeout: 15_000 });
        }
      } catch (e) {
        broken = true;
        process.stderr.write(lab.dump());
        throw e;
      }
    });

    let failures = 0;
    afterEach((t) => {
      if ((t as unknown as { passed?: boolean }).passed === false) failures += 1;
    });

    after(async () => {
      // Once, not after every failing look: the server's log is the same for all.
      if (failures > 0 && !broken) process.stderr.write(lab?.dump() ?? '');
      await lab?.close();
    });

    for (const v of SERVED_VIEWS) {
      test(v.name, async (t) => {
        assert.ok(!broken, 'the lab could not be set up (see above)');
        await scanEveryLook(t, lab.page, v.name, v.steps, () => v.open(lab.page, machines));
      });
    }

    for (const d of DIALOGS) {
      test(`dialog: ${d.name}`, async (t) => {
        assert.ok(!broken, 'the lab could not be set up (see above)');
        const page = lab.page;
        await page.setViewportSize({ width: 1280, height: HEIGHT });
        let native = '';
        const onNative = (dialog: { message(): string; dismiss(): Promise<void> }) => {
          native = dialog.message();
          void dialog.dismiss();
        };
        page.on('dialog', onNative);
        try {
          if (!(await d.trigger(page, machines))) return t.skip(`no control opens "${d.name}" in this UI (${d.steps})`);
          const dialog = page.locator(DIALOG).first();
          const opened = await dialog.waitFor({ timeout: 5_000 }).then(
            () => true,
            () => false,
          );
          if (!opened) {
            return t.skip(
              native
                ? `"${d.name}" is the browser's own confirm() ("${native}"), which axe cannot scan`
                : `"${d.name}" opens no dialog in this UI`,
            );
          }
          await scanEveryLook(t, page, `Dialog: ${d.name}`, d.steps, () => dialog.waitFor());
          if (d.close) await d.close(dialog);
          else {
            await page.keyboard.press('Escape');
            if (await dialog.isVisible())
              await dialog
                .getByRole('button', { name: /^(Cancel|Close|Keep)/ })
                .first()
                .click();
          }
          await dialog.waitFor({ state: 'hidden', timeout: 5_000 });
        } finally {
          page.off('dialog', onNative);
        }
      });
    }

    // Last of all: it stops the server.
    const lost: View = {
      name: 'Connection lost (the server stopped under an open page)',
      steps: 'Machines with a host panel open; stop `bootbench serve`',
      open: async (page, m) => {
        await openHostPanel(page, m.installed.mac);
        await lab.server.stop();
        await page
          .getByText(/Lost the connection|reconnecting/)
          .first()
          .waitFor({ timeout: 15_000 });
      },
    };
    test(lost.name, async (t) => {
      assert.ok(!broken, 'the lab could not be set up (see above)');
      await scanEveryLook(t, lab.page, lost.name, lost.steps, () => lost.open(lab.page, machines));
    });
  });
});
