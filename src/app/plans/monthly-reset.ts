import type { Clock } from '../../domain/ports';

export interface PlanStore {
  /** Plans of a month, as (user, target). */
  targets(month: string): Promise<{ userId: string; target: number }[]>;
  /** Opens a month's plan with a fact of zero unless it is already open. */
  open(userId: string, month: string, target: number): Promise<void>;
  /** Sets (or changes) a month's target; the month's history (its fact) is kept. */
  set(userId: string, month: string, target: number): Promise<void>;
}

/** The calendar month of an instant in a time zone, as YYYY-MM. */
export function monthIn(timeZone: string, at: Date): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' })
    .formatToParts(at)
    .reduce<Record<string, string>>((acc, part) => ({ ...acc, [part.type]: part.value }), {});
  return `${parts.year}-${parts.month}`;
}

export function previousMonth(month: string): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${year - 1}-12` : `${year}-${String(m - 1).padStart(2, '0')}`;
}

/**
 * Seed 003: plan/fact per manager resets on the first of the month. The new month starts from
 * last month's targets with a zero fact; last month stays untouched as history. Safe to run twice.
 */
export async function openMonthlyPlans(deps: {
  plans: PlanStore;
  clock: Clock;
  timeZone: string;
}): Promise<string> {
  const month = monthIn(deps.timeZone, deps.clock.now());
  for (const { userId, target } of await deps.plans.targets(previousMonth(month))) {
    await deps.plans.open(userId, month, target);
  }
  return month;
}
