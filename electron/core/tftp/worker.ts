// The worker-thread side of the transfer pool (pool.ts): runs transfers handed over by the main
// thread, each on its own socket pinned to the NIC and connected to the client, with the same
// Transfer class the main thread uses. The file is read through the descriptor the main thread
// opened (descriptors are process-wide); the main thread closes it once the end is reported here.
// This is the portable worker (libuv sockets, as in the main thread); on Linux the pool runs
// lane.ts instead, which drives its transfers with direct system calls. Messages: worker-protocol.ts.
import { isMainThread, parentPort, threadId, workerData } from 'node:worker_threads';
import type { Socket } from 'node:dgram';
import { openBoundUdpSocket } from '../net/bound-socket.js';
import type { Transfer } from './engine.js';
import { connect, descriptorReader, runOnSocket } from './io-libuv.js';
import { delayLoad, WORKER_MARK, type FromWorker, type ToWorker, type WorkerJob } from './worker-protocol.js';

if (!isMainThread && parentPort && (workerData as Record<string, unknown> | null)?.[WORKER_MARK] === true) runWorker(parentPort);

function runWorker(port: NonNullable<typeof parentPort>): void {
  const running = new Map<number, Transfer>();
  const aborted = new Set<number>();
  const post = (m: FromWorker) => port.postMessage(m);
  delayLoad(workerData);

  port.on('message', (m: ToWorker) => {
    if (m.type === 'abort') {
      const t = running.get(m.id);
      if (t) t.abort(m.message);
      else aborted.add(m.id); // still opening its socket
      return;
    }
    void start(m);
  });
  post({ type: 'ready' });

  async function start(job: WorkerJob): Promise<void> {
    let socket: Socket | null = null;
    try {
      socket = await openBoundUdpSocket({ iface: job.iface, port: 0, address: job.address });
      await connect(socket, job.clientPort, job.clientAddress);
    } catch (e) {
      socket?.close();
      post({ type: 'open-failed', id: job.id, message: (e as Error).message });
      return;
    }
    const { transfer, settled } = runOnSocket(socket, descriptorReader(job.fd, job.position), job.session, {
      clock: () => performance.now(),
      // Posted only once no read uses the descriptor any more: the main thread closes it on this.
      finished: (result, bytes, durationMs, retransmits) =>
        void settled.then(() => post({ type: 'end', id: job.id, result, bytes, durationMs, retransmits, threadId })),
    });
    running.set(job.id, transfer);
    void settled.then(() => running.delete(job.id));
    post({ type: 'started', id: job.id });
    if (aborted.delete(job.id)) transfer.abort('server stopped');
    else transfer.start();
  }
}
