import type { NotificationQueue, StaffDelivery } from '../../app/staff/notification-queue';
import type { Locale } from '../../domain/user';
import type { Models } from '../models';
import { ALERT_CHAT } from './organisation.repository';
import { oid, plain } from './plain';

/** `alertChatLocale`: the language of the heads' group chat, when admins set one. */
export function createNotificationQueue(
  models: Models,
  alertChatLocale: Locale = 'ru',
): NotificationQueue {
  const { Notification, User, Setting } = models;
  // Red alerts go to the heads' group chat once an admin has set one (/set_alerts).
  const headsRecipients = async () => {
    const chat = (await Setting.findOne({ key: ALERT_CHAT }).lean())?.value;
    if (typeof chat === 'number') return [{ telegramId: chat, language: alertChatLocale }];
    const heads = await User.find({ roles: 'head', active: true }).sort({ _id: 1 }).lean();
    return heads.map((user) => ({
      telegramId: user.telegramId,
      language: user.language as Locale,
    }));
  };
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
        const recipients =
          doc.audience === 'user'
            ? (await User.find({ _id: doc.userId, active: true }).lean()).map((user) => ({
                telegramId: user.telegramId,
                language: user.language as Locale,
              }))
            : await headsRecipients();
        deliveries.push({
          id: doc._id.toHexString(),
          kind: doc.kind,
          payload: plain<Record<string, unknown>>(doc.payload ?? {}),
          deliveredTo: doc.deliveredTo ?? [],
          recipients,
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
