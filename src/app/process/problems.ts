import type { Clock } from '../../domain/ports';
import type { ProcessDefinition } from '../../domain/process/definition';
import { pipelineOf, type ProcessRecord } from '../../domain/process/record';
import type { Task, TaskSubject } from '../../domain/task';
import type { Actor } from './actor';
import type { Assignees } from './assignees';
import { ProcessError } from './errors';
import type { Notifier } from './notices';
import type { RecordAudit, RecordStore, TaskStore } from './ports';
import type { RecordAccess } from './record-access';
import { requireRecord, subjectKey, type StageEntry } from './stage-entry';

/** Where a deal's chain stood when a problem stopped it: the chain goes on from there. */
interface ResumePoint {
  stage: string;
  steps: string[];
}

/** What the record keeps while a problem is open (`fields.openProblem`). */
interface OpenProblem {
  reason: string;
  at: Date;
  byUserId?: string;
  resume?: ResumePoint;
}

const RED_TASK_DUE_MS = 60 * 60_000;

/** The problem path of the process, apart from the engine that offers it. */
export class Problems {
  constructor(
    private readonly deps: {
      definition: ProcessDefinition;
      records: RecordStore;
      tasks: TaskStore;
      notifier: Notifier;
      audit: RecordAudit;
      access: RecordAccess;
      assignees: Assignees;
      stages: StageEntry;
      clock: Clock;
    },
  ) {}

  /**
   * "Failure belongs to sales" (seed 000): a problem sends the deal back to its sales manager as a
   * red task and raises a red alert in the heads' chat. Where the pipeline declares a problem
   * path, the deal also moves to its stage: the operations chain stops there (its open tasks are
   * cancelled, the stage's timers stand down) until the red task is done.
   */
  async raise(subject: TaskSubject, actor: Actor, reason: string): Promise<Task> {
    const now = this.deps.clock.now();
    const why = reason.trim();
    if (!why) throw new ProcessError('reason_required');
    const record = await this.deps.access.open(subject, actor);
    if (record.closed) throw new ProcessError('closed');
    const path = pipelineOf(this.deps.definition, record.pipeline).problem;
    const byUserId = actor.kind === 'user' ? actor.user.id : undefined;
    const assigneeId = await this.deps.assignees.resolve(path?.assignee ?? 'sales', record);
    const { task } = await this.deps.tasks.ensure({
      key: `problem:${subjectKey(subject)}:${now.getTime()}`,
      title: { ru: why, en: why },
      assigneeId,
      subject,
      due: new Date(now.getTime() + RED_TASK_DUE_MS),
      problem: true,
    });
    // A second problem while the first is open keeps the first one's place to go back to.
    const earlier = record.fields.openProblem as OpenProblem | null | undefined;
    const resume =
      earlier?.resume ??
      (path && record.stage !== path.moveTo ? await this.resumePoint(record) : undefined);
    const open: OpenProblem = { reason: why, at: now, ...(byUserId ? { byUserId } : {}) };
    await this.deps.records.setFields(subject, {
      openProblem: { ...open, ...(resume ? { resume } : {}) },
    });
    if (path && record.stage !== path.moveTo)
      await this.deps.stages.transition(record, path.moveTo);
    await this.deps.notifier.notifyUser(assigneeId, { kind: 'task_assigned', task });
    await this.deps.notifier.alertHeads({
      kind: 'problem',
      taskId: task.id,
      subject,
      reason: why,
      ...(byUserId ? { byUserId } : {}),
    });
    await this.deps.stages.scheduleOverdue(task);
    await this.audit(actor, subject, 'problem', { reason: why, stage: record.stage });
    return task;
  }

  /**
   * The red task is done (its last one, if several were raised): the problem is resolved, and a
   * deal waiting at the problem stage goes back to the stage it left, where the chain steps that
   * were open start again. The stage's robots and follow-ups do not run twice.
   */
  async resolve(subject: TaskSubject, actor: Actor): Promise<void> {
    const open = await this.deps.tasks.listOpen({ subject });
    if (open.some((task) => task.problem)) return;
    const record = await requireRecord(this.deps.records, subject);
    const problem = record.fields.openProblem as OpenProblem | null | undefined;
    if (!problem) return;
    await this.deps.records.setFields(subject, { openProblem: null });
    const path = pipelineOf(this.deps.definition, record.pipeline).problem;
    const { resume } = problem;
    if (resume && path && !record.closed && record.stage === path.moveTo)
      await this.deps.stages.resume(record, resume.stage, resume.steps);
    await this.audit(actor, subject, 'problem_resolved', {
      reason: problem.reason,
      stage: resume?.stage ?? record.stage,
    });
  }

  /** The chain steps open on the record's current visit: they are what resumes. */
  private async resumePoint(record: ProcessRecord): Promise<ResumePoint> {
    const steps = (await this.deps.tasks.listOpen({ subject: record.subject })).flatMap((task) =>
      task.chain?.stageEntry === record.stageEntry ? [task.chain.stepId] : [],
    );
    return { stage: record.stage, steps };
  }

  private audit(actor: Actor, subject: TaskSubject, what: string, after: object): Promise<void> {
    return this.deps.audit.record({
      ...(actor.kind === 'user' ? { actorUserId: actor.user.id } : {}),
      action: `${subject.kind}.${what}`,
      subject: { kind: subject.kind, id: subject.id },
      after,
      at: this.deps.clock.now(),
    });
  }
}
