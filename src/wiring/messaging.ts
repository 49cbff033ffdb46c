import { randomUUID } from 'node:crypto';
import type { ChannelAdapter } from '../../channels/contract';
import { InboundEvents } from '../app/messaging/inbound-events';
import { Inbox } from '../app/messaging/inbox';
import { IngestInbound, type IngestResult } from '../app/messaging/ingest-inbound';
import { OutboxWorker } from '../app/messaging/outbox-worker';
import {
  sendToCustomer,
  type OutgoingMessage,
  type QueuedMessage,
} from '../app/messaging/send-to-customer';
import { leaseMaker } from '../app/lease';
import { tellResponsible } from '../app/messaging/tell-responsible';
import type { DeliveryFailure, OutboxItem } from '../domain/outbox';
import { createContactNames } from '../store/repositories/contact-names.repository';
import type { Channel } from '../domain/channel';
import type { InboundMessage } from '../domain/message';
import type { Clock, FileStore } from '../domain/ports';
import type { RoutingSample } from '../domain/routing/rule';
import type { Locale } from '../domain/user';
import type { Translator } from '../infra/i18n';
import type { Logger } from '../infra/logger';
import type { Metrics } from '../infra/metrics';
import type { Models } from '../store/models';
import { createContactRepository } from '../store/repositories/contact.repository';
import { createConversationStore } from '../store/repositories/conversation.repository';
import { createInboxStore } from '../store/repositories/inbox.repository';
import { createMessageRepository } from '../store/repositories/message.repository';
import { createOpenRecords } from '../store/repositories/open-records.repository';
import { createOutboxStore } from '../store/repositories/outbox.repository';
import type { ProcessParts } from './process';

/**
 * The safety net only: a queued message wakes the outbox, and a message held back (a chat's
 * pace, a retry) sets a timer for its time; this catches what another process queued.
 */
const OUTBOX_TICK_MS = 5000;
/**
 * How long this process holds an outbox entry it claimed or has in flight. Longer than any
 * channel call may take (each adapter times its calls out well within it), so a live process
 * never loses a send to another; after a crash its entries are taken over once this has passed.
 */
const OUTBOX_LEASE_MS = 60_000;

/** A queued reply; `attachReceipt` puts the author's "sending…" line on it once that is sent. */
export type QueuedReply = QueuedMessage & {
  attachReceipt(receipt: { chatId: number; messageId: number }): Promise<void>;
};

export interface Messaging {
  events: InboundEvents;
  /** Ingests one message now, without the inbox (the inbox's own step; manual leads, tests). */
  ingest(message: InboundMessage): Promise<IngestResult>;
  /** The channels' sink: one durable write, then ingest runs from the inbox. */
  inbox: Inbox;
  /**
   * Queues a message to the customer of a conversation; the outbox sends it. Callers pass the
   * cause (send-to-customer.ts); one without a cause of its own (a test, a console) is its own.
   */
  reply(
    conversationId: string,
    message: Omit<OutgoingMessage, 'cause'> & { cause?: string },
  ): Promise<QueuedReply>;
  conversationOf(channel: Channel, chatId: string): Promise<string | undefined>;
  /** A customer's file, from the hub's store (widget) or from its channel. */
  loadFile(channel: Channel, ref: string): Promise<{ data: Buffer; mimeType?: string } | undefined>;
  /** Something was queued elsewhere (a robot's message): send it now, not at the next tick. */
  wakeOutbox(): void;
  /** One outbox pass now (tests, and the loop below). */
  deliverNow(): Promise<number>;
  start(adapters: ChannelAdapter[]): Promise<void>;
  stop(): Promise<void>;
}

