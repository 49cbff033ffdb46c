import * as chrono from 'chrono-node';
import { DateTime } from 'luxon';

/** "25.12" or "25.12 14:00": how Russians write a day without a year, which chrono does not read. */
const dayMonth: chrono.Parser = {
  pattern: () => /(?<![\d.])(\d{1,2})\.(\d{1,2})(?![\d.])/,
  extract: (_context, match) => {
    const day = Number(match[1]);
    const month = Number(match[2]);
    return day >= 1 && day <= 31 && month >= 1 && month <= 12 ? { day, month } : null;
  },
};

function withDayMonth(base: chrono.Chrono): chrono.Chrono {
  const custom = base.clone();
  custom.parsers.unshift(dayMonth);
  return custom;
}

/** Russian first, then English (day before month, as in Europe): people type either. */
const READERS = [withDayMonth(chrono.ru.casual), withDayMonth(chrono.en.GB)];

const BARE_DAY = /^\d{1,2}\.\d{1,2}(\.\d{2}|\.\d{4})?$/;

/** Without a time, the same hour as the "Tomorrow 10:00" button. */
const DEFAULT_HOUR = 10;

/**
 * Reads a moment people type, in Russian or English: "в пятницу в 15", "завтра в 10",
 * "tomorrow 10am", "25.12 14:00", "25.12.2026 15:00", "через 2 часа", in the given time zone.
 * The whole text must be a date: "позвоню в 15 наверное" is not one. A day without a year is the
 * next such day; a past time with a year is returned as is, for the caller to refuse.
 */
export function readWhen(input: string, now: Date, timeZone: string): Date | undefined {
  const typed = input.trim().replace(/[\s,!?]+$/, '');
  if (!typed) return undefined;
  // chrono drops a bare "25.12" as a likely number; with the default hour it is read as a day.
  const text = BARE_DAY.test(typed) ? `${typed} ${DEFAULT_HOUR}:00` : typed;
  const reference = {
    instant: now,
    timezone: DateTime.fromJSDate(now).setZone(timeZone).offset,
  };
  for (const reader of READERS) {
    const whole = reader
      .parse(text, reference, { forwardDate: true })
      .find((result) => result.index === 0 && result.text.length === text.length);
    if (whole) return momentOf(whole.start, timeZone);
  }
  return undefined;
}

function momentOf(start: chrono.ParsedComponents, timeZone: string): Date | undefined {
  // "In 2 hours" is an instant already; everything else is a wall-clock time in the zone.
  if (start.isCertain('timezoneOffset')) return start.date();
  const timed = start.isCertain('hour');
  const hour = timed ? start.get('hour')! : DEFAULT_HOUR;
  const moment = DateTime.fromObject(
    {
      year: start.get('year')!,
      month: start.get('month')!,
      day: start.get('day')!,
      hour,
      minute: timed ? (start.get('minute') ?? 0) : 0,
    },
    { zone: timeZone },
  );
  // A time a clock change skips (02:30 when clocks jump to 03:00) is not a time at all.
  return moment.isValid && moment.hour === hour ? moment.toJSDate() : undefined;
}
