// `auto` through the real `bootbench serve`, with scripted clients in their own namespaces: a UEFI
// PXE ROM (DHCP with arch 7) that fetches snponly.efi over TFTP and asks DHCP again without ever
// running iPXE (what Secure Boot firmware does) is switched to the signed chain by that very
// request; a UEFI host whose iPXE runs stays on iPXE; the settings through the CLI, kept across a
// restart.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Lab, randomMac, type LabHost, type Segment } from '../../helpers/netns.js';
import { removeDir, startBootbench, tempDataDir, type RunningBootbench } from '../../helpers/bootbench.js';
import { runScriptedClient } from '../../helpers/clients.js';
import { PxeClient } from '../../helpers/pxe-client.js';
import type { Host, LogEvent, ServerStatus } from '../../../electron/shared/contract.js';

const SUBNET = '10.231.121';
const BRIDGE = 'chp0';
const OVMF_PXE = 'PXEClient:Arch:00007:UNDI:003000';
const SWITCH_LINE = /the firmware refused the iPXE loader: Secure Boot is probably on; switching this machine to the signed chain/;

describe('auto: a UEFI machine that refuses the iPXE loader gets the signed chain', { timeout: 300_000 }, () => {
  let lab: Lab;
  let seg: Segment;
  let server: RunningBootbench;
  let dataDir: string;
  const trace: string[] = [];

  const hostOf = async (mac: string): Promise<Host> => {
    const host = (await server.hosts()).find((h) => h.mac === mac);
    assert.ok(host, `${mac} is not among the hosts`);
    return host;
  };

  /** One DHCP exchange as OVMF's PXE ROM (no user class): the ACK's boot file. */
  const romDhcp = async (host: LabHost): Promise<{ ip: string; file: string }> => {
    const r = await runScriptedClient(lab, host.ns, {
      mac: host.mac,
      flow: 'dora',
      vendorClass: OVMF_PXE,
      clientArch: 7,
      timeoutMs: 20_000,
    });
    const ack = r.replies.find((m) => m.type === 5);
    if (!ack) assert.fail(`no DHCPACK for the PXE ROM: ${JSON.stringify(r.replies)}`);
    trace.push(`${host.mac} DHCP (ROM) → ${ack.yiaddr}, boot file ${ack.file}`);
    return { ip: ack.yiaddr, file: ack.file };
  };

  /** A whole TFTP transfer, as the firmware loads a loader (curl: no size probe). */
  const tftp = async (host: LabHost, file: string): Promise<void> => {
    const r = await lab.exec(host.ns, 'curl', ['-sS', '--max-time', '60', '-o', '/dev/null', `tftp://${seg.serverIp}/${file}`], {
      timeoutMs: 90_000,
    });
    assert.equal(r.code, 0, `TFTP ${file}: ${r.stderr}`);
    trace.push(`${host.mac} TFTP ${file}`);
  };

  before(async () => {
    dataDir = tempDataDir('chainpick');
    lab = Lab.create('chpick');
    seg = lab.segment(BRIDGE, `${SUBNET}.1/24`);
    server = await startBootbench(lab, ['--interface', BRIDGE, '--mode', 'dhcp', '--no-probe', '--no-ra', '--chain', 'auto'], dataDir);
  });

  afterEach((t) => {
    if ((t as unknown as { passed?: boolean }).passed === false || process.env.BOOTBENCH_TEST_VERBOSE) {
      process.stderr.write(`--- clients\n${trace.join('\n')}\n--- server output (tail)\n${(server?.output() ?? '').slice(-8000)}\n`);
    }
  });

  after(async () => {
    await server?.stop();
    lab?.destroy();
    if (dataDir) removeDir(dataDir);
  });

  test('DHCP (arch 7) → TFTP snponly.efi → DHCP again without iPXE: that answer is the signed chain, and the host shows the switch', async () => {
    const host = lab.host(seg, { mac: randomMac() });
    const first = await romDhcp(host);
    assert.equal(first.file, 'snponly.efi', 'auto starts a UEFI machine on iPXE');
    assert.equal((await hostOf(host.mac)).chain, 'ipxe');
    await lab.exec(host.ns, 'ip', ['addr', 'replace', `${first.ip}/24`, 'dev', 'eth0']);
    await tftp(host, 'snponly.efi');

    // Secure Boot said "Access Denied": the firmware asks DHCP again, never having run iPXE.
    const second = await romDhcp(host);
    const record = await hostOf(host.mac);
    assert.equal(record.chain, 'signed', 'Host.chain is the signed chain');
    assert.match(record.chainReason ?? '', /snponly\.efi.*without running it/);
    assert.equal(record.chainOverride ?? null, null, 'auto is the global setting: the host has none of its own');
    assert.equal(second.file, 'shimx64.efi', 'that very request is answered with the signed chain: the shim');

    const timeline = await server.timeline(host.mac);
    const switched = timeline.filter((e) => e.kind === 'boot.chain-switched');
    assert.equal(switched.length, 1, 'the switch is said once');
    assert.match(switched[0]?.message ?? '', SWITCH_LINE);
    // Decided before that request was answered: the switch comes before the second exchange's offer.
    const offers = timeline.filter((e: LogEvent) => e.kind === 'dhcp.offer');
    assert.equal(offers.length, 2);
    assert.ok((switched[0]?.seq ?? Infinity) < (offers[1]?.seq ?? 0), 'the switch precedes the answer it changed');

    // More DHCP retries say nothing more.
    await romDhcp(host);
    const again = (await server.timeline(host.mac)).filter((e) => e.kind === 'boot.chain-switched');
    assert.equal(again.length, 1);
  });

  test('a machine that refuses the signed chain too fails once (boot-refused), both attempts explained, and stays signed', async () => {
    const host = lab.host(seg, { mac: randomMac() });
    const first = await romDhcp(host);
    await lab.exec(host.ns, 'ip', ['addr', 'replace', `${first.ip}/24`, 'dev', 'eth0']);
    await tftp(host, 'snponly.efi');
    assert.equal((await romDhcp(host)).file, 'shimx64.efi');
    // The shim ran and asked for GRUB at the TFTP root, but GRUB never read its configuration.
    await tftp(host, 'shimx64.efi');
    await tftp(host, 'grubx64.efi');
    for (let retry = 0; retry < 3; retry += 1) assert.equal((await romDhcp(host)).file, 'shimx64.efi', 'never back to iPXE');
    const record = await hostOf(host.mac);
    assert.equal(record.state, 'failed');
    assert.equal(record.failureCode, 'boot-refused');
    assert.match(record.failureReason ?? '', /iPXE: .*snponly\.efi.*Signed chain \(shim, GRUB\): .*shimx64\.efi, grubx64\.efi/);
    assert.equal(record.chain, 'signed');
    const timeline = await server.timeline(host.mac);
    assert.equal(timeline.filter((e) => e.kind === 'boot.chain-refused').length, 1, 'said once, not once per DHCP retry');
    assert.equal(timeline.filter((e) => e.kind === 'boot.chain-switched').length, 1);
  });

  test('a UEFI machine whose iPXE runs stays on iPXE', async () => {
    const client = new PxeClient({ lab, host: lab.host(seg, { mac: randomMac() }), serverIp: seg.serverIp, firmware: 'uefi' });
    const scriptUrl = await client.powerOn(); // ROM DHCP, TFTP snponly.efi, iPXE's DHCP (user class iPXE)
    await client.script(scriptUrl);
    assert.equal(await client.dhcp(), true); // a reboot: the ROM asks again
    const record = await hostOf(client.mac);
    assert.equal(record.chain, 'ipxe');
    assert.equal(record.chainReason ?? null, null);
    assert.deepEqual(
      (await server.timeline(client.mac)).filter((e) => e.kind === 'boot.chain-switched'),
      [],
      client.trace.join('\n'),
    );
  });

  test('bootbench chain: one machine, every machine, kept across a restart', async () => {
    const host = lab.host(seg, { mac: randomMac() });
    await romDhcp(host);
    const own = JSON.parse(await server.cliOk(['chain', host.mac, 'signed', '--json'])) as Host;
    assert.equal(own.chain, 'signed');
    assert.equal(own.chainOverride, 'signed');
    assert.match(await server.cliOk(['chain', host.mac, 'default']), /the global setting; its next UEFI boot gets iPXE/);

    const status = JSON.parse(await server.cliOk(['chain', '--global', 'ipxe', '--json'])) as ServerStatus;
    assert.equal(status.chain, 'ipxe');
    const bad = await server.cli(['chain', '--global', 'grub']);
    assert.equal(bad.code, 2, 'a setting that does not exist is refused by the CLI');
    assert.match(bad.stderr, /auto, ipxe or signed/);

    await server.stop();
    server = await startBootbench(lab, ['--interface', BRIDGE, '--mode', 'dhcp', '--no-probe', '--no-ra'], dataDir);
    assert.match(await server.cliOk(['chain']), /UEFI boot chain: ipxe/, 'the stored setting without a flag');
    assert.equal((await hostOf(host.mac)).chain, 'ipxe');
    await server.stop();
    server = await startBootbench(lab, ['--interface', BRIDGE, '--mode', 'dhcp', '--no-probe', '--no-ra', '--chain', 'auto'], dataDir);
    assert.match(await server.cliOk(['chain']), /UEFI boot chain: auto/, 'the flag wins');
  });
});

