// Started without privileges, serve says which port it could not bind and how to fix it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chownSync } from 'node:fs';
import { AS_NOBODY, Lab } from '../../helpers/netns.js';
import { BIN, NODE, ensureBuilt, removeDir, tempDataDir } from '../../helpers/bootbench.js';

describe('serve without privileges', { timeout: 120_000 }, () => {
  let lab: Lab;
  let dataDir: string;

  before(() => {
    ensureBuilt();
    lab = Lab.create('unpriv');
    lab.segment('bbunpr0', '10.231.6.1/24');
    dataDir = tempDataDir('unpriv');
    chownSync(dataDir, 65534, 65534);
  });

  after(() => {
    lab?.destroy();
    if (dataDir) removeDir(dataDir);
  });

  test('exits non-zero naming port 67 and the fix', async () => {
    const r = await lab.exec(
      lab.serverNs,
      'setpriv',
      [...AS_NOBODY, NODE, BIN, 'serve', '--interface', 'bbunpr0', '--data', dataDir, '--ui-port', '0'],
      { timeoutMs: 60_000 },
    );
    assert.equal(r.code, 1, `expected exit 1; stdout: ${r.stdout}\nstderr: ${r.stderr}`);
    assert.match(r.stderr, /Port 67\/udp on bbunpr0 needs privileges/);
    assert.match(r.stderr, /sudo bootbench serve|setcap/);
    assert.doesNotMatch(r.stderr, /at .*\.mjs:\d+/, 'a message, not a stack trace');
  });
});
