import { DateTime } from 'luxon';

export const PERIODS = ['today', 'yesterday', 'week', 'month', 'lastMonth'] as const;
export type PeriodKey = (typeof PERIODS)[number];

/** A half-open range of instants: `from` ≤ t < `to`. */
export interface Range {
  from: Date;
  to: Date;
}

/**
 * The period a head asks for, in the company's time zone: today, yesterday (the daily digest's),
 * this week (from Monday), this month, all of last month. The current ones end now, so "so far"
 * is what they show.
 */
export function periodRange(key: PeriodKey, timeZone: string, now: Date): Range {
  const local = DateTime.fromJSDate(now, { zone: timeZone });
  if (key === 'yesterday') {
    const today = local.startOf('day');
    return { from: today.minus({ days: 1 }).toJSDate(), to: today.toJSDate() };
  }
  const starts: Record<Exclude<PeriodKey, 'lastMonth' | 'yesterday'>, DateTime> = {
    today: local.startOf('day'),
    week: local.startOf('week'),
    month: local.startOf('month'),
  };
  if (key === 'lastMonth') {
    const thisMonth = local.startOf('month');
    return { from: thisMonth.minus({ months: 1 }).toJSDate(), to: thisMonth.toJSDate() };
  }
  return { from: starts[key].toJSDate(), to: now };
}

/** The calendar month a period's plan is read for: the month its last instant falls in. */
export function monthOfRange(range: Range, timeZone: string): Range & { month: string } {
  const last = DateTime.fromMillis(range.to.getTime() - 1, { zone: timeZone });
  const start = last.startOf('month');
  return {
    month: start.toFormat('yyyy-MM'),
    from: start.toJSDate(),
    to: start.plus({ months: 1 }).toJSDate(),
  };
}

/** The day an instant falls on in the company's time zone, as YYYY-MM-DD. */
export function dayIn(timeZone: string, at: Date): string {
  return DateTime.fromJSDate(at, { zone: timeZone }).toFormat('yyyy-MM-dd');
}

/** Minutes since midnight in the company's time zone. */
export function minuteOfDay(timeZone: string, at: Date): number {
  const local = DateTime.fromJSDate(at, { zone: timeZone });
  return local.hour * 60 + local.minute;
}
