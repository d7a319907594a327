// The live connection to the core: a snapshot over HTTP, then the event stream applied on top, in
// an external store that React reads with useSyncExternalStore. When the core restarts (its
// startedAt changes), everything is reloaded and the stream resumes from the start.
import type { CoreEvent } from '../../electron/shared/contract.js';
import { ApiError, type ApiClient } from '../api/client.js';
import { EventStream, type StreamState } from '../api/events.js';
import { applyEvents, emptyState, withSnapshot, type LiveState } from './state.js';

type BatchListener = (events: readonly CoreEvent[]) => void;

export class LiveStore {
  private state: LiveState = emptyState;
  private readonly listeners = new Set<() => void>();
  private readonly batchListeners = new Set<BatchListener>();
  private stream: EventStream | null = null;
  private startedAt: string | null = null;

  constructor(readonly api: ApiClient) {}

  getState = (): LiveState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Every batch of events as it is applied (the host timeline follows its host's lines this way). */
  onBatch(listener: BatchListener): () => void {
    this.batchListeners.add(listener);
    return () => this.batchListeners.delete(listener);
  }

  private set(next: LiveState): void {
    this.state = next;
    for (const l of this.listeners) l();
  }

  /** Reloads status, hosts and distros (after an action, or when the stream reconnects). */
  async refresh(): Promise<void> {
    const status = await this.api.call('GET /api/status');
    const restarted = this.startedAt !== null && status.startedAt !== this.startedAt;
    this.startedAt = status.startedAt;
    // In setup state the lists may be empty or refused: the first-run screen does not need them.
    const [hosts, distros] = await Promise.all([
      this.api.call('GET /api/hosts').catch(() => []),
      this.api.call('GET /api/distros').catch(() => []),
    ]);
    // A restarted server starts a new log: the lines already shown stay (what happened before the
    // restart is what the technician wants to read), the rest is reloaded.
    const base = restarted ? { ...emptyState, logs: this.state.logs, stream: this.state.stream } : this.state;
    this.set({ ...withSnapshot(base, { status, hosts, distros }), problem: null });
  }

  start(): void {
    this.stream = new EventStream({
      token: this.api.token,
      resumeFrom: async () => {
        try {
          await this.refresh();
        } catch (e) {
          // A server whose control.json was replaced has a new token: say so rather than retry for ever in silence.
          if (e instanceof ApiError && e.status === 401)
            this.set({
              ...this.state,
              problem:
                'This page’s access token is no longer valid (the server’s data folder has a new one). Open the address that `bootbench serve` printed, or restart the app.',
            });
          throw e;
        }
        return this.state.lastSeq;
      },
      onBatch: (events) => {
        this.set(applyEvents(this.state, events));
        for (const l of this.batchListeners) l(events);
      },
      onState: (stream: StreamState) => this.set({ ...this.state, stream }),
    });
    this.stream.start();
  }

  /** Tries to reach the server now rather than at the next backoff step. */
  retryNow(): void {
    this.stream?.retryNow();
  }

  stop(): void {
    this.stream?.stop();
  }
}
