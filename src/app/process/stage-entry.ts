import type { ResponsibleSlot } from '../../domain/department';
import type { Clock } from '../../domain/ports';
import type { ProcessDefinition, Robot, TaskStep } from '../../domain/process/definition';
import {
  isFinal,
  pipelineOf,
  stageOf,
  taskKey,
  type ProcessRecord,
} from '../../domain/process/record';
import type { Task, TaskSubject } from '../../domain/task';
import type { Assignees } from './assignees';
import { ProcessError } from './errors';
import type { ClientMessenger } from '../messaging/robot-messages';
import type { Notifier } from './notices';
import { labelOfRecord } from './record-labels';
import type { RecordStore, TaskStore, Timers } from './ports';

export interface StageDeps {
  definition: ProcessDefinition;
  records: RecordStore;
  tasks: TaskStore;
  notifier: Notifier;
  clients: ClientMessenger;
  timers: Timers;
  clock: Clock;
  assignees: Assignees;
  /** Tells whoever a record is handed to what the client has said so far. */
  history?: { tell(userId: string, subject: TaskSubject): Promise<void> };
}

export const subjectKey = (subject: TaskSubject) => `${subject.kind}:${subject.id}`;

export async function requireRecord(
  records: RecordStore,
  subject: TaskSubject,
): Promise<ProcessRecord> {
  const record = await records.get(subject);
  if (!record) throw new ProcessError('not_found');
  return record;
}

/**
 * Entering a stage starts its task chain, its robots (now or on a timer) and the follow-ups that
 * start there; every step is keyed so that running it twice after a crash changes nothing.
 */
export class StageEntry {
  constructor(private readonly deps: StageDeps) {}

  private get now(): Date {
    return this.deps.clock.now();
  }

  async transition(record: ProcessRecord, to: string): Promise<void> {
    const target = stageOf(pipelineOf(this.deps.definition, record.pipeline), to);
    const entry = await this.deps.records.moveStage(
      record.subject,
      { stage: record.stage, stageEntry: record.stageEntry },
      to,
      isFinal(target) ? (target.kind as 'won' | 'lost' | 'junk') : undefined,
    );
    // Someone else moved it first (two buttons pressed at once): this move is stale.
    if (entry === undefined) throw new ProcessError('stale_task');
    await this.deps.tasks.cancelOpenChainTasks(record.subject);
    await this.enter({ ...record, stage: to, stageEntry: entry, closed: isFinal(target) });
  }

  /**
   * Back to a stage left for a while (a problem resolved): a new visit whose chain goes on from
   * the steps that were open; the stage's robots do not run again, its timers are armed anew.
   */
  async resume(record: ProcessRecord, to: string, steps: string[]): Promise<void> {
    const entry = await this.deps.records.moveStage(
      record.subject,
      { stage: record.stage, stageEntry: record.stageEntry },
      to,
    );
    if (entry === undefined) throw new ProcessError('stale_task');
    await this.deps.tasks.cancelOpenChainTasks(record.subject);
    const back = { ...record, stage: to, stageEntry: entry, closed: false };
    const stage = stageOf(pipelineOf(this.deps.definition, record.pipeline), to);
    for (const step of stage.tasks.filter((candidate) => steps.includes(candidate.id)))
      await this.createChainTask(back, step);
    await this.startTimers(back, { resumed: true });
  }

  /** `held`: see `createChainTask`. */
  async enter(record: ProcessRecord, held?: Task[]): Promise<void> {
    const pipeline = pipelineOf(this.deps.definition, record.pipeline);
    const stage = stageOf(pipeline, record.stage);
    const first = stage.tasks[0];
    // The first chain task already there means this visit was entered before (a resumed
    // conversion): robots and follow-ups already ran and must not run twice.
    if (first && !(await this.createChainTask(record, first, held)).created) return;
    await this.startTimers(record, { resumed: false });
  }

  /**
   * The stage's robots (now or on a timer) and the follow-ups that start there. A resumed visit
   * only arms the timers again, from now: what ran when the stage was first entered (a welcome
   * message to the client, say) does not run twice.
   */
  private async startTimers(record: ProcessRecord, { resumed }: { resumed: boolean }) {
    const pipeline = pipelineOf(this.deps.definition, record.pipeline);
    const stage = stageOf(pipeline, record.stage);
    for (const robot of stage.robots) {
      const at = this.robotTime(robot, record);
      if (!at) continue;
      if (at.getTime() <= this.now.getTime()) {
        if (!resumed) await this.runRobot(record, robot);
      } else
        await this.deps.timers.schedule(
          `robot:${subjectKey(record.subject)}:${record.stageEntry}:${robot.id}`,
          at,
          'robot.run',
          { subject: record.subject, stageEntry: record.stageEntry, robotId: robot.id },
        );
    }

    for (const followUp of this.deps.definition.followUps) {
      const on = followUp.on;
      const starts =
        ('enter' in on && on.enter === stage.id && (!on.pipeline || on.pipeline === pipeline.id)) ||
        ('enterKind' in on && on.enterKind === stage.kind && record.subject.kind === 'deal');
      if (!starts) continue;
      await this.deps.timers.schedule(
        `followup:${followUp.id}:${subjectKey(record.subject)}`,
        new Date(this.now.getTime() + followUp.afterMs),
        'followup.fire',
        // The visit it started on: a record that moved on since (invoice paid) needs no call.
        { subject: record.subject, followUpId: followUp.id, stageEntry: record.stageEntry },
      );
    }
  }