// In proxy mode the network's DHCP server gives the address: Bootbench learns it from the port-4011
// request (or the REQUEST on port 67), so that TFTP and HTTP fetches are the host's and `auto` sees them.
describe('auto in proxy mode', { timeout: 300_000 }, () => {
  let lab: Lab;
  let seg: Segment;
  let server: RunningBootbench;
  let dataDir: string;
  const PROXY_SUBNET = '10.231.122';

  before(async () => {
    dataDir = tempDataDir('chainpick-proxy');
    lab = Lab.create('chprx');
    seg = lab.segment('chp1', `${PROXY_SUBNET}.1/24`);
    server = await startBootbench(lab, ['--interface', 'chp1', '--mode', 'proxy', '--no-ra'], dataDir);
  });

  after(async () => {
    await server?.stop();
    lab?.destroy();
    if (dataDir) removeDir(dataDir);
  });

  test('proxy offer → 4011 → TFTP snponly.efi → DISCOVER again: switched to the signed chain', async () => {
    const ip = `${PROXY_SUBNET}.50`;
    const host = lab.host(seg, { mac: randomMac(), cidr: `${ip}/24` }); // the address the network's own DHCP gave it
    const rom = { mac: host.mac, vendorClass: OVMF_PXE, clientArch: 7, timeoutMs: 20_000 };
    const offer = (await runScriptedClient(lab, host.ns, { ...rom, flow: 'discover' })).replies.find((r) => r.type === 2);
    assert.equal(offer?.file, 'snponly.efi', server.output().slice(-4000));
    const ack = (
      await runScriptedClient(lab, host.ns, { ...rom, flow: 'pxe4011', server: seg.serverIp, ciaddr: ip, broadcastFlag: false })
    ).replies.find((r) => r.type === 5);
    assert.equal(ack?.file, 'snponly.efi');
    const r = await lab.exec(host.ns, 'curl', ['-sS', '--max-time', '60', '-o', '/dev/null', `tftp://${seg.serverIp}/snponly.efi`], {
      timeoutMs: 90_000,
    });
    assert.equal(r.code, 0, r.stderr);
    await runScriptedClient(lab, host.ns, { ...rom, flow: 'discover' });

    const record = (await server.hosts()).find((h) => h.mac === host.mac);
    assert.equal(record?.ip, ip, 'the address learnt from the 4011 request');
    assert.equal(record?.chain, 'signed', server.output().slice(-4000));
    const last = (await runScriptedClient(lab, host.ns, { ...rom, flow: 'discover' })).replies.find((m) => m.type === 2);
    assert.equal(last?.file, 'shimx64.efi', 'the proxy offer is the shim now');
    const timeline = await server.timeline(host.mac);
    assert.ok(
      timeline.some((e) => e.kind === 'tftp.end'),
      'the TFTP transfer is on the host timeline',
    );
    assert.equal(timeline.filter((e) => e.kind === 'boot.chain-switched').length, 1);
  });
});
