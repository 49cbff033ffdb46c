import { utmFromUrl } from '../../src/domain/lead';
import type { Attachment, InboundMessage, InboundOrigin } from '../../src/domain/message';
import type { PageInfo, Prechat } from './protocol';

/** One visitor message after validation, with its files already stored. */
export interface WidgetInbound {
  visitorId: string;
  clientId: string;
  text?: string;
  attachments: Attachment[];
  prechat?: Prechat;
  page?: PageInfo;
  /** The visitor's first message: it carries where they came from into the lead. */
  first: boolean;
  receivedAt: Date;
}

/** The browser's ids are only unique per visitor; the channel needs them unique overall. */
export const externalIdOf = (visitorId: string, clientId: string) => `${visitorId}:${clientId}`;

export function attachmentKind(mimeType: string): Attachment['kind'] {
  if (mimeType.startsWith('image/')) return 'photo';
  if (mimeType.startsWith('video/')) return 'video';
  if (mimeType.startsWith('audio/')) return 'audio';
  return 'document';
}

export function normalizeWidgetMessage(raw: WidgetInbound): InboundMessage | null {
  if (!raw.text && raw.attachments.length === 0) return null;
  const message: InboundMessage = {
    channel: 'widget',
    externalId: externalIdOf(raw.visitorId, raw.clientId),
    senderId: raw.visitorId,
    chatId: raw.visitorId,
    attachments: raw.attachments,
    sentAt: raw.receivedAt,
  };
  if (raw.text) message.text = raw.text;
  if (raw.prechat?.name) message.senderName = raw.prechat.name;
  if (raw.prechat?.phone) message.phone = raw.prechat.phone;
  if (raw.prechat?.email) message.email = raw.prechat.email;
  if (raw.first) {
    const origin = originOf(raw.page);
    if (origin) message.origin = origin;
  }
  return message;
}

function originOf(page: PageInfo | undefined): InboundOrigin | undefined {
  if (!page) return undefined;
  const origin: InboundOrigin = {};
  if (page.url) origin.pageUrl = page.url;
  if (page.referrer) origin.referrer = page.referrer;
  const utm = utmFromUrl(page.url);
  if (Object.keys(utm).length > 0) origin.utm = utm;
  return Object.keys(origin).length > 0 ? origin : undefined;
}
