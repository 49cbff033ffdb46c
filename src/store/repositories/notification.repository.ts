import type { Notifier } from '../../app/process/notices';
import type { Models } from '../models';
import { oid } from './plain';

/**
 * Stores every notice for delivery by the manager bot; nothing is lost if Telegram is down.
 * `onQueued` wakes delivery at once, so nobody polls for notices (but a rare safety net).
 */
export function createStoredNotifier(models: Models, onQueued: () => void = () => {}): Notifier {
  const { Notification } = models;
  return {
    async notifyUser(userId, notice) {
      await Notification.create({
        audience: 'user',
        userId: oid(userId),
        kind: notice.kind,
        payload: notice,
      });
      onQueued();
    },
    async alertHeads(alert) {
      await Notification.create({
        audience: 'heads',
        kind: alert.kind,
        payload: alert,
        ...('subject' in alert ? { subject: alert.subject } : {}),
      });
      onQueued();
    },
    async messageClient(subject, template) {
      await Notification.create({
        audience: 'client',
        kind: 'template',
        subject,
        payload: { template },
      });
      onQueued();
    },
  };
}
