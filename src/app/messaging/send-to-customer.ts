import { accountOf } from '../../domain/channel';
import type { Attachment } from '../../domain/message';
import type { OutboxItem } from '../../domain/outbox';
import { replyWaitOf, type ReplyWait } from '../../domain/reply-wait';
import type { Clock } from '../../domain/ports';
import type { Conversation } from '../../domain/conversation';
import type { Lease } from '../lease';
import { ProcessError } from '../process/errors';
import type { ConversationStore, OutboxStore } from './ports';

export interface SendDeps {
  conversations: ConversationStore;
  outbox: OutboxStore;
  /** A staff reply answers the customer: the reply SLA stops (robots' messages do not). */
  /**
   * A staff reply answers the customer: the reply SLA stops (robots' messages do not), in the
   * same write as the outbound time and, when it ended a wait, the first reply's time.
   */
  sla?: { managerReplied(conversationId: string, at: Date, firstReplyAt?: Date): Promise<void> };
  /** Where a staff reply's wait is noted for reports (one write per reply that ended a wait). */
  replyWaits?: { note(wait: ReplyWait): Promise<void> };
  clock: Clock;
  /** Tells the outbox worker there is something to send now rather than at its next tick. */
  wake(): void;
  /**
   * This process's outbox worker, when it runs here: the entries are stored under its lease and
   * handed to it at once, so the first attempt needs no claim round (woken otherwise).
   */
  worker?: { lease(): Lease; take(entries: OutboxItem[]): void };
}

export interface OutgoingMessage {
  /** What made it (ports.ts, NewOutbound): the same cause is queued once. */
  cause: string;
  text?: string;
  attachments?: Attachment[];
  authorUserId?: string;
  /** The author's department, kept with the reply's wait. */
  authorDepartmentId?: string;
  receipt?: { chatId: number; messageId: number };
}

export interface QueuedMessage {
  messageId: string;
  /** The cause had been queued before: nothing new went in. */
  duplicate: boolean;
  /** The author's "sending…" line is already on it, so a redelivered reply needs no second one. */
  hasReceipt: boolean;
}

/** A conversation as the caller just read it (no second read), or its id. */
export type ConversationRef = Conversation | string;

/**
 * Queues a message to the customer of a conversation. It is stored before any attempt, so the
 * caller can answer "queued" at once and a crash or a rate limit cannot lose it; queueing the same
 * cause again (a redelivered update, a retried handler) finds the first and sends nothing more.
 */
export async function sendToCustomer(
  deps: SendDeps,
  to: ConversationRef,
  message: OutgoingMessage,
): Promise<QueuedMessage> {
  const conversation = typeof to === 'string' ? await deps.conversations.get(to) : to;
  if (!conversation) throw new ProcessError('not_found');
  const conversationId = conversation.id;
  const attachments = message.attachments ?? [];
  if (!message.text?.trim() && attachments.length === 0) throw new ProcessError('invalid_field');
  const now = deps.clock.now();
  const queued = await deps.outbox.enqueue(
    {
      cause: message.cause,
      conversationId,
      channel: conversation.channel,
      ...accountOf(conversation),
      chatId: conversation.chatId,
      ...(message.text?.trim() ? { text: message.text.trim() } : {}),
      attachments,
      ...(message.authorUserId ? { authorUserId: message.authorUserId } : {}),
      ...(message.receipt ? { receipt: message.receipt } : {}),
    },
    now,
    deps.worker?.lease(),
  );
  if (deps.worker && queued.entries.length > 0) deps.worker.take(queued.entries);
  else if (!queued.duplicate) deps.wake();
  // Noted before the conversation stops waiting, so a retry after a crash in between still finds
  // the wait; measured to when the message was first stored, it comes out the same on a retry.
  const wait =
    message.authorUserId && deps.replyWaits
      ? replyWaitOf(conversation, {
          messageId: queued.messageId,
          at: queued.sentAt,
          userId: message.authorUserId,
          ...(message.authorDepartmentId ? { departmentId: message.authorDepartmentId } : {}),
          channel: conversation.channel,
        })
      : undefined;
  if (wait) await deps.replyWaits?.note(wait);
  // Run again for a duplicate too: the first attempt may have stopped right after queueing, and
  // these steps come out the same when repeated.
  if (message.authorUserId && deps.sla)
    await deps.sla.managerReplied(conversationId, now, wait?.at);
  else await deps.conversations.touchOutbound(conversationId, now, wait?.at);
  return {
    messageId: queued.messageId,
    duplicate: queued.duplicate,
    hasReceipt: queued.hasReceipt,
  };
}
