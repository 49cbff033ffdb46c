import type { OutboundAttachment, OutboundMessage } from '../../src/domain/message';
import type { ViberOutboundPart } from './viber-api';

/**
 * Viber sends one thing per call: the text, then each file. Sizes are learned before anything is
 * sent, so a file that cannot be measured fails the whole message instead of half of it.
 */
export async function toViberParts(
  message: OutboundMessage,
  sizeOf: (url: string) => Promise<number>,
): Promise<ViberOutboundPart[]> {
  const parts: ViberOutboundPart[] = message.text ? [{ type: 'text', text: message.text }] : [];
  for (const attachment of message.attachments)
    parts.push(await attachmentPart(attachment, sizeOf));
  return parts;
}

async function attachmentPart(
  attachment: OutboundAttachment,
  sizeOf: (url: string) => Promise<number>,
): Promise<ViberOutboundPart> {
  // Viber shows pictures inline; everything else, videos included, goes as a downloadable file.
  if (attachment.kind === 'photo') return { type: 'picture', media: attachment.url, text: '' };
  return {
    type: 'file',
    media: attachment.url,
    size: attachment.size ?? (await sizeOf(attachment.url)),
    file_name: attachment.name,
  };
}
