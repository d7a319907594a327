// First boot (issue 19): the one-shot unit every shipped answer file installs, where each format
// puts it, and the token rules of its report (once, only after `installed`, never another event),
// with the overdue warning driven by a fake clock.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ANSWER_TEMPLATE_NAMES, type CoreEvent, type Distro, type LogEvent } from '../../../electron/shared/contract.js';
import { EventBus } from '../../../electron/core/events.js';
import { HostRegistry } from '../../../electron/core/hosts/registry.js';
import { buildAnswerContext, renderAnswerFile } from '../../../electron/core/install/answer-files.js';
import { createAnswerRenderer } from '../../../electron/core/install/answers.js';
import {
  FIRST_BOOT_SCRIPT_PATH,
  firstBootScript,
  firstBootSetup,
  firstBootUnit,
  readFirstBootReport,
} from '../../../electron/core/install/first-boot.js';
import type { InstallLibrary } from '../../../electron/core/install/install-media.js';
import { stageLimits } from '../../../electron/core/install/limits.js';
import { InstallManager } from '../../../electron/core/install/manager.js';
import { SettingsStore } from '../../../electron/core/install/settings-store.js';
import { sampleInputs, TemplateStore } from '../../../electron/core/install/template-store.js';
import { validateAnswerFile } from '../../../electron/core/install/validate/index.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const URL_ = 'http://192.0.2.1/install/TOKEN/report?event=first-boot';

/** The base64 texts a setup command writes, by destination. */
function decodeSetup(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/echo ([A-Za-z0-9+/=]+) \| base64 -d > (\/\S+)/g))
    out.set(m[2]!, Buffer.from(m[1]!, 'base64').toString('utf8'));
  return out;
}

