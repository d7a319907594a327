// Starts Bootbench's boot HTTP server on loopback for bench/iso/run.sh, with the product's two
// ways of serving a file: /iso/<id>/<path> straight out of an imported ISO (IsoLibrary +
// mountIsoRoutes, as app.ts wires them) and /disk/<path> from a folder (directoryResolver).
// Every request is logged on an EventBus as in the product.
// Usage: node serve.mjs ISO TREE DATA_DIR PORT   → prints "ready <url> <distro id>"
import { EventBus } from '../../electron/core/events.js';
import { directoryResolver } from '../../electron/core/files/directory.js';
import { requireGetOrHead, sendOpened } from '../../electron/core/http/file-response.js';
import { createBootHttpServer } from '../../electron/core/http/server.js';
import { mountIsoRoutes } from '../../electron/core/iso/http-routes.js';
import { IsoLibrary } from '../../electron/core/iso/library.js';

const [iso, tree, dataDir, portText] = process.argv.slice(2);
if (!iso || !tree || !dataDir || !portText) throw new Error('usage: serve ISO TREE DATA_DIR PORT');

const bus = new EventBus();
const library = await IsoLibrary.open(dataDir, bus);
const distro = await library.import(iso);
const server = createBootHttpServer({ address: '127.0.0.1', port: Number(portText), bus });
mountIsoRoutes(server, library);
const disk = directoryResolver(tree);
server.mount('/disk', async (req, res, rest) => {
  if (!requireGetOrHead(req, res)) return;
  await sendOpened(req, res, await disk(rest), rest);
});
await server.start();
process.stdout.write(`ready ${server.url} ${distro.id}\n`);
const stop = () => {
  process.stderr.write(`${JSON.stringify(server.status().counters)}\n`);
  void server
    .stop()
    .then(() => library.close())
    .then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
