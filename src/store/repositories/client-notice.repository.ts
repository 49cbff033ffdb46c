import type { ClientNoticeDeps } from '../../app/messaging/client-notices';
import type { TaskSubject } from '../../domain/task';
import type { Models } from '../models';
import { oid } from './plain';

export function createClientNoticeQueue(models: Models): ClientNoticeDeps['queue'] {
  const { Notification } = models;
  return {
    async pendingClient(limit) {
      const docs = await Notification.find({ status: 'pending', audience: 'client' })
        .sort({ createdAt: 1 })
        .limit(limit)
        .lean();
      return docs.flatMap((doc) => {
        const template = (doc.payload as { template?: unknown } | undefined)?.template;
        if (!doc.subject?.id || typeof template !== 'string') return [];
        const subject: TaskSubject = {
          kind: doc.subject.kind === 'deal' ? 'deal' : 'lead',
          id: doc.subject.id.toHexString(),
        };
        return [{ id: doc._id.toHexString(), subject, template }];
      });
    },
    async markSent(id) {
      await Notification.updateOne({ _id: oid(id) }, { $set: { status: 'sent' } });
    },
    async markFailed(id, error) {
      await Notification.updateOne({ _id: oid(id) }, { $set: { status: 'failed', error } });
    },
  };
}

/** The contact a lead or deal belongs to. */
export function createContactOf(
  models: Models,
): (subject: TaskSubject) => Promise<string | undefined> {
  return async (subject) => {
    const filter = { _id: oid(subject.id) };
    const doc =
      subject.kind === 'deal'
        ? await models.Deal.findOne(filter).select({ contactId: 1 }).lean()
        : await models.Lead.findOne(filter).select({ contactId: 1 }).lean();
    return doc?.contactId?.toHexString();
  };
}
