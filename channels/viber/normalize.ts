import type { InboundMessage } from '../../src/domain/message';
import {
  parseViberCallback,
  type ViberMessageContent,
  type ViberMessageEvent,
} from './viber-schema';

/** A Viber callback as the hub's message, or `null` for callbacks that carry no customer message. */
export function normalizeViberEvent(raw: unknown): InboundMessage | null {
  const callback = parseViberCallback(raw);
  return callback.kind === 'message' ? toInboundMessage(callback.event) : null;
}

export function toInboundMessage(event: ViberMessageEvent): InboundMessage {
  return {
    channel: 'viber',
    // Viber redelivers a failed callback with the same token, so ingest can dedupe on it.
    externalId: event.message_token,
    // Viber bots only have one-to-one chats: the user id is the address to answer.
    senderId: event.sender.id,
    chatId: event.sender.id,
    senderName: event.sender.name,
    sentAt: new Date(event.timestamp),
    ...content(event.message),
  };
}

type Content = Pick<InboundMessage, 'text' | 'attachments' | 'phone'>;

function content(message: ViberMessageContent): Content {
  switch (message.type) {
    case 'text':
      return { text: message.text, attachments: [] };
    case 'picture':
      return {
        text: message.text || undefined,
        attachments: [
          { kind: 'photo', fileRef: message.media, name: message.file_name, size: message.size },
        ],
      };
    case 'video':
      return { attachments: [{ kind: 'video', fileRef: message.media, size: message.size }] };
    case 'file':
      return {
        attachments: [
          { kind: 'document', fileRef: message.media, name: message.file_name, size: message.size },
        ],
      };
    case 'contact': {
      const { name, phone_number } = message.contact;
      // The text keeps a shared contact readable in the manager's chat; `phone` is what ingest uses.
      return {
        text: [name, phone_number].filter(Boolean).join(' '),
        phone: phone_number,
        attachments: [],
      };
    }
    case 'location':
      return { text: `geo:${message.location.lat},${message.location.lon}`, attachments: [] };
    case 'url':
      return { text: message.media, attachments: [] };
    case 'sticker':
      return {
        attachments: [{ kind: 'sticker', fileRef: message.media ?? String(message.sticker_id) }],
      };
  }
}
