import { CountedIngest, type IngestCounter } from '../app/messaging/counted-ingest';
import type { CustomerChannels } from '../app/messaging/customer-channels';
import { CustomerMessaging } from '../app/messaging/customer-messaging';
import { CustomerReplies } from '../app/messaging/customer-replies';
import type { DeliveryReceipts } from '../app/messaging/delivery-receipts';
import { InboundEvents, type ClientMessageListener } from '../app/messaging/inbound-events';
import { Inbox } from '../app/messaging/inbox';
import { IngestInbound } from '../app/messaging/ingest-inbound';
import { OutboxDelivery } from '../app/messaging/outbox-delivery';
import { tellResponsible } from '../app/messaging/tell-responsible';
import { leaseMaker } from '../app/lease';
import type { Clock } from '../domain/ports';
import type { RoutingSample } from '../domain/routing/rule';
import type { Logger } from '../infra/logger';
import type { Stores } from '../store/stores';
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

export type Messaging = CustomerMessaging;

/**
 * The outbox's worker and its wake-ups over the store and the started channels. Made before the
 * process, whose robots queue messages to clients and wake it.
 */
export function createOutbox(deps: {
  stores: Stores;
  channels: CustomerChannels;
  receipts: DeliveryReceipts;
  fileUrl(fileRef: string, name: string): string;
  clock: Clock;
  logger: Logger;
  /** The outbox's safety tick (OUTBOX_TICK_MS unless told). */
  tickMs?: number;
}): OutboxDelivery {
  const { logger, receipts } = deps;
  return new OutboxDelivery({
    store: deps.stores.outbox,
    senders: deps.channels.sender,
    fileUrl: deps.fileUrl,
    clock: deps.clock,
    lease: leaseMaker(deps.clock, OUTBOX_LEASE_MS),
    tickMs: deps.tickMs ?? OUTBOX_TICK_MS,
    onPassError: (error) => logger.error({ err: error }, 'outbox pass failed'),
    onError: (error) =>
      logger.warn({ err: error }, 'an outbox chat stopped; it is picked up again'),
    onSent: (item) => receipts.sent(item),
    async onFailed(item, reason) {
      logger.warn(
        { outboxId: item.id, channel: item.channel, reason },
        'message to a customer failed',
      );
      await receipts.failed(item, reason);
    },
  });
}

/** Ingest through the inbox, and replies through the outbox, over the store and the channels. */
export function createMessaging(deps: {
  stores: Stores;
  process: ProcessParts;
  channels: CustomerChannels;
  outbox: OutboxDelivery;
  receipts: DeliveryReceipts;
  route(sample: RoutingSample): Promise<string | undefined>;
  ingested: IngestCounter;
  logger: Logger;
  clock: Clock;
  /** How long a process keeps an inbox item before another may take it over. */
  inboxLeaseMs?: number;
}): Messaging {
  const { stores, process, logger, clock } = deps;
  // Each new customer message, to these in this order (one listener today: who answers is told).
  const listeners: ClientMessageListener[] = [
    tellResponsible({
      responsibles: process.engine,
      names: stores.contactNames,
      notifier: process.notifier,
    }),
  ];
  const events = new InboundEvents(
    (error) => logger.error({ err: error }, 'a client-message listener failed'),
    listeners,
  );
  const ingest = new CountedIngest(
    new IngestInbound({
      contacts: stores.contacts,
      conversations: stores.conversations,
      records: stores.openRecords,
      messages: stores.messages,
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
    }),
    deps.ingested,
  );
  const inbox = new Inbox({
    store: stores.inbox,
    ingest: ingest.run,
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
  const replies = new CustomerReplies({
    conversations: stores.conversations,
    outbox: stores.outbox,
    sla: process.sla,
    replyWaits: stores.replyWaits,
    clock,
    delivery: deps.outbox,
    receipts: deps.receipts,
  });
  return new CustomerMessaging({
    events,
    inbox,
    ingest,
    replies,
    channels: deps.channels,
    outbox: deps.outbox,
    conversations: stores.conversations,
  });
}
