import type { Attachment, InboundMessage, InboundOrigin } from '../../src/domain/message';
import {
  callbackEnvelopeSchema,
  messageEventOf,
  type VkAttachment,
  type VkMessage,
  type VkMessageEvent,
  type VkPhotoSize,
} from './callback-schema';

/** Turns a Callback API event into the hub's message; `null` for anything that is not one. */
export function normalizeVkEvent(raw: unknown): InboundMessage | null {
  const envelope = callbackEnvelopeSchema.safeParse(raw);
  if (!envelope.success) return null;
  const event = messageEventOf(envelope.data);
  return event ? toInboundMessage(event) : null;
}

/** `null` for the community's own messages: the hub already has what it sent. */
export function toInboundMessage({ message, edited }: VkMessageEvent): InboundMessage | null {
  if (message.out === 1) return null;
  const origin = originOf(message);
  return {
    channel: 'vk',
    externalId: externalIdOf(message),
    senderId: String(message.from_id),
    chatId: String(message.peer_id),
    ...(message.text ? { text: message.text } : {}),
    attachments: message.attachments.flatMap(toAttachment),
    ...(origin ? { origin } : {}),
    ...(edited ? { edited: true } : {}),
    sentAt: new Date(message.date * 1000),
  };
}

/**
 * The message id is unique per community, so a redelivery and an edit map to the same record.
 * Group chats report id 0; there the conversation's own counter is unique only within the peer.
 */
function externalIdOf(message: VkMessage): string {
  if (message.id !== 0) return String(message.id);
  return `${message.peer_id}_${message.conversation_message_id ?? 0}`;
}

function originOf(message: VkMessage): InboundOrigin | undefined {
  const tag = message.ref ?? message.ref_source;
  return tag ? { tag } : undefined;
}

function toAttachment(attachment: VkAttachment): Attachment[] {
  switch (attachment.type) {
    case 'photo':
      return [{ kind: 'photo', fileRef: largest(attachment.photo.sizes).url }];
    case 'doc': {
      const { url, title, size } = attachment.doc;
      return [{ kind: 'document', fileRef: url, name: title, ...(size ? { size } : {}) }];
    }
    case 'audio_message': {
      const { link_ogg, link_mp3 } = attachment.audio_message;
      if (link_ogg) return [{ kind: 'voice', fileRef: link_ogg, mimeType: 'audio/ogg' }];
      return link_mp3 ? [{ kind: 'voice', fileRef: link_mp3, mimeType: 'audio/mpeg' }] : [];
    }
    case 'sticker': {
      const { images } = attachment.sticker;
      return images.length > 0 ? [{ kind: 'sticker', fileRef: largest(images).url }] : [];
    }
  }
}

function largest(sizes: VkPhotoSize[]): VkPhotoSize {
  return sizes.reduce((best, size) =>
    size.width * size.height > best.width * best.height ? size : best,
  );
}
