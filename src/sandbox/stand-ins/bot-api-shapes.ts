import type { InlineButton } from './chat-log';

/**
 * How the Bot API stand-in writes Telegram's objects (users, chats, messages, keyboards): kept
 * apart from what it does with them, so the updates it hands out and the results it answers with
 * describe people and bots the same way.
 */

export type BotName = 'manager' | 'customer';

/** A person on the page, as Telegram describes the sender of an update. */
export interface PageUser {
  id: number;
  name: string;
  language: 'ru' | 'en';
}

export type RawButton = { text: string; callback_data?: string; url?: string };
export type Json = Record<string, unknown>;
export type Group = { id: number; title: string };

export function sender(user: PageUser) {
  return { id: user.id, is_bot: false, first_name: user.name, language_code: user.language };
}

export function chatOf(user: PageUser, group?: Group) {
  return group
    ? { id: group.id, type: 'supergroup', title: group.title }
    : { id: user.id, type: 'private', first_name: user.name };
}

/** The bot itself, its id taken from its token as Telegram's is. */
export function botUser(bot: BotName, token: string) {
  return {
    id: Number(token.split(':')[0]),
    is_bot: true,
    first_name: bot === 'manager' ? 'linehub staff' : 'linehub',
    username: bot === 'manager' ? 'linehub_staff_bot' : 'linehub_bot',
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
  };
}

/** A message the bot sent or edited, as the Bot API returns it. */
export function sentMessage(
  from: ReturnType<typeof botUser>,
  messageId: number,
  chatId: string,
  text?: string,
) {
  return {
    message_id: messageId,
    date: Math.floor(Date.now() / 1000),
    from,
    chat: { id: Number(chatId), type: Number(chatId) < 0 ? 'supergroup' : 'private' },
    ...(text ? { text } : {}),
  };
}

export function toButtons(
  markup: { inline_keyboard?: RawButton[][] } | undefined,
): InlineButton[][] {
  return (markup?.inline_keyboard ?? []).map((row) =>
    row.map((button) => ({
      text: button.text,
      ...(button.callback_data ? { callbackData: button.callback_data } : {}),
      ...(button.url ? { url: button.url } : {}),
    })),
  );
}
