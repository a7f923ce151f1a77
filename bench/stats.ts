/** Summary statistics for latency samples (milliseconds). Pure functions. */

export interface Summary {
  n: number;
  median: number;
  p95: number;
  mean: number;
  min: number;
  max: number;
}

/** Linear-interpolated percentile (the "type 7" definition used by numpy and spreadsheets); q in [0, 1]. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const mean = n === 0 ? Number.NaN : sorted.reduce((s, v) => s + v, 0) / n;
  return {
    n,
    median: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    mean,
    min: n === 0 ? Number.NaN : sorted[0],
    max: n === 0 ? Number.NaN : sorted[n - 1],
  };
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

/** Round for JSON output: keeps files readable without losing meaningful precision. */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function roundSummary(s: Summary): Summary {
  return { n: s.n, median: round(s.median), p95: round(s.p95), mean: round(s.mean), min: round(s.min), max: round(s.max) };
}
