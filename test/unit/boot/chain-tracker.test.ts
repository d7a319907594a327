// The chain settings (global, stored; per host) and `auto` applied to the host registry: events in
// on the real event bus, host records and timeline lines out. An injected clock, no sleeps.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogEvent } from '../../../electron/shared/contract.js';
import { ChainSettings } from '../../../electron/core/boot/chain-settings.js';
import { createChainTracker, type DhcpSighting } from '../../../electron/core/boot/chain-tracker.js';
import { SWITCH_MESSAGE } from '../../../electron/core/boot/chain-auto.js';
import { EventBus } from '../../../electron/core/events.js';
import { HostRegistry, type ClientSighting } from '../../../electron/core/hosts/registry.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'bootbench-chain-'));
  dirs.push(d);
  return d;
}

const MAC = '52:54:00:c4:a1:01';
const OVMF: ClientSighting = {
  mac: MAC,
  firmware: 'uefi',
  arch: 'x86_64',
  clientArch: 7,
  uuid: null,
  vendorClass: 'PXEClient:Arch:00007:UNDI:003000',
  userClass: null,
};
const ROM: DhcpSighting = { mac: MAC, ipxe: false, firmware: 'uefi', arch: 'x86_64' };

async function lab(options: { flag?: 'auto' | 'ipxe' | 'signed'; dir?: string } = {}) {
  const dir = options.dir ?? (await tempDir());
  const bus = new EventBus();
  let t = Date.parse('2026-12-08T00:20:00.000Z');
  const clock = () => new Date(t);
  const chains = await ChainSettings.open(dir, bus, options.flag);
  const hosts = await HostRegistry.open(dir, bus, { clock, saveDelayMs: 0, chainOfNewHost: () => chains.chainOfNewHost() });
  chains.reconcile(hosts);
  const failures: { mac: string; message: string }[] = [];
  const tracker = createChainTracker({
    hosts,
    bus,
    clock,
    settingOf: (h) => chains.settingOf(h),
    fail: (mac, message) => {
      failures.push({ mac, message });
      hosts.setState(mac, 'failed', { failureReason: message, failureCode: 'boot-refused' });
    },
  });
  const lines = (kind: string) =>
    bus
      .history({ mac: MAC })
      .filter((e): e is LogEvent => e.type === 'log' && e.kind === kind)
      .map((e) => e.message);
  /** The PXE ROM asks DHCP (the registry records it first, as the DHCP server's onClient does). */
  const dhcp = (sighting: DhcpSighting = ROM) => {
    t += 3000;
    hosts.seen({ ...OVMF, userClass: sighting.ipxe ? 'iPXE' : null }, '10.231.120.100');
    tracker.sawDhcp(sighting);
    return tracker.chainFor({ mac: MAC });
  };
  const tftp = (file: string, result = 'complete') => {
    t += 2000;
    bus.log('tftp', 'info', 'tftp.end', `sent ${file}`, { mac: MAC, data: { file, result } });
  };
  const http = (path: string) => {
    t += 1000;
    bus.log('http', 'info', 'http.request', `GET ${path} 200`, { mac: MAC, data: { path, status: 200, complete: true } });
  };
  return { dir, bus, chains, hosts, tracker, failures, lines, dhcp, tftp, http };
}

