// Speed and time left of an upload, from its progress events: the rate over the last few seconds
// (not since the start, which hides a stall), and nothing until there is enough to say.

export interface RateSample {
  at: number; // ms
  loaded: number; // bytes
}

export interface UploadRate {
  /** Bytes per second, or null until measured. */
  bytesPerSecond: number | null;
  /** Seconds until done at that rate, or null. */
  secondsLeft: number | null;
}

const WINDOW_MS = 3000;
const MIN_SPAN_MS = 400;

/** Adds a sample, keeping those within the window (plus the one just before it). */
export function addSample(samples: readonly RateSample[], next: RateSample): RateSample[] {
  const kept = [...samples, next];
  while (kept.length > 2 && (kept[1]?.at ?? 0) <= next.at - WINDOW_MS) kept.shift();
  return kept;
}

export function rateOf(samples: readonly RateSample[], total: number): UploadRate {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (!first || !last || last.at - first.at < MIN_SPAN_MS) return { bytesPerSecond: null, secondsLeft: null };
  const bytesPerSecond = ((last.loaded - first.loaded) * 1000) / (last.at - first.at);
  const secondsLeft = bytesPerSecond > 0 ? Math.max(0, (total - last.loaded) / bytesPerSecond) : null;
  return { bytesPerSecond, secondsLeft };
}

/** "12.3 MB/s". */
export function formatRate(bytesPerSecond: number): string {
  const mb = bytesPerSecond / 1e6;
  if (mb >= 1) return `${mb.toFixed(mb >= 100 ? 0 : 1)} MB/s`;
  return `${Math.max(1, Math.round(bytesPerSecond / 1e3))} kB/s`;
}

/** "about 3 min left", "12 s left". */
export function formatTimeLeft(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.ceil(seconds))} s left`;
  if (seconds < 3600) return `about ${Math.round(seconds / 60)} min left`;
  const h = Math.floor(seconds / 3600);
  return `about ${h} h ${Math.round((seconds - h * 3600) / 60)} min left`;
}
