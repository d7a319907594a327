// The messages between the TFTP server's main thread and its transfer workers (pool.ts on one
// side; lane.ts or worker.ts on the other). Structured-cloned, so plain data only:
//   main → worker: WorkerJob ('start'), { type: 'abort', id, message }
//   worker → main: { type: 'ready' } once loaded, then per job { type: 'started', id },
//                  { type: 'open-failed', id, message } or TransferEnd ('end');
//                  { type: 'stopped' } once it has ended its transfers after a stop request.
// Besides messages, each worker shares an Int32Array with the main thread (SIGNAL_POSTED,
// SIGNAL_STOP): a lane runs a loop of blocking system calls and never returns to its event loop,
// so it learns of a message by a counter and reads it with receiveMessageOnPort.
import type { FinishResult, Session } from './session.js';

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
export type FromWorker =
  | { type: 'ready'; id?: undefined }
  | { type: 'stopped'; id?: undefined }
  | { type: 'started'; id: number }
  | { type: 'open-failed'; id: number; message: string }
  | TransferEnd;

/** workerData key that marks a Bootbench TFTP worker (so that loading its module elsewhere does nothing). */
export const WORKER_MARK = 'bootbenchTftp';
/** workerData key of the shared Int32Array (SharedArrayBuffer) indexed by SIGNAL_POSTED and SIGNAL_STOP. */
export const SIGNALS = 'bootbenchTftpSignals';
/** workerData key (tests only): milliseconds the worker blocks before it loads, as a worker loading on a loaded machine. */
export const LOAD_DELAY = 'bootbenchTftpLoadDelayMs';

/** Blocks this thread for the test-only LOAD_DELAY in `data`, if any. */
export function delayLoad(data: unknown): void {
  const ms = (data as Record<string, unknown> | null)?.[LOAD_DELAY];
  if (typeof ms === 'number' && ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Signals slot bumped by the main thread after each message it posts. */
export const SIGNAL_POSTED = 0;
/** Signals slot set to 1 by the main thread: end every transfer, say 'stopped', and leave the loop. */
export const SIGNAL_STOP = 1;
export const SIGNAL_SLOTS = 2;
