import type { Channel } from './channel';

export type Direction = 'inbound' | 'outbound';
export type DeliveryStatus = 'received' | 'queued' | 'sent' | 'delivered' | 'read' | 'failed';

export interface Attachment {
  kind: 'photo' | 'document' | 'voice' | 'video' | 'audio' | 'sticker';
  /** The channel's own file reference; downloaded lazily, never at ingest. */
  fileRef: string;
  name?: string;
  mimeType?: string;
  size?: number;
}

/** What every channel adapter turns a webhook or socket event into. */
export interface InboundMessage {
  channel: Channel;
  /** Unique within the channel; the adapter composes it when the channel's ids are per chat. */
  externalId: string;
  /** Who wrote, in the channel's terms. */
  senderId: string;
  /** Where to answer, in the channel's terms (often equal to senderId). */
  chatId: string;
  senderName?: string;
  text?: string;
  attachments: Attachment[];
  phone?: string;
  sentAt: Date;
}

export interface Message {
  id: string;
  conversationId: string;
  channel: Channel;
  direction: Direction;
  /** Inbound: the channel's id. Outbound: our idempotency key until the channel assigns one. */
  externalId: string;
  text?: string;
  attachments: Attachment[];
  status: DeliveryStatus;
  authorUserId?: string;
  sentAt: Date;
}
