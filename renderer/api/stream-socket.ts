// The event stream's socket, delivering batches of parsed events. Under a flood the costly part is
// not rendering but the page's main thread receiving thousands of WebSocket messages, one task
// each: so the socket lives in a dedicated worker that parses and batches (≤ 1 batch per 100 ms),
// and the page gets at most ~10 messages a second. Without Worker support it runs in the page.
import type { CoreEvent } from '../../electron/shared/contract.js';
import { Batcher } from './batcher.js';

export interface StreamSocket {
  onopen: (() => void) | null;
  onbatch: ((events: CoreEvent[]) => void) | null;
  onclose: (() => void) | null;
  close(): void;
}

/** Messages between the page and events-worker.ts. */
export type ToWorker = { type: 'connect'; url: string; flushMs: number } | { type: 'close' };
export type FromWorker = { type: 'open' } | { type: 'batch'; events: CoreEvent[] } | { type: 'close' };

export const WORKER_URL = '/events-worker.js';

export function openStreamSocket(url: string, flushMs: number): StreamSocket {
  if (typeof Worker === 'function') {
    try {
      return workerSocket(url, flushMs);
    } catch {
      // a page that may not start workers: fall through
    }
  }
  return pageSocket(url, flushMs);
}

function workerSocket(url: string, flushMs: number): StreamSocket {
  const worker = new Worker(WORKER_URL, { type: 'module', name: 'bootbench-events' });
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    worker.terminate();
    sock.onclose?.();
  };
  const sock: StreamSocket = {
    onopen: null,
    onbatch: null,
    onclose: null,
    close: () => {
      done = true;
      worker.postMessage({ type: 'close' } satisfies ToWorker);
      worker.terminate();
    },
  };
  worker.onmessage = (m: MessageEvent<FromWorker>) => {
    if (done) return;
    if (m.data.type === 'open') sock.onopen?.();
    else if (m.data.type === 'batch') sock.onbatch?.(m.data.events);
    else finish();
  };
  worker.onerror = finish;
  worker.postMessage({ type: 'connect', url, flushMs } satisfies ToWorker);
  return sock;
}

/** The same, on the page's own thread. Also what the worker runs (with `post` to the page). */
export function pageSocket(url: string, flushMs: number): StreamSocket {
  const ws = new WebSocket(url);
  const sock: StreamSocket = { onopen: null, onbatch: null, onclose: null, close: () => ws.close(1000) };
  const batcher = new Batcher<CoreEvent>((events) => sock.onbatch?.(events), flushMs);
  ws.onopen = () => sock.onopen?.();
  ws.onmessage = (m: MessageEvent) => {
    if (typeof m.data !== 'string') return;
    try {
      batcher.push(JSON.parse(m.data) as CoreEvent);
    } catch {
      // a malformed message is skipped, not fatal
    }
  };
  ws.onclose = () => {
    batcher.drain(); // what arrived before the drop is still delivered
    sock.onclose?.();
  };
  return sock;
}
