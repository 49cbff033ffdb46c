import type { Text } from '../../domain/process/definition';
import type { Channel } from '../../domain/channel';
import type { Attachment } from '../../domain/message';
import type { DeliveryFailure } from '../../domain/outbox';
import type { Task, TaskSubject } from '../../domain/task';
import type { HistoryPage } from './client-history';
import type { RecordLabel } from './record-labels';

/** Where the bot confirmed a reply to a client; the delivery state is shown by editing it. */
export interface Receipt {
  chatId: number;
  messageId: number;
}

/** What staff are told; the manager bot renders each kind in the reader's language. */
export type Notice =
  /** `about`: the record's label when it was at hand (a new lead's card then needs no read). */
  | { kind: 'task_assigned'; task: Task; about?: RecordLabel }
  | { kind: 'task_overdue'; task: Task }
  | { kind: 'robot'; text: Text; subject: TaskSubject }
  | { kind: 'sla_reminder'; conversationId: string; waitingMs: number }
  | { kind: 'sla_passed'; conversationId: string; waitingMs: number }
  | {
      kind: 'client_message';
      conversationId: string;
      messageId: string;
      subject: TaskSubject;
      /** The record's short number when ingest read it (an edit's card looks it up). */
      recordNumber?: number;
      channel: Channel;
      contactName?: string;
      text?: string;
      /** Shown by name on the card and sent after it; `ref` is the channel's own reference. */
      files: { name: string; kind: Attachment['kind']; ref: string }[];
      /** The customer changed a message the responsible was already shown. */
      edited: boolean;
      /**
       * A new lead's first tasks for this person, shown on this card with their buttons instead
       * of a card each: one message per new customer, and one notice fewer to store and send.
       */
      tasks?: Task[];
    }
  /** A lead or deal was handed to this person: the conversation so far, newest page. */
  | ({ kind: 'client_history' } & Omit<HistoryPage, 'page' | 'pages'>)
  | {
      kind: 'delivery_state';
      receipt: Receipt;
      state: 'sent' | 'failed';
      reason?: DeliveryFailure;
    };

/** Red alerts for the heads' chat. */
export type Alert =
  | { kind: 'problem'; taskId: string; subject: TaskSubject; reason: string; byUserId?: string }
  | { kind: 'sla'; conversationId: string; waitingMs: number }
  | { kind: 'overdue'; task: Task };

export interface Notifier {
  notifyUser(userId: string, notice: Notice): Promise<void>;
  alertHeads(alert: Alert): Promise<void>;
}
