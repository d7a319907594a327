// 50 concurrent downloads of a 16 MiB file (curl, 10 in each of 5 client namespaces): all complete
// byte-identical, none stalls, and the server ends with no transfer left over.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startTftpLab, writeRandomFile, type TftpLab } from '../../helpers/tftp-lab.js';

const FILE = 'big16.bin';
const PER_CLIENT = 10;
const CLIENTS = 5;

describe('TFTP under load', { timeout: 900_000 }, () => {
  let t: TftpLab;

  before(async () => {
    t = await startTftpLab('tftpl', 71, { clients: CLIENTS });
    writeRandomFile(join(t.root, FILE), 16 * 1024 * 1024);
  });

  after(async () => {
    await t?.close();
  });

  test(`${CLIENTS * PER_CLIENT} concurrent downloads of 16 MiB are all byte-identical`, async () => {
    // Each namespace starts its curls together and prints one "sha256  path" line per download;
    // curl's own retry limits bound every download, and lab.exec kills the lot after 10 minutes.
    const script = [
      'set -u; d=$(mktemp -d); trap \'rm -rf "$d"\' EXIT',
      `for i in $(seq 1 ${PER_CLIENT}); do curl -sS --tftp-blksize 1468 --max-time 500 -o "$d/$i" tftp://${t.serverIp}/${FILE} 2>"$d/$i.err" & done`,
      'wait',
      `for i in $(seq 1 ${PER_CLIENT}); do if [ -f "$d/$i" ]; then sha256sum "$d/$i"; else echo "missing $i: $(cat "$d/$i.err")"; fi; done`,
    ].join('\n');
    const started = Date.now();
    const results = await Promise.all(t.hosts.map((h) => t.exec(h, 'bash', ['-c', script], 600_000)));
    const seconds = (Date.now() - started) / 1000;
    const expected = t.sha(FILE);
    const lines = results.flatMap((r) => r.stdout.trim().split('\n'));
    assert.equal(lines.length, CLIENTS * PER_CLIENT, results.map((r) => r.stdout + r.stderr).join('\n'));
    const bad = lines.filter((l) => !l.startsWith(`${expected} `));
    assert.deepEqual(bad, [], `downloads that differ or failed (of ${lines.length})`);
    const c = t.server.status().counters;
    assert.equal(c.completed, CLIENTS * PER_CLIENT);
    assert.equal(c.active, 0);
    assert.equal(c.timeouts, 0);
    const mib = (CLIENTS * PER_CLIENT * 16) / seconds;
    process.stdout.write(
      `# ${CLIENTS * PER_CLIENT} × 16 MiB in ${seconds.toFixed(1)} s (${mib.toFixed(1)} MiB/s aggregate, ${c.retransmits} retransmits)\n`,
    );
  });
});
