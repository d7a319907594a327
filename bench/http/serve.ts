// Starts Bootbench's boot HTTP server on loopback for bench/http/run.sh: /boot/* from a folder,
// /ipxe/<mac>.ipxe rendered per request, every request logged on an event bus as in the product.
// Usage: node --import tsx bench/http/serve.ts ROOT PORT
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { EventBus } from '../../electron/core/events.js';
import type { FileResolver } from '../../electron/core/files/file-source.js';
import { createBootHttpServer } from '../../electron/core/http/server.js';
import { mountBootRoutes } from '../../electron/core/boot/routes.js';
import type { Host } from '../../electron/shared/contract.js';

const [root = '.', portText = '8081'] = process.argv.slice(2);

// Flat folder, names without '/': enough for the bench (files/directory.ts is the product's).
const loaders: FileResolver = async (path) => {
  if (path.includes('/')) return { ok: false, failure: { kind: 'not-found', message: path } };
  try {
    const fh = await open(join(root, path), 'r');
    const st = await fh.stat();
    return {
      ok: true,
      file: { size: st.size, mtime: st.mtime, read: async (b, o, l, p) => (await fh.read(b, o, l, p)).bytesRead, close: () => fh.close() },
    };
  } catch {
    return { ok: false, failure: { kind: 'not-found', message: path } };
  }
};

const now = new Date().toISOString();
const hosts = new Map<string, Host>([
  [
    '52:54:00:12:34:56',
    {
      mac: '52:54:00:12:34:56',
      firmware: 'bios',
      arch: 'x86_64',
      clientArch: 0,
      ip: '127.0.0.1',
      state: 'discovered',
      distro: null,
      uuid: null,
      vendorClass: 'PXEClient:Arch:00000:UNDI:002001',
      userClass: 'iPXE',
      hostname: null,
      firstSeen: now,
      lastSeen: now,
      chain: 'ipxe',
    },
  ],
]);
const bus = new EventBus();
const server = createBootHttpServer({
  address: '127.0.0.1',
  port: Number(portText),
  bus,
  macForIp: (ip) => (ip === '127.0.0.1' ? '52:54:00:12:34:56' : null),
});
mountBootRoutes(server, { loaders, hosts, serverIp: '127.0.0.1', httpPort: Number(portText), biosChain: true });
await server.start();
process.stdout.write(`ready ${server.url}\n`);
const stop = () => {
  process.stderr.write(`${JSON.stringify(server.status().counters)}\n`);
  void server.stop().then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
