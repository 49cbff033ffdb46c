import type { TFunction } from 'i18next';
import { InlineKeyboard } from 'grammy';
import { DateTime } from 'luxon';
import { hoursKeyboard, monthKeyboard, readCalendarPress } from './calendar';
import type { Press } from './dialog';
import { formatDate } from './render';

/** The zone as people read it, "UTC+5", rather than its code. */
export function offsetWords(now: Date, timeZone: string): string {
  const offset = DateTime.fromJSDate(now).setZone(timeZone).offset;
  const hours = Math.trunc(Math.abs(offset) / 60);
  const minutes = Math.abs(offset) % 60;
  const sign = offset < 0 ? '−' : '+';
  return offset === 0
    ? 'UTC'
    : `UTC${sign}${hours}${minutes ? `:${String(minutes).padStart(2, '0')}` : ''}`;
}

export interface WhenQuestion {
  /** The question's text, shown again when the person goes back from the hours to the month. */
  text: string;
  t: TFunction;
  lng: 'ru' | 'en';
  timeZone: string;
  now: Date;
  /** A due time cannot be in the past: earlier days are not offered. */
  futureOnly: boolean;
}

/** The calendar under a question about a moment, opened at the current month. */
export function calendarFor(question: WhenQuestion) {
  const today = DateTime.fromJSDate(question.now).setZone(question.timeZone);
  return monthKeyboard(today, question.lng, question.futureOnly ? today : undefined);
}

/**
 * A press on the question's calendar: ◀️ ▶️ turn the month, a day shows its hours, an hour is
 * the answer (the calendar is then replaced by the choice, so it cannot be pressed twice).
 */
export async function answerCalendarPress(
  press: Press,
  question: WhenQuestion,
): Promise<Date | undefined> {
  const { t, lng, timeZone } = question;
  const read = readCalendarPress(press.callbackQuery.data, timeZone);
  await press.answerCallbackQuery();
  const today = DateTime.fromJSDate(question.now).setZone(timeZone);
  switch (read.kind) {
    case 'month':
      await press.editMessageText(question.text, {
        reply_markup: monthKeyboard(read.month, lng, question.futureOnly ? today : undefined),
      });
      return undefined;
    case 'day':
      await press.editMessageText(
        t('fields:calendar.hours', { day: read.day.setLocale(lng).toFormat('cccc, d MMMM') }),
        { reply_markup: hoursKeyboard(read.day) },
      );
      return undefined;
    case 'moment':
      await press.editMessageText(
        t('fields:calendar.chosen', { moment: formatDate(read.moment, lng, timeZone) }),
        { reply_markup: new InlineKeyboard() },
      );
      return read.moment;
    case 'none':
      return undefined;
  }
}
