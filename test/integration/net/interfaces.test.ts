// listInterfaces against a real kernel: a namespace with a bridge (with one port), a veth pair, a
// dummy (or ifb), a tap and lo. The listing runs in a child under `ip netns exec`, which mounts that namespace's
// own /sys (sysfs shows the namespace of whoever mounted it, not of the reader).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { NicInfo } from '../../../electron/shared/contract.js';
import { Lab } from '../../helpers/netns.js';

describe('listInterfaces in a namespace', { timeout: 120_000 }, () => {
  let lab: Lab;
  let nics: NicInfo[] = [];
  let portName = '';

  before(() => {
    lab = Lab.create('ifaces');
    const ns = lab.serverNs;
    const seg = lab.segment('bbI', '10.231.65.1/24');
    lab.host(seg); // gives the bridge a port, hence a carrier
    portName = `${lab.id.slice(-6)}h1`.slice(-15);
    const ip = (...args: string[]) => {
      const r = lab.run(ns, 'ip', args);
      assert.equal(r.code, 0, `ip ${args.join(' ')}: ${r.stderr}`);
    };
    // a dummy, or where the kernel has no dummy driver (this CI kernel) an ifb: both are software
    // links without a device whose operstate is "unknown" with carrier 1 when up
    if (lab.run(ns, 'ip', ['link', 'add', 'bbdum0', 'mtu', '1400', 'type', 'dummy']).code !== 0)
      ip('link', 'add', 'bbdum0', 'mtu', '1400', 'type', 'ifb');
    ip('addr', 'add', '10.231.66.1/24', 'dev', 'bbdum0');
    ip('link', 'set', 'bbdum0', 'up');
    ip('link', 'add', 'bbv0', 'mtu', '9000', 'type', 'veth', 'peer', 'name', 'bbv1');
    ip('addr', 'add', '10.231.67.1/24', 'dev', 'bbv0');
    ip('link', 'set', 'bbv0', 'up'); // its peer stays down: no carrier
    ip('tuntap', 'add', 'dev', 'bbtap0', 'mode', 'tap');
    ip('link', 'set', 'bbtap0', 'up'); // no process attached: no carrier

    const module = new URL('../../../electron/core/net/interfaces.ts', import.meta.url).pathname;
    const code = `import { listInterfaces } from ${JSON.stringify(module)}; console.log(JSON.stringify(await listInterfaces()));`;
    const r = lab.run(ns, process.execPath, ['--import', import.meta.resolve('tsx'), '--input-type=module', '-e', code], {
      timeoutMs: 30_000,
    });
    assert.equal(r.code, 0, r.stderr);
    nics = JSON.parse(r.stdout) as NicInfo[];
  });

  after(() => lab?.destroy());

  const nic = (name: string) => {
    const found = nics.find((n) => n.name === name);
    assert.ok(found, `${name} listed among ${nics.map((n) => n.name).join(', ')}`);
    return found;
  };

  test('kinds, and the order ethernet, bridge, virtual, …, loopback', () => {
    const virtual = ['bbdum0', 'bbv0', 'bbv1', portName].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    assert.deepEqual(
      nics.map((n) => `${n.kind}:${n.name}`),
      ['bridge:bbI', ...virtual.map((n) => `virtual:${n}`), 'vpn:bbtap0', 'loopback:lo'],
    );
  });

  test('IPv4 addresses, including interfaces that have none', () => {
    assert.deepEqual(nic('bbI').ipv4, [{ address: '10.231.65.1', prefix: 24 }]);
    assert.deepEqual(nic('bbdum0').ipv4, [{ address: '10.231.66.1', prefix: 24 }]);
    assert.deepEqual(nic('bbv1').ipv4, []);
    assert.deepEqual(nic('lo').ipv4, [{ address: '127.0.0.1', prefix: 8 }]);
  });

  test('MTU and MAC', () => {
    assert.equal(nic('bbdum0').mtu, 1400);
    assert.equal(nic('bbv0').mtu, 9000);
    assert.equal(nic('lo').mtu, 65536);
    assert.match(nic('bbv0').mac ?? '', /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    assert.equal(nic('lo').mac, null);
  });

  test('up and down', () => {
    assert.equal(nic('bbI').up, true, 'bridge with a running port');
    assert.equal(nic('bbdum0').up, true, 'dummy: operstate unknown, carrier 1');
    assert.equal(nic('lo').up, true);
    assert.equal(nic('bbv0').up, false, 'admin up but its peer is down');
    assert.equal(nic('bbv1').up, false, 'admin down');
    assert.equal(nic('bbtap0').up, false, 'tap without a process');
  });
});
