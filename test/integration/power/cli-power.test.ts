// `bootbench bmc set|show|clear` and `bootbench power` against a real server (in setup: no interface
// is needed for settings): secrets read from a file or stdin and never printed again, the words of
// each refusal, and plain-http Redfish refused unless allowed, with a warning on the timeline.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Lab } from '../../helpers/netns.js';
import { removeDir, startBootbench, tempDataDir, type RunningBootbench } from '../../helpers/bootbench.js';
import type { PowerSettingsView } from '../../../electron/shared/power.js';

const MAC = '52:54:00:7a:00:01';
const SECRET = 'cli-Secret-pw-3309';

describe('bootbench bmc and power', { timeout: 180_000 }, () => {
  let lab: Lab;
  let dataDir: string;
  let server: RunningBootbench;
  const outputs: string[] = [];
  const cli = async (args: string[], input?: string) => {
    const r = await lab.exec(
      lab.serverNs,
      process.execPath,
      [join(import.meta.dirname, '..', '..', '..', 'bin', 'bootbench.mjs'), ...args, '--data', dataDir],
      {
        timeoutMs: 60_000,
        ...(input !== undefined ? { input } : {}),
      },
    );
    outputs.push(r.stdout, r.stderr);
    return r;
  };

  before(async () => {
    lab = Lab.create('pwrcli');
    dataDir = tempDataDir('pwrcli');
    server = await startBootbench(lab, [], dataDir);
  });
  after(async () => {
    await server?.stop();
    lab?.destroy();
    if (dataDir) removeDir(dataDir);
  });

  test('bmc set with the password on stdin; show says "set", never the value', async () => {
    const set = await cli(
      ['bmc', 'set', MAC, '--ipmi', '10.0.0.5', '--user', 'admin', '--password-file', '-', '--cipher-suite', '17'],
      `${SECRET}\n`,
    );
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, /IPMI 10\.0\.0\.5:623, user admin, password set, cipher suite 17/);
    const shown = JSON.parse((await cli(['bmc', 'show', MAC, '--json'])).stdout) as PowerSettingsView;
    assert.equal(shown.ipmi?.passwordSet, true);
    assert.equal((statSync(join(dataDir, 'power.json')).mode & 0o777).toString(8), '600');
  });

  test('a password file; refusals in words: two methods, no user, an unreadable file, an unknown action', async () => {
    const file = join(dataDir, 'pw.txt');
    writeFileSync(file, `${SECRET}\n`, { mode: 0o600 });
    assert.equal((await cli(['bmc', 'set', MAC, '--ipmi', '10.0.0.6', '--user', 'root', '--password-file', file])).code, 0);
    const two = await cli(['bmc', 'set', MAC, '--ipmi', '10.0.0.5', '--wol']);
    assert.equal(two.code, 2);
    assert.match(two.stderr, /exactly one of --ipmi ADDR, --redfish URL or --wol/);
    const noUser = await cli(['bmc', 'set', MAC, '--ipmi', '10.0.0.5']);
    assert.match(noUser.stderr, /needs --user U/);
    const missing = await cli(['bmc', 'set', MAC, '--ipmi', '10.0.0.5', '--user', 'a', '--password-file', '/nonexistent/pw']);
    assert.match(missing.stderr, /--password-file: cannot read \/nonexistent\/pw \(ENOENT\)/);
    const action = await cli(['power', MAC, 'reboot']);
    assert.equal(action.code, 2);
    assert.match(action.stderr, /on\|off\|cycle\|status/);
    const badAddress = await cli(['bmc', 'set', MAC, '--ipmi', '-oops', '--user', 'a']);
    assert.notEqual(badAddress.code, 0);
  });

  test('Redfish over plain http: refused, then allowed explicitly with a warning on the timeline', async () => {
    const refused = await cli(['bmc', 'set', MAC, '--redfish', 'http://10.0.0.7', '--user', 'admin']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /plain HTTP: the BMC password would cross the network in clear/);
    const allowed = await cli(['bmc', 'set', MAC, '--redfish', 'http://10.0.0.7', '--user', 'admin', '--allow-http']);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.match(allowed.stdout, /plain HTTP allowed/);
    const timeline = (await cli(['logs', MAC, '--json'])).stdout;
    assert.match(timeline, /"kind":"power.insecure"/);
  });

  test('clear removes the settings; power then says there are none and to reboot by hand', async () => {
    const cleared = await cli(['bmc', 'clear', MAC]);
    assert.match(cleared.stdout, /no power settings/);
    const r = await cli(['power', MAC, 'status']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /has no power settings: Bootbench cannot switch it on or off/);
    assert.ok(!readFileSync(join(dataDir, 'power.json'), 'utf8').includes(SECRET));
  });

  test('no output carried the password', () => {
    outputs.push(server.output());
    assert.ok(!outputs.join('\n').includes(SECRET));
  });
});
