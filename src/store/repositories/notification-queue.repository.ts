import type { AnyBulkWriteOperation, Collection, Filter } from 'mongodb';
import type { Types } from 'mongoose';
import type { Lease } from '../../app/lease';
import type {
  NotificationQueue,
  QueuedNotice,
  StaffDelivery,
} from '../../app/staff/notification-queue';
import { systemClock, type Clock } from '../../domain/ports';
import type { Locale } from '../../domain/user';
import { groupCommit } from '../../infra/group-commit';
import type { Models } from '../models';
import type { NotificationDoc } from '../models/notification.model';
import { decodeStaffNotice } from '../models/staff-notice.schema';
import { cachedRead } from '../read-cache';
import { claimLeased } from './leases';
import { ALERT_CHAT } from './organisation.repository';
import { inChunks, oid, plain } from './plain';

type Stored = NotificationDoc & { _id: Types.ObjectId };
type Outcome = { id: string; set: Record<string, unknown>; refs?: string[] };

/**
 * The driver's collection behind the model, typed as its documents are stored: the queue reads and
 * writes without hydrating documents, and the compiler still checks every filter and update.
 */
function storedNotifications(models: Models): Collection<Stored> {
  const { Notification } = models;
  const db = Notification.db.db;
  if (!db) throw new Error('the notification queue needs a connected database');
  return db.collection<Stored>(Notification.collection.collectionName);
}

/** Staff notices still to deliver whose lease ran out (or that never had one). */
const expiredFor = (now: Date): Filter<Stored> => ({
  status: 'pending',
  audience: { $in: ['user', 'heads'] },
  $or: [{ leaseUntil: { $lte: now } }, { leaseUntil: null }],
});

/** `alertChatLocale`: the language of the heads' group chat, when admins set one. */
export function createNotificationQueue(
  models: Models,
  options: {
    lease: () => Lease;
    clock?: Clock;
    alertChatLocale?: Locale;
    /** A stored notice that is none of the kinds staff are sent (it was marked failed). */
    onUndecodable?: (id: string, error: string) => void;
  },
): NotificationQueue {
  const { User, Setting } = models;
  const collection = storedNotifications(models);
  // Who receives what is read for every notice and changes only by an admin's command.
  const staff = cachedRead(['users'], async () => {
    const users = await User.find({ active: true }).sort({ _id: 1 }).lean();
    return new Map(
      users.map((user) => [
        user._id.toHexString(),
        {
          head: user.roles.includes('head'),
          recipient: { telegramId: user.telegramId, language: user.language as Locale },
        },
      ]),
    );
  });
  const alertChat = cachedRead(['settings'], async () => ({
    chat: (await Setting.findOne({ key: ALERT_CHAT }).lean())?.value,
  }));
  // Red alerts go to the heads' group chat once an admin has set one (/set_alerts).
  const headsRecipients = async () => {
    const { chat } = await alertChat.get();
    if (typeof chat === 'number') {
      return [{ telegramId: chat, language: options.alertChatLocale ?? 'ru' }];
    }
    return [...(await staff.get()).values()].filter((u) => u.head).map((u) => u.recipient);
  };
  const toDelivery = async (
    queued: QueuedNotice,
    deliveredTo: number[] = [],
  ): Promise<StaffDelivery | undefined> => {
    const decoded = decodeStaffNotice(plain(queued.payload));
    if ('error' in decoded) {
      await outcome({ id: queued.id, set: { status: 'failed', error: decoded.error } });
      options.onUndecodable?.(queued.id, decoded.error);
      return undefined;
    }
    const person = queued.userId ? (await staff.get()).get(queued.userId) : undefined;
    return {
      id: queued.id,
      notice: decoded.notice,
      deliveredTo,
      recipients:
        queued.audience === 'heads' ? await headsRecipients() : person ? [person.recipient] : [],
    };
  };
  const deliverable = (deliveries: (StaffDelivery | undefined)[]) =>
    deliveries.filter((delivery): delivery is StaffDelivery => delivery !== undefined);
  // Outcomes of deliveries running side by side are written as one bulkWrite.
  const outcome = groupCommit<Outcome, true>(async (batch) => {
    const operations: AnyBulkWriteOperation<Stored>[] = batch.map((outcome) => ({
      updateOne: {
        filter: { _id: oid(outcome.id) },
        update: {
          $set: { ...outcome.set, updatedAt: new Date() },
          $unset: { owner: '', leaseUntil: '' },
          ...(outcome.refs?.length ? { $addToSet: { telegramRefs: { $each: outcome.refs } } } : {}),
        },
      },
    }));
    await collection.bulkWrite(operations, { ordered: false });
    return batch.map(() => true as const);
  });

  return {
    async resolve(notices) {
      return deliverable(await Promise.all(notices.map((notice) => toDelivery(notice))));
    },
    async claimExpired(limit) {
      const now = (options.clock ?? systemClock).now();
      const claimed = await claimLeased(
        collection,
        expiredFor(now),
        { createdAt: 1 },
        options.lease(),
        limit,
        ['status'],
      );
      claimed.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
      const deliveries = await Promise.all(
        claimed.map((doc) =>
          toDelivery(
            {
              id: doc._id.toHexString(),
              audience: doc.audience === 'heads' ? 'heads' : 'user',
              ...(doc.userId ? { userId: doc.userId.toHexString() } : {}),
              kind: doc.kind,
              payload: (doc.payload ?? {}) as Record<string, unknown>,
            },
            doc.deliveredTo ?? [],
          ),
        ),
      );
      return deliverable(deliveries);
    },
    async renew(ids) {
      if (ids.length === 0) return;
      const { owner, until } = options.lease();
      for (const some of inChunks(ids)) {
        await collection.updateMany(
          { _id: { $in: some.map(oid) }, owner, status: 'pending' },
          { $set: { leaseUntil: until } },
        );
      }
    },
    async markSent(id, refs) {
      await outcome({ id, set: { status: 'sent' }, refs });
    },
    async markDeliveredTo(id, telegramId) {
      await collection.updateOne({ _id: oid(id) }, { $addToSet: { deliveredTo: telegramId } });
    },
    async markFailed(id, error) {
      await outcome({ id, set: { status: 'failed', error: error.slice(0, 2000) } });
    },
    async clientMessageShown(messageId) {
      const docs = await collection
        .find({ kind: 'client_message', 'payload.messageId': messageId })
        .toArray();
      const tasks = docs.flatMap((doc) => {
        const decoded = decodeStaffNotice(plain(doc.payload));
        return 'notice' in decoded && decoded.notice.kind === 'client_message'
          ? (decoded.notice.tasks ?? [])
          : [];
      });
      return { refs: docs.flatMap((doc) => doc.telegramRefs ?? []), tasks };
    },
  };
}
