// The control API's event stream: bus events fanned out to WebSocket clients, one JSON CoreEvent
// per message, history after `since` first; a client that stops reading is dropped (close 1013)
// rather than buffered without bound.
import { WebSocket } from 'ws';
import type { EventsFilter } from '../../shared/contract.js';
import { macOf, type EventBus } from '../events.js';

/** After asking a slow client to close, how long before its socket is cut. */
const DROP_GRACE_MS = 5000;

interface StreamClient {
  ws: WebSocket;
  mac: string | undefined;
  /** Whether it asked for live service status (the UI does; a CLI printing lines does not). */
  services: boolean;
}

/** Fans bus events out to WebSocket clients, one JSON CoreEvent per message, dropping slow ones. */
export class EventStreams {
  private readonly clients = new Set<StreamClient>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly bus: EventBus,
    private readonly maxBuffered: number,
  ) {
    this.unsubscribe = bus.subscribe((event) => {
      if (this.clients.size === 0) return;
      const text = JSON.stringify(event); // once per event, not once per client
      const mac = macOf(event);
      const service = event.type === 'service';
      for (const client of this.clients)
        if ((!client.mac || client.mac === mac) && (!service || client.services)) this.deliver(client, text);
    });
  }

  /** Backlog after `since`, then live events: both in the same tick, so nothing is missed or doubled. */
  add(ws: WebSocket, query: EventsFilter): void {
    const client: StreamClient = { ws, mac: query.mac, services: query.services === true };
    ws.on('close', () => this.clients.delete(client));
    ws.on('error', () => this.clients.delete(client));
    ws.on('message', () => undefined); // the stream is one-way; what a client sends is ignored
    for (const event of this.bus.history(query)) if (!this.deliver(client, JSON.stringify(event))) return;
    this.clients.add(client);
  }

  private deliver(client: StreamClient, text: string): boolean {
    const { ws } = client;
    if (ws.readyState !== WebSocket.OPEN) return false;
    if (ws.bufferedAmount > this.maxBuffered) {
      this.drop(client);
      return false;
    }
    ws.send(text);
    return true;
  }

  private drop(client: StreamClient): void {
    this.clients.delete(client);
    // 1013 "Try Again Later" (RFC 6455 §7.4 registry): the client can reconnect with since=<last seq>.
    client.ws.close(1013, 'event stream dropped: client too slow');
    // The close frame queues behind the unsent data, so a stalled client would never see it:
    // bound the wait, then cut the connection.
    setTimeout(() => client.ws.terminate(), DROP_GRACE_MS).unref();
    // Logged after the current emit returns: emitting from inside a listener would reorder events.
    queueMicrotask(() =>
      this.bus.log(
        'core',
        'warn',
        'control.stream.dropped',
        `Dropped a slow event-stream client (more than ${this.maxBuffered} bytes unsent).`,
        {
          data: { bufferedAmount: client.ws.bufferedAmount },
        },
      ),
    );
  }

  /** Every socket, including ones already dropped or still receiving their backlog. */
  async closeAll(sockets: Iterable<WebSocket>): Promise<void> {
    this.unsubscribe();
    this.clients.clear();
    await Promise.all(
      [...sockets].map(
        (ws) =>
          new Promise<void>((resolve) => {
            if (ws.readyState === WebSocket.CLOSED) return resolve();
            const timer = setTimeout(() => ws.terminate(), 1000);
            ws.once('close', () => {
              clearTimeout(timer);
              resolve();
            });
            ws.close(1001, 'Bootbench is shutting down');
          }),
      ),
    );
  }
}
