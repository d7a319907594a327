// The address-conflict probe: a machine that took an address of the pool by hand (no lease) must
// not get a twin. Bootbench probes addresses (ARP on Linux) before offering them and skips those
// that answer.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Lab, type LabHost } from '../../helpers/netns.js';
import { removeDir, startBootbench, tempDataDir, type RunningBootbench } from '../../helpers/bootbench.js';
import { udhcpc } from '../../helpers/clients.js';

describe('address-conflict probe', { timeout: 300_000 }, () => {
  let lab: Lab;
  let server: RunningBootbench;
  let dataDir: string;
  const clients: LabHost[] = [];

  before(async () => {
    lab = Lab.create('confl');
    const seg = lab.segment('bbconf0', '10.231.8.1/24');
    // Squatters on the first two addresses of a small pool, configured by hand.
    lab.host(seg, { cidr: '10.231.8.100/24' });
    const firewalled = lab.host(seg, { cidr: '10.231.8.101/24' });
    // This one drops ping, as many firewalled machines do: the ARP probe still finds it.
    await lab.exec(firewalled.ns, 'sysctl', ['-qw', 'net.ipv4.icmp_echo_ignore_all=1']);
    for (let i = 0; i < 3; i += 1) clients.push(lab.host(seg));
    dataDir = tempDataDir('confl');
    server = await startBootbench(lab, ['--interface', 'bbconf0', '--mode', 'dhcp', '--pool', '10.231.8.100-10.231.8.110'], dataDir);
  });

  after(async () => {
    await server?.stop();
    lab?.destroy();
    if (dataDir) removeDir(dataDir);
  });

  test('clients never get an address that answers a ping', async () => {
    const leases = [];
    for (const client of clients) {
      const lease = await udhcpc(lab, client.ns);
      assert.ok(lease, server.output());
      leases.push(lease.ip);
    }
    for (const ip of leases)
      assert.ok(ip !== '10.231.8.100' && ip !== '10.231.8.101', `a client got ${ip}, which a squatter holds; all: ${leases}`);
    assert.equal(new Set(leases).size, leases.length, `duplicate leases: ${leases}`);
    assert.match(server.output(), /10\.231\.8\.100 answered a probe/);
    assert.match(server.output(), /10\.231\.8\.101 answered a probe/, 'found although it ignores ICMP echo');
  });
});