/** Ingest, the outbox and the robots' client messages, over the store and the adapters. */
export function createMessaging(deps: {
  models: Models;
  process: ProcessParts;
  translator: Translator;
  defaultLocale: Locale;
  fileUrl(fileRef: string, name: string): string;
  files: FileStore;
  route(sample: RoutingSample): Promise<string | undefined>;
  metrics: Metrics;
  logger: Logger;
  clock: Clock;
  /** How long a process keeps an inbox item before another may take it over. */
  inboxLeaseMs?: number;
  /** How long a process keeps an outbox entry before another may take it over. */
  outboxLeaseMs?: number;
  /** The outbox's safety tick (OUTBOX_TICK_MS unless told). */
  outboxTickMs?: number;
}): Messaging {
  const { models, process, logger, clock } = deps;
  const conversations = createConversationStore(models);
  const names = createContactNames(models);
  const outbox = createOutboxStore(models);
  const adapters = new Map<Channel, ChannelAdapter>();
  const events = new InboundEvents((error) =>
    logger.error({ err: error }, 'a client-message listener failed'),
  );
  const ingest = new IngestInbound({
    contacts: createContactRepository(models),
    conversations,
    records: createOpenRecords(models),
    messages: createMessageRepository(models),
    leads: process.engine,
    route: deps.route,
    sla: process.sla,
    followUps: process.engine.timers,
    events,
    onUnassignable: (conversationId) =>
      logger.error(
        { conversationId },
        'a customer wrote but nobody is registered to take the lead',
      ),
  });
  events.subscribe(
    tellResponsible({
      responsibleFor: (subject, known, place) =>
        process.engine.responsibleFor(subject, known, place),
      contactName: async (contactId) => (await names.namesOf(contactId)).contact,
      notifier: process.notifier,
    }),
  );
  // The bot's "sending…" line under a manager's reply becomes "delivered" or "not delivered".
  const tellAuthor = async (
    item: Pick<OutboxItem, 'authorUserId' | 'receipt'>,
    state: 'sent' | 'failed',
    reason?: DeliveryFailure,
  ) => {
    if (!item.authorUserId || !item.receipt) return;
    await process.notifier.notifyUser(item.authorUserId, {
      kind: 'delivery_state',
      receipt: item.receipt,
      state,
      ...(reason ? { reason } : {}),
    });
  };
  const reportDelivery = (error: unknown) => logger.error({ err: error }, 'outbox pass failed');
  let heldBack: { timer: NodeJS.Timeout; at: number } | undefined;
  // One timer, for the earliest time a held-back chat may go on; a pass then catches every chat
  // due by then, so later times need no timer of their own until this one has fired.
  const wakeAt = (at: number) => {
    if (heldBack && heldBack.at <= at) return;
    if (heldBack) clearTimeout(heldBack.timer);
    const timer = setTimeout(
      () => {
        heldBack = undefined;
        wake();
      },
      Math.max(0, at - clock.now().getTime()) + 5,
    );
    heldBack = { timer, at };
  };
  const outboxLease = leaseMaker(clock, deps.outboxLeaseMs ?? OUTBOX_LEASE_MS);
  const worker = new OutboxWorker({
    store: outbox,
    senders: (channel) => adapters.get(channel),
    fileUrl: deps.fileUrl,
    clock,
    lease: outboxLease,
    wakeAt,
    onError: (error) =>
      logger.warn({ err: error }, 'an outbox chat stopped; it is picked up again'),
    onSent: (item) => tellAuthor(item, 'sent'),
    async onFailed(item, reason) {
      logger.warn(
        { outboxId: item.id, channel: item.channel, reason },
        'message to a customer failed',
      );
      await tellAuthor(item, 'failed', reason);
    },
  });
  // A pass only hands entries to their chats' lanes, so it is quick whatever a chat is waiting on.
  const runOutbox = () => worker.runOnce();
  const wake = () => void runOutbox().catch(reportDelivery);
  const reply: Messaging['reply'] = async (conversationId, message) => {
    const queued = await sendToCustomer(
      {
        conversations,
        outbox,
        sla: process.sla,
        clock,
        wake,
        worker: { lease: outboxLease, take: (entries) => worker.take(entries) },
      },
      conversationId,
      { ...message, cause: message.cause ?? `adhoc:${randomUUID()}` },
    );
    return {
      ...queued,
      async attachReceipt(receipt) {
        const now = await outbox.attachReceipt(queued.messageId, receipt);
        // Already delivered or failed before the line existed: the worker had nowhere to show it.
        if (now.state === 'sent') await tellAuthor({ ...message, receipt }, 'sent');
        if (now.state === 'failed') await tellAuthor({ ...message, receipt }, 'failed', now.reason);
      },
    };
  };

  const ingestOne = async (message: InboundMessage, options?: { resumed: boolean }) => {
    const result = await ingest.ingest(message, options);
    deps.metrics.inboundMessages.inc({ channel: message.channel, result: result.outcome });
    return result;
  };
  const inbox = new Inbox({
    store: createInboxStore(models),
    ingest: ingestOne,
    clock,
    ...(deps.inboxLeaseMs ? { leaseMs: deps.inboxLeaseMs } : {}),
    onError: (error, item) =>
      logger.warn(
        { err: error, key: item.key, attempts: item.attempts },
        'ingest failed; retrying',
      ),
    onParked: (item, error) =>
      logger.error({ key: item.key, error }, 'a customer message was parked after its retries'),
  });

  let timer: NodeJS.Timeout | undefined;
  let ticking = false;
  return {
    events,
    ingest: ingestOne,
    inbox,
    reply,
    async conversationOf(channel, chatId) {
      return (await conversations.findOpen(channel, chatId))?.id;
    },
    async loadFile(channel, ref) {
      if (channel === 'widget') return deps.files.get(ref);
      return adapters.get(channel)?.fetchFile?.(ref);
    },
    async deliverNow() {
      const handed = await worker.runOnce();
      await worker.idle();
      return handed;
    },
    async start(list) {
      for (const adapter of list) {
        adapters.set(adapter.id, adapter);
        await adapter.start((message) => inbox.accept(message));
      }
      inbox.start();
      timer = setInterval(() => {
        // A slow pass (a channel rate-limiting us) must not pile more passes up behind it.
        if (ticking) return;
        ticking = true;
        void runOutbox()
          .catch(reportDelivery)
          .finally(() => (ticking = false));
      }, deps.outboxTickMs ?? OUTBOX_TICK_MS);
    },
    wakeOutbox: wake,
    async stop() {
      clearInterval(timer);
      if (heldBack) clearTimeout(heldBack.timer);
      heldBack = undefined;
      // Sends in flight finish (each call has a timeout) while the adapters are still up.
      await worker.stop();
      for (const adapter of adapters.values()) await adapter.stop();
      adapters.clear();
      // Nothing new comes in now; what was acknowledged finishes here or waits in the store.
      await inbox.stop();
    },
  };
}
