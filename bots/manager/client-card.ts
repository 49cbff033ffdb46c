import { InlineKeyboard } from 'grammy';
import type { TFunction } from 'i18next';
import type { Notice } from '../../src/app/process/notices';
import { TELEGRAM_TEXT_LIMIT, truncated } from './card.render';
import { historyCallbacks } from './history.callbacks';
import { recordName } from './record-label';
import { callbacks } from './render';

/** The "full text" button: the card it sits on names the message, so the data needs nothing. */
export const FULL_TEXT_CALLBACK = 'ft';

type ClientMessage = Extract<Notice, { kind: 'client_message' }>;

export const BADGES: Record<ClientMessage['channel'], string> = {
  telegram: '✈️',
  vk: '🟦',
  viber: '🟣',
  widget: '🌐',
};

/**
 * A customer's message as the responsible sees it: channel badge, name, the record it belongs to,
 * the text and files, and buttons to reply, open the card or see tasks. Replying to the card in
 * Telegram answers the customer too. A card over Telegram's limit would be refused and the
 * customer never seen, so a long text is cut and a "full text" button sends the whole of it.
 * `limit`: what the card may take of a message (less when tasks follow it on the same one).
 */
export function clientCard(
  notice: ClientMessage,
  t: TFunction,
  limit = TELEGRAM_TEXT_LIMIT,
): { text: string; keyboard: InlineKeyboard } {
  const extras = [
    notice.files.length > 0
      ? t('bot:client.files', { names: notice.files.map((file) => file.name).join(', ') })
      : undefined,
    notice.edited ? t('bot:client.edited') : undefined,
  ];
  const bodyOf = (shown: string | undefined) => [shown, ...extras].filter(Boolean).join('\n');
  const card = (shown: string) =>
    t('bot:client.card', {
      badge: BADGES[notice.channel],
      channel: t(`bot:client.channels.${notice.channel}`),
      name: notice.contactName ?? t('bot:client.unknownName'),
      record: recordName({ subject: notice.subject, number: notice.recordNumber }, t),
      body: shown,
    });
  const keyboard = new InlineKeyboard()
    .text(t('bot:buttons.reply'), callbacks.reply(notice.conversationId))
    .text(t('bot:buttons.card'), callbacks.card(notice.subject))
    // The client's own tasks and conversation, across all their records and channels.
    .text(t('bot:buttons.tasks'), historyCallbacks.tasks(notice.subject))
    .row()
    .text(t('history:buttons.history'), historyCallbacks.open(notice.subject));
  const whole = card(bodyOf(notice.text));
  if (whole.length <= limit) return { text: whole, keyboard };

  // The customer's text gets what the header and the file names leave, so those stay whole.
  const full = notice.text ?? '';
  const marker = `\n${t('bot:client.truncated', { total: full.length })}`;
  const room = limit - (whole.length - full.length);
  const shown = card(bodyOf(truncated(full, Math.max(room, 1), marker) ?? full));
  keyboard.row().text(t('bot:buttons.fullText'), FULL_TEXT_CALLBACK);
  // A header too long by itself (a hostile name, hundreds of file names) is cut as a last resort.
  return { text: truncated(shown, Math.max(limit, 1)) ?? shown, keyboard };
}
