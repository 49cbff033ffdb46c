import { DateTime } from 'luxon';
import type { Hours } from './rule';

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function isTime(value: string): boolean {
  return TIME.test(value);
}

/**
 * Whether `at` falls within the hours in the given zone. A span past midnight (22:00–06:00)
 * belongs to the day it starts on, as a night shift does.
 */
export function withinHours(hours: Hours, at: Date, timeZone: string): boolean {
  const local = DateTime.fromJSDate(at, { zone: timeZone });
  const minutes = local.hour * 60 + local.minute;
  const [from, to] = [toMinutes(hours.from), toMinutes(hours.to)];
  if (from <= to) return hours.days.includes(local.weekday) && minutes >= from && minutes < to;
  const yesterday = local.weekday === 1 ? 7 : local.weekday - 1;
  return (
    (hours.days.includes(local.weekday) && minutes >= from) ||
    (hours.days.includes(yesterday) && minutes < to)
  );
}

function toMinutes(time: string): number {
  const [, h, m] = TIME.exec(time) ?? [];
  return Number(h) * 60 + Number(m);
}