describe('the chain policy applied to hosts', () => {
  test('auto: a refused iPXE loader switches the host at its next DHCP request, on its record and its timeline, once', async () => {
    const l = await lab();
    assert.equal(l.dhcp(), 'ipxe');
    l.tftp('snponly.efi', 'probe');
    l.tftp('snponly.efi');
    assert.equal(l.dhcp(), 'signed', 'the very request that shows the refusal gets the signed chain');
    const host = l.hosts.get(MAC);
    assert.equal(host?.chain, 'signed');
    assert.match(host?.chainReason ?? '', /snponly\.efi.*without running it/);
    assert.equal(l.lines('boot.chain-switched').length, 1);
    assert.ok(l.lines('boot.chain-switched')[0]?.startsWith(SWITCH_MESSAGE));
    // DHCP retries, then the signed chain running: nothing more said, nothing failed.
    l.dhcp();
    l.dhcp();
    l.tftp('shimx64.efi');
    l.tftp('grubx64.efi');
    l.tftp('grub/52-54-00-c4-a1-01.cfg');
    assert.equal(l.dhcp(), 'signed');
    assert.equal(l.lines('boot.chain-switched').length, 1);
    assert.deepEqual(l.failures, []);
    l.tracker.stop();
  });

  test('auto: a host whose iPXE runs stays on iPXE', async () => {
    const l = await lab();
    for (let boot = 0; boot < 3; boot += 1) {
      assert.equal(l.dhcp(), 'ipxe');
      l.tftp('snponly.efi');
      l.dhcp({ ...ROM, ipxe: true });
      l.http('/ipxe/52-54-00-c4-a1-01.ipxe');
    }
    assert.equal(l.hosts.get(MAC)?.chain, 'ipxe');
    assert.deepEqual(l.lines('boot.chain-switched'), []);
    l.tracker.stop();
  });

  test('auto: refused in both chains, the host fails once (boot-refused) and stays on the signed chain', async () => {
    const l = await lab();
    l.dhcp();
    l.tftp('snponly.efi');
    l.dhcp();
    l.tftp('shimx64.efi');
    l.tftp('grubx64.efi');
    for (let retry = 0; retry < 4; retry += 1) assert.equal(l.dhcp(), 'signed');
    l.tftp('shimx64.efi');
    l.dhcp();
    assert.equal(l.failures.length, 1);
    const host = l.hosts.get(MAC);
    assert.equal(host?.state, 'failed');
    assert.equal(host?.failureCode, 'boot-refused');
    assert.match(host?.failureReason ?? '', /iPXE: .*snponly\.efi.*Signed chain \(shim, GRUB\): .*shimx64\.efi, grubx64\.efi/);
    assert.equal(host?.chain, 'signed');
    assert.equal(l.lines('boot.chain-refused').length, 1);
    assert.equal(l.lines('boot.chain-switched').length, 1);
    // Choosing auto on the host again starts afresh on iPXE.
    const retried = l.chains.setHost(l.hosts, MAC, 'auto');
    assert.equal(retried.chain, 'ipxe');
    assert.equal(retried.chainReason, null);
    assert.equal(l.dhcp(), 'ipxe');
    l.tftp('snponly.efi');
    assert.equal(l.dhcp(), 'signed', 'and switches again if refused again');
    l.tracker.stop();
  });

  test('an explicit setting never switches: global ipxe, or a host of its own', async () => {
    const l = await lab({ flag: 'ipxe' });
    l.dhcp();
    l.tftp('snponly.efi');
    assert.equal(l.dhcp(), 'ipxe');
    l.tftp('snponly.efi');
    assert.equal(l.dhcp(), 'ipxe');
    assert.deepEqual(l.lines('boot.chain-switched'), []);
    await l.chains.setGlobal(l.hosts, 'auto');
    l.chains.setHost(l.hosts, MAC, 'ipxe');
    l.tftp('snponly.efi');
    assert.equal(l.dhcp(), 'ipxe');
    assert.deepEqual(l.lines('boot.chain-switched'), []);
    l.chains.setHost(l.hosts, MAC, 'signed');
    l.tftp('shimx64.efi');
    l.dhcp();
    assert.equal(l.dhcp(), 'signed');
    assert.deepEqual(l.failures, [], 'an explicit signed chain never fails the host either');
    l.tracker.stop();
  });

  test('the global setting: stored, the serve flag wins and is stored, hosts follow it unless they have their own', async () => {
    const l = await lab();
    assert.equal(l.chains.global, 'auto', 'auto by default');
    l.dhcp();
    const other = '52:54:00:c4:a1:02';
    l.hosts.seen({ ...OVMF, mac: other });
    l.chains.setHost(l.hosts, other, 'ipxe');
    await l.chains.setGlobal(l.hosts, 'signed');
    assert.equal(l.hosts.get(MAC)?.chain, 'signed');
    assert.equal(l.hosts.get(other)?.chain, 'ipxe', 'its own setting stays');
    assert.deepEqual(JSON.parse(await readFile(join(l.dir, 'boot-chain.json'), 'utf8')), { version: 1, chain: 'signed' });
    l.hosts.seen({ ...OVMF, mac: '52:54:00:c4:a1:03' });
    assert.equal(l.hosts.get('52:54:00:c4:a1:03')?.chain, 'signed', 'a new host starts on the global chain');
    l.chains.setHost(l.hosts, other, null);
    assert.equal(l.hosts.get(other)?.chain, 'signed', 'back to the global one');
    await l.hosts.flush();
    l.tracker.stop();

    // A restart reads it; a restart with --chain ipxe stores ipxe, and the hosts stored under signed follow.
    const again = await lab({ dir: l.dir });
    assert.equal(again.chains.global, 'signed');
    again.tracker.stop();
    // A restart with --chain auto after signed: the hosts that follow the global setting start afresh on iPXE.
    const switched = await lab({ dir: l.dir, flag: 'auto' });
    assert.equal(switched.hosts.get(MAC)?.chain, 'ipxe', 'the flag moved the hosts that follow the global setting');
    assert.equal(switched.hosts.get(other)?.chain, 'ipxe', 'so does the host back on the global setting');
    switched.tracker.stop();
    await switched.hosts.flush();
    const flagged = await lab({ dir: l.dir, flag: 'ipxe' });
    assert.equal(flagged.chains.global, 'ipxe');
    assert.deepEqual(JSON.parse(await readFile(join(l.dir, 'boot-chain.json'), 'utf8')), { version: 1, chain: 'ipxe' });
    assert.equal(flagged.hosts.get(MAC)?.chain, 'ipxe');
    flagged.tracker.stop();
  });

  test('host records stored before chains existed load as ipxe', async () => {
    const dir = await tempDir();
    const old = {
      mac: MAC,
      firmware: 'uefi',
      arch: 'x86_64',
      clientArch: 7,
      ip: '10.231.120.100',
      state: 'installed',
      distro: 'debian-12.5.0-amd64',
      uuid: null,
      vendorClass: 'PXEClient:Arch:00007:UNDI:003000',
      userClass: null,
      hostname: 'node-1',
      firstSeen: '2026-01-01T00:00:00.000Z',
      lastSeen: '2026-01-01T00:00:00.000Z',
    };
    await writeFile(join(dir, 'hosts.json'), JSON.stringify({ version: 1, hosts: [old] }));
    const l = await lab({ dir });
    const host = l.hosts.get(MAC);
    assert.equal(host?.chain, 'ipxe');
    assert.equal(host?.chainOverride ?? null, null);
    assert.equal(host?.state, 'installed');
    l.tracker.stop();
  });
});
