import type { NotificationQueue, StaffDelivery } from '../../app/staff/notification-queue';
import type { Locale } from '../../domain/user';
import type { Models } from '../models';
import { oid, plain } from './plain';

export function createNotificationQueue(models: Models): NotificationQueue {
  const { Notification, User } = models;
  return {
    async pending(limit) {
      const docs = await Notification.find({
        status: 'pending',
        audience: { $in: ['user', 'heads'] },
      })
        .sort({ createdAt: 1 })
        .limit(limit)
        .lean();
      const deliveries: StaffDelivery[] = [];
      for (const doc of docs) {
        const users =
          doc.audience === 'user'
            ? await User.find({ _id: doc.userId, active: true }).lean()
            : await User.find({ roles: 'head', active: true }).sort({ _id: 1 }).lean();
        deliveries.push({
          id: doc._id.toHexString(),
          kind: doc.kind,
          payload: plain<Record<string, unknown>>(doc.payload ?? {}),
          deliveredTo: doc.deliveredTo ?? [],
          recipients: users.map((user) => ({
            telegramId: user.telegramId,
            language: user.language as Locale,
          })),
        });
      }
      return deliveries;
    },
    async markSent(id) {
      await Notification.updateOne({ _id: oid(id) }, { $set: { status: 'sent' } });
    },
    async markDeliveredTo(id, telegramId) {
      await Notification.updateOne({ _id: oid(id) }, { $addToSet: { deliveredTo: telegramId } });
    },
    async remember(id, telegramRef) {
      await Notification.updateOne({ _id: oid(id) }, { $addToSet: { telegramRefs: telegramRef } });
    },
    async refsOfClientMessage(messageId) {
      const docs = await Notification.find({
        kind: 'client_message',
        'payload.messageId': messageId,
      }).lean();
      return docs.flatMap((doc) => doc.telegramRefs ?? []);
    },
    async markFailed(id, error) {
      await Notification.updateOne({ _id: oid(id) }, { $set: { status: 'failed', error } });
    },
  };
}
