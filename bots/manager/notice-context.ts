import type { RecordLabel, RecordLabels } from '../../src/app/process/record-labels';
import type { StaffNotice } from '../../src/app/staff/notification-queue';

/** What a notice's card names besides the notice itself, read once for all its recipients. */
export interface NoticeContext {
  label?: RecordLabel;
  raisedBy?: string;
}

/**
 * The record and people a task card or a red alert names. A new lead's card carries its label
 * (no read on a customer's first message); others are read, batched with the cards delivered at
 * the same time. A failed read shows the card without them rather than lose the notice.
 */
export async function contextOf(
  notice: StaffNotice,
  labels: RecordLabels | undefined,
  onError?: (error: unknown) => void,
): Promise<NoticeContext> {
  if (!labels) return {};
  try {
    const task =
      notice.kind === 'task_assigned' || notice.kind === 'task_overdue' || notice.kind === 'overdue'
        ? notice.task
        : undefined;
    if (task) {
      if (notice.kind === 'task_assigned' && notice.about) return { label: notice.about };
      const { subject } = task;
      if (!subject) return {};
      const label = await labels.labelOf(subject);
      return label ? { label } : {};
    }
    // An edited message's card is redrawn without ingest's reading of the record: its number is
    // looked up (a new message's card never costs a read here).
    if (notice.kind === 'client_message' && notice.edited && notice.recordNumber === undefined) {
      const label = await labels.labelOf(notice.subject);
      return label ? { label } : {};
    }
    if (notice.kind === 'sla_reminder' || notice.kind === 'sla_passed' || notice.kind === 'sla') {
      const label = await labels.labelOfConversation(notice.conversationId);
      return label ? { label } : {};
    }
    if (notice.kind === 'problem') {
      const [label, names] = await Promise.all([
        labels.labelOf(notice.subject),
        labels.userNames(notice.byUserId ? [notice.byUserId] : []),
      ]);
      const raisedBy = notice.byUserId ? names.get(notice.byUserId) : undefined;
      return { ...(label ? { label } : {}), ...(raisedBy ? { raisedBy } : {}) };
    }
  } catch (error) {
    onError?.(error);
  }
  return {};
}
