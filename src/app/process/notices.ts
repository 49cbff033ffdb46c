import type { Text } from '../../domain/process/definition';
import type { Task, TaskSubject } from '../../domain/task';

/** What staff are told; the manager bot renders each kind in the reader's language. */
export type Notice =
  | { kind: 'task_assigned'; task: Task }
  | { kind: 'task_overdue'; task: Task }
  | { kind: 'robot'; text: Text; subject: TaskSubject }
  | { kind: 'sla_reminder'; conversationId: string; waitingMs: number }
  | { kind: 'sla_passed'; conversationId: string; waitingMs: number };

/** Red alerts for the heads' chat. */
export type Alert =
  | { kind: 'problem'; taskId: string; subject: TaskSubject; reason: string; byUserId?: string }
  | { kind: 'sla'; conversationId: string; waitingMs: number }
  | { kind: 'overdue'; task: Task };

export interface Notifier {
  notifyUser(userId: string, notice: Notice): Promise<void>;
  alertHeads(alert: Alert): Promise<void>;
  /** A templated message to the client in their channel (through the outbox). */
  messageClient(subject: TaskSubject, template: string): Promise<void>;
}
