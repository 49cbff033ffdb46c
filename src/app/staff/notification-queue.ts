import type { Task } from '../../domain/task';
import type { Locale } from '../../domain/user';
import type { Alert, Notice } from '../process/notices';

/** A notice as stored, handed to delivery by the process that stored it (no read back). */
export interface QueuedNotice {
  id: string;
  audience: 'user' | 'heads';
  userId?: string;
  kind: string;
  payload: Record<string, unknown>;
}

/** Everything staff can be sent: a person's notices and the heads' red alerts. */
export type StaffNotice = Notice | Alert;

export interface StaffDelivery {
  id: string;
  notice: StaffNotice;
  /** Resolved from the audience: one person, or every head for a red alert. */
  recipients: { telegramId: number; language: Locale }[];
  /** Recipients already reached in an earlier round; they are not sent the notice again. */
  deliveredTo: number[];
}

/**
 * Notifications for staff waiting to be delivered in Telegram (client messages go elsewhere).
 * Each is leased to the process delivering it: the one that stored it, or, once its lease ran
 * out (a crash), whichever process claims it.
 */
export interface NotificationQueue {
  /**
   * Who receives the notices this process just stored (staff audiences only). A notice that is
   * not one of the kinds staff are sent, here or when claimed, is marked failed, never delivered.
   */
  resolve(notices: QueuedNotice[]): Promise<StaffDelivery[]>;
  /** Pending notices whose lease ran out (another process crashed, an old hub's notices). */
  claimExpired(limit: number): Promise<StaffDelivery[]>;
  /** Keeps the notices this process still holds from being claimed by another. */
  renew(ids: string[]): Promise<void>;
  /** Delivered; `telegramRefs` (`chatId:messageId`) say where it was shown. */
  markSent(id: string, telegramRefs: string[]): Promise<void>;
  markDeliveredTo(id: string, telegramId: number): Promise<void>;
  markFailed(id: string, error: string): Promise<void>;
  /**
   * Where a client's message was shown, so an edit can change it in place, and the tasks its
   * card carried (a new lead's first), so the edited card still shows them.
   */
  clientMessageShown(messageId: string): Promise<{ refs: string[]; tasks: Task[] }>;
}
