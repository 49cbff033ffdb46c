import type { AccountId, Channel } from './channel';
import type { Attachment } from './message';

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';

/**
 * One channel call's worth of a message to a customer, stored before any attempt so a crash or a
 * 429 cannot lose it. A message that takes several calls (text then a file; Viber's one thing per
 * call) is several entries, so a retry after the text went out sends only what is left.
 */
export interface OutboxItem {
  id: string;
  /** `<cause>:<part>`: the same cause always yields the same key, so it is queued once. */
  key: string;
  messageId: string;
  /** This entry's place in its message (0-based) and how many entries the message has. */
  part: number;
  parts: number;
  conversationId: string;
  channel: Channel;
  /** The account that sends it: the one the customer wrote to (absent: the default one). */
  account?: AccountId;
  chatId: string;
  text?: string;
  attachments: Attachment[];
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: Date;
  /** Set when the entry was marked in flight, just before the channel call. */
  sendingSince?: Date;
  lastError?: string;
  /** The staff member who wrote it, told when it is delivered or fails. */
  authorUserId?: string;
  /** The bot's "sending…" message to that person, edited with the outcome. */
  receipt?: { chatId: number; messageId: number };
  createdAt: Date;
}

/** The entry key of one part of a message queued for `cause`. */
export function outboxKey(cause: string, part: number): string {
  return `${cause}:${part}`;
}

/** Telegram's caption limit: a longer text cannot ride on its file and goes as its own message. */
const TELEGRAM_CAPTION_LIMIT = 1024;

/**
 * How a message splits into channel calls, one entry each. Telegram sends a file with the text as
 * its caption when it fits, then each further file; Viber sends the text, then each file; VK and
 * the widget take text and files in one call (VK uploads first, which delivers nothing).
 */
export function outboundParts(
  channel: Channel,
  message: { text?: string; attachments: Attachment[] },
): { text?: string; attachments: Attachment[] }[] {
  const { text, attachments } = message;
  if (channel === 'vk' || channel === 'widget' || attachments.length === 0) {
    return [{ ...(text ? { text } : {}), attachments }];
  }
  const [first, ...rest] = attachments;
  const parts: { text?: string; attachments: Attachment[] }[] = [];
  const caption = channel === 'telegram' && text && text.length <= TELEGRAM_CAPTION_LIMIT;
  if (text && !caption) parts.push({ text, attachments: [] });
  parts.push({ ...(caption ? { text } : {}), attachments: [first!] });
  for (const attachment of rest) parts.push({ attachments: [attachment] });
  return parts;
}

/**
 * Whether an entry found in flight after its process died may simply be sent again. VK drops a
 * messages.send whose random_id (derived from the entry's key) it has seen; the widget shows items
 * by id (the key), so a repeat replaces the first. Telegram's Bot API and Viber's send_message
 * take no idempotency key and cannot be asked what was sent: a repeat could show twice.
 */
export function resendIsSafe(channel: Channel): boolean {
  return channel === 'vk' || channel === 'widget';
}

const MAX_BACKOFF_MS = 10 * 60_000;
/** However young the entry, a wait may be this long (an outage's first seconds). */
const MIN_AGE_CAP_MS = 5000;
/** An outage longer than a day is not going to end by retrying; a person must look at it. */
export const GIVE_UP_AFTER_MS = 24 * 3600_000;

/**
 * When to try again after a failed send: the channel's own `retry_after` when it gave one,
 * otherwise exponential back-off from one second, capped so an outage is retried every ten minutes.
 * Given how long the entry has waited already, a wait is also at most a quarter of that: the
 * attempts count every 429 before it, and a 500 after half a minute of rate limits must not
 * hold a reply for minutes once the Bot API is back (the customer would wait 4 minutes for it).
 */
export function nextAttemptAfterFailure(
  attempts: number,
  now: Date,
  retryAfterMs?: number,
  waitedMs?: number,
): Date {
  const ageCap = waitedMs === undefined ? MAX_BACKOFF_MS : Math.max(MIN_AGE_CAP_MS, waitedMs / 4);
  const backoff = Math.min(MAX_BACKOFF_MS, ageCap, 1000 * 2 ** Math.max(0, attempts - 1));
  return new Date(now.getTime() + (retryAfterMs ?? backoff));
}

/**
 * Why a message finally failed, as staff are told it; the channel's own words stay in the store.
 * `unconfirmed`: the hub stopped while the message was in flight on a channel that cannot tell
 * whether it arrived nor take a retry without doubling it, so the author is asked to check.
 */
export type DeliveryFailure = 'recipient_gone' | 'channel_off' | 'refused' | 'unconfirmed';

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
