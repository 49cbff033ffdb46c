import DataLoader from 'dataloader';
import type { MongoBulkWriteError } from 'mongodb';
import type { InboxItem, InboxStore } from '../../app/messaging/ports';
import type { InboundMessage } from '../../domain/message';
import type { Models } from '../models';
import type { InboxDoc } from '../models/inbox.model';

type StoredItem = InboxDoc & { _id: string };

const toItem = (doc: StoredItem): InboxItem => ({
  key: doc._id,
  chat: doc.chat,
  message: doc.message as InboundMessage,
  receivedAt: doc.receivedAt,
  attempts: doc.attempts,
});

/**
 * The inbox on the driver's collection (no document hydration on the hot path). Adds and
 * deletions that arrive in the same tick — a burst of webhooks — go out as one insertMany and
 * one deleteMany, so a busy hub pays a fraction of a round trip per message for its inbox.
 */
export function createInboxStore(models: Models): InboxStore {
  const db = models.Inbox.db.db;
  if (!db) throw new Error('the inbox needs a connected database');
  const collection = db.collection<StoredItem>(models.Inbox.collection.collectionName);

  const adds = new DataLoader<StoredItem, boolean>(
    async (docs) => {
      const duplicates = new Set<number>();
      try {
        await collection.insertMany([...docs], { ordered: false });
      } catch (error) {
        const writeErrors = (error as Partial<MongoBulkWriteError>).writeErrors;
        const list = writeErrors === undefined ? [] : [writeErrors].flat();
        if (list.length === 0 || list.some((e) => e.code !== 11000)) throw error;
        for (const e of list) duplicates.add(e.index);
      }
      return docs.map((_, i) => !duplicates.has(i));
    },
    { cache: false, maxBatchSize: 500 },
  );
  const deletions = new DataLoader<string, true>(
    async (keys) => {
      await collection.deleteMany({ _id: { $in: [...keys] } });
      return keys.map(() => true as const);
    },
    { cache: false, maxBatchSize: 500 },
  );

  return {
    add: (item, lease) =>
      adds.load({
        _id: item.key,
        chat: item.chat,
        message: item.message,
        receivedAt: item.receivedAt,
        state: 'pending',
        attempts: item.attempts,
        owner: lease.owner,
        leaseUntil: lease.until,
      }),

    async claimExpired(lease, now, limit) {
      const expired = await collection
        .find({ state: 'pending', leaseUntil: { $lte: now } }, { projection: { _id: 1 } })
        .sort({ leaseUntil: 1, receivedAt: 1 })
        .limit(limit)
        .toArray();
      if (expired.length === 0) return [];
      const ids = expired.map((doc) => doc._id);
      // Each document's update is atomic: of two processes racing, each item goes to one.
      await collection.updateMany(
        { _id: { $in: ids }, state: 'pending', leaseUntil: { $lte: now } },
        { $set: { owner: lease.owner, leaseUntil: lease.until } },
      );
      const mine = await collection
        .find({ _id: { $in: ids }, owner: lease.owner, leaseUntil: lease.until })
        .toArray();
      return mine.map(toItem).sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());
    },

    done: async (key) => {
      await deletions.load(key);
    },

    async retryAt(key, attempts, at, error) {
      await collection.updateOne(
        { _id: key },
        { $set: { attempts, leaseUntil: at, lastError: error.slice(0, 2000) } },
      );
    },

    async park(key, attempts, error) {
      await collection.updateOne(
        { _id: key },
        { $set: { state: 'parked', attempts, lastError: error.slice(0, 2000) } },
      );
    },
  };
}