  private robotTime(robot: Robot, record: ProcessRecord): Date | undefined {
    const now = this.now.getTime();
    switch (robot.when.kind) {
      case 'immediately':
        return this.now;
      case 'after':
        return new Date(now + robot.when.delayMs);
      case 'relative': {
        const base = record.fields[robot.when.field];
        const date =
          base instanceof Date ? base : typeof base === 'string' ? new Date(base) : undefined;
        return date && !Number.isNaN(date.getTime())
          ? new Date(date.getTime() + robot.when.offsetMs)
          : undefined;
      }
    }
  }

  async runRobot(record: ProcessRecord, robot: Robot): Promise<void> {
    const action = robot.action;
    if ('createTask' in action) {
      const step = action.createTask;
      const { task, created } = await this.deps.tasks.ensure({
        key: taskKey(record.subject, record.stageEntry, `robot_${robot.id}`),
        title: step.title,
        assigneeId: await this.deps.assignees.resolve(step.assignee, record),
        subject: record.subject,
        due: new Date(this.now.getTime() + step.dueInMs),
      });
      if (created) await this.announce(task, { created, record });
    } else if ('notify' in action) {
      const userId = await this.deps.assignees.resolve(action.notify.role, record);
      await this.deps.notifier.notifyUser(userId, {
        kind: 'robot',
        text: action.notify.text,
        subject: record.subject,
      });
    } else if ('messageClient' in action) {
      await this.deps.clients.messageClient(
        record.subject,
        action.messageClient.template,
        `${subjectKey(record.subject)}:${record.stageEntry}:${robot.id}`,
      );
    } else {
      await this.deps.records.setFields(record.subject, {
        [action.setField.field]: action.setField.value,
      });
    }
  }

  /**
   * `held`: a task made now is put there instead of announced, as its caller's own notice carries
   * it (a new customer's card); its overdue timer is armed all the same.
   */
  async createChainTask(
    record: ProcessRecord,
    step: TaskStep,
    held?: Task[],
  ): Promise<{ task: Task; created: boolean }> {
    const ensured = await this.deps.tasks.ensure({
      key: taskKey(record.subject, record.stageEntry, step.id),
      title: step.title,
      assigneeId: await this.deps.assignees.resolve(step.assignee, record),
      subject: record.subject,
      due: new Date(this.now.getTime() + step.dueInMs),
      chain: {
        pipeline: record.pipeline,
        stage: record.stage,
        stepId: step.id,
        stageEntry: record.stageEntry,
      },
    });
    if (ensured.created && held) {
      held.push(ensured.task);
      await this.scheduleOverdue(ensured.task, { created: true });
    } else if (ensured.created) await this.announce(ensured.task, { created: true, record });
    return ensured;
  }

  /**
   * The first chain task of a lead still on its first visit, while open: what the card of the
   * customer's first message carries. A retried ingest asks for it, since its first try may have
   * made the lead and stopped before the card was stored (and nothing else announces the task).
   * Its overdue timer is armed again while still to come (the first try may not have got that
   * far); one that fired already is not repeated.
   */
  async firstTasksOf(subject: TaskSubject): Promise<Task[]> {
    if (subject.kind !== 'lead') return [];
    const record = await this.deps.records.get(subject);
    if (!record || record.closed || record.stageEntry !== 1) return [];
    const first = stageOf(pipelineOf(this.deps.definition, record.pipeline), record.stage).tasks[0];
    if (!first) return [];
    const open = await this.deps.tasks.listOpen({ subject });
    const tasks = open.filter(
      ({ chain }) =>
        chain?.stage === record.stage && chain.stepId === first.id && chain.stageEntry === 1,
    );
    for (const task of tasks)
      if (task.due.getTime() > this.now.getTime()) await this.scheduleOverdue(task);
    return tasks;
  }

  /** Makes the person responsible for the record in one department, and hands it over. */
  async assign(record: ProcessRecord, slot: ResponsibleSlot, userId: string): Promise<void> {
    await this.deps.records.setResponsible(record.subject, slot, userId);
    record.responsibles = { ...record.responsibles, [slot]: userId };
    await this.handOver(record.subject, userId);
  }

  /** The record is now this person's: they get the conversation so far, before its task. */
  async handOver(subject: TaskSubject, userId: string): Promise<void> {
    await this.deps.history?.tell(userId, subject);
  }

  /**
   * `created`: the task was made just now (its overdue timer cannot exist yet). `record`: the
   * task's record, whose label the card carries when it knows the client's name.
   */
  async announce(
    task: Task,
    options: { created?: boolean; record?: ProcessRecord } = {},
  ): Promise<void> {
    const about = options.record && labelOfRecord(options.record);
    await this.deps.notifier.notifyUser(task.assigneeId, {
      kind: 'task_assigned',
      task,
      ...(about ? { about } : {}),
    });
    await this.scheduleOverdue(task, options);
  }

  scheduleOverdue(task: Task, options: { created?: boolean } = {}): Promise<void> {
    return this.deps.timers.schedule(
      `task:${task.id}`,
      task.due,
      'task.overdue',
      { taskId: task.id, due: task.due.toISOString() },
      { fresh: options.created ?? false },
    );
  }
}
