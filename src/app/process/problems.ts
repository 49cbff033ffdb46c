import type { Clock } from '../../domain/ports';
import type { Task, TaskSubject } from '../../domain/task';
import type { Actor } from './actor';
import type { Assignees } from './assignees';
import { ProcessError } from './errors';
import type { Notifier } from './notices';
import type { RecordStore, TaskStore } from './ports';
import type { Rights } from './rights';
import { requireRecord, subjectKey, type StageEntry } from './stage-entry';

/** The problem path of the process, apart from the engine that offers it. */
export class Problems {
  constructor(
    private readonly deps: {
      records: RecordStore;
      tasks: TaskStore;
      notifier: Notifier;
      rights: Rights;
      assignees: Assignees;
      stages: StageEntry;
      clock: Clock;
    },
  ) {}

  /**
   * "Failure belongs to sales" (seed 000): a problem sends the deal back to its sales manager as a
   * red task and raises a red alert in the heads' chat.
   */
  async raise(subject: TaskSubject, actor: Actor, reason: string): Promise<Task> {
    const now = this.deps.clock.now();
    if (!reason.trim()) throw new ProcessError('reason_required');
    const record = await requireRecord(this.deps.records, subject);
    if (!(await this.deps.rights.mayAct(actor, record))) throw new ProcessError('not_allowed');
    if (record.closed) throw new ProcessError('closed');
    const byUserId = actor.kind === 'user' ? actor.user.id : undefined;
    const assigneeId = record.responsibles.sales ?? (await this.deps.assignees.pick('dispatcher'));
    const { task } = await this.deps.tasks.ensure({
      key: `problem:${subjectKey(subject)}:${now.getTime()}`,
      title: { ru: reason.trim(), en: reason.trim() },
      assigneeId,
      subject,
      due: new Date(now.getTime() + 60 * 60_000),
      problem: true,
    });
    await this.deps.records.setFields(subject, {
      openProblem: {
        reason: reason.trim(),
        at: now,
        ...(byUserId ? { byUserId } : {}),
      },
    });
    await this.deps.notifier.notifyUser(assigneeId, { kind: 'task_assigned', task });
    await this.deps.notifier.alertHeads({
      kind: 'problem',
      taskId: task.id,
      subject,
      reason: reason.trim(),
      ...(byUserId ? { byUserId } : {}),
    });
    await this.deps.stages.scheduleOverdue(task);
    return task;
  }
}
