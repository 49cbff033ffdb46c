import type { Channel } from './channel';
import type { Attachment } from './message';

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';

/** A message to a customer, stored before any attempt so a crash or a 429 cannot lose it. */
export interface OutboxItem {
  id: string;
  messageId: string;
  conversationId: string;
  channel: Channel;
  chatId: string;
  text?: string;
  attachments: Attachment[];
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastError?: string;
  /** The staff member who wrote it, told when it is delivered or fails. */
  authorUserId?: string;
  /** The bot's "sending…" message to that person, edited with the outcome. */
  receipt?: { chatId: number; messageId: number };
  createdAt: Date;
}

const MAX_BACKOFF_MS = 10 * 60_000;
/** An outage longer than a day is not going to end by retrying; a person must look at it. */
export const GIVE_UP_AFTER_MS = 24 * 3600_000;

/**
 * When to try again after a failed send: the channel's own `retry_after` when it gave one,
 * otherwise exponential back-off from one second, capped so an outage is retried every ten minutes.
 */
export function nextAttemptAfterFailure(attempts: number, now: Date, retryAfterMs?: number): Date {
  const backoff = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.max(0, attempts - 1));
  return new Date(now.getTime() + (retryAfterMs ?? backoff));
}

/** Why a message finally failed, as staff are told it; the channel's own words stay in the store. */
export type DeliveryFailure = 'recipient_gone' | 'channel_off' | 'refused';

/** How a channel reports a failed send; `retryable` decides between waiting and giving up. */
export class ChannelSendError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    /** The channel's own wait (Telegram's `retry_after`), when it named one. */
    readonly retryAfterMs?: number,
    /** The customer blocked the bot or unsubscribed: nothing reaches them until they write. */
    readonly recipientGone = false,
  ) {
    super(message);
    this.name = 'ChannelSendError';
  }
}
