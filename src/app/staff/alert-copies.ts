import type { Alert } from '../process/notices';

type ProblemAlert = Extract<Alert, { kind: 'problem' }>;

/**
 * The heads' red alert about a problem task, with every Telegram message that showed it: when
 * one head takes it, each copy (one per head when there is no heads' group) says so.
 */
export interface AlertCopies {
  ofProblem(
    taskId: string,
  ): Promise<{ alert: ProblemAlert; shownAt: { chatId: number; messageId: number }[] } | undefined>;
}