describe('the unit and its script', () => {
  test('the setup line writes the script and the unit and enables it by its symlink', () => {
    const setup = firstBootSetup(URL_);
    assert.doesNotMatch(setup, /\n|'/, 'one line, no quote: it fits any format');
    const files = decodeSetup(setup);
    assert.equal(files.get(FIRST_BOOT_SCRIPT_PATH), firstBootScript(URL_));
    assert.equal(files.get('/etc/systemd/system/bootbench-first-boot.service'), firstBootUnit());
    assert.match(
      setup,
      /ln -sf \/etc\/systemd\/system\/bootbench-first-boot\.service \/etc\/systemd\/system\/multi-user\.target\.wants\/bootbench-first-boot\.service$/,
    );
  });

  test('the unit is a oneshot after the network; the script parses, retries, and removes the unit when answered', () => {
    const unit = firstBootUnit();
    assert.match(unit, /^Type=oneshot$/m);
    assert.match(unit, /^After=network-online\.target$/m);
    assert.match(unit, /^WantedBy=multi-user\.target$/m);
    const script = firstBootScript("http://x/it's?event=first-boot");
    assert.match(script, /^url='http:\/\/x\/it'\\''s\?event=first-boot'$/m, 'the URL is shell-quoted');
    for (const shell of ['sh', 'bash']) {
      const r = spawnSync(shell, ['-n'], { input: script, encoding: 'utf8' });
      assert.equal(r.status, 0, `${shell} -n: ${r.stderr}`);
    }
    assert.match(script, /--data-urlencode "hostname=\$name" --data-urlencode "kernel=\$kernel"/);
    assert.match(
      script,
      /200\|404\|409\|refused\)[\s\S]*rm -f \/etc\/systemd\/system\/multi-user\.target\.wants\/bootbench-first-boot\.service/,
    );
  });

  test('a report is cut to what a host name and a kernel release can be', () => {
    const r = readFirstBootReport(new URLSearchParams('hostname=web-01.lab%0Aevil&kernel=6.1.0-18-amd64%20x'));
    assert.deepEqual(r, { hostname: 'web-01.labevil', kernel: '6.1.0-18-amd64x' });
    assert.deepEqual(readFirstBootReport(new URLSearchParams('')), { hostname: 'unknown host', kernel: 'unknown' });
  });
});

describe('every shipped template installs the unit in the installed system, and still validates', () => {
  for (const name of ANSWER_TEMPLATE_NAMES) {
    test(name, async () => {
      const templates = await TemplateStore.open(await mkdtemp(join(tmpdir(), 'bootbench-fb-')));
      for (const input of sampleInputs(name)) {
        const rendered = renderAnswerFile({ name, template: templates.compiled(name) }, buildAnswerContext(input)).text;
        assert.deepEqual(validateAnswerFile(name, rendered).problems, [], `${name} validates`);
        // AutoYaST's script is XML text: read it as YaST will.
        const text = name === 'autoyast' ? rendered.replace(/&gt;/g, '>').replace(/&amp;/g, '&') : rendered;
        const report = `${input.urls.report}?event=first-boot`;
        assert.equal(decodeSetup(text).get(FIRST_BOOT_SCRIPT_PATH), firstBootScript(report), 'the script reports to this install');
        const setupAt = text.indexOf('mkdir -p /usr/local/sbin');
        assert.ok(setupAt > 0 && setupAt < text.lastIndexOf('event=installed'), 'installed before the last report');
        const line = text.slice(text.lastIndexOf('\n', setupAt) + 1, text.indexOf('\n', setupAt));
        switch (name) {
          case 'kickstart': {
            // a chrooted %post (no --nochroot): it runs in the installed system
            const header =
              text
                .slice(0, setupAt)
                .match(/^%post.*$/gm)
                ?.pop() ?? '';
            assert.equal(header, '%post --log=/root/bootbench-first-boot.log');
            break;
          }
          case 'preseed':
            assert.match(line, /^ {2}in-target sh -c 'mkdir -p .*' \|\| true; \\$/);
            break;
          case 'autoinstall':
            assert.match(line, /^ {4}- "curtin in-target --target=\/target -- sh -c 'mkdir -p .*' \|\| true"$/);
            break;
          case 'autoyast': {
            const script = text.slice(text.lastIndexOf('<script>', setupAt), setupAt);
            assert.match(script, /<chrooted config:type="boolean">true<\/chrooted>/);
            break;
          }
        }
      }
    });
  }
});

// ------------------------------------------------------------------ the manager's token rules

const distro: Distro = {
  id: 'rocky-9.4-x86_64',
  family: 'rhel',
  name: 'Rocky Linux',
  version: '9.4',
  arch: 'x86_64',
  variant: null,
  kernel: 'images/pxeboot/vmlinuz',
  initrd: 'images/pxeboot/initrd.img',
  kernelArgs: '',
  iso: '/nowhere/rocky.iso',
  isoSize: 1,
  isoMtime: '2026-01-01T00:00:00.000Z',
  volumeId: 'ROCKY',
  status: 'ok',
  evidence: [],
  importedAt: '2026-01-01T00:00:00.000Z',
  sha256: null,
  secureBoot: false,
  secureBootReason: null,
  boot: 'installer',
  bootReason: null,
};
const library: InstallLibrary = {
  get: (id) => (id === distro.id ? distro : undefined),
  openInside: async () => ({ ok: true, file: { close: async () => undefined } }) as never,
};

async function start(dir: string, clock: { now: number }) {
  const bus = new EventBus();
  const hosts = await HostRegistry.open(dir, bus, { saveDelayMs: 0 });
  const answers = createAnswerRenderer({ settings: await SettingsStore.open(dir), templates: await TemplateStore.open(dir) });
  const installs = await InstallManager.open({
    dataDir: dir,
    bus,
    hosts,
    library,
    answers,
    serverIp: '10.0.0.1',
    httpBase: 'http://10.0.0.1',
    syslogPort: 514,
    macForIp: () => null,
    clock: () => new Date(clock.now),
    limits: stageLimits({ firstboot: 60_000 }),
    tickMs: 10,
  });
  const lines: LogEvent[] = [];
  bus.subscribe((e: CoreEvent) => {
    if (e.type === 'log') lines.push(e);
  });
  return {
    hosts,
    installs,
    lines,
    async stop() {
      await installs.close();
      await hosts.flush();
    },
  };
}

async function queued(s: Awaited<ReturnType<typeof start>>, mac: string): Promise<string> {
  s.hosts.expect(mac);
  await s.installs.queue(mac, { distro: distro.id });
  const answer = await s.installs.answerFor(mac);
  const token = /\/install\/([A-Za-z0-9_-]+)\/report/.exec(answer?.text ?? '')?.[1];
  assert.ok(token, 'the kickstart names its report URL');
  return token;
}

const report = { hostname: 'node-1', kernel: '5.14.0-427.13.1.el9_4.x86_64' };
const tick = () => new Promise((r) => setTimeout(r, 60));

describe('the first-boot report under the install token', () => {
  test('only after installed, only once; other reports stay refused; confirmed on the host and its timeline', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bootbench-fb-'));
    dirs.push(dir);
    const clock = { now: Date.parse('2026-03-01T10:00:00Z') };
    const s = await start(dir, clock);
    const mac = '52:54:00:fb:00:01';
    const token = await queued(s, mac);
    assert.equal(s.hosts.get(mac)?.firstBoot, null);
    assert.equal(s.installs.confirmFirstBoot(token, report).outcome, 'not-installed', 'before installed: too early');
    s.installs.observe(mac, { type: 'report', event: 'installed' });
    assert.equal(s.installs.byTokenOf(token), null, 'installed: no other report is taken under the token');
    assert.equal(s.installs.confirmFirstBoot('x'.repeat(24), report).outcome, 'unknown-token');

    clock.now += 5_000;
    assert.deepEqual(s.installs.confirmFirstBoot(token, report), { outcome: 'confirmed', mac });
    const host = s.hosts.get(mac);
    assert.equal(host?.firstBoot, '2026-03-01T10:00:05.000Z');
    assert.equal(host?.state, 'installed');
    assert.equal(host?.firstBootOverdue, false);
    const said = s.lines.filter((l) => l.mac === mac);
    assert.ok(
      said.some((l) => l.message === 'first boot confirmed: node-1, kernel 5.14.0-427.13.1.el9_4.x86_64' && l.level === 'info'),
      JSON.stringify(said.map((l) => l.message)),
    );
    assert.equal(s.installs.confirmFirstBoot(token, report).outcome, 'already-confirmed', 'a replay');
    assert.equal(s.hosts.get(mac)?.firstBoot, '2026-03-01T10:00:05.000Z', 'the replay changed nothing');

    // A reinstall: firstBoot back to null, the old token dead; Cancel gives the confirmed boot back.
    const second = await queued(s, mac);
    assert.equal(s.hosts.get(mac)?.firstBoot, null);
    assert.equal(s.installs.confirmFirstBoot(token, report).outcome, 'unknown-token');
    assert.equal(s.installs.cancel(mac).firstBoot, '2026-03-01T10:00:05.000Z');
    assert.equal(s.installs.confirmFirstBoot(second, report).outcome, 'unknown-token', 'a cancelled install takes none');
    await s.stop();
  });

  test('the token takes the first boot after a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bootbench-fb-'));
    dirs.push(dir);
    const clock = { now: Date.parse('2026-03-01T10:00:00Z') };
    const first = await start(dir, clock);
    const mac = '52:54:00:fb:00:02';
    const token = await queued(first, mac);
    first.installs.observe(mac, { type: 'report', event: 'installed' });
    await first.stop();
    const second = await start(dir, clock);
    assert.equal(second.installs.confirmFirstBoot(token, report).outcome, 'confirmed');
    await second.stop();
    const third = await start(dir, clock);
    assert.equal(third.hosts.get(mac)?.firstBoot, '2026-03-01T10:00:00.000Z');
    assert.equal(third.installs.confirmFirstBoot(token, report).outcome, 'already-confirmed', 'refused after a restart too');
    await third.stop();
  });

  test('no first boot in time: a warning once, the install stays installed; a late one clears it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bootbench-fb-'));
    dirs.push(dir);
    const clock = { now: Date.parse('2026-03-01T10:00:00Z') };
    const s = await start(dir, clock);
    const mac = '52:54:00:fb:00:03';
    const token = await queued(s, mac);
    s.installs.observe(mac, { type: 'report', event: 'installed' });
    clock.now += 59_000;
    await tick();
    assert.equal(s.hosts.get(mac)?.firstBootOverdue, false, 'not yet');
    clock.now += 2_000;
    await tick();
    await tick();
    const host = s.hosts.get(mac);
    assert.equal(host?.firstBootOverdue, true);
    assert.equal(host?.state, 'installed', 'not failed');
    const warnings = s.lines.filter((l) => l.mac === mac && l.level === 'warn');
    assert.equal(warnings.length, 1, JSON.stringify(warnings.map((l) => l.message)));
    assert.match(warnings[0]?.message ?? '', /^no first boot reported 1 min after installed: .* not failed$/);

    assert.equal(s.installs.confirmFirstBoot(token, report).outcome, 'confirmed');
    assert.equal(s.hosts.get(mac)?.firstBootOverdue, false);
    assert.ok(s.lines.some((l) => l.mac === mac && /^first boot confirmed: node-1, .* \(later than expected\)$/.test(l.message)));
    await s.stop();
  });
});
