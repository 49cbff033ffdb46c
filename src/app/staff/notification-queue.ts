import type { Locale } from '../../domain/user';

export interface StaffDelivery {
  id: string;
  kind: string;
  payload: Record<string, unknown>;
  /** Resolved from the audience: one person, or every head for a red alert. */
  recipients: { telegramId: number; language: Locale }[];
  /** Recipients already reached in an earlier round; they are not sent the notice again. */
  deliveredTo: number[];
}

/** Notifications for staff waiting to be delivered in Telegram (client messages go elsewhere). */
export interface NotificationQueue {
  pending(limit: number): Promise<StaffDelivery[]>;
  markSent(id: string): Promise<void>;
  markDeliveredTo(id: string, telegramId: number): Promise<void>;
  markFailed(id: string, error: string): Promise<void>;
  /** Remembers the Telegram message (`chatId:messageId`) a notice was shown as. */
  remember(id: string, telegramRef: string): Promise<void>;
  /** Where a client's message was shown, so an edit can change it in place. */
  refsOfClientMessage(messageId: string): Promise<string[]>;
}
