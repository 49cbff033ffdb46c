import { InlineKeyboard } from 'grammy';
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import type { TFunction } from 'i18next';
import type { Notice } from '../../src/app/process/notices';
import type { Task } from '../../src/domain/task';
import { TELEGRAM_TEXT_LIMIT } from './card.render';
import { clientCard } from './client-card';
import { callbacks, taskCard } from './render';

type ClientMessage = Extract<Notice, { kind: 'client_message' }>;

/**
 * A new customer's first message with the tasks it gave the reader (the dispatcher's "choose the
 * manager"), as one message: who wrote and what, then each task as its own card says it, with the
 * task card's buttons under the client card's. The client's text gets what the tasks leave of
 * Telegram's limit, so the tasks and their buttons are never cut.
 */
export function clientCardWithTasks(
  notice: ClientMessage,
  tasks: Task[],
  t: TFunction,
  lng: 'ru' | 'en',
  at: { timeZone: string; now: Date },
): { text: string; keyboard: InlineKeyboard } {
  const cards = tasks.map((task) => taskCard(task, t, lng, at.timeZone, at.now));
  const section = [
    t('first-card:heading', { count: tasks.length }),
    ...cards.map((card) => card.text),
  ].join('\n');
  const separator = '\n\n';
  const client = clientCard(notice, t, TELEGRAM_TEXT_LIMIT - section.length - separator.length);
  return {
    text: `${client.text}${separator}${section}`,
    keyboard: merged([client.keyboard, ...cards.map((card) => card.keyboard)]),
  };
}

/** The keyboards' rows one under another; a button already there (the record's card) once. */
function merged(keyboards: InlineKeyboard[]): InlineKeyboard {
  const seen = new Set<string>();
  const rows: InlineKeyboardButton[][] = [];
  for (const keyboard of keyboards) {
    for (const row of keyboard.inline_keyboard) {
      const kept = row.filter((button) => {
        const key = 'callback_data' in button ? button.callback_data : JSON.stringify(button);
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
      if (kept.length > 0) rows.push(kept);
    }
  }
  return InlineKeyboard.from(rows);
}

/**
 * A task's button pressed on a client's card (one that also answers the client: it has Reply):
 * the card stays, for the client's words, and loses only that task's buttons. Undefined for a
 * message that is the task's own card, which the outcome replaces as before.
 */
export function withoutTaskButtons(
  markup: InlineKeyboardMarkup | undefined,
  taskId: string,
): InlineKeyboard | undefined {
  const replyPrefix = callbacks.reply('');
  const rows = markup?.inline_keyboard ?? [];
  const data = (button: InlineKeyboardButton) =>
    'callback_data' in button ? button.callback_data : undefined;
  const isClientCard = rows.some((row) => row.some((b) => data(b)?.startsWith(replyPrefix)));
  if (!isClientCard) return undefined;
  const kept = rows
    .map((row) => row.filter((button) => !data(button)?.split(':').includes(taskId)))
    .filter((row) => row.length > 0);
  return InlineKeyboard.from(kept);
}
