// The event stream's worker (see stream-socket.ts): one WebSocket, parsed and batched here, off the
// page's main thread. Bundled on its own as /events-worker.js.
import { pageSocket, type FromWorker, type StreamSocket, type ToWorker } from './stream-socket.js';

const post = (m: FromWorker) => (globalThis as unknown as { postMessage(m: FromWorker): void }).postMessage(m);
let socket: StreamSocket | null = null;

globalThis.addEventListener('message', (e: Event) => {
  const msg = (e as MessageEvent<ToWorker>).data;
  if (msg.type === 'close') {
    socket?.close();
    socket = null;
    return;
  }
  socket?.close();
  const s = pageSocket(msg.url, msg.flushMs);
  s.onopen = () => post({ type: 'open' });
  s.onbatch = (events) => post({ type: 'batch', events });
  s.onclose = () => post({ type: 'close' });
  socket = s;
});
