import type { AlertCopies } from '../../app/staff/alert-copies';
import type { Models } from '../models';
import { decodeStaffNotice } from '../models/staff-notice.schema';
import { plain } from './plain';

export function createAlertCopies(models: Models): AlertCopies {
  const { Notification } = models;
  return {
    async ofProblem(taskId) {
      const doc = await Notification.findOne({ kind: 'problem', 'payload.taskId': taskId })
        .sort({ _id: -1 })
        .lean();
      if (!doc) return undefined;
      const decoded = decodeStaffNotice(plain(doc.payload));
      if ('error' in decoded || decoded.notice.kind !== 'problem') return undefined;
      const shownAt = (doc.telegramRefs ?? []).map((ref) => {
        const [chatId, messageId] = ref.split(':').map(Number);
        return { chatId: chatId!, messageId: messageId! };
      });
      return { alert: decoded.notice, shownAt };
    },
  };
}
