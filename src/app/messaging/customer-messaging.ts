import type { Channel } from '../../domain/channel';
import type { InboundMessage } from '../../domain/message';
import type { CountedIngest } from './counted-ingest';
import type { CustomerChannels } from './customer-channels';
import type { CustomerReplies, QueuedReply, ReplyMessage } from './customer-replies';
import type { InboundEvents } from './inbound-events';
import type { Inbox } from './inbox';
import type { IngestResult } from './ingest-inbound';
import type { OutboxDelivery } from './outbox-delivery';
import type { ConversationStore } from './ports';
import type { ConversationRef } from './send-to-customer';

/**
 * Customers' messages both ways, as the rest of the hub uses them: in through the channels, the
 * inbox and ingest; out through the outbox. Its methods are handed around as callbacks: bound.
 */
export class CustomerMessaging {
  readonly events: InboundEvents;
  /** The channels' sink: one durable write, then ingest runs from the inbox. */
  readonly inbox: Inbox;

  constructor(
    private readonly parts: {
      events: InboundEvents;
      inbox: Inbox;
      ingest: CountedIngest;
      replies: CustomerReplies;
      channels: CustomerChannels;
      outbox: OutboxDelivery;
      conversations: Pick<ConversationStore, 'findOpen'>;
    },
  ) {
    this.events = parts.events;
    this.inbox = parts.inbox;
  }

  /** Ingests one message now, without the inbox (the inbox's own step; manual leads, tests). */
  readonly ingest = (message: InboundMessage): Promise<IngestResult> =>
    this.parts.ingest.run(message);

  /**
   * Queues a message to the customer of a conversation; the outbox sends it. Callers pass the
   * cause (send-to-customer.ts); one without a cause of its own (a test, a console) is its own.
   */
  readonly reply = (to: ConversationRef, message: ReplyMessage): Promise<QueuedReply> =>
    this.parts.replies.send(to, message);

  /** A customer's file, from the hub's store (widget) or from its channel. */
  readonly loadFile = (
    channel: Channel,
    ref: string,
  ): Promise<{ data: Buffer; mimeType?: string } | undefined> =>
    this.parts.channels.loadFile(channel, ref);

  async conversationOf(channel: Channel, chatId: string): Promise<string | undefined> {
    return (await this.parts.conversations.findOpen(channel, chatId))?.id;
  }

  /** One outbox pass now, and the sends it handed out finished (tests). */
  deliverNow(): Promise<number> {
    return this.parts.outbox.deliverNow();
  }

  /** The channels first (each message they take goes to the inbox), then ingest and sending. */
  async start(): Promise<void> {
    await this.parts.channels.start((message) => this.parts.inbox.accept(message));
    this.parts.inbox.start();
    this.parts.outbox.start();
  }

  /**
   * Sends in flight finish while the channels are still up; then nothing new comes in, and what
   * was acknowledged finishes here or waits in the store.
   */
  async stop(): Promise<void> {
    await this.parts.outbox.stop();
    await this.parts.channels.stop();
    await this.parts.inbox.stop();
  }
}
