// The worker-thread side of the transfer pool (pool.ts): runs transfers handed over by the main
// thread, each on its own socket pinned to the NIC and connected to the client, with the same
// Transfer class the main thread uses. The file is read through the descriptor the main thread
// opened (descriptors are process-wide); the main thread closes it once the end is reported here.
// This is the portable worker (libuv sockets, as in the main thread); on Linux the pool runs
// lane.ts instead, which drives its transfers with direct system calls. Messages: worker-protocol.ts.
import { read } from 'node:fs';
import { isMainThread, parentPort, threadId, workerData } from 'node:worker_threads';
import type { Socket } from 'node:dgram';
import { openBoundUdpSocket } from '../net/bound-socket.js';
import { connect, Transfer } from './transfer.js';
import { WORKER_MARK, type FromWorker, type ToWorker, type TransferEnd, type WorkerJob } from './worker-protocol.js';

if (!isMainThread && parentPort && (workerData as Record<string, unknown> | null)?.[WORKER_MARK] === true) runWorker(parentPort);

function runWorker(port: NonNullable<typeof parentPort>): void {
  const running = new Map<number, Transfer>();
  const aborted = new Set<number>();
  const post = (m: FromWorker) => port.postMessage(m);

  port.on('message', (m: ToWorker) => {
    if (m.type === 'abort') {
      const t = running.get(m.id);
      if (t) void t.abort(m.message);
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
    let end: TransferEnd | null = null;
    const transfer = new Transfer(socket, readAt(job.fd, job.position), job.session, {
      clock: () => performance.now(),
      retransmitted: () => undefined, // reported with the end
      finished: (result, bytes, durationMs) => {
        end = { type: 'end', id: job.id, result, bytes, durationMs, retransmits: 0, threadId };
      },
    });
    running.set(job.id, transfer);
    post({ type: 'started', id: job.id });
    if (aborted.delete(job.id)) void transfer.abort('server stopped');
    else transfer.start();
    await transfer.closed;
    running.delete(job.id);
    // Posted only once no read uses the descriptor any more: the main thread closes it on this.
    if (end) post({ ...(end as TransferEnd), retransmits: transfer.retransmits });
  }
}

/** Positional reads through the thread pool, as in the main thread (never a blocking read: a slow disk must not stall this worker's other transfers). */
function readAt(fd: number, base: number) {
  return (buffer: Buffer, offset: number, length: number, position: number) =>
    new Promise<number>((resolve, reject) => read(fd, buffer, offset, length, base + position, (e, n) => (e ? reject(e) : resolve(n))));
}
