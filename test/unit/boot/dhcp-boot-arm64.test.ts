// ARM64 UEFI clients (client arch 11 PXE, 19 HTTP boot; AAVMF's captured DHCPDISCOVERs): Bootbench
// bundles no arm64 iPXE, so they boot Debian's signed arm64 chain, shimaa64.efi by TFTP or by URL.
// On `auto` the chain tracker moves a PXE one to it at its first request (as session.ts wires it:
// the registry records the client, the tracker sees it, then DHCP asks which chain it gets).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeDhcp } from '../../../electron/core/dhcp/codec.js';
import { Opt, type DhcpMessage } from '../../../electron/core/dhcp/message.js';
import { classifyClient, type ClientInfo } from '../../../electron/core/dhcp/pxe.js';
import { chooseBoot, createDhcpBootPolicy, type BootChoice } from '../../../electron/core/boot/dhcp-boot.js';
import { createChainTracker } from '../../../electron/core/boot/chain-tracker.js';
import { bundledSignedLoaders } from '../../../electron/core/boot/signed-loaders.js';
import { EventBus } from '../../../electron/core/events.js';
import { HostRegistry } from '../../../electron/core/hosts/registry.js';
import type { ChainSetting } from '../../../electron/shared/contract.js';
import { loadPacket } from '../../fixtures/dhcp/fixtures.js';

const SERVER = { serverIp: '10.231.1.1', httpPort: 8080 };
const SIGNED = { ...SERVER, chainFor: () => 'signed' as const };
const IPXE = { ...SERVER, chainFor: () => 'ipxe' as const };

function fixture(name: string): DhcpMessage {
  const r = decodeDhcp(loadPacket(name));
  if (!r.ok) assert.fail(r.error);
  return r.message;
}

const aavmfPxe = () => classifyClient(fixture('aavmf-pxe-discover'));
const aavmfHttp = () => classifyClient(fixture('aavmf-http-discover'));

/** AAVMF's PXE DISCOVER with another architecture type (32-bit ARM: 10). */
function pxeClient(arch: number): ClientInfo {
  const m = fixture('aavmf-pxe-discover');
  const options = new Map(m.options);
  options.set(Opt.ClientArch, Buffer.from([arch >> 8, arch & 0xff]));
  options.set(Opt.VendorClass, Buffer.from(`PXEClient:Arch:${String(arch).padStart(5, '0')}:UNDI:003000`));
  return classifyClient({ ...m, options });
}

function answerOf(choice: BootChoice) {
  assert.equal(choice.kind, 'boot', JSON.stringify(choice));
  return choice.kind === 'boot' ? choice.answer : assert.fail();
}

describe('chooseBoot: ARM64 UEFI', () => {
  test('the bundled arm64 pair is Debian’s shimaa64.efi + grubaa64.efi, by TFTP name and /boot URL', () => {
    assert.deepEqual(bundledSignedLoaders('52:54:00:aa:bb:40', 'arm64'), {
      shim: { tftp: 'shimaa64.efi', http: '/boot/shimaa64.efi' },
      grub: { tftp: 'grubaa64.efi', http: '/boot/grubaa64.efi' },
    });
  });

  test('AAVMF PXE (arch 11) on the signed chain: shimaa64.efi over TFTP, PXEClient', () => {
    assert.deepEqual(answerOf(chooseBoot(aavmfPxe(), SIGNED)), {
      file: 'shimaa64.efi',
      nextServer: '10.231.1.1',
      vendorClass: 'PXEClient',
    });
  });

  test('AAVMF HTTP boot (arch 19) on the signed chain: the arm64 shim by URL, HTTPClient echoed', () => {
    assert.deepEqual(answerOf(chooseBoot(aavmfHttp(), SIGNED)), {
      file: 'http://10.231.1.1:8080/boot/shimaa64.efi',
      nextServer: '10.231.1.1',
      vendorClass: 'HTTPClient',
    });
  });

  test('on iPXE: nothing (never an x86 loader, by TFTP or URL), with what would boot it', () => {
    const pxe = chooseBoot(aavmfPxe(), IPXE);
    assert.equal(pxe.kind, 'no-loader', JSON.stringify(pxe));
    assert.match(
      pxe.kind === 'no-loader' ? pxe.reason : '',
      /no iPXE loader is bundled for ARM64 UEFI \(architecture type 11\); set its boot chain to signed/,
    );
    const http = chooseBoot(aavmfHttp(), IPXE);
    assert.equal(http.kind, 'no-loader', JSON.stringify(http));
    assert.match(
      http.kind === 'no-loader' ? http.reason : '',
      /no iPXE loader is bundled for ARM64 UEFI HTTP boot \(architecture type 19\); PXE-boot it/,
    );
  });

  test('32-bit ARM UEFI (arch 10): no loader on either chain, and no hint of one', () => {
    const onIpxe = chooseBoot(pxeClient(10), IPXE);
    assert.equal(onIpxe.kind, 'no-loader');
    assert.doesNotMatch(onIpxe.kind === 'no-loader' ? onIpxe.reason : '', /signed/);
    const onSigned = chooseBoot(pxeClient(10), SIGNED);
    assert.match(onSigned.kind === 'no-loader' ? onSigned.reason : '', /no signed loaders \(shim \+ GRUB\) for 32-bit ARM UEFI/);
  });

  test('x86-64 UEFI HTTP boot on iPXE still gets snponly.efi by URL', () => {
    assert.equal(answerOf(chooseBoot(classifyClient(fixture('ovmf-http-discover')), IPXE)).file, 'http://10.231.1.1:8080/boot/snponly.efi');
  });
});

