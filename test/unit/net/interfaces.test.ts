import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { NetworkInterfaceInfo } from 'node:os';
import { classifyLinuxNic, findInterface, listInterfaces, type SysfsFacts } from '../../../electron/core/net/interfaces.js';
import { BootbenchError } from '../../../electron/core/errors.js';

const laptop = new URL('../../fixtures/sysfs/laptop', import.meta.url).pathname;

function v4(address: string, cidr: string): NetworkInterfaceInfo {
  return { address, netmask: '255.255.255.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: false, cidr };
}

const addresses: NodeJS.Dict<NetworkInterfaceInfo[]> = {
  enp3s0: [v4('192.168.77.1', '192.168.77.1/24')],
  wlp2s0: [
    v4('10.0.0.5', '10.0.0.5/24'),
    {
      address: 'fe80::1',
      netmask: 'ffff:ffff:ffff:ffff::',
      family: 'IPv6',
      mac: 'a4:c3:f0:44:55:66',
      internal: false,
      cidr: 'fe80::1/64',
      scopeid: 3,
    },
  ],
  lo: [{ ...v4('127.0.0.1', '127.0.0.1/8'), internal: true }],
};

describe('classifyLinuxNic', () => {
  const base: SysfsFacts = { name: 'x', type: 1, wireless: false, bridge: false, tun: false, hasDevice: true };
  const cases: [string, Partial<SysfsFacts>, string][] = [
    ['hardware ethernet', {}, 'ethernet'],
    ['loopback by ARPHRD 772', { name: 'lo', type: 772, hasDevice: false }, 'loopback'],
    ['wifi (wireless/ or phy80211)', { wireless: true }, 'wifi'],
    ['bridge', { bridge: true, hasDevice: false }, 'bridge'],
    ['tun/tap by tun_flags', { name: 'vpn-office', tun: true, hasDevice: false }, 'vpn'],
    ['wireguard: ARPHRD_NONE', { name: 'office', type: 65534, hasDevice: false }, 'vpn'],
    ['named like a VPN (utun, tailscale)', { name: 'tailscale0', hasDevice: false }, 'vpn'],
    ['no device link: veth, dummy', { name: 'veth0', hasDevice: false }, 'virtual'],
  ];
  for (const [what, facts, kind] of cases) {
    test(what, () => assert.equal(classifyLinuxNic({ ...base, ...facts }), kind));
  }
});

describe('listInterfaces on a fake sysfs', () => {
  test('classifies, sorts ethernet first and loopback last, and includes NICs without IPv4', async () => {
    const nics = await listInterfaces({ sysfsRoot: laptop, addresses });
    assert.deepEqual(
      nics.map((n) => `${n.kind}:${n.name}`),
      [
        'ethernet:enp3s0',
        'ethernet:enx00e04c680001',
        'bridge:br0',
        'bridge:docker0',
        'virtual:dummy0',
        'virtual:veth1a2b',
        'vpn:tailscale0',
        'vpn:tun0',
        'vpn:wg0',
        'wifi:wlp2s0',
        'loopback:lo',
      ],
    );
  });

  test('reads address, MTU, link state and speed', async () => {
    const byName = new Map((await listInterfaces({ sysfsRoot: laptop, addresses })).map((n) => [n.name, n]));
    assert.deepEqual(byName.get('enp3s0'), {
      name: 'enp3s0',
      mac: '3c:52:82:11:22:33',
      ipv4: [{ address: '192.168.77.1', prefix: 24 }],
      mtu: 1500,
      up: true,
      kind: 'ethernet',
      speedMbps: 1000,
    });
    const usb = byName.get('enx00e04c680001');
    assert.equal(usb?.up, false); // operstate down, carrier unreadable
    assert.equal(usb?.speedMbps, null); // speed -1
    assert.deepEqual(usb?.ipv4, []);
    assert.deepEqual(byName.get('wlp2s0')?.ipv4, [{ address: '10.0.0.5', prefix: 24 }], 'IPv6 is not listed as IPv4');
    assert.equal(byName.get('dummy0')?.up, true, 'operstate unknown + carrier 1 is up');
    assert.equal(byName.get('docker0')?.up, false);
    assert.equal(byName.get('lo')?.mac, null, 'all-zero MAC is no MAC');
    assert.equal(byName.get('wg0')?.mac, null, 'no address file');
    assert.equal(byName.get('tailscale0')?.mtu, 1280);
    assert.equal(byName.has('bonding_masters'), false);
    assert.equal(byName.has('README.md'), false);
  });

  test('findInterface finds one, or names the ones there are', async () => {
    assert.equal((await findInterface('br0', { sysfsRoot: laptop, addresses })).kind, 'bridge');
    await assert.rejects(findInterface('eth9', { sysfsRoot: laptop, addresses }), (e: unknown) => {
      assert.ok(e instanceof BootbenchError);
      assert.equal(e.code, 'NO_SUCH_INTERFACE');
      assert.match(e.message, /"eth9".*Available: enp3s0, enx00e04c680001, br0/);
      return true;
    });
  });
});
