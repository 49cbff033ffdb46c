import type { AccountId, Channel } from './channel';
import type { Utm } from './lead';

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

/**
 * One stored message of a chat as a chat window shows it (the site widget's history): the
 * store reads it, the widget channel renders it.
 */
export interface ChatLine {
  /** The stored external id (the widget's own messages: `visitorId:clientId`). */
  id: string;
  direction: 'inbound' | 'outbound';
  text?: string;
  /** `fileRef` is a `FileStore` id (or, for files sent by link, the link itself). */
  attachments: Attachment[];
  sentAt: Date;
  /** The visitor's message was read by the company. */
  read?: boolean;
}

/** Where a new customer came from, carried by their first message into the lead. */
export interface InboundOrigin {
  /** A channel-specific tag, e.g. the payload of a Telegram `/start` deep link from an ad. */
  tag?: string;
  utm?: Utm;
  referrer?: string;
  /** The page the customer wrote from (widget) or landed on. */
  pageUrl?: string;
}

/** What every channel adapter turns a webhook or socket event into. */
export interface InboundMessage {
  channel: Channel;
  /** The account of the channel it came to (absent: the default one); replies go out through it. */
  account?: AccountId;
  /** Unique within the channel; the adapter composes it when the channel's ids are per chat. */
  externalId: string;
  /** Who wrote, in the channel's terms. */
  senderId: string;
  /** Where to answer, in the channel's terms (often equal to senderId). */
  chatId: string;
  senderName?: string;
  text?: string;
  attachments: Attachment[];
  /** As the customer gave it; ingest normalizes it before matching contacts. */
  phone?: string;
  email?: string;
  /**
   * The phone or email comes from the channel itself (Telegram's own-contact share), not typed
   * by the customer: only then may it join this person to a contact the hub already has, or
   * anyone could type someone else's number and read their conversation.
   */
  contactVerified?: boolean;
  /** The customer's app language when the channel tells it (routing can use it). */
  language?: string;
  origin?: InboundOrigin;
  /** The customer changed a message the hub already has (same externalId): update, not append. */
  edited?: boolean;
  sentAt: Date;
}

/** A file for a customer: every channel can fetch a URL, so the hub hands out signed links. */
export interface OutboundAttachment {
  kind: Attachment['kind'];
  url: string;
  name: string;
  mimeType?: string;
  /** Bytes, for channels that must announce it (Viber). */
  size?: number;
}

/** What the outbox hands an adapter to send to one chat. */
export interface OutboundMessage {
  /** Stable across retries of one message, for channels that deduplicate sends (VK random_id). */
  key?: string;
  text?: string;
  attachments: OutboundAttachment[];
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
