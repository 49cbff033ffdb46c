import { DateTime } from 'luxon';

/** Words for "today" and "tomorrow" people type in either language, whatever the bot speaks. */
const DAY_WORDS = new Map([
  ['сегодня', 0],
  ['today', 0],
  ['завтра', 1],
  ['tomorrow', 1],
  ['послезавтра', 2],
]);
const DATE = /^(\d{1,2})\.(\d{1,2})(?:\.(\d{4}|\d{2}))?$/;
const TIME = /^(\d{1,2})[:.](\d{2})$/;
/** Without a time, the same hour as the "Tomorrow 10:00" button. */
const DEFAULT_TIME = { hour: 10, minute: 0 };

/**
 * Reads `25.12 15:00`, `25.12.2026 15:00`, `завтра 12:00` or `tomorrow 12:00` in the company's
 * time zone. A past time is returned as is: the use case refuses it with its own reason.
 */
export function parseDue(input: string, now: Date, timeZone: string): Date | undefined {
  const [day, time, ...rest] = input.trim().toLowerCase().split(/\s+/);
  if (!day || rest.length > 0) return undefined;
  const clock = time === undefined ? DEFAULT_TIME : timeOf(time);
  if (!clock) return undefined;
  const today = DateTime.fromJSDate(now).setZone(timeZone).startOf('day');
  const date = dateOf(day, today);
  if (!date) return undefined;
  const due = date.set(clock);
  // A time a clock change skips (02:30 when clocks jump to 03:00) is not a time at all.
  return due.isValid && due.hour === clock.hour ? due.toJSDate() : undefined;
}

function timeOf(value: string): { hour: number; minute: number } | undefined {
  const match = TIME.exec(value);
  if (!match) return undefined;
  const hour = Number(match[1]);
  const minute = Number(match[2]);
  return hour < 24 && minute < 60 ? { hour, minute } : undefined;
}

function dateOf(value: string, today: DateTime): DateTime | undefined {
  const offset = DAY_WORDS.get(value);
  if (offset !== undefined) return today.plus({ days: offset });
  const match = DATE.exec(value);
  if (!match) return undefined;
  const [, day, month, year] = match;
  const date = DateTime.fromObject(
    {
      day: Number(day),
      month: Number(month),
      year: year === undefined ? today.year : Number(year.length === 2 ? `20${year}` : year),
    },
    { zone: today.zone },
  );
  if (!date.isValid) return undefined;
  if (year !== undefined) return date;
  // Without a year, the nearer of this year's and next year's day: 05.01 typed in late December
  // is next January, while 25.12 typed on the 30th stays a past date to refuse.
  const nextYear = date.plus({ years: 1 });
  return today.diff(date).toMillis() > nextYear.diff(today).toMillis() ? nextYear : date;
}
