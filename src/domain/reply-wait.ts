import type { Channel } from './channel';

/**
 * How long a client waited for one staff reply, noted as the reply is stored, so reports read
 * reply times by the reply's time instead of walking every conversation's messages.
 */
export interface ReplyWait {
  /** The reply's stored message: the same reply is noted once. */
  messageId: string;
  /** When the reply was stored (its message's `sentAt`). */
  at: Date;
  userId: string;
  departmentId?: string;
  channel: Channel;
  /** The answer to the conversation's first wait. */
  first: boolean;
  /** From the first of the client's messages still unanswered to the reply. */
  ms: number;
}

/** One message as the reply clock needs it. */
export interface TimedMessage {
  id: string;
  channel: Channel;
  direction: 'inbound' | 'outbound';
  /** Set on a staff member's reply; robots' messages have none and do not stop the clock. */
  authorUserId?: string;
  sentAt: Date;
}

/**
 * The wait a staff reply ends, from the conversation as read before the reply was stored: none
 * when the client was not waiting (a second message in a row, or the client's message came after
 * this reply). `firstReplyAt` is the conversation's first noted reply; a reply at that very
 * moment is that first one (noted again on a retry, it comes out the same).
 */
export function replyWaitOf(
  conversation: { awaitingReplySince?: Date; firstReplyAt?: Date },
  reply: Omit<ReplyWait, 'first' | 'ms'>,
): ReplyWait | undefined {
  const since = conversation.awaitingReplySince;
  if (!since || since > reply.at) return undefined;
  const first = !conversation.firstReplyAt || conversation.firstReplyAt >= reply.at;
  return { ...reply, first, ms: reply.at.getTime() - since.getTime() };
}

/**
 * The waits of one conversation's whole history, as they would have been noted live (PRODUCT.md,
 * process 3: the wait counts from the client's first unanswered message, a staff reply stops the
 * clock, a robot's does not): for conversations answered before waits were noted.
 */
export function replyWaitsOfHistory(messages: readonly TimedMessage[]): ReplyWait[] {
  const sorted = [...messages].sort((a, b) => a.sentAt.getTime() - b.sentAt.getTime());
  const waits: ReplyWait[] = [];
  let waitingSince: Date | undefined;
  for (const message of sorted) {
    if (message.direction === 'inbound') {
      waitingSince ??= message.sentAt;
      continue;
    }
    if (!message.authorUserId || !waitingSince) continue;
    waits.push({
      messageId: message.id,
      at: message.sentAt,
      userId: message.authorUserId,
      channel: message.channel,
      first: waits.length === 0,
      ms: message.sentAt.getTime() - waitingSince.getTime(),
    });
    waitingSince = undefined;
  }
  return waits;
}
