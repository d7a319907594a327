// The worker-thread side of the transfer pool (pool.ts): runs transfers handed over by the main
// thread, each on its own socket pinned to the NIC and connected to the client, with the same
// Transfer class the main thread uses. The file is read through the descriptor the main thread
// opened (descriptors are process-wide); the main thread closes it once the end is reported here.
//
// Messages (the only contract between the threads; structured-cloned, so plain data only):
//   main → worker: WorkerJob ('start'), { type: 'abort', id, message }
//   worker → main: { type: 'ready' } once loaded, then per job { type: 'started', id },
//                  { type: 'open-failed', id, message } or TransferEnd ('end')
import { read } from 'node:fs';
import { isMainThread, parentPort, threadId, workerData } from 'node:worker_threads';
import type { Socket } from 'node:dgram';
import { openBoundUdpSocket } from '../net/bound-socket.js';
import type { FinishResult, Session } from './session.js';
import { connect, Transfer } from './transfer.js';

export interface WorkerJob {
  type: 'start';
  id: number;
  iface: string;
  address: string;
  clientAddress: string;
  clientPort: number;
  fd: number;
  /** Where the served file starts inside fd (a file inside an image starts further in). */
  position: number;
  session: Session;
}

export interface TransferEnd {
  type: 'end';
  id: number;
  result: FinishResult;
  bytes: number;
  durationMs: number;
  retransmits: number;
  threadId: number;
}

export type ToWorker = WorkerJob | { type: 'abort'; id: number; message: string };
export type FromWorker = { type: 'ready'; id?: undefined } | { type: 'started'; id: number } | { type: 'open-failed'; id: number; message: string } | TransferEnd;

/** workerData that marks a Bootbench TFTP worker (so that loading this module elsewhere does nothing). */
export const WORKER_MARK = 'bootbenchTftp';

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