describe('auto, as the session wires it: registry → chain tracker → DHCP policy', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  async function lab(setting: ChainSetting) {
    const dir = mkdtempSync(join(tmpdir(), 'bootbench-a64-chain-'));
    dirs.push(dir);
    const bus = new EventBus();
    const hosts = await HostRegistry.open(dir, bus, { saveDelayMs: 0 });
    const chains = createChainTracker({ hosts, bus, settingOf: () => setting, fail: () => assert.fail('no host fails here') });
    const policy = createDhcpBootPolicy({ ...SERVER, bus, chainFor: (c) => chains.chainFor(c) });
    const dhcp = (client: ClientInfo) => {
      hosts.seen(client, null);
      chains.sawDhcp(client);
      return policy(client);
    };
    return { bus, hosts, chains, dhcp };
  }

  test('an arm64 PXE client gets shimaa64.efi at its first DISCOVER; the host shows the signed chain and why', async () => {
    const { bus, hosts, dhcp } = await lab('auto');
    const client = aavmfPxe();
    assert.equal(dhcp(client)?.file, 'shimaa64.efi');
    assert.equal(dhcp(client)?.file, 'shimaa64.efi'); // its REQUEST
    const host = hosts.get(client.mac);
    assert.equal(host?.chain, 'signed');
    assert.match(host?.chainReason ?? '', /no iPXE for ARM64/);
    const switched = bus.history({}).filter((e) => e.type === 'log' && e.kind === 'boot.chain-switched');
    assert.equal(switched.length, 1, 'said once');
    assert.equal(switched[0]?.type === 'log' ? switched[0].level : null, 'info');
    assert.equal(bus.history({}).filter((e) => e.type === 'log' && e.kind === 'dhcp.no-loader').length, 0);
  });

  test('an arm64 HTTP-boot client stays unserved on auto (told to PXE-boot); set to signed it gets the shim URL', async () => {
    const { bus, hosts, dhcp } = await lab('auto');
    assert.equal(dhcp(aavmfHttp()), null);
    assert.equal(hosts.get(aavmfHttp().mac)?.chain, 'ipxe');
    const warnings = bus.history({}).filter((e) => e.type === 'log' && e.kind === 'dhcp.no-loader');
    assert.match(warnings[0]?.type === 'log' ? warnings[0].message : '', /PXE-boot it/);
    assert.equal((await lab('signed')).dhcp(aavmfHttp())?.file, 'http://10.231.1.1:8080/boot/shimaa64.efi');
  });

  test('an explicit ipxe setting is obeyed: no boot file, said once in the DHCP log', async () => {
    const { bus, dhcp } = await lab('ipxe');
    assert.equal(dhcp(aavmfPxe()), null);
    assert.equal(dhcp(aavmfPxe()), null);
    const warnings = bus.history({}).filter((e) => e.type === 'log' && e.kind === 'dhcp.no-loader');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]?.type === 'log' ? warnings[0].message : '', /set its boot chain to signed/);
  });
});
