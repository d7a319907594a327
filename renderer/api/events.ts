// The live event stream (WebSocket at EVENTS_STREAM_PATH): one JSON CoreEvent per message, batched
// for the UI (stream-socket.ts, in a worker), reconnecting with backoff when the core restarts or
// the connection drops. Before each connection the owner says from which seq to resume (it knows
// whether the core restarted).
import { EVENTS_STREAM_PATH, type CoreEvent } from '../../electron/shared/contract.js';
import { backoffMs, browserTimers, type Timers } from './batcher.js';
import { openStreamSocket, type StreamSocket } from './stream-socket.js';

export type StreamState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/**
 * The longest wait between reconnection attempts. The server is on loopback, so a try costs
 * nothing, and a restarted server (same address: control.json) is found within ~3 s.
 */
export const MAX_RETRY_MS = 3000;

export interface EventStreamOptions {
  token: string;
  /** Called before every (re)connection: the seq to resume after; rejecting counts as a failed attempt. */
  resumeFrom: () => Promise<number>;
  onBatch: (events: CoreEvent[]) => void;
  onState: (state: StreamState) => void;
  flushMs?: number;
  maxRetryMs?: number;
  timers?: Timers;
  openSocket?: (url: string, flushMs: number) => StreamSocket;
  baseUrl?: string;
}

/** `services`: also the services' live status (counters), which the UI's service chips follow. */
export function streamUrl(base: string, token: string, since: number, options: { services?: boolean } = {}): string {
  const url = new URL(EVENTS_STREAM_PATH, base);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('token', token);
  if (since > 0) url.searchParams.set('since', String(since));
  if (options.services) url.searchParams.set('services', 'true');
  return url.toString();
}

export class EventStream {
  private socket: StreamSocket | null = null;
  private attempt = 0;
  private retry: unknown = null;
  private stopped = false;
  private readonly timers: Timers;

  constructor(private readonly options: EventStreamOptions) {
    this.timers = options.timers ?? browserTimers;
  }

  start(): void {
    this.options.onState('connecting');
    void this.connect();
  }

  /** Retries at once instead of waiting out the backoff (the user's "Retry now"). */
  retryNow(): void {
    if (this.stopped || this.retry === null) return;
    this.timers.clearTimeout(this.retry);
    this.retry = null;
    this.attempt = 0;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.retry !== null) this.timers.clearTimeout(this.retry);
    this.socket?.close();
    this.socket = null;
    this.options.onState('closed');
  }

  private async connect(): Promise<void> {
    let since: number;
    try {
      since = await this.options.resumeFrom();
    } catch {
      return this.scheduleRetry();
    }
    if (this.stopped) return;
    const base = this.options.baseUrl ?? globalThis.location.href;
    const open = this.options.openSocket ?? openStreamSocket;
    const socket = open(streamUrl(base, this.options.token, since, { services: true }), this.options.flushMs ?? 100);
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.options.onState('open');
    };
    socket.onbatch = (events) => {
      if (this.socket === socket) this.options.onBatch(events);
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (!this.stopped) this.scheduleRetry();
    };
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    this.options.onState('reconnecting');
    const delay = backoffMs(this.attempt, Math.random, this.options.maxRetryMs ?? MAX_RETRY_MS);
    this.attempt += 1;
    this.retry = this.timers.setTimeout(() => {
      this.retry = null;
      void this.connect();
    }, delay);
  }
}
