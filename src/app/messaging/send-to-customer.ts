import type { Attachment } from '../../domain/message';
import type { Clock } from '../../domain/ports';
import { ProcessError } from '../process/errors';
import type { ConversationStore, OutboxStore } from './ports';

export interface SendDeps {
  conversations: ConversationStore;
  outbox: OutboxStore;
  /** A staff reply answers the customer: the reply SLA stops. */
  sla: { managerReplied(conversationId: string): Promise<void> };
  clock: Clock;
  /** Tells the outbox worker there is something to send now rather than at its next tick. */
  wake(): void;
}

/**
 * Queues a message to the customer of a conversation. It is stored before any attempt, so the
 * caller can answer "queued" at once and a crash or a rate limit cannot lose it.
 */
export async function sendToCustomer(
  deps: SendDeps,
  conversationId: string,
  message: {
    text?: string;
    attachments?: Attachment[];
    authorUserId?: string;
    receipt?: { chatId: number; messageId: number };
  },
): Promise<{ messageId: string }> {
  const conversation = await deps.conversations.get(conversationId);
  if (!conversation) throw new ProcessError('not_found');
  const attachments = message.attachments ?? [];
  if (!message.text?.trim() && attachments.length === 0) throw new ProcessError('invalid_field');
  const now = deps.clock.now();
  const { messageId } = await deps.outbox.enqueue(
    {
      conversationId,
      channel: conversation.channel,
      chatId: conversation.chatId,
      ...(message.text?.trim() ? { text: message.text.trim() } : {}),
      attachments,
      ...(message.authorUserId ? { authorUserId: message.authorUserId } : {}),
      ...(message.receipt ? { receipt: message.receipt } : {}),
    },
    now,
  );
  await deps.conversations.touchOutbound(conversationId, now);
  if (message.authorUserId) await deps.sla.managerReplied(conversationId);
  deps.wake();
  return { messageId };
}
