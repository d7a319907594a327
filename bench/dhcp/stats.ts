// What one load-generator run measured, reduced to the numbers the table shows. Pure functions.

export interface RawLoad {
  clients: number;
  inflight: number;
  started: number;
  completed: number;
  failed: number;
  naks: number;
  retransmits: number;
  unfinished: number;
  duplicateAddresses: number;
  strayReplies: number;
  sendErrors: number;
  capped: boolean;
  /** First DISCOVER sent to the last exchange closed. */
  elapsedMs: number;
  /** DISCOVER→ACK of every completed exchange (retransmissions included), ms. */
  latencies: number[];
  /** DISCOVER→OFFER, ms. */
  offerLatencies: number[];
}

export interface Percentiles {
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

export type LoadResult = Omit<RawLoad, 'latencies' | 'offerLatencies'> & {
  leasesPerSec: number;
  latencyMs: Percentiles;
  offerLatencyMs: Percentiles;
};

/** Nearest-rank percentile (the smallest value with at least p% of samples at or below it). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] as number;
}

export function percentiles(values: readonly number[]): Percentiles {
  const sorted = Float64Array.from(values).sort();
  const list = Array.from(sorted);
  const mean = list.length === 0 ? Number.NaN : list.reduce((a, b) => a + b, 0) / list.length;
  return { p50: round(percentile(list, 50)), p99: round(percentile(list, 99)), max: round(list.at(-1) ?? Number.NaN), mean: round(mean) };
}

export function summarise(raw: RawLoad): LoadResult {
  const { latencies, offerLatencies, ...rest } = raw;
  return {
    ...rest,
    elapsedMs: round(raw.elapsedMs),
    leasesPerSec: raw.elapsedMs > 0 ? Math.round((raw.completed * 1000) / raw.elapsedMs) : 0,
    latencyMs: percentiles(latencies),
    offerLatencyMs: percentiles(offerLatencies),
  };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
