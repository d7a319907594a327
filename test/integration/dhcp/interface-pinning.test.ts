// The safety line: serving on interface A, Bootbench never answers DHCP on B, even though the
// server has an address on B's segment too.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Lab, type LabHost } from '../../helpers/netns.js';
import { removeDir, startBootbench, tempDataDir, type RunningBootbench } from '../../helpers/bootbench.js';
import { runScriptedClient, udhcpc } from '../../helpers/clients.js';

describe('DHCP answers only on the chosen interface', { timeout: 300_000 }, () => {
  let lab: Lab;
  let server: RunningBootbench;
  let dataDir: string;
  let onA: LabHost;
  let onB: LabHost;

  before(async () => {
    lab = Lab.create('pin');
    const a = lab.segment('bbpina', '10.231.3.1/24');
    const b = lab.segment('bbpinb', '10.231.13.1/24');
    onA = lab.host(a);
    onB = lab.host(b);
    dataDir = tempDataDir('pin');
    server = await startBootbench(lab, ['--interface', 'bbpina', '--mode', 'dhcp'], dataDir);
  });

  after(async () => {
    await server?.stop();
    lab?.destroy();
    if (dataDir) removeDir(dataDir);
  });

  test("a DISCOVER on B's segment gets no answer", async () => {
    const pxe = await runScriptedClient(lab, onB.ns, {
      mac: onB.mac,
      flow: 'discover',
      vendorClass: 'PXEClient:Arch:00000:UNDI:002001',
      clientArch: 0,
      timeoutMs: 4000,
    });
    assert.deepEqual(pxe.replies, [], 'no reply at all on segment B');
    assert.equal(await udhcpc(lab, onB.ns, { tries: 2 }), null, 'udhcpc on B gets no lease');
  });

  test("a DISCOVER on A's segment is answered", async () => {
    const lease = await udhcpc(lab, onA.ns);
    assert.ok(lease, server.output());
    assert.match(lease.ip, /^10\.231\.3\./);
  });

  test('nothing from B was even seen', async () => {
    assert.ok(!server.output().includes(onB.mac), `B's MAC appears in the server log:\n${server.output()}`);
  });
});
