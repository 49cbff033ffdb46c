import type { WidgetChannel } from '../../channels/widget';
import { CoalescedRun } from '../app/coalesced-run';
import { changeStreamsMissing, watchInserts } from '../infra/insert-wakeups';
import type { Logger } from '../infra/logger';
import { openSocketRelay } from '../infra/socket-relay';
import type { Database } from '../store/database';
import type { ManagerBotParts } from './manager-bot';
import type { OutboxDelivery } from '../app/messaging/outbox-delivery';
import type { Messaging } from './messaging';

/**
 * What this process does at once when another process inserts: work nobody holds yet (an outbox
 * entry, an inbox item, a staff notice stored without a lease: an older hub's, a script's) is
 * looked for now instead of at the safety tick, and the widget's socket packets reach the
 * visitors connected here. Work stored under a lease is not woken for: its holder is alive and
 * handles it, and nobody else may take it before the lease runs out (then the tick finds it).
 * Call before the widget is attached.
 */
export async function startWakeups(deps: {
  database: Database;
  messaging: Messaging;
  outbox: OutboxDelivery;
  managerBot: ManagerBotParts | undefined;
  widget: WidgetChannel;
  logger: Logger;
}): Promise<{ close(): Promise<void> }> {
  const { database, messaging, managerBot, logger } = deps;
  const db = database.connection.db;
  if (!db) throw new Error('database connection has no Db handle');
  const { Outbox, Inbox, Notification } = database.models;
  // A burst of inserts runs the look twice (now, and once after it), not once per insert.
  const coalesced = (what: string, work: () => Promise<unknown>) => {
    const runs = new CoalescedRun(work);
    return () =>
      void runs
        .run()
        .catch((error: unknown) =>
          logger.warn({ err: error }, `${what} woken by another process failed; the tick retries`),
        );
  };
  const unheld = { owner: { $exists: false } };
  const work = [
    {
      collection: Outbox.collection.collectionName,
      where: unheld,
      // Coalesced by the outbox worker itself.
      onInsert: () => deps.outbox.wake(),
    },
    {
      collection: Inbox.collection.collectionName,
      where: unheld,
      onInsert: coalesced('the inbox', () => messaging.inbox.recover()),
    },
    ...(managerBot
      ? [
          {
            collection: Notification.collection.collectionName,
            where: unheld,
            onInsert: coalesced('staff notice delivery', () => managerBot.deliverNow()),
          },
        ]
      : []),
  ];
  const missing = await changeStreamsMissing(db);
  if (missing !== undefined) {
    logger.info(
      { reason: missing },
      'no change streams on this database: work another hub process queues is found at the safety ticks, and a widget reply reaches only visitors connected to the process sending it (run one process, or keep each visitor on one)',
    );
    return { close: async () => {} };
  }
  const relay = await openSocketRelay(db, (error) =>
    logger.warn({ err: error }, "another process's widget packet could not be passed on"),
  ).catch((error: unknown) => {
    logger.warn({ err: error }, 'widget replies reach only this process: no relay collection');
    return undefined;
  });
  if (relay) deps.widget.relay(relay.adapter);
  return watchInserts(db, relay ? [...work, relay.watch] : work, logger);
}
