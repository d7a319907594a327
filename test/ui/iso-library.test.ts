// The ISO library as a technician manages it (issue 18, findings 7 and 8), in Chromium against a
// real `bootbench serve`: a text file is refused in the browser before a byte is sent; the same ISO
// uploaded twice stays one record; Remove confirms and names the file, deletes only Bootbench's own
// upload, and is refused while an install uses the distro; Locate… brings a moved ISO back; an
// upload shows speed, time left and Cancel, and a cancelled upload leaves no partial file; a
// generic ISO's kernel and initrd are edited in the UI, checked against the ISO.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import type { CoreEvent, Distro } from '../../electron/shared/contract.js';
import { buildIso } from '../helpers/iso-build.js';
import { screenshot } from '../helpers/browser.js';
import { rockyIso, startUiLab, type UiLab } from '../helpers/ui-lab.js';

const SUBNET = '10.231.85';
const BRIDGE = 'bbuii0';
const UPLOAD_ROUTE = /\/api\/distros\/upload\//;

describe('the ISO library', { timeout: 600_000 }, () => {
  let lab: UiLab;
  let page: Page;
  let work: string; // ISOs the "user" has on the server's disk
  let rocky: string;
  let generic: string;
  let uploadPuts: string[]; // every upload request the page sent

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'bootbench-isolib-'));
    rocky = rockyIso(work);
    generic = await genericIso(work);
    lab = await startUiLab({ tag: 'isolib', subnet: SUBNET, bridge: BRIDGE });
    page = lab.page;
    uploadPuts = [];
    page.on('request', (r) => {
      if (r.method() === 'PUT' && UPLOAD_ROUTE.test(r.url())) uploadPuts.push(r.url());
    });
  });

  after(async () => {
    await lab?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  const distros = async () => (await lab.api<Distro[]>('/api/distros')).body;
  const events = async () => (await lab.api<CoreEvent[]>('/api/events')).body;
  const uploadEvents = async () => (await events()).filter((e) => e.type === 'log' && e.kind === 'iso.upload');
  const uploadedFiles = () => (existsSync(join(lab.dataDir, 'isos')) ? readdirSync(join(lab.dataDir, 'isos')) : []);
  const row = (text: string | RegExp) => page.locator('tr[data-distro]').filter({ hasText: text });

  /** axe-core on what is open now: no serious or critical violation. */
  async function noSeriousA11yIssues(what: string): Promise<void> {
    const result = await new AxeBuilder({ page } as unknown as ConstructorParameters<typeof AxeBuilder>[0]).analyze();
    const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(
      bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
      [],
      `accessibility of ${what}`,
    );
  }

  async function check(what: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      await screenshot(page, `iso-library-failed-${what}`).catch(() => undefined);
      process.stderr.write(lab.dump());
      throw e;
    }
  }

  test('a .txt file is refused in the browser: "not an ISO image", details folded, no byte uploaded', () =>
    check('txt', async () => {
      const before = (await uploadEvents()).length;
      await page.getByTestId('iso-file-input').setInputFiles({
        name: 'readme.txt',
        mimeType: 'text/plain',
        buffer: Buffer.from('This is not an ISO image.\n'.repeat(2000)),
      });
      const job = page.locator('.import').filter({ hasText: 'readme.txt' });
      await job.getByText('not an ISO image').waitFor({ timeout: 20_000 });
      const details = job.locator('details');
      assert.equal(await details.getAttribute('open'), null, 'the details are folded away');
      await details.getByText('Details').click(); // unfolds on demand
      assert.match(await details.innerText(), /"CD001" at byte 32769/);
      assert.doesNotMatch(await job.innerText(), /isos\/|readme\.txt\.iso/, 'no server path is named');
      // The server saw no upload: no request on its upload route, no upload log, no file.
      assert.deepEqual(uploadPuts, []);
      assert.equal((await uploadEvents()).length, before);
      assert.deepEqual(uploadedFiles(), []);
      await screenshot(page, 'iso-not-an-iso');
    }));

  test('the same ISO uploaded twice is one record, with a warning; the table names the file', () =>
    check('duplicate', async () => {
      await page.getByTestId('iso-file-input').setInputFiles(rocky);
      await page.locator('.import[data-phase="done"]').filter({ hasText: 'Rocky' }).waitFor({ timeout: 60_000 });
      await row('Rocky').waitFor({ timeout: 20_000 });
      await page.getByTestId('iso-file-input').setInputFiles(rocky);
      await page
        .locator('.import')
        .filter({ hasText: /Already in the library as Rocky Linux 9\.4/ })
        .waitFor({ timeout: 60_000 });
      assert.equal(await row('Rocky').count(), 1, 'one row');
      assert.equal((await distros()).filter((d) => d.name === 'Rocky Linux').length, 1, 'one record');
      assert.deepEqual(uploadedFiles(), ['Rocky-9.4-x86_64-dvd.iso'], 'the second copy is not kept');
      await page.getByRole('columnheader', { name: 'File' }).waitFor();
      assert.match(await row('Rocky').innerText(), /Rocky-9\.4-x86_64-dvd\.iso/);
      await screenshot(page, 'iso-duplicate');
    }));

  test('Remove: refused while an install uses it; an upload is deleted after a confirmation naming it; a path import keeps its file', () =>
    check('remove', async () => {
      const rockyId = (await distros()).find((d) => d.name === 'Rocky Linux')?.id ?? '';
      const mac = '52:54:00:85:00:01';
      const queued = await lab.api(`/api/hosts/${mac}/install`, { method: 'POST', body: { distro: rockyId } });
      assert.equal(queued.status, 200, JSON.stringify(queued.body));

      await row('Rocky')
        .getByRole('button', { name: /^Remove Rocky Linux/ })
        .click();
      let dialog = page.getByRole('dialog', { name: /Remove Rocky Linux 9\.4/ });
      await dialog.waitFor({ timeout: 10_000 });
      assert.match(await dialog.innerText(), /Rocky-9\.4-x86_64-dvd\.iso/, 'the confirmation names the file');
      assert.match(await dialog.innerText(), /deleted/);
      await noSeriousA11yIssues('the Remove dialog');
      await page.emulateMedia({ colorScheme: 'dark' });
      await noSeriousA11yIssues('the Remove dialog, dark');
      await screenshot(page, 'iso-remove-dialog-dark');
      await page.emulateMedia({ colorScheme: 'light' });
      await dialog.getByRole('button', { name: 'Remove and delete the file' }).click();
      await dialog
        .getByRole('alert')
        .filter({ hasText: /an install uses it/ })
        .waitFor({ timeout: 10_000 });
      assert.deepEqual(uploadedFiles(), ['Rocky-9.4-x86_64-dvd.iso'], 'nothing deleted');
      await dialog.getByRole('button', { name: 'Keep it' }).click();
      assert.equal(await row('Rocky').count(), 1);

      assert.equal((await lab.api(`/api/hosts/${mac}/cancel`, { method: 'POST' })).status, 200);
      await row('Rocky')
        .getByRole('button', { name: /^Remove Rocky Linux/ })
        .click();
      dialog = page.getByRole('dialog', { name: /Remove Rocky Linux 9\.4/ });
      await dialog.getByRole('button', { name: 'Remove and delete the file' }).click();
      await row('Rocky').waitFor({ state: 'detached', timeout: 20_000 });
      assert.deepEqual(uploadedFiles(), [], 'the uploaded file is deleted');
      assert.equal((await distros()).filter((d) => d.name === 'Rocky Linux').length, 0);

      const byPath = await lab.importIso(generic);
      await page.reload();
      await row(byPath.name)
        .getByRole('button', { name: new RegExp(`^Remove ${byPath.name}`) })
        .click();
      dialog = page.getByRole('dialog', { name: new RegExp(`Remove ${byPath.name}`) });
      assert.match(await dialog.innerText(), /stays where it is/);
      assert.match(await dialog.innerText(), /rescue-kit\.iso/);
      await dialog.getByRole('button', { name: 'Remove from the list' }).click();
      await row(byPath.name).waitFor({ state: 'detached', timeout: 20_000 });
      assert.ok(existsSync(generic), 'an ISO imported by path is never deleted');
    }));

  test('Locate… brings a moved ISO back (and refuses another ISO)', () =>
    check('locate', async () => {
      const from = join(work, 'old-place');
      const to = join(work, 'new-place');
      mkdirSync(from);
      mkdirSync(to);
      copyFileSync(rocky, join(from, 'rocky.iso'));
      const d = await lab.importIso(join(from, 'rocky.iso'));
      renameSync(join(from, 'rocky.iso'), join(to, 'rocky.iso'));
      await page.reload();
      const r = page.locator(`tr[data-distro="${d.id}"]`);
      await r.getByText('Missing').waitFor({ timeout: 20_000 });
      await r.getByRole('button', { name: `Locate ${d.name} ${d.version}…` }).click();
      const field = page.getByLabel(`New path of ${d.name} ${d.version}`);
      await field.fill(generic);
      await page.getByRole('button', { name: 'Use this file' }).click();
      await page
        .getByRole('alert')
        .filter({ hasText: /is not the ISO of/ })
        .waitFor({ timeout: 20_000 });
      assert.equal(await field.getAttribute('aria-invalid'), 'true');
      await noSeriousA11yIssues('the Locate form with an error');
      await field.fill(join(to, 'rocky.iso'));
      await page.getByRole('button', { name: 'Use this file' }).click();
      await r.getByText('OK', { exact: true }).waitFor({ timeout: 20_000 });
      const after = (await distros()).find((x) => x.id === d.id);
      assert.equal(after?.status, 'ok');
      assert.equal(after?.iso, join(to, 'rocky.iso'));
      await screenshot(page, 'iso-located');
    }));

  test('an upload shows speed, time left and Cancel; Cancel leaves no partial file', () =>
    check('cancel', async () => {
      // A real ISO header (so the browser check passes), then 3 GiB of nothing; the upload is throttled.
      const big = join(work, 'big-upload.iso');
      copyFileSync(rocky, big);
      truncateSync(big, 3 * 1024 ** 3);
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput: 4 * 1024 * 1024,
      });
      try {
        await page.getByTestId('iso-file-input').setInputFiles(big);
        const job = page.locator('.import[data-phase="uploading"]').filter({ hasText: 'big-upload.iso' });
        await job.getByText(/\/s/).waitFor({ timeout: 30_000 });
        await job.getByText(/left/).waitFor({ timeout: 30_000 });
        await screenshot(page, 'iso-uploading');
        // The server is receiving: its partial file exists.
        await waitFor(() => uploadedFiles().some((f) => f.endsWith('.part')), 30_000, 'a partial file while uploading');
        await job.getByRole('button', { name: 'Cancel upload of big-upload.iso' }).click();
        await page
          .locator('.import')
          .filter({ hasText: 'big-upload.iso' })
          .getByText(/cancelled/i)
          .waitFor({ timeout: 20_000 });
        await waitFor(() => uploadedFiles().length === 0, 30_000, 'no partial file left');
        assert.ok(!(await distros()).some((d) => d.iso.includes('big-upload')), 'nothing registered');
      } finally {
        await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
        await cdp.detach();
      }
    }));

  test("a generic ISO's kernel and initrd are edited in the UI, checked against the ISO", () =>
    check('boot-files', async () => {
      const d = await lab.importIso(generic);
      assert.equal(d.family, 'generic');
      await page.reload();
      const r = page.locator(`tr[data-distro="${d.id}"]`);
      await r.getByRole('button', { name: `Kernel and initrd of ${d.name}` }).click();
      const kernel = page.getByLabel('Kernel (path inside the ISO)');
      const initrd = page.getByLabel('Initrd (path inside the ISO)');
      assert.equal(await kernel.inputValue(), '/boot/vmlinuz');
      await kernel.fill('/boot/rescue/vmlinuz-typo');
      await initrd.fill('/boot/rescue/initrd-rescue.img');
      await page.getByRole('button', { name: 'Save kernel and initrd' }).click();
      await page
        .getByRole('alert')
        .filter({ hasText: /vmlinuz-typo/ })
        .waitFor({ timeout: 20_000 });
      assert.equal(await kernel.getAttribute('aria-invalid'), 'true');
      await noSeriousA11yIssues('the boot files form with an error');
      assert.equal((await distros()).find((x) => x.id === d.id)?.kernel, '/boot/vmlinuz', 'nothing saved');
      await kernel.fill('/boot/rescue/vmlinuz-rescue');
      await page.getByRole('button', { name: 'Save kernel and initrd' }).click();
      await page.getByText('Saved.').waitFor({ timeout: 20_000 });
      const saved = (await distros()).find((x) => x.id === d.id);
      assert.equal(saved?.kernel, '/boot/rescue/vmlinuz-rescue');
      assert.equal(saved?.initrd, '/boot/rescue/initrd-rescue.img');
      await screenshot(page, 'iso-boot-files');
    }));
});

/** A generic ISO: a kernel and initrd in /boot (found), and a second pair in /boot/rescue (chosen by the user). */
async function genericIso(dir: string): Promise<string> {
  const tree = join(dir, 'rescue-tree');
  mkdirSync(join(tree, 'boot/rescue'), { recursive: true });
  writeFileSync(join(tree, 'boot/vmlinuz'), Buffer.alloc(8192, 1));
  writeFileSync(join(tree, 'boot/initrd.img'), Buffer.alloc(8192, 2));
  writeFileSync(join(tree, 'boot/rescue/vmlinuz-rescue'), Buffer.alloc(8192, 3));
  writeFileSync(join(tree, 'boot/rescue/initrd-rescue.img'), Buffer.alloc(8192, 4));
  const iso = join(dir, 'rescue-kit.iso');
  await buildIso(tree, iso, { volid: 'RESCUE_KIT' });
  return iso;
}

async function waitFor(ok: () => boolean, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
