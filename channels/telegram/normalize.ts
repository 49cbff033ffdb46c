import type { Attachment, InboundMessage } from '../../src/domain/message';
import type { TelegramMessage, TelegramUpdate } from './update-schema';

/**
 * A Telegram update as the hub's inbound message, or null for updates that carry no customer
 * message (joins, bot commands other than /start, service messages). Pure: recorded updates in
 * `tests/fixtures/telegram` pin it down.
 */
export function normalizeTelegramUpdate(update: TelegramUpdate): InboundMessage | null {
  const edited = !update.message && !!update.edited_message;
  const message = update.message ?? update.edited_message;
  if (!message?.from || message.from.is_bot || message.chat.type !== 'private') return null;

  const start = /^\/start(?:@\w+)?(?:\s+(\S+))?$/.exec(message.text ?? '');
  const text = start ? undefined : (message.text ?? message.caption);
  const attachments = attachmentsOf(message);
  // The customer's own number only: a shared card of someone else is not theirs.
  const phone =
    message.contact && message.contact.user_id === message.from.id
      ? message.contact.phone_number
      : undefined;
  if (!start && !text && attachments.length === 0 && !phone) return null;

  const name = [message.from.first_name, message.from.last_name].filter(Boolean).join(' ');
  return {
    channel: 'telegram',
    // message_id is unique within a chat only.
    externalId: `${message.chat.id}:${message.message_id}`,
    senderId: String(message.from.id),
    chatId: String(message.chat.id),
    ...(name ? { senderName: name } : {}),
    ...(text ? { text } : {}),
    attachments,
    ...(phone ? { phone, contactVerified: true } : {}),
    ...(message.from.language_code ? { language: message.from.language_code.slice(0, 2) } : {}),
    ...(start?.[1] ? { origin: { tag: start[1] } } : {}),
    ...(edited ? { edited: true } : {}),
    sentAt: new Date(message.date * 1000),
  };
}

function attachmentsOf(message: TelegramMessage): Attachment[] {
  if (message.photo?.length) {
    // Telegram lists every resolution; the last is the largest.
    const largest = message.photo[message.photo.length - 1]!;
    return [
      {
        kind: 'photo',
        fileRef: largest.file_id,
        ...(largest.file_size ? { size: largest.file_size } : {}),
      },
    ];
  }
  const file =
    (message.document && { kind: 'document' as const, ...message.document }) ||
    (message.voice && { kind: 'voice' as const, ...message.voice }) ||
    (message.video && { kind: 'video' as const, ...message.video }) ||
    (message.audio && { kind: 'audio' as const, ...message.audio }) ||
    (message.sticker && { kind: 'sticker' as const, ...message.sticker });
  if (!file) return [];
  return [
    {
      kind: file.kind,
      fileRef: file.file_id,
      ...('file_name' in file && file.file_name ? { name: file.file_name } : {}),
      ...('mime_type' in file && file.mime_type ? { mimeType: file.mime_type } : {}),
      ...(file.file_size ? { size: file.file_size } : {}),
    },
  ];
}
