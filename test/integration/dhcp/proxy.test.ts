// ProxyDHCP: beside the network's own DHCP server, Bootbench hands out no addresses and answers
// only PXE clients, with a proxy offer on port 67 and an ACK on port 4011.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Lab, type LabHost } from '../../helpers/netns.js';
import { removeDir, startBootbench, tempDataDir, type RunningBootbench } from '../../helpers/bootbench.js';
import { runScriptedClient, udhcpc } from '../../helpers/clients.js';

describe('proxyDHCP mode', { timeout: 300_000 }, () => {
  let lab: Lab;
  let server: RunningBootbench;
  let dataDir: string;
  let plain: LabHost;
  let pxe: LabHost;

  before(async () => {
    lab = Lab.create('proxy');
    const seg = lab.segment('bbprx0', '10.231.2.1/24');
    plain = lab.host(seg);
    pxe = lab.host(seg, { cidr: '10.231.2.50/24' });
    dataDir = tempDataDir('proxy');
    server = await startBootbench(lab, ['--interface', 'bbprx0', '--mode', 'proxy'], dataDir);
  });

  after(async () => {
    await server?.stop();
    lab?.destroy();
    if (dataDir) removeDir(dataDir);
  });

  test('a plain DHCP client gets no address from Bootbench', async () => {
    const lease = await udhcpc(lab, plain.ns, { tries: 2 });
    assert.equal(lease, null, `udhcpc got a lease in proxy mode: ${JSON.stringify(lease)}`);
    assert.doesNotMatch(server.output(), /offer 10\.231\.2\./);
  });

  test('a PXE client gets a proxy offer: boot file, no address', async () => {
    const { replies } = await runScriptedClient(lab, pxe.ns, {
      mac: pxe.mac,
      flow: 'discover',
      vendorClass: 'PXEClient:Arch:00000:UNDI:002001',
      clientArch: 0,
    });
    const offer = replies.find((r) => r.type === 2);
    assert.ok(offer, `no proxy offer: ${JSON.stringify(replies)}\n${server.output()}`);
    assert.equal(offer.yiaddr, '0.0.0.0');
    assert.equal(offer.file, 'undionly.kpxe');
    assert.equal(offer.siaddr, '10.231.2.1');
    assert.equal(Buffer.from(offer.options['60']!, 'hex').toString(), 'PXEClient');
    assert.equal(offer.options['54'], '0ae70201', 'server identifier 10.231.2.1');
    assert.equal(offer.options['51'], undefined, 'no lease time in a proxy offer');
    assert.ok(offer.options['43'], 'PXE vendor options (discovery control)');
  });

  test('port 4011 answers a UEFI client with its boot file', async () => {
    const { replies } = await runScriptedClient(lab, pxe.ns, {
      mac: pxe.mac,
      flow: 'pxe4011',
      server: '10.231.2.1',
      ciaddr: '10.231.2.50',
      vendorClass: 'PXEClient:Arch:00007:UNDI:003000',
      clientArch: 7,
      broadcastFlag: false,
    });
    const ack = replies.find((r) => r.type === 5);
    assert.ok(ack, `no answer on 4011: ${JSON.stringify(replies)}\n${server.output()}`);
    assert.equal(ack.from, '10.231.2.1');
    assert.equal(ack.file, 'snponly.efi');
    assert.equal(ack.yiaddr, '0.0.0.0');
  });

  test('the PXE client is recorded as a host', async () => {
    const r = await server.cli(['hosts', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const hosts = JSON.parse(r.stdout) as { mac: string; firmware: string }[];
    assert.ok(
      hosts.some((h) => h.mac === pxe.mac),
      r.stdout,
    );
    assert.ok(!hosts.some((h) => h.mac === plain.mac));
  });
});
