import type { NotificationQueue, StaffDelivery } from '../../app/staff/notification-queue';
import type { Locale } from '../../domain/user';
import type { Models } from '../models';
import { cachedRead } from '../read-cache';
import { ALERT_CHAT } from './organisation.repository';
import { oid, plain } from './plain';

/** `alertChatLocale`: the language of the heads' group chat, when admins set one. */
export function createNotificationQueue(
  models: Models,
  alertChatLocale: Locale = 'ru',
): NotificationQueue {
  const { Notification, User, Setting } = models;
  // Who receives what is read for every notice and changes only by an admin's command.
  const staff = cachedRead(['users'], async () => {
    const users = await User.find({ active: true }).sort({ _id: 1 }).lean();
    return users.map((user) => ({
      id: user._id.toHexString(),
      head: user.roles.includes('head'),
      recipient: { telegramId: user.telegramId, language: user.language as Locale },
    }));
  });
  const alertChat = cachedRead(['settings'], async () => ({
    chat: (await Setting.findOne({ key: ALERT_CHAT }).lean())?.value,
  }));
  // Red alerts go to the heads' group chat once an admin has set one (/set_alerts).
  const headsRecipients = async () => {
    const { chat } = await alertChat.get();
    if (typeof chat === 'number') return [{ telegramId: chat, language: alertChatLocale }];
    return (await staff.get()).filter((user) => user.head).map((user) => user.recipient);
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
            ? (await staff.get())
                .filter((user) => user.id === doc.userId?.toHexString())
                .map((user) => user.recipient)
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
