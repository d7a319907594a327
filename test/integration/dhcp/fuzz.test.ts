// 100,000 random and mutated DHCP packets at a running server: it stays up, reports what it
// dropped, and then serves a real client correctly.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Lab, type LabHost } from '../../helpers/netns.js';
import { NODE, REPO, removeDir, startBootbench, tempDataDir, type RunningBootbench } from '../../helpers/bootbench.js';
import { udhcpc } from '../../helpers/clients.js';
import type { ServerStatus } from '../../../electron/shared/contract.js';

describe('DHCP fuzzing', { timeout: 600_000 }, () => {
  let lab: Lab;
  let server: RunningBootbench;
  let dataDir: string;
  let fuzzer: LabHost;
  let real: LabHost;

  before(async () => {
    lab = Lab.create('fuzz');
    // A /16 with a large pool: mutated packets that are still valid DISCOVERs from random MACs
    // take offers, and the real client must still find an address afterwards.
    const seg = lab.segment('bbfuzz0', '10.231.7.1/16');
    fuzzer = lab.host(seg, { cidr: '10.231.7.2/16' });
    real = lab.host(seg);
    dataDir = tempDataDir('fuzz');
    server = await startBootbench(
      lab,
      ['--interface', 'bbfuzz0', '--mode', 'dhcp', '--pool', '10.231.100.1-10.231.199.254', '--quiet'],
      dataDir,
    );
  });

  after(async () => {
    await server?.stop();
    lab?.destroy();
    if (dataDir) removeDir(dataDir);
  });

  test('the server survives 100,000 bad packets and then serves a real client', async () => {
    const r = await lab.exec(
      fuzzer.ns,
      NODE,
      [
        '--import',
        'tsx',
        join(REPO, 'test/helpers/dhcp-fuzzer.ts'),
        JSON.stringify({ server: '10.231.7.1', count: 100_000, seed: 20261126 }),
      ],
      { timeoutMs: 400_000 },
    );
    assert.equal(r.code, 0, r.stderr);
    const { sent } = JSON.parse(r.stdout) as { sent: number };
    assert.ok(sent >= 100_000, `the fuzzer sent ${sent} packets`);
    assert.equal(server.child.exitCode, null, `the server exited:\n${server.output()}`);

    const st = JSON.parse((await lab.exec(lab.serverNs, NODE, ['-e', STATUS_SCRIPT, dataDir])).stdout) as ServerStatus;
    const dhcp = st.services.find((s) => s.name === 'dhcp');
    assert.ok(dhcp && dhcp.state === 'up', JSON.stringify(st));
    assert.ok((dhcp.counters.received ?? 0) >= 50_000, `the server read ${dhcp.counters.received} of ${sent} packets`);
    assert.ok((dhcp.counters.dropped ?? 0) > 10_000, `malformed packets are counted as dropped: ${JSON.stringify(dhcp.counters)}`);

    const lease = await udhcpc(lab, real.ns);
    assert.ok(lease, `no lease after the fuzzing:\n${server.output().slice(-4000)}`);
    assert.match(lease.ip, /^10\.231\.1\d\d\.\d+$/);
    assert.equal(lease.serverid, '10.231.7.1');
  });
});

// Reads /api/status through the control API, as the UI does.
const STATUS_SCRIPT = `
const { readFileSync } = require('node:fs');
const info = JSON.parse(readFileSync(process.argv[1] + '/server.json', 'utf8'));
fetch(info.controlUrl + '/api/status', { headers: { authorization: 'Bearer ' + info.token } })
  .then((r) => r.text()).then((t) => process.stdout.write(t));
`;
