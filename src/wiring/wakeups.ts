import type { WidgetChannel } from '../../channels/widget';
import Bottleneck from 'bottleneck';
import { changeStreamsMissing, watchInserts } from '../infra/insert-wakeups';
import type { Logger } from '../infra/logger';
import { openSocketRelay } from '../infra/socket-relay';
import type { Database } from '../store/database';
import type { ManagerBotParts } from './manager-bot';
import type { OutboxDelivery } from '../app/messaging/outbox-delivery';
import type { Messaging } from './messaging';

/** At most this often a look for another process's work, while it keeps inserting. */
const WAKE_SPACING_MS = 250;

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
  // A look costs a few round trips (find, claim, read back). Another process's burst of inserts
  // runs it at once, then at most once per spacing with one more after the burst, never once per
  // insert: what is inserted meanwhile is found by the next look.
  const limiters: Bottleneck[] = [];
  const throttled = (what: string, work: () => unknown) => {
    const limiter = new Bottleneck({
      maxConcurrent: 1,
      minTime: WAKE_SPACING_MS,
      highWater: 1,
      strategy: Bottleneck.strategy.OVERFLOW,
    });
    limiters.push(limiter);
    return () =>
      void limiter
        .schedule(async () => {
          await work();
        })
        .catch((error: unknown) => {
          // Dropped: a look is already waiting, and it will find this insert too.
          if (error instanceof Bottleneck.BottleneckError) return;
          logger.warn({ err: error }, `${what} woken by another process failed; the tick retries`);
        });
  };
  const stopLimiters = () =>
    Promise.all(limiters.map((limiter) => limiter.stop({ dropWaitingJobs: true })));
  const unheld = { owner: { $exists: false } };
  const work = [
    {
      collection: Outbox.collection.collectionName,
      where: unheld,
      onInsert: throttled('the outbox', () => deps.outbox.wake()),
    },
    {
      collection: Inbox.collection.collectionName,
      where: unheld,
      onInsert: throttled('the inbox', () => messaging.inbox.recover()),
    },
    ...(managerBot
      ? [
          {
            collection: Notification.collection.collectionName,
            where: unheld,
            onInsert: throttled('staff notice delivery', () => managerBot.deliverNow()),
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
    return { close: async () => void (await stopLimiters()) };
  }
  const relay = await openSocketRelay(db, (error) =>
    logger.warn({ err: error }, "another process's widget packet could not be passed on"),
  ).catch((error: unknown) => {
    logger.warn({ err: error }, 'widget replies reach only this process: no relay collection');
    return undefined;
  });
  if (relay) deps.widget.relay(relay.adapter);
  const watch = watchInserts(db, relay ? [...work, relay.watch] : work, logger);
  return {
    async close() {
      await watch.close();
      await stopLimiters();
    },
  };
}
