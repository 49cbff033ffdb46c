/** Small statistics over latency samples (milliseconds). */

/** Nearest-rank percentile (p in 0..1) of the values; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length)));
  return sorted[rank - 1]!;
}

/** Median of the finite values; NaN for none. */
export function median(values: readonly (number | undefined)[]): number {
  const finite = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (finite.length === 0) return NaN;
  const sorted = [...finite].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function sum(values: readonly (number | undefined)[]): number {
  return values.reduce<number>((total, v) => total + (Number.isFinite(v) ? v! : 0), 0);
}

/** Rounds for the report: a few significant digits, NaN and ±Infinity kept as null in JSON. */
export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Largest value; NaN for none. */
export function max(values: readonly number[]): number {
  return values.length === 0 ? NaN : values.reduce((a, b) => Math.max(a, b), -Infinity);
}
