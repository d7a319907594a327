// `bootbench check`: a preflight that says what blocks serving and how to fix it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Lab } from '../helpers/netns.js';
import { BIN, NODE, ensureBuilt, removeDir, startBootbench, tempDataDir } from '../helpers/bootbench.js';

interface Report {
  ok: boolean;
  checks: { id: string; status: string; message: string; fix?: string }[];
}

describe('bootbench check', { timeout: 300_000 }, () => {
  let lab: Lab;
  let dataDir: string;

  before(() => {
    ensureBuilt();
    lab = Lab.create('check');
    lab.segment('bbchk0', '10.231.10.1/24');
    lab.segment('bbchk1', '10.231.11.1/24');
    dataDir = tempDataDir('check');
  });

  after(() => {
    lab?.destroy();
    if (dataDir) removeDir(dataDir);
  });

  const check = async (iface: string) => {
    const r = await lab.exec(lab.serverNs, NODE, [BIN, 'check', '--interface', iface, '--json', '--data', dataDir], { timeoutMs: 60_000 });
    return { code: r.code, report: JSON.parse(r.stdout) as Report, stderr: r.stderr };
  };

  test('a ready interface passes every check, boot loaders verified', async () => {
    const { code, report } = await check('bbchk0');
    assert.equal(code, 0, JSON.stringify(report, null, 2));
    assert.equal(report.ok, true);
    const ids = report.checks.map((c) => `${c.id}:${c.status}`);
    for (const id of [
      'interface:ok',
      'link:ok',
      'ipv4:ok',
      'port-udp-67:ok',
      'port-udp-69:ok',
      'port-udp-4011:ok',
      'port-tcp-80:ok',
      'foreign-dhcp:ok',
      'boot-files:ok',
      'ipmitool:ok',
    ])
      assert.ok(ids.includes(id), `${id} missing from ${ids}`);
    assert.match(report.checks.find((c) => c.id === 'boot-files')!.message, /undionly\.kpxe, snponly\.efi, ipxe\.efi/);
  });

  test('a port held by a running server fails, naming the process', async () => {
    const server = await startBootbench(lab, ['--interface', 'bbchk1', '--mode', 'dhcp'], dataDir);
    try {
      const { code, report } = await check('bbchk1');
      assert.equal(code, 1);
      const port = report.checks.find((c) => c.id === 'port-udp-67')!;
      assert.equal(port.status, 'fail');
      assert.match(port.message, new RegExp(`Port 67/udp on bbchk1 is already in use by node \\(pid \\d+\\)`));
      assert.match(port.message, /Stop that service/);
    } finally {
      await server.stop();
    }
  });

  test('an unknown interface fails and lists the real ones', async () => {
    const { code, report } = await check('nosuch0');
    assert.equal(code, 1);
    const nic = report.checks.find((c) => c.id === 'interface')!;
    assert.equal(nic.status, 'fail');
    assert.match(nic.message, /no network interface named "nosuch0"\. Available: .*bbchk0/);
  });

  test('an interface without IPv4 fails with the command that fixes it', async () => {
    await lab.exec(lab.serverNs, 'ip', ['link', 'add', 'bbchk2', 'type', 'bridge']);
    await lab.exec(lab.serverNs, 'ip', ['link', 'set', 'bbchk2', 'up']);
    const { code, report } = await check('bbchk2');
    assert.equal(code, 1);
    assert.match(report.checks.find((c) => c.id === 'ipv4')!.message, /sudo ip addr add .* dev bbchk2/);
  });

  test('ipmitool missing: a warning that says what does not work and how to install it, not a failure', async () => {
    const r = await lab.exec(
      lab.serverNs,
      'env',
      ['PATH=/nonexistent', NODE, BIN, 'check', '--interface', 'bbchk0', '--json', '--data', dataDir],
      {
        timeoutMs: 60_000,
      },
    );
    const report = JSON.parse(r.stdout) as Report;
    const item = report.checks.find((c) => c.id === 'ipmitool')!;
    assert.equal(item.status, 'warn');
    assert.match(item.message, /ipmitool is not installed: power control through IPMI/);
    assert.match(item.fix ?? '', /sudo apt install ipmitool/);
    assert.equal(report.ok, true);
    assert.equal(r.code, 0);
  });

  test('the human-readable report marks failures and says how to fix them', async () => {
    const r = await lab.exec(lab.serverNs, NODE, [BIN, 'check', '--interface', 'nosuch0', '--data', dataDir]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /\[FAIL\] There is no network interface named "nosuch0"/);
    assert.match(r.stdout, /Not ready to serve on nosuch0/);
  });
});
