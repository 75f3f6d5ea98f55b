/**
 * Percentiles of a list of durations in ms (nearest-rank), or `undefined` fields when empty.
 *
 * @example
 * ```ts
 * percentiles([5, 1, 3]); // { count: 3, min: 1, p50: 3, p90: 5, p99: 5, max: 5 }
 * ```
 */
export interface Percentiles {
  count: number;
  min: number | undefined;
  p50: number | undefined;
  p90: number | undefined;
  p99: number | undefined;
  max: number | undefined;
}

/**
 * Computes {@link Percentiles} by nearest rank; the input is not modified.
 *
 * @example
 * ```ts
 * percentiles([10, 20, 30, 40]).p50; // 20
 * ```
 */
export function percentiles(values: readonly number[]): Percentiles {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const rank = (p: number) => (n === 0 ? undefined : sorted[Math.max(0, Math.ceil((p / 100) * n) - 1)]);
  return {
    count: n,
    min: n === 0 ? undefined : sorted[0],
    p50: rank(50),
    p90: rank(90),
    p99: rank(99),
    max: n === 0 ? undefined : sorted[n - 1],
  };
}
