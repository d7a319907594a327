// Another DHCP server (dnsmasq) on the segment: `check` names it, `serve --mode dhcp` refuses,
// and the default mode (auto) serves proxyDHCP beside it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Lab, watchOutput } from '../../helpers/netns.js';
import { BIN, NODE, ensureBuilt, removeDir, startBootbench, tempDataDir } from '../../helpers/bootbench.js';
import { runScriptedClient } from '../../helpers/clients.js';

describe('with another DHCP server on the segment', { timeout: 300_000 }, () => {
  let lab: Lab;
  let dataDir: string;
  let pxeNs: string;
  let pxeMac: string;

  before(async () => {
    ensureBuilt();
    lab = Lab.create('foreign');
    const seg = lab.segment('bbfor0', '10.231.4.1/24');
    const other = lab.host(seg, { cidr: '10.231.4.2/24' });
    const pxe = lab.host(seg);
    pxeNs = pxe.ns;
    pxeMac = pxe.mac;
    dataDir = tempDataDir('foreign');
    const dnsmasq = lab.spawn(other.ns, 'dnsmasq', [
      '--keep-in-foreground',
      '--no-daemon',
      '--conf-file=/dev/null',
      '--port=0',
      '--no-ping',
      '--log-dhcp',
      '--interface=eth0',
      '--bind-interfaces',
      '--dhcp-range=10.231.4.100,10.231.4.150,255.255.255.0,1h',
      `--dhcp-leasefile=${join(dataDir, 'dnsmasq.leases')}`,
      '--user=root',
    ]);
    await watchOutput(dnsmasq).waitFor(/DHCP, IP range/, 20_000);
  });

  after(() => {
    lab?.destroy();
    if (dataDir) removeDir(dataDir);
  });

  test('check names the other server and says what to do', async () => {
    const r = await lab.exec(lab.serverNs, NODE, [BIN, 'check', '--interface', 'bbfor0', '--json', '--data', dataDir], {
      timeoutMs: 60_000,
    });
    const report = JSON.parse(r.stdout) as { checks: { id: string; status: string; message: string; fix?: string }[] };
    const foreign = report.checks.find((c) => c.id === 'foreign-dhcp');
    assert.ok(foreign, r.stdout);
    assert.equal(foreign.status, 'warn');
    assert.match(foreign.message, /10\.231\.4\.2/);
    assert.match(foreign.message, /offered 10\.231\.4\.1\d\d/);
    assert.match(foreign.fix ?? '', /proxy/);
    const human = await lab.exec(lab.serverNs, NODE, [BIN, 'check', '--interface', 'bbfor0', '--data', dataDir], { timeoutMs: 60_000 });
    assert.match(human.stdout, /another DHCP server answers on bbfor0: 10\.231\.4\.2/);
  });

  test('serve --mode dhcp refuses to start, naming the server', async () => {
    const r = await lab.exec(
      lab.serverNs,
      NODE,
      [BIN, 'serve', '--interface', 'bbfor0', '--mode', 'dhcp', '--data', dataDir, '--ui-port', '0'],
      { timeoutMs: 60_000 },
    );
    assert.equal(r.code, 1, `expected exit 1, got ${r.code}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /Another DHCP server answers on bbfor0: 10\.231\.4\.2/);
    assert.match(r.stderr, /--mode proxy/);
  });

  test('serve in auto mode comes up in proxy mode and answers PXE clients', async () => {
    const server = await startBootbench(lab, ['--interface', 'bbfor0'], dataDir);
    try {
      assert.match(server.output(), /mode proxy \(auto\)/);
      const { replies } = await runScriptedClient(lab, pxeNs, {
        mac: pxeMac,
        flow: 'discover',
        vendorClass: 'PXEClient:Arch:00007:UNDI:003000',
        clientArch: 7,
      });
      const fromUs = replies.find((r) => r.from === '10.231.4.1');
      const fromDnsmasq = replies.find((r) => r.from === '10.231.4.2');
      assert.ok(fromUs, `no proxy offer from Bootbench: ${JSON.stringify(replies)}\n${server.output()}`);
      assert.equal(fromUs.yiaddr, '0.0.0.0', 'Bootbench offers no address beside dnsmasq');
      assert.equal(fromUs.file, 'snponly.efi');
      assert.ok(fromDnsmasq && fromDnsmasq.yiaddr.startsWith('10.231.4.1'), 'dnsmasq still hands out the address');
    } finally {
      await server.stop();
    }
  });
});
