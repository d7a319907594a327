// Full DHCP mode on one segment, against real clients (udhcpc, dhclient) and scripted PXE
// firmware; the hosts they become are then read back through `bootbench hosts --json`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Lab, type LabHost } from '../../helpers/netns.js';
import { REPO, removeDir, startBootbench, tempDataDir, type RunningBootbench } from '../../helpers/bootbench.js';
import { dhclient, runScriptedClient, udhcpc } from '../../helpers/clients.js';
import type { Host } from '../../../electron/shared/contract.js';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const OVMF_UUID = '00' + '1e4a6f5c2b9d4e8fa1b2c3d4e5f60718';

describe('full DHCP on one interface', { timeout: 300_000 }, () => {
  let lab: Lab;
  let server: RunningBootbench;
  let dataDir: string;
  const clients: Record<string, LabHost> = {};

  before(async () => {
    lab = Lab.create('full');
    const seg = lab.segment('bbfull0', '10.231.1.1/24');
    for (const name of ['udhcpc', 'dhclient', 'bios', 'uefi7', 'uefi9', 'ipxe', 'http16', 'http99']) clients[name] = lab.host(seg);
    dataDir = tempDataDir('full');
    server = await startBootbench(
      lab,
      ['--interface', 'bbfull0', '--router', '10.231.1.1', '--dns', '10.231.1.1,10.231.1.2', '--domain', 'lab.test'],
      dataDir,
    );
  });

  after(async () => {
    await server?.stop();
    lab?.destroy();
    if (dataDir) removeDir(dataDir);
  });

  test('serve comes up in full DHCP mode on a silent segment', async () => {
    assert.match(server.output(), /mode dhcp \(auto\)/);
  });

  test('udhcpc gets a lease from the pool with the network options', async () => {
    const lease = await udhcpc(lab, clients.udhcpc!.ns);
    assert.ok(lease, `udhcpc got no lease; server output:\n${server.output()}`);
    assert.match(lease.ip, /^10\.231\.1\.(1[2-9]\d|2[0-4]\d|25[0-4])$/, 'address from the default pool (upper half of the /24)');
    assert.equal(lease.subnet, '255.255.255.0');
    assert.equal(lease.serverid, '10.231.1.1');
    assert.equal(lease.lease, '3600');
    assert.equal(lease.broadcast, '10.231.1.255');
    assert.equal(lease.router, '10.231.1.1');
    assert.equal(lease.dns, '10.231.1.1 10.231.1.2');
    assert.equal(lease.domain, 'lab.test');
    assert.equal(lease.boot_file, undefined, 'a plain client gets no boot file');
  });

  test('a client with a lease fetches the BIOS loader by TFTP, logged under its MAC', async () => {
    const host = clients.udhcpc!;
    const lease = await udhcpc(lab, host.ns);
    assert.ok(lease);
    await lab.exec(host.ns, 'ip', ['addr', 'add', `${lease.ip}/24`, 'dev', 'eth0']);
    const out = join(dataDir, 'fetched.kpxe');
    const r = await lab.exec(host.ns, 'curl', ['-sS', '--tftp-blksize', '1432', '-o', out, 'tftp://10.231.1.1/undionly.kpxe'], {
      timeoutMs: 60_000,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(sha256(readFileSync(out)), sha256(readFileSync(join(REPO, 'assets/boot/undionly.kpxe'))));
    const logs = await server.cli(['logs', host.mac]);
    assert.equal(logs.code, 0, logs.stderr);
    assert.match(logs.stdout, /undionly\.kpxe/, `no TFTP event for ${host.mac}:\n${logs.stdout}`);
  });

  test('the same client fetches its iPXE script and a loader over HTTP', async () => {
    const host = clients.udhcpc!;
    const script = await lab.exec(host.ns, 'curl', ['-sS', '-D', '-', `http://10.231.1.1/ipxe/${host.mac.replace(/:/g, '-')}.ipxe`]);
    assert.equal(script.code, 0, script.stderr);
    assert.match(script.stdout, /^HTTP\/1\.1 200/);
    assert.match(script.stdout, /content-length: \d+/i);
    assert.match(script.stdout, /#!ipxe/);
    assert.ok(script.stdout.includes(host.mac) || script.stdout.includes('${net0/mac}'), script.stdout);
    const loader = await lab.exec(host.ns, 'curl', [
      '-sS',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code} %{size_download}',
      'http://10.231.1.1/boot/snponly.efi',
    ]);
    assert.equal(loader.stdout, `200 ${readFileSync(join(REPO, 'assets/boot/snponly.efi')).length}`);
  });

  test('dhclient gets a lease too', async () => {
    const lease = await dhclient(lab, clients.dhclient!.ns);
    assert.ok(lease, `dhclient got no lease; server output:\n${server.output()}`);
    assert.match(lease.ip!, /^10\.231\.1\./);
    assert.equal(lease['subnet-mask'], '255.255.255.0');
    assert.equal(lease['dhcp-server-identifier'], '10.231.1.1');
    assert.equal(lease.routers, '10.231.1.1');
    assert.equal(lease['domain-name-servers'], '10.231.1.1,10.231.1.2');
    assert.equal(lease['domain-name'], 'lab.test');
  });

  const pxeCases = [
    { name: 'bios', arch: 0, vendor: 'PXEClient:Arch:00000:UNDI:002001', file: 'undionly.kpxe', firmware: 'bios' },
    { name: 'uefi7', arch: 7, vendor: 'PXEClient:Arch:00007:UNDI:003000', file: 'snponly.efi', firmware: 'uefi' },
    { name: 'uefi9', arch: 9, vendor: 'PXEClient:Arch:00009:UNDI:003000', file: 'snponly.efi', firmware: 'uefi' },
  ] as const;

  for (const c of pxeCases) {
    test(`PXE client with option 93 = ${c.arch} gets ${c.file} and siaddr`, async () => {
      const host = clients[c.name]!;
      const { replies } = await runScriptedClient(lab, host.ns, {
        mac: host.mac,
        flow: 'dora',
        vendorClass: c.vendor,
        clientArch: c.arch,
        uuid: OVMF_UUID,
      });
      const offer = replies.find((r) => r.type === 2);
      const ack = replies.find((r) => r.type === 5);
      assert.ok(offer && ack, `expected OFFER and ACK, got ${JSON.stringify(replies)}\n${server.output()}`);
      for (const reply of [offer, ack]) {
        assert.equal(reply.file, c.file);
        assert.equal(reply.siaddr, '10.231.1.1');
        assert.equal(Buffer.from(reply.options['67']!, 'hex').toString(), c.file);
        assert.equal(Buffer.from(reply.options['66']!, 'hex').toString(), '10.231.1.1');
        assert.equal(Buffer.from(reply.options['60']!, 'hex').toString(), 'PXEClient');
        assert.equal(reply.options['97'], OVMF_UUID, 'option 97 echoed');
      }
      assert.equal(ack.yiaddr, offer.yiaddr);
    });
  }

  test('a client whose user class is iPXE gets the URL of its iPXE script, not the loader again', async () => {
    const host = clients.ipxe!;
    const { replies } = await runScriptedClient(lab, host.ns, {
      mac: host.mac,
      flow: 'dora',
      vendorClass: 'PXEClient:Arch:00007:UNDI:003010',
      clientArch: 7,
      userClass: 'iPXE',
    });
    const ack = replies.find((r) => r.type === 5);
    assert.ok(ack, JSON.stringify(replies));
    assert.equal(Buffer.from(ack.options['67']!, 'hex').toString(), `http://10.231.1.1/ipxe/${host.mac.replace(/:/g, '-')}.ipxe`);
  });

  test('a UEFI HTTP-boot client (HTTPClient, type 16) gets the loader URL with HTTPClient echoed', async () => {
    const host = clients.http16!;
    const { replies } = await runScriptedClient(lab, host.ns, {
      mac: host.mac,
      flow: 'dora',
      vendorClass: 'HTTPClient:Arch:00016:UNDI:003000',
      clientArch: 16,
      uuid: OVMF_UUID,
    });
    const offer = replies.find((r) => r.type === 2);
    const ack = replies.find((r) => r.type === 5);
    assert.ok(offer && ack, `expected OFFER and ACK, got ${JSON.stringify(replies)}\n${server.output()}`);
    for (const reply of [offer, ack]) {
      assert.equal(Buffer.from(reply.options['67']!, 'hex').toString(), 'http://10.231.1.1/boot/snponly.efi');
      assert.equal(Buffer.from(reply.options['60']!, 'hex').toString(), 'HTTPClient');
    }
  });

  test('the same HTTP client set to the signed chain (Secure Boot) gets the shim by URL, HTTPClient echoed', async () => {
    const host = clients.http16!;
    const r = await server.cli(['chain', host.mac, 'signed']);
    assert.equal(r.code, 0, r.stderr);
    try {
      const { replies } = await runScriptedClient(lab, host.ns, {
        mac: host.mac,
        flow: 'dora',
        vendorClass: 'HTTPClient:Arch:00016:UNDI:003000',
        clientArch: 16,
      });
      const ack = replies.find((x) => x.type === 5);
      assert.ok(ack, JSON.stringify(replies));
      assert.equal(Buffer.from(ack.options['67']!, 'hex').toString(), 'http://10.231.1.1/boot/shimx64.efi');
      assert.equal(Buffer.from(ack.options['60']!, 'hex').toString(), 'HTTPClient');
    } finally {
      const back = await server.cli(['chain', host.mac, 'default']);
      assert.equal(back.code, 0, back.stderr);
    }
  });

  test('an HTTPClient of an unknown architecture: an address but no boot answer, one warning for its MAC, the server goes on', async () => {
    const host = clients.http99!;
    for (let i = 0; i < 3; i += 1) {
      const { replies } = await runScriptedClient(lab, host.ns, {
        mac: host.mac,
        flow: 'dora',
        vendorClass: 'HTTPClient:Arch:00099:UNDI:003000',
        clientArch: 99,
      });
      const ack = replies.find((r) => r.type === 5);
      assert.ok(ack, `expected an ACK (full DHCP still leases an address), got ${JSON.stringify(replies)}`);
      assert.equal(ack.options['67'], undefined, 'no boot file');
      assert.equal(ack.options['60'], undefined, 'no HTTPClient echoed: the firmware ignores this offer for booting');
      assert.equal(ack.file, '');
    }
    const warnings = server
      .output()
      .split('\n')
      .filter((l) => l.includes(`${host.mac}: no loader for a UEFI HTTP-boot client`));
    assert.equal(warnings.length, 1, `one warning for the MAC, not one per request:\n${server.output().slice(-3000)}`);
    assert.match(warnings[0]!, /warn.*unknown architecture \(type 99\)/);
    // still serving
    const { replies } = await runScriptedClient(lab, clients.http16!.ns, {
      mac: clients.http16!.mac,
      flow: 'discover',
      vendorClass: 'HTTPClient:Arch:00016:UNDI:003000',
      clientArch: 16,
    });
    assert.ok(replies.some((r) => r.type === 2));
  });

  test('the PXE clients appear in `bootbench hosts --json` with their firmware', async () => {
    const r = await server.cli(['hosts', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const hosts = JSON.parse(r.stdout) as Host[];
    const byMac = new Map(hosts.map((h) => [h.mac, h]));
    for (const c of pxeCases) {
      const h = byMac.get(clients[c.name]!.mac);
      assert.ok(h, `host ${c.name} missing from ${r.stdout}`);
      assert.equal(h.firmware, c.firmware);
      assert.equal(h.state, 'discovered');
      assert.match(h.ip ?? '', /^10\.231\.1\./);
      assert.match(h.uuid ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'UUID from option 97');
    }
    assert.equal(byMac.get(clients.ipxe!.mac)?.userClass, 'iPXE');
    assert.equal(byMac.get(clients.http16!.mac)?.firmware, 'uefi-http');
    assert.equal(byMac.get(clients.http16!.mac)?.clientArch, 16);
    assert.ok(byMac.has(clients.http99!.mac), 'an unservable client is still recorded');
    assert.ok(!byMac.has(clients.udhcpc!.mac), 'a plain DHCP client is not a PXE host');
  });
});
