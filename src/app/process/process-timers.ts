import { pipelineOf, stageOf } from '../../domain/process/record';
import type { TaskSubject } from '../../domain/task';
import { subjectKey, type StageDeps, type StageEntry } from './stage-entry';

/**
 * What the engine's durable timers do when they fire. Each checks that its condition still
 * holds (the task still open at that due time, the record still on that visit of the stage) and
 * otherwise stands down, so a timer left behind by a change never acts.
 */
export class ProcessTimers {
  constructor(private readonly deps: StageDeps & { stages: StageEntry }) {}

  private get now(): Date {
    return this.deps.clock.now();
  }

  async onTaskOverdue(data: { taskId: string; due: string }): Promise<void> {
    const task = await this.deps.tasks.get(data.taskId);
    // A postponed or finished task left this timer behind; it stands down.
    if (!task || task.status !== 'open' || task.due.toISOString() !== data.due) return;
    await this.deps.notifier.notifyUser(task.assigneeId, { kind: 'task_overdue', task });
    await this.deps.notifier.alertHeads({ kind: 'overdue', task });
  }

  async onRobot(data: {
    subject: TaskSubject;
    stageEntry: number;
    robotId: string;
  }): Promise<void> {
    const record = await this.deps.records.get(data.subject);
    if (!record || record.stageEntry !== data.stageEntry) return;
    const stage = stageOf(pipelineOf(this.deps.definition, record.pipeline), record.stage);
    const robot = stage.robots.find((candidate) => candidate.id === data.robotId);
    if (robot) await this.deps.stages.runRobot(record, robot);
  }

  async onFollowUp(data: {
    subject: TaskSubject;
    followUpId: string;
    stageEntry?: number;
  }): Promise<void> {
    const followUp = this.deps.definition.followUps.find((f) => f.id === data.followUpId);
    const record = await this.deps.records.get(data.subject);
    if (!followUp || !record) return;
    if (data.stageEntry !== undefined && record.stageEntry !== data.stageEntry) return;
    const assigneeId = await this.deps.assignees.resolve(followUp.task.assignee, record);
    const { task, created } = await this.deps.tasks.ensure({
      key: `followup:${followUp.id}:${subjectKey(record.subject)}:${this.now.getTime()}`,
      title: followUp.task.title,
      assigneeId,
      subject: record.subject,
      due: new Date(this.now.getTime() + followUp.task.dueInMs),
    });
    if (created) await this.deps.stages.announce(task, { created });
  }

  /**
   * Client silence restarts its follow-up with every client message. `newSubject`: the record was
   * opened by this message, so none of its follow-ups is armed yet.
   */
  async onClientMessage(
    subject: TaskSubject,
    options: { newSubject?: boolean } = {},
  ): Promise<void> {
    for (const followUp of this.deps.definition.followUps) {
      if (!('event' in followUp.on)) continue;
      await this.deps.timers.schedule(
        `followup:${followUp.id}:${subjectKey(subject)}`,
        new Date(this.now.getTime() + followUp.afterMs),
        'followup.fire',
        { subject, followUpId: followUp.id },
        { fresh: options.newSubject ?? false },
      );
    }
  }
}
