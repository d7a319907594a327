// The boot HTTP server bound to a lab NIC address inside a network namespace; a client namespace
// on the same segment fetches a real boot loader with curl, as a PXE client on the lab switch would.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { EventBus } from '../../../electron/core/events.js';
import type { FileResolver } from '../../../electron/core/files/file-source.js';
import { createBootHttpServer, type BootHttpServer } from '../../../electron/core/http/server.js';
import { mountBootRoutes } from '../../../electron/core/boot/routes.js';
import type { LogEvent } from '../../../electron/shared/contract.js';
import { Lab, enterNamespace, type LabHost } from '../../helpers/netns.js';

const LOADER = '/usr/lib/ipxe/undionly.kpxe';
const CLIENT_IP = '10.231.41.50';

/** Serves the named files of one folder (a stand-in for files/directory.ts in this test). */
function flatResolver(dir: string, names: string[]): FileResolver {
  return async (path) => {
    if (!names.includes(path)) return { ok: false, failure: { kind: 'not-found', message: path } };
    const fh = await open(join(dir, path), 'r');
    const st = await fh.stat();
    return {
      ok: true,
      file: { size: st.size, mtime: st.mtime, read: async (b, o, l, p) => (await fh.read(b, o, l, p)).bytesRead, close: () => fh.close() },
    };
  };
}

describe('boot HTTP server in a lab namespace', { timeout: 120_000, skip: existsSync(LOADER) ? false : 'needs the ipxe package' }, () => {
  let lab: Lab;
  let client: LabHost;
  let server: BootHttpServer;
  let serverIp: string;
  let scratch: string;
  const bus = new EventBus();

  before(async () => {
    lab = Lab.create('http');
    const seg = lab.segment('bbhttp0', '10.231.41.1/24');
    serverIp = seg.serverIp;
    client = lab.host(seg, { cidr: `${CLIENT_IP}/24` });
    scratch = mkdtempSync(join(tmpdir(), 'bootbench-http-ns-'));
    server = createBootHttpServer({ address: serverIp, port: 80, bus, macForIp: (ip) => (ip === CLIENT_IP ? client.mac : null) });
    mountBootRoutes(server, { loaders: flatResolver('/usr/lib/ipxe', [basename(LOADER)]), hosts: new Map(), serverIp, httpPort: 80 });
    // The listening socket is made (and bound: the address resolves on a later tick) while this
    // thread is in the lab's server namespace; accepted connections stay in that namespace.
    const leave = enterNamespace(lab.serverNs);
    try {
      await server.start();
    } finally {
      leave();
    }
  });

  after(async () => {
    await server?.stop();
    lab?.destroy();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  test('a client fetches undionly.kpxe with curl from the NIC address, byte for byte', async () => {
    assert.equal(server.url, `http://${serverIp}`);
    const out = join(scratch, 'undionly.kpxe');
    const r = await lab.exec(
      client.ns,
      'curl',
      ['-sS', '--max-time', '20', '-D', '-', '-o', out, `http://${serverIp}/boot/undionly.kpxe`],
      { timeoutMs: 30_000 },
    );
    assert.equal(r.code, 0, r.stderr);
    const expected = readFileSync(LOADER);
    assert.match(r.stdout, /^HTTP\/1\.1 200/);
    assert.match(r.stdout, new RegExp(`Content-Length: ${expected.length}\\r\\n`, 'i'));
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    assert.equal(sha(readFileSync(out)), sha(expected));

    const ev = bus
      .history()
      .filter((e): e is LogEvent => e.type === 'log' && e.kind === 'http.request')
      .at(-1);
    assert.equal(ev?.data?.client, CLIENT_IP);
    assert.equal(ev?.mac, client.mac);
    assert.equal(ev?.data?.status, 200);
  });

  test('the client gets its iPXE script pointing back at the NIC address', async () => {
    const dashed = client.mac.replace(/:/g, '-');
    const r = await lab.exec(client.ns, 'curl', ['-sS', '--max-time', '20', `http://${serverIp}/ipxe/${dashed}.ipxe`], {
      timeoutMs: 30_000,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.startsWith('#!ipxe\n'));
    assert.ok(r.stdout.includes(client.mac));
    assert.ok(r.stdout.includes(`chain --replace --autofree http://${serverIp}/ipxe/${dashed}.ipxe?poll=1`));
  });

  test('it listens on the NIC address only, not on loopback', async () => {
    const r = await lab.exec(lab.serverNs, 'curl', ['-sS', '--max-time', '5', 'http://127.0.0.1/boot/undionly.kpxe'], {
      timeoutMs: 15_000,
    });
    assert.notEqual(r.code, 0);
  });
});
