/** The reports row: `/report` built over 10k leads, 3k deals, 100k messages, each period. */
import { PERIODS } from '../../src/domain/report-period';
import { errorsOf, fmt, type Row } from './report-format';
import { succeeded, type RunResult } from './results';
import { median } from './stats';

/** Issue 14: every report answers within 2 s. */
const CHANGES_NOTE = '20 leads moved and 20 tasks done before each';
const TARGET_MS = 2000;

export function reportsRow(runs: RunResult[]): Row {
  const results = runs.map((run) => succeeded(run.reports)).filter((r) => r !== undefined);
  const errors = errorsOf(runs, (run) => run.reports);
  const first = results[0];
  const measurement = first
    ? `/report (admin, all) at ${first.sizes.leads} leads, ${first.sizes.deals} deals, ${first.sizes.messages} messages`
    : '/report (admin, all) at 10k leads, 3k deals, 100k messages';
  if (!first) {
    return {
      id: 'R reports',
      measurement,
      target: `each period ≤ ${TARGET_MS / 1000} s`,
      measured: `not measured${errors}`,
      pass: errors ? false : undefined,
    };
  }
  const slowest = Math.max(...results.flatMap((r) => PERIODS.map((p) => r.periods[p].maxMs)));
  const periods = PERIODS.map(
    (p) => `${p} ${fmt(median(results.map((r) => r.periods[p].p50Ms)), 0)} ms`,
  ).join(', ');
  return {
    id: 'R reports',
    measurement,
    target: `each period ≤ ${TARGET_MS / 1000} s`,
    measured:
      `p50 ${periods}; slowest ${fmt(slowest, 0)} ms (${CHANGES_NOTE}); what they count read ` +
      `at start, in the background, in ${fmt(median(results.map((r) => r.warmUpMs)), 0)} ms; three charts ` +
      `${fmt(median(results.map((r) => r.chartsMs)), 0)} ms${errors}`,
    pass: !errors && slowest <= TARGET_MS,
    value: slowest,
  };
}
