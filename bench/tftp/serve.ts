// Runs Bootbench's TFTP server over a folder, in the foreground, for the benchmark (bench/tftp/run.sh
// starts it inside a lab namespace). Prints "listening" when ready; SIGTERM stops it.
//   node --import tsx bench/tftp/serve.ts --iface IF --address IP --root DIR [--port 69] [--mtu 1500] [--workers N] [--worker-kind lane|portable] [--verbose]
//   (--workers: transfer worker threads (lanes); default one per core; 0 = every transfer in the main thread;
//    --worker-kind portable: libuv workers instead of lanes, the main thread serving too)
import { parseArgs } from 'node:util';
import { EventBus } from '../../electron/core/events.js';
import { directoryResolver } from '../../electron/core/files/directory.js';
import { createTftpServer } from '../../electron/core/tftp/server.js';

const { values } = parseArgs({
  options: {
    iface: { type: 'string' },
    address: { type: 'string' },
    root: { type: 'string' },
    port: { type: 'string', default: '69' },
    mtu: { type: 'string', default: '1500' },
    workers: { type: 'string' },
    'worker-kind': { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});
if (!values.iface || !values.address || !values.root) {
  process.stderr.write('usage: serve.ts --iface IF --address IP --root DIR [--port N] [--mtu N]\n');
  process.exit(2);
}
const bus = new EventBus({ backlog: 100 });
bus.subscribe((e) => {
  if (e.type === 'log' && (values.verbose || e.level === 'warn' || e.level === 'error'))
    process.stderr.write(`${e.level} ${e.kind} ${e.message}\n`);
});
const server = createTftpServer({
  iface: values.iface,
  address: values.address,
  port: Number(values.port),
  mtu: Number(values.mtu),
  resolve: directoryResolver(values.root),
  bus,
  ...(values.workers !== undefined ? { workers: Number(values.workers) } : {}),
  ...(values['worker-kind'] === 'portable' || values['worker-kind'] === 'lane' ? { workerKind: values['worker-kind'] } : {}),
});
await server.start();
process.stdout.write(`listening ${server.status().address}\n`);
const stop = () => {
  void server.stop().then(() => {
    process.stderr.write(`${JSON.stringify(server.status().counters)}\n`);
    process.exit(0);
  });
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
