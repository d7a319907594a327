// Under a flood of events (a DHCP storm, an installer's chatty syslog) the UI must not re-render per
// event: items are collected and handed over at most once per interval (~10 times a second).
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const browserTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof globalThis.setTimeout>),
};

export class Batcher<T> {
  private pending: T[] = [];
  private timer: unknown = null;

  constructor(
    private readonly flush: (items: T[]) => void,
    private readonly intervalMs = 100,
    private readonly timers: Timers = browserTimers,
  ) {}

  push(item: T): void {
    this.pending.push(item);
    // Trailing flush: the first item of a quiet period waits at most intervalMs, and a flood is
    // delivered in one batch per interval.
    this.timer ??= this.timers.setTimeout(() => this.drain(), this.intervalMs);
  }

  /** Hands over what is pending now (also used on close, so nothing received is lost). */
  drain(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.length === 0) return;
    const items = this.pending;
    this.pending = [];
    this.flush(items);
  }

  cancel(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    this.pending = [];
  }
}

/** Reconnect delay: 250 ms doubling to `maxMs` (10 s), with ±20 % jitter so many tabs do not retry in step. */
export function backoffMs(attempt: number, random: () => number = Math.random, maxMs = 10_000): number {
  const base = Math.min(maxMs, 250 * 2 ** Math.max(0, attempt));
  return Math.round(base * (0.8 + 0.4 * random()));
}
