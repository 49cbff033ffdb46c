import { InlineKeyboard } from 'grammy';
import { DateTime, Info } from 'luxon';

/**
 * An inline calendar: a month of day buttons with ◀️ ▶️ to change month, then the day's hours.
 * A dialog that shows it waits for its presses (`CALENDAR_PRESS`) and reads them with
 * `readCalendarPress`; the calendar itself keeps no state, the month is in the buttons.
 */
export const CALENDAR_PRESS = /^cal:/;

const NOOP = 'cal:x';
const HOURS = Array.from({ length: 16 }, (_, i) => i + 7);

export type CalendarPress =
  | { kind: 'month'; month: DateTime }
  | { kind: 'day'; day: DateTime }
  | { kind: 'moment'; moment: Date }
  | { kind: 'none' };

/** A month's grid in the zone; days before `notBefore` (today, for a due time) cannot be chosen. */
export function monthKeyboard(
  month: DateTime,
  lng: 'ru' | 'en',
  notBefore?: DateTime,
): InlineKeyboard {
  const first = month.startOf('month');
  const keyboard = new InlineKeyboard()
    .text('◀️', `cal:m:${first.minus({ months: 1 }).toFormat('yyyy-MM')}`)
    .text(capitalised(first.setLocale(lng).toFormat('LLLL yyyy')), NOOP)
    .text('▶️', `cal:m:${first.plus({ months: 1 }).toFormat('yyyy-MM')}`)
    .row();
  for (const weekday of Info.weekdays('short', { locale: lng })) keyboard.text(weekday, NOOP);
  keyboard.row();
  // Weeks start on Monday; blanks before the 1st and after the last day keep the columns.
  let day = first.minus({ days: first.weekday - 1 });
  while (day < first.plus({ months: 1 }) || day.weekday !== 1) {
    const inMonth = day.month === first.month;
    const open = inMonth && (!notBefore || day >= notBefore.startOf('day'));
    keyboard.text(
      inMonth ? (open ? String(day.day) : '·') : ' ',
      open ? `cal:d:${day.toFormat('yyyy-MM-dd')}` : NOOP,
    );
    if (day.weekday === 7) keyboard.row();
    day = day.plus({ days: 1 });
  }
  return new InlineKeyboard(keyboard.inline_keyboard.filter((row) => row.length > 0));
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The hours of a chosen day, and the way back to its month. */
export function hoursKeyboard(day: DateTime): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  HOURS.forEach((hour, i) => {
    keyboard.text(
      `${String(hour).padStart(2, '0')}:00`,
      `cal:h:${day.toFormat('yyyy-MM-dd')}T${hour}`,
    );
    if (i % 4 === 3) keyboard.row();
  });
  return keyboard.text('◀️', `cal:m:${day.toFormat('yyyy-MM')}`);
}

/** What a calendar button means, read in the zone the calendar was drawn in. */
export function readCalendarPress(data: string, timeZone: string): CalendarPress {
  const [, kind, value] = /^cal:([mdh]):(.+)$/.exec(data) ?? [];
  const read = (format: string) => DateTime.fromFormat(value ?? '', format, { zone: timeZone });
  const none = { kind: 'none' } as const;
  if (kind === 'm') {
    const month = read('yyyy-MM');
    return month.isValid ? { kind: 'month', month } : none;
  }
  if (kind === 'd') {
    const day = read('yyyy-MM-dd');
    return day.isValid ? { kind: 'day', day } : none;
  }
  if (kind === 'h') {
    const moment = read("yyyy-MM-dd'T'H");
    return moment.isValid ? { kind: 'moment', moment: moment.toJSDate() } : none;
  }
  return none;
}
