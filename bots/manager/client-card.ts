import { InlineKeyboard } from 'grammy';
import type { TFunction } from 'i18next';
import type { Notice } from '../../src/app/process/notices';
import { callbacks } from './render';

type ClientMessage = Extract<Notice, { kind: 'client_message' }>;

const BADGES: Record<ClientMessage['channel'], string> = {
  telegram: '✈️',
  vk: '🟦',
  viber: '🟣',
  widget: '🌐',
};

/**
 * A customer's message as the responsible sees it: channel badge, name, the record it belongs to,
 * the text and files, and buttons to reply, open the card or see tasks. Replying to the card in
 * Telegram answers the customer too.
 */
export function clientCard(
  notice: ClientMessage,
  t: TFunction,
): { text: string; keyboard: InlineKeyboard } {
  const body = [
    notice.text,
    notice.files.length > 0
      ? t('bot:client.files', { names: notice.files.map((file) => file.name).join(', ') })
      : undefined,
    notice.edited ? t('bot:client.edited') : undefined,
  ]
    .filter(Boolean)
    .join('\n');
  const text = t('bot:client.card', {
    badge: BADGES[notice.channel],
    channel: t(`bot:client.channels.${notice.channel}`),
    name: notice.contactName ?? t('bot:client.unknownName'),
    record: `${t(`bot:client.${notice.subject.kind}`)} #${notice.subject.id.slice(-6)}`,
    body,
  });
  const keyboard = new InlineKeyboard()
    .text(t('bot:buttons.reply'), callbacks.reply(notice.conversationId))
    .text(t('bot:buttons.card'), callbacks.card(notice.subject))
    .text(t('bot:buttons.tasks'), callbacks.tasks);
  return { text, keyboard };
}
