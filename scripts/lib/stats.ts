// Small statistics for the benchmark and the simulator: percentiles by nearest rank, rounding for printing.

/** The p-th percentile (0 < p ≤ 100) of `values` by nearest rank: the smallest value with at least p% of values at or below it. NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (!(p > 0 && p <= 100)) throw new RangeError(`A percentile must be above 0 and at most 100, got ${p}`);
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return NaN;
  const sorted = [...finite].sort((a, b) => a - b);
  return sorted[Math.ceil((p / 100) * sorted.length) - 1];
}

/** Rounds to `digits` decimals; keeps NaN as null so JSON output stays valid. */
export function roundOrNull(value: number, digits = 0): number | null {
  if (!Number.isFinite(value)) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
