import type { InboxItem, InboxStore } from '../../app/messaging/ports';
import type { InboundMessage } from '../../domain/message';
import { isDuplicateKeyError } from '../database';
import { groupCommit, writeErrorsByIndex } from '../../infra/group-commit';
import type { Models } from '../models';
import type { InboxDoc } from '../models/inbox.model';
import { claimLeased } from './leases';
import { inChunks } from './plain';

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
 * deletions are group-committed — a burst of webhooks goes out as a few insertMany and
 * deleteMany — so a busy hub pays a fraction of a round trip per message for its inbox.
 */
export function createInboxStore(models: Models): InboxStore {
  const db = models.Inbox.db.db;
  if (!db) throw new Error('the inbox needs a connected database');
  const collection = db.collection<StoredItem>(models.Inbox.collection.collectionName);

  const add = groupCommit<StoredItem, boolean>(async (docs) => {
    try {
      await collection.insertMany([...docs], { ordered: false });
      return docs.map(() => true);
    } catch (error) {
      const failed = writeErrorsByIndex(error);
      if (!failed || [...failed.values()].some((e) => !isDuplicateKeyError(e))) throw error;
      return docs.map((_, i) => !failed.has(i));
    }
  });
  // One process asks with one owner, so a batch is one deleteMany.
  const remove = groupCommit<{ key: string; owner: string }, true>(async (items) => {
    const owners = new Set(items.map((item) => item.owner));
    await Promise.all(
      [...owners].flatMap((owner) =>
        inChunks(items.filter((item) => item.owner === owner).map((item) => item.key)).map((keys) =>
          collection.deleteMany({ _id: { $in: keys }, owner }),
        ),
      ),
    );
    return items.map(() => true as const);
  });

  return {
    add: (item, lease) =>
      add({
        _id: item.key,
        chat: item.chat,
        message: item.message,
        receivedAt: item.receivedAt,
        state: 'pending',
        attempts: item.attempts,
        ...(lease
          ? { owner: lease.owner, leaseUntil: lease.until }
          : { leaseUntil: item.receivedAt }),
      }),

    async claimExpired(lease, now, limit) {
      const mine = await claimLeased(
        collection,
        { state: 'pending', leaseUntil: { $lte: now } },
        { leaseUntil: 1, receivedAt: 1 },
        lease,
        limit,
        ['state'],
      );
      return mine.map(toItem).sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());
    },

    done: async (key, owner) => {
      await remove({ key, owner });
    },

    async earlierElsewhere(items, owner) {
      if (items.length === 0) return new Set<string>();
      const chats = [...new Set(items.map((item) => item.chat))];
      // The chats' pending items held by others or nobody, from `{chat, receivedAt}` (a burst's
      // few live items per chat, never its history: finished items are deleted).
      const others = (
        await Promise.all(
          inChunks(chats).map((some) =>
            collection
              .find(
                { chat: { $in: some }, state: 'pending', owner: { $ne: owner } },
                { projection: { chat: 1, receivedAt: 1 } },
              )
              .toArray(),
          ),
        )
      ).flat();
      const oldest = new Map<string, Date>();
      for (const doc of others) {
        const first = oldest.get(doc.chat);
        if (!first || doc.receivedAt < first) oldest.set(doc.chat, doc.receivedAt);
      }
      return new Set(
        items
          .filter((item) => {
            const first = oldest.get(item.chat);
            return first !== undefined && first < item.receivedAt;
          })
          .map((item) => item.key),
      );
    },

    async renew(keys, lease) {
      if (keys.length === 0) return;
      for (const some of inChunks(keys)) {
        await collection.updateMany(
          { _id: { $in: some }, owner: lease.owner, state: 'pending' },
          { $set: { leaseUntil: lease.until } },
        );
      }
    },

    async retryAt(key, owner, attempts, at, error) {
      await collection.updateOne(
        { _id: key, owner },
        { $set: { attempts, leaseUntil: at, lastError: error.slice(0, 2000) } },
      );
    },

    async park(key, owner, attempts, error) {
      await collection.updateOne(
        { _id: key, owner },
        { $set: { state: 'parked', attempts, lastError: error.slice(0, 2000) } },
      );
    },

    async parked(limit) {
      const docs = await collection
        .find({ state: 'parked' })
        .sort({ receivedAt: 1 })
        .limit(limit)
        .toArray();
      return docs.map((doc) => ({ ...toItem(doc), error: doc.lastError ?? '' }));
    },

    async unpark(key) {
      const result = await collection.updateOne(
        { _id: key, state: 'parked' },
        { $set: { state: 'pending', attempts: 0, leaseUntil: new Date(0) } },
      );
      return result.modifiedCount === 1;
    },

    async discard(key) {
      return (await collection.deleteOne({ _id: key, state: 'parked' })).deletedCount === 1;
    },
  };
}
