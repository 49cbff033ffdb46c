/** How long something took, in milliseconds, summarised for a report. */
export interface Durations {
  count: number;
  median?: number;
  p90?: number;
}

/**
 * Nearest-rank percentile: the smallest value with at least `p` % of the values at or below it,
 * so the figure is always a time that actually happened. Computed here rather than in the
 * database: FerretDB's `$group` has no percentile (nor even `$avg`), see TESTING.md.
 */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

export function summarise(values: readonly number[]): Durations {
  const sorted = [...values].sort((a, b) => a - b);
  const median = percentile(sorted, 50);
  const p90 = percentile(sorted, 90);
  return {
    count: sorted.length,
    ...(median !== undefined ? { median } : {}),
    ...(p90 !== undefined ? { p90 } : {}),
  };
}
