import { randomUUID } from 'node:crypto';
import type { Clock } from '../../domain/ports';
import type { DeliveryReceipts } from './delivery-receipts';
import type { OutboxDelivery } from './outbox-delivery';
import type { ConversationStore, OutboxStore } from './ports';
import {
  sendToCustomer,
  type ConversationRef,
  type OutgoingMessage,
  type QueuedMessage,
  type SendDeps,
} from './send-to-customer';

/** A queued reply; `attachReceipt` puts the author's "sending…" line on it once that is sent. */
export type QueuedReply = QueuedMessage & {
  attachReceipt(receipt: { chatId: number; messageId: number }): Promise<void>;
};

/** A message to a customer as callers hand it; one without a cause of its own is its own. */
export type ReplyMessage = Omit<OutgoingMessage, 'cause'> & { cause?: string };

/**
 * Messages to customers queued by this process: stored under its outbox worker's lease and handed
 * to it at once, with the staff reply stopping the reply SLA (send-to-customer.ts).
 */
export class CustomerReplies {
  constructor(
    private readonly deps: {
      conversations: ConversationStore;
      outbox: OutboxStore;
      sla: NonNullable<SendDeps['sla']>;
      replyWaits: NonNullable<SendDeps['replyWaits']>;
      clock: Clock;
      delivery: OutboxDelivery;
      receipts: DeliveryReceipts;
    },
  ) {}

  /** Callers pass the cause (send-to-customer.ts); a test or a console may leave it out. */
  async send(to: ConversationRef, message: ReplyMessage): Promise<QueuedReply> {
    const { delivery, outbox, receipts } = this.deps;
    const queued = await sendToCustomer(
      {
        conversations: this.deps.conversations,
        outbox,
        sla: this.deps.sla,
        replyWaits: this.deps.replyWaits,
        clock: this.deps.clock,
        wake: delivery.wake,
        worker: delivery,
      },
      to,
      { ...message, cause: message.cause ?? `adhoc:${randomUUID()}` },
    );
    return {
      ...queued,
      async attachReceipt(receipt) {
        const now = await outbox.attachReceipt(queued.messageId, receipt);
        // Already delivered or failed before the line existed: the worker had nowhere to show it.
        if (now.state === 'sent') await receipts.sent({ ...message, receipt });
        if (now.state === 'failed') await receipts.failed({ ...message, receipt }, now.reason);
      },
    };
  }
}
