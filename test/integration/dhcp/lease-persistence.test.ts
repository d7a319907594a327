// Leases survive kill -9: after a hard kill and a restart, a MAC gets its address back, and two
// MACs never share one.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Lab, type LabHost } from '../../helpers/netns.js';
import { removeDir, startBootbench, tempDataDir } from '../../helpers/bootbench.js';
import { udhcpc } from '../../helpers/clients.js';

describe('leases across kill -9 and restart', { timeout: 300_000 }, () => {
  let lab: Lab;
  let dataDir: string;
  let first: LabHost;
  let second: LabHost;

  before(() => {
    lab = Lab.create('lease');
    const seg = lab.segment('bblease0', '10.231.5.1/24');
    first = lab.host(seg);
    second = lab.host(seg);
    dataDir = tempDataDir('lease');
  });

  after(() => {
    lab?.destroy();
    if (dataDir) removeDir(dataDir);
  });

  test('the same MAC gets the same address after kill -9, and another MAC a different one', async () => {
    const args = ['--interface', 'bblease0', '--mode', 'dhcp'];
    const one = await startBootbench(lab, args, dataDir);
    const before = await udhcpc(lab, first.ns);
    assert.ok(before, one.output());
    one.child.kill('SIGKILL');
    await new Promise((r) => one.child.once('exit', r));

    const two = await startBootbench(lab, args, dataDir);
    try {
      // A fresh DISCOVER, not asking for its old address: the server must remember it.
      const again = await udhcpc(lab, first.ns);
      assert.ok(again, two.output());
      assert.equal(again.ip, before.ip, 'same MAC, same address after kill -9');
      const other = await udhcpc(lab, second.ns);
      assert.ok(other, two.output());
      assert.notEqual(other.ip, before.ip, 'two MACs never share an address');
      // The other MAC asking for the first one's address explicitly is refused that address.
      const greedy = await udhcpc(lab, second.ns, { requestIp: before.ip });
      assert.ok(greedy);
      assert.notEqual(greedy.ip, before.ip);
    } finally {
      await two.stop();
    }
  });
});
