import type { Text } from './process/definition';

export type TaskStatus = 'open' | 'done' | 'cancelled';

export interface TaskSubject {
  kind: 'lead' | 'deal';
  id: string;
}

/** Where a task stands in its declared chain; ad-hoc tasks have none and never break a chain. */
export interface ChainPosition {
  pipeline: string;
  stage: string;
  stepId: string;
  /** Which visit of the stage created it: a task from an earlier visit is stale. */
  stageEntry: number;
}

export interface Postponement {
  from: Date;
  to: Date;
  byUserId: string;
  at: Date;
  reason?: string;
}

export interface Task {
  id: string;
  /**
   * Unique: chain tasks get `subject:stageEntry:stepId`, so re-running a step after a crash
   * cannot create the task twice; ad-hoc tasks get a random key.
   */
  key: string;
  title: Text;
  assigneeId: string;
  subject?: TaskSubject;
  due: Date;
  chain?: ChainPosition;
  status: TaskStatus;
  postponements: Postponement[];
  /** A red task: raised by the problem path, shown first and flagged in the bot. */
  problem: boolean;
  createdAt: Date;
  completedAt?: Date;
}

export class TaskRuleError extends Error {
  constructor(readonly code: 'not_open' | 'not_in_future') {
    super(code);
    this.name = 'TaskRuleError';
  }
}

/**
 * "Postpone what cannot be done now" (seed 000): the due time moves forward and the move is kept,
 * so a head can see how often a task slid.
 */
export function postpone(task: Task, to: Date, byUserId: string, now: Date, reason?: string): Task {
  if (task.status !== 'open') throw new TaskRuleError('not_open');
  if (to.getTime() <= now.getTime()) throw new TaskRuleError('not_in_future');
  const record: Postponement = { from: task.due, to, byUserId, at: now };
  if (reason) record.reason = reason;
  return { ...task, due: to, postponements: [...task.postponements, record] };
}

export function isOverdue(task: Task, now: Date): boolean {
  return task.status === 'open' && task.due.getTime() < now.getTime();
}
