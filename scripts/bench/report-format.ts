/** What every row of the report shares: its shape and how numbers and failures are written. */
import { failed, type RunResult } from './results';
import { round } from './stats';

export interface Row {
  id: string;
  measurement: string;
  target: string;
  measured: string;
  /** true ✅, false ❌, undefined: no target or not measured. */
  pass?: boolean;
  value?: number;
}

export const fmt = (value: number, digits = 1) =>
  Number.isFinite(value) ? String(round(value, digits)) : 'n/a';

export function errorsOf(runs: RunResult[], pick: (run: RunResult) => unknown): string {
  const errors = runs
    .map(pick)
    .filter(failed)
    .map((outcome) => outcome.error.split('\n')[0]);
  return errors.length ? ` — ${errors.length} run(s) failed: ${errors[0]}` : '';
}

export function topText(top: Record<string, number> | undefined, count = 4): string {
  if (!top) return '';
  const entries = Object.entries(top).slice(0, count);
  return entries.length ? ` (top: ${entries.map(([k, v]) => `${k} ${v}`).join(', ')})` : '';
}
