// The DHCP address-conflict probe against real hosts in a namespace lab. This test process moves
// its main thread into the server namespace (setns) so the raw socket is created there.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Lab, enterNamespace, type LabHost, type Segment } from '../../helpers/netns.js';
import { nobodyRuns } from '../../helpers/as-nobody.js';
import { createIcmpProber, type IcmpProber } from '../../../electron/core/net/icmp-probe.js';

describe('ICMP address-conflict probe in a lab', { timeout: 120_000 }, () => {
  let lab: Lab;
  let a: Segment;
  let held: LabHost;
  let prober: IcmpProber;
  let leave: (() => void) | null = null;

  before(async () => {
    lab = Lab.create('icmp');
    a = lab.segment('bbP', '10.231.63.1/24');
    lab.segment('bbQ', '10.231.64.1/24');
    held = lab.host(a, { cidr: '10.231.63.10/24' });
    leave = enterNamespace(lab.serverNs);
    prober = await createIcmpProber({ iface: 'bbP' });
  });

  after(() => {
    prober?.close();
    leave?.();
    lab?.destroy();
  });

  test('an address a client holds answers', async () => {
    assert.equal(await prober.probe('10.231.63.10', 3_000), true);
    assert.equal(held.segment.name, 'bbP');
  });

  test('a free address does not answer, and the probe ends at its timeout', async () => {
    const start = Date.now();
    assert.equal(await prober.probe('10.231.63.99', 1_000), false);
    const elapsed = Date.now() - start;
    assert.ok(elapsed >= 950 && elapsed < 2_000, `took ${elapsed} ms`);
  });

  test('200 free addresses and one held address, probed at once, finish in about one timeout', async () => {
    const free = Array.from({ length: 200 }, (_, i) => `10.231.63.${30 + i}`);
    const start = Date.now();
    const answered = await prober.probeMany([...free, '10.231.63.10'], 1_500);
    const elapsed = Date.now() - start;
    assert.deepEqual([...answered], ['10.231.63.10']);
    assert.ok(elapsed < 3_000, `200 probes took ${elapsed} ms; they must run concurrently`);
  });

  test('a prober pinned to the other segment does not see the host', async () => {
    const other = await createIcmpProber({ iface: 'bbQ' });
    try {
      assert.equal(await other.probe('10.231.63.10', 1_000), false);
    } finally {
      other.close();
    }
  });

  test('without CAP_NET_RAW, createIcmpProber rejects with a clear error', () => {
    const modulePath = new URL('../../../electron/core/net/icmp-probe.ts', import.meta.url).pathname;
    const code = `import { createIcmpProber } from ${JSON.stringify(modulePath)};
try { (await createIcmpProber({ iface: 'bbP' })).close(); console.log(JSON.stringify({ code: 'OPENED' })); }
catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }`;
    const [cmd, args] = nobodyRuns(code, 'icmp-probe-unprivileged');
    const r = lab.run(lab.serverNs, cmd, args, { timeoutMs: 30_000 });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { code: string; message: string };
    assert.equal(out.code, 'ICMP_PROBE_UNAVAILABLE');
    assert.match(out.message, /CAP_NET_RAW/);
  });
});
