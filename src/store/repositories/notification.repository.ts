import { Types } from 'mongoose';
import type { Lease } from '../../app/lease';
import type { Notifier } from '../../app/process/notices';
import type { QueuedNotice } from '../../app/staff/notification-queue';
import { groupCommit, writeErrorsByIndex } from '../../infra/group-commit';
import { isDuplicateKeyError } from '../database';
import type { Clock } from '../../domain/ports';
import type { Models } from '../models';
import { oid } from './plain';

type NewNotice = Omit<QueuedNotice, 'id'> & {
  subject?: { kind: string; id: string };
  key?: string;
};

/**
 * Stores every notice for delivery, so nothing is lost if Telegram is down, and hands what it
 * stored to `onQueued` so delivery starts from memory, without reading it back. Notices are
 * group-committed (a burst of customers shares a few insertMany), leased to this process: another takes them over only if this one stops before sending them.
 */
export function createStoredNotifier(
  models: Models,
  /** Without a lease (nobody here delivers), any process may take the notices at once. */
  options: { clock: Clock; lease?: () => Lease; onQueued?: (notices: QueuedNotice[]) => void },
): Notifier {
  const { Notification } = models;
  const store = groupCommit<NewNotice, undefined>(async (batch) => {
    const now = options.clock.now();
    const lease = options.lease?.();
    const docs = batch.map((notice) => ({
      _id: new Types.ObjectId(),
      audience: notice.audience,
      ...(notice.userId ? { userId: oid(notice.userId) } : {}),
      ...(notice.subject
        ? { subject: { kind: notice.subject.kind, id: oid(notice.subject.id) } }
        : {}),
      kind: notice.kind,
      payload: notice.payload,
      status: 'pending' as const,
      deliveredTo: [],
      telegramRefs: [],
      ...(lease ? { owner: lease.owner, leaseUntil: lease.until } : {}),
      ...(notice.key ? { key: notice.key } : {}),
      createdAt: now,
      updatedAt: now,
    }));
    // A notice already stored under its key (the same message ingested again after a crash
    // between its card and "processed") is not stored or shown a second time.
    let refused = new Map<number, Error>();
    try {
      await Notification.collection.insertMany(docs, { ordered: false });
    } catch (error) {
      refused = writeErrorsByIndex(error) ?? new Map();
      if (refused.size === 0 || [...refused.values()].some((e) => !isDuplicateKeyError(e))) {
        throw error;
      }
    }
    const stored = docs.flatMap((doc, i) =>
      refused.has(i)
        ? []
        : [
            {
              id: doc._id.toHexString(),
              audience: doc.audience,
              ...(doc.userId ? { userId: doc.userId.toHexString() } : {}),
              kind: doc.kind,
              payload: doc.payload,
            },
          ],
    );
    options.onQueued?.(stored);
    return batch.map(() => undefined);
  });
  return {
    notifyUser: (userId, notice) =>
      store({
        audience: 'user',
        userId,
        kind: notice.kind,
        payload: notice,
        ...(notice.kind === 'client_message' && !notice.edited
          ? { key: `client_message:${notice.messageId}:${userId}` }
          : {}),
      }),
    alertHeads: (alert) =>
      store({
        audience: 'heads',
        kind: alert.kind,
        payload: alert,
        ...('subject' in alert ? { subject: alert.subject } : {}),
      }),
  };
}
