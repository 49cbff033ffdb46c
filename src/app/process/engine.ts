import { randomUUID } from 'node:crypto';
import { skipsDispatch } from '../../domain/lead';
import type { Clock } from '../../domain/ports';
import type {
  AssigneeRole,
  ProcessDefinition,
  Robot,
  Stage,
  TaskStep,
  TriggerEvent,
} from '../../domain/process/definition';
import {
  isFinal,
  missingRequiredFields,
  pipelineOf,
  stageOf,
  startStage,
  taskKey,
  type ProcessRecord,
} from '../../domain/process/record';
import { postpone, type Task, type TaskSubject } from '../../domain/task';
import { KeyedLock } from '../keyed-lock';
import { isResponsible, type Actor } from './actor';
import { ProcessError } from './errors';
import type { Notifier } from './notices';
import type { ConversionLog, Directory, NewLead, RecordStore, TaskStore, Timers } from './ports';

export interface EngineDeps {
  definition: ProcessDefinition;
  records: RecordStore;
  tasks: TaskStore;
  directory: Directory;
  conversions: ConversionLog;
  notifier: Notifier;
  timers: Timers;
  clock: Clock;
}

export interface CompleteInput {
  /** The dispatcher's choice of responsible manager. */
  assignTo?: string;
  /** Hand-off: the deal types the client bought. */
  dealTypes?: string[];
  /** Hand-off: an operations manager per deal type (least loaded when omitted). */
  operations?: Record<string, string>;
}

const subjectKey = (subject: TaskSubject) => `${subject.kind}:${subject.id}`;

/**
 * The process engine: interprets the definition. "A task arrives, do it, complete it — the next
 * one comes by itself" (seed 000): completing a chain task creates the next one or moves the stage,
 * and entering a stage starts its chain, robots and follow-ups.
 */
export class ProcessEngine {
  /** One change at a time per record: two buttons pressed together are applied in turn. */
  private readonly lock = new KeyedLock();

  constructor(private readonly deps: EngineDeps) {}

  private get now(): Date {
    return this.deps.clock.now();
  }

  // ---- intake ------------------------------------------------------------------------------

  /**
   * An automatic lead starts with the dispatcher's task. A manual cold call or cold visit skips
   * it: the creator is the responsible and gets the next step straight away.
   */
  async createLead(lead: NewLead, createdBy?: string): Promise<ProcessRecord> {
    const pipeline = this.deps.definition.lead;
    const start = startStage(pipeline);
    const dispatchStep = start.tasks[0];
    if (createdBy && skipsDispatch(lead.source) && dispatchStep?.assignee === 'dispatcher') {
      const target = dispatchStep.onDone.moveTo ?? start.id;
      const record = await this.deps.records.createLead(lead, target, { sales: createdBy });
      await this.enterStage(record);
      return record;
    }
    const record = await this.deps.records.createLead(lead, start.id, {});
    await this.enterStage(record);
    return record;
  }

  // ---- tasks -------------------------------------------------------------------------------

  async completeTask(taskId: string, actor: Actor, input: CompleteInput = {}): Promise<void> {
    const found = await this.deps.tasks.get(taskId);
    const key = found?.subject ? subjectKey(found.subject) : `task:${taskId}`;
    return this.lock.run(key, () => this.completeTaskNow(taskId, actor, input));
  }

  private async completeTaskNow(taskId: string, actor: Actor, input: CompleteInput): Promise<void> {
    const task = await this.openTask(taskId, actor);
    if (!task.chain || !task.subject) {
      await this.claim(task);
      return;
    }
    const record = await this.requireRecord(task.subject);
    if (record.stage !== task.chain.stage || record.stageEntry !== task.chain.stageEntry) {
      throw new ProcessError('stale_task');
    }
    const stage = stageOf(pipelineOf(this.deps.definition, record.pipeline), record.stage);
    const index = stage.tasks.findIndex((step) => step.id === task.chain!.stepId);
    const step = stage.tasks[index];
    if (!step) throw new ProcessError('stale_task');

    // Everything that can refuse is checked before anything is written.
    if (step.onDone.assign) await this.checkAssignee(step.onDone.assign, input.assignTo);
    if (step.onDone.convert) this.checkDealTypes(input.dealTypes);
    if (step.onDone.moveTo) this.checkCanLeave(stage, record);

    if (step.onDone.assign) {
      await this.deps.records.setResponsible(record.subject, step.onDone.assign, input.assignTo!);
      record.responsibles = { ...record.responsibles, [step.onDone.assign]: input.assignTo };
    }
    // Conversion runs before the task is claimed: it is idempotent, so a crash midway leaves the
    // task open and pressing Done again (or the start-up resume) finishes the same deals.
    if (step.onDone.convert) await this.convert(record, input.dealTypes!, input.operations ?? {});
    await this.claim(task);

    if (step.onDone.moveTo) {
      await this.transition(record, step.onDone.moveTo);
      return;
    }
    const next = stage.tasks[index + 1];
    if (next) await this.createChainTask(record, next);
  }

  async postponeTask(taskId: string, to: Date, actor: Actor, reason?: string): Promise<Task> {
    const task = await this.openTask(taskId, actor);
    const byUserId = actor.kind === 'user' ? actor.user.id : task.assigneeId;
    let moved: Task;
    try {
      moved = postpone(task, to, byUserId, this.now, reason);
    } catch {
      throw new ProcessError('not_allowed');
    }
    await this.deps.tasks.save(moved);
    await this.scheduleOverdue(moved);
    return moved;
  }

  /** A task outside any chain: it never creates a next task nor moves a stage. */
  async addTask(
    actor: Actor,
    task: { title: string; due: Date; subject?: TaskSubject; assigneeId?: string },
  ): Promise<Task> {
    const assigneeId = task.assigneeId ?? (actor.kind === 'user' ? actor.user.id : undefined);
    if (!assigneeId) throw new ProcessError('needs_assignee');
    if (task.subject) {
      const record = await this.requireRecord(task.subject);
      if (!isResponsible(actor, record)) throw new ProcessError('not_allowed');
    }
    const created = await this.deps.tasks.ensure({
      key: `adhoc:${randomUUID()}`,
      title: { ru: task.title, en: task.title },
      assigneeId,
      ...(task.subject ? { subject: task.subject } : {}),
      due: task.due,
    });
    await this.scheduleOverdue(created);
    return created;
  }

  // ---- stages ------------------------------------------------------------------------------

  /**
   * A move by hand (bot button, HTTP API). Forward moves must be declared from this stage and
   * leave no required field empty; closing as lost or junk is possible from any open stage, with
   * a reason, and lost only by sales; won by hand only by operations.
   */
  moveStage(subject: TaskSubject, to: string, actor: Actor, reason?: string): Promise<void> {
    return this.lock.run(subjectKey(subject), () => this.moveStageNow(subject, to, actor, reason));
  }

  private async moveStageNow(
    subject: TaskSubject,
    to: string,
    actor: Actor,
    reason?: string,
  ): Promise<void> {
    const record = await this.requireRecord(subject);
    if (!isResponsible(actor, record)) throw new ProcessError('not_allowed');
    const pipeline = pipelineOf(this.deps.definition, record.pipeline);
    const stage = stageOf(pipeline, record.stage);
    if (isFinal(stage) || record.closed) throw new ProcessError('closed');
    const target = pipeline.stages.find((candidate) => candidate.id === to);
    if (!target) throw new ProcessError('move_not_allowed');

    if (target.kind === 'lost' || target.kind === 'junk') {
      if (!reason?.trim()) throw new ProcessError('reason_required');
      if (target.kind === 'lost' && !(await this.isFrom(actor, 'sales')))
        throw new ProcessError('not_allowed');
      await this.deps.records.setFields(subject, {
        [target.kind === 'lost' ? 'lostReason' : 'junkReason']: reason.trim(),
      });
    } else {
      if (!stage.moves.includes(to)) throw new ProcessError('move_not_allowed');
      if (
        target.kind === 'won' &&
        subject.kind === 'deal' &&
        !(await this.isFrom(actor, 'operations'))
      )
        throw new ProcessError('not_allowed');
      this.checkCanLeave(stage, record);
    }
    await this.transition(record, to);
  }

  async closeLost(subject: TaskSubject, actor: Actor, reason: string): Promise<void> {
    const record = await this.requireRecord(subject);
    const lost = pipelineOf(this.deps.definition, record.pipeline).stages.find(
      (stage) => stage.kind === (subject.kind === 'lead' ? 'junk' : 'lost'),
    );
    if (!lost) throw new ProcessError('move_not_allowed');
    await this.moveStage(subject, lost.id, actor, reason);
  }

  /** Fills fields; a file field takes `{ fileRef, name }` as uploaded from Telegram. */
  async fillFields(
    subject: TaskSubject,
    fields: Record<string, unknown>,
    actor: Actor,
  ): Promise<void> {
    // Field names become document keys; only plain names may reach the store.
    if (Object.keys(fields).some((name) => !/^[a-zA-Z][a-zA-Z0-9_]*$/.test(name)))
      throw new ProcessError('invalid_field');
    const record = await this.requireRecord(subject);
    if (!isResponsible(actor, record)) throw new ProcessError('not_allowed');
    await this.deps.records.setFields(subject, fields);
  }

  /** A client event (payment recorded, form filled…) moves the record as the definition says. */
  recordEvent(subject: TaskSubject, event: TriggerEvent): Promise<boolean> {
    return this.lock.run(subjectKey(subject), () => this.recordEventNow(subject, event));
  }

  private async recordEventNow(subject: TaskSubject, event: TriggerEvent): Promise<boolean> {
    const record = await this.requireRecord(subject);
    const pipeline = pipelineOf(this.deps.definition, record.pipeline);
    const stage = stageOf(pipeline, record.stage);
    if (isFinal(stage)) return false;
    const trigger = pipeline.triggers.find(
      (candidate) =>
        candidate.event === event &&
        (candidate.from.length === 0 || candidate.from.includes(stage.id)),
    );
    if (!trigger) return false;
    this.checkCanLeave(stage, record);
    await this.transition(record, trigger.moveTo);
    return true;
  }

  // ---- problems ----------------------------------------------------------------------------

  /**
   * "Failure belongs to sales" (seed 000): a problem sends the deal back to its sales manager as a
   * red task and raises a red alert in the heads' chat.
   */
  async raiseProblem(subject: TaskSubject, actor: Actor, reason: string): Promise<Task> {
    if (!reason.trim()) throw new ProcessError('reason_required');
    const record = await this.requireRecord(subject);
    if (!isResponsible(actor, record)) throw new ProcessError('not_allowed');
    if (record.closed) throw new ProcessError('closed');
    const byUserId = actor.kind === 'user' ? actor.user.id : undefined;
    const assigneeId = record.responsibles.sales ?? (await this.pick('dispatcher'));
    const task = await this.deps.tasks.ensure({
      key: `problem:${subjectKey(subject)}:${this.now.getTime()}`,
      title: { ru: reason.trim(), en: reason.trim() },
      assigneeId,
      subject,
      due: new Date(this.now.getTime() + 60 * 60_000),
      problem: true,
    });
    await this.deps.records.setFields(subject, {
      openProblem: { reason: reason.trim(), at: this.now, ...(byUserId ? { byUserId } : {}) },
    });
    await this.deps.notifier.notifyUser(assigneeId, { kind: 'task_assigned', task });
    await this.deps.notifier.alertHeads({
      kind: 'problem',
      subject,
      reason: reason.trim(),
      ...(byUserId ? { byUserId } : {}),
    });
    await this.scheduleOverdue(task);
    return task;
  }

  // ---- conversion --------------------------------------------------------------------------

  /**
   * Lead → one deal per deal type, each with its operations manager and chain. There are no
   * multi-document transactions to lean on, so the ids are planned and logged first and every
   * write is idempotent: a crash anywhere is finished by running the same plan again.
   */
  private async convert(
    lead: ProcessRecord,
    dealTypes: string[],
    operations: Record<string, string>,
  ): Promise<void> {
    const { conversions } = this.deps;
    const chosen: Record<string, string> = {};
    for (const type of dealTypes) {
      chosen[type] = operations[type] ?? (await this.pick('manager', 'operations'));
    }
    const plan = await conversions.begin({
      leadId: lead.subject.id,
      dealTypes,
      dealIds: Object.fromEntries(dealTypes.map((type) => [type, conversions.newId()])),
      operations: chosen,
      status: 'started',
    });
    if (plan.status === 'done') return;
    await this.runConversion(plan.leadId, plan);
  }

  private async runConversion(
    leadId: string,
    plan: {
      dealTypes: string[];
      dealIds: Record<string, string>;
      operations: Record<string, string>;
    },
  ): Promise<void> {
    const lead = await this.requireRecord({ kind: 'lead', id: leadId });
    for (const type of plan.dealTypes) {
      const pipeline = pipelineOf(this.deps.definition, type);
      const id = plan.dealIds[type]!;
      await this.deps.records.insertDeal({
        id,
        type,
        stage: startStage(pipeline).id,
        leadId,
        contactId: lead.contactId,
        responsibles: {
          ...lead.responsibles,
          ...(plan.operations[type] ? { operations: plan.operations[type] } : {}),
        },
        fields: { ...lead.fields },
      });
      // Entering is idempotent too: chain tasks are keyed by record, visit and step.
      await this.enterStage(await this.requireRecord({ kind: 'deal', id }));
    }
    await this.deps.conversions.finish(leadId);
  }

  /** Finishes conversions a crash interrupted; run at start-up. */
  async resumeConversions(): Promise<number> {
    const unfinished = await this.deps.conversions.unfinished();
    for (const plan of unfinished) await this.runConversion(plan.leadId, plan);
    return unfinished.length;
  }

  // ---- timers ------------------------------------------------------------------------------

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
    if (robot) await this.runRobot(record, robot);
  }

  async onFollowUp(data: { subject: TaskSubject; followUpId: string }): Promise<void> {
    const followUp = this.deps.definition.followUps.find((f) => f.id === data.followUpId);
    const record = await this.deps.records.get(data.subject);
    if (!followUp || !record) return;
    const assigneeId = await this.resolveAssignee(followUp.task.assignee, record);
    const task = await this.deps.tasks.ensure({
      key: `followup:${followUp.id}:${subjectKey(record.subject)}:${this.now.getTime()}`,
      title: followUp.task.title,
      assigneeId,
      subject: record.subject,
      due: new Date(this.now.getTime() + followUp.task.dueInMs),
    });
    await this.announce(task);
  }

  /** Client silence restarts its follow-up with every client message. */
  async onClientMessage(subject: TaskSubject): Promise<void> {
    for (const followUp of this.deps.definition.followUps) {
      if (!('event' in followUp.on)) continue;
      await this.deps.timers.schedule(
        `followup:${followUp.id}:${subjectKey(subject)}`,
        new Date(this.now.getTime() + followUp.afterMs),
        'followup.fire',
        { subject, followUpId: followUp.id },
      );
    }
  }

  // ---- internals ---------------------------------------------------------------------------

  private async transition(record: ProcessRecord, to: string): Promise<void> {
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
    await this.enterStage({ ...record, stage: to, stageEntry: entry, closed: isFinal(target) });
  }

  private async enterStage(record: ProcessRecord): Promise<void> {
    const pipeline = pipelineOf(this.deps.definition, record.pipeline);
    const stage = stageOf(pipeline, record.stage);
    const first = stage.tasks[0];
    if (first) await this.createChainTask(record, first);

    for (const robot of stage.robots) {
      const at = this.robotTime(robot, record);
      if (!at) continue;
      if (at.getTime() <= this.now.getTime()) await this.runRobot(record, robot);
      else
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
        { subject: record.subject, followUpId: followUp.id },
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

  private async runRobot(record: ProcessRecord, robot: Robot): Promise<void> {
    const action = robot.action;
    if ('createTask' in action) {
      const step = action.createTask;
      const task = await this.deps.tasks.ensure({
        key: `${taskKey(record.subject, record.stageEntry, `robot_${robot.id}`)}`,
        title: step.title,
        assigneeId: await this.resolveAssignee(step.assignee, record),
        subject: record.subject,
        due: new Date(this.now.getTime() + step.dueInMs),
      });
      await this.announce(task);
    } else if ('notify' in action) {
      const userId = await this.resolveAssignee(action.notify.role, record);
      await this.deps.notifier.notifyUser(userId, {
        kind: 'robot',
        text: action.notify.text,
        subject: record.subject,
      });
    } else if ('messageClient' in action) {
      await this.deps.notifier.messageClient(record.subject, action.messageClient.template);
    } else {
      await this.deps.records.setFields(record.subject, {
        [action.setField.field]: action.setField.value,
      });
    }
  }

  private async createChainTask(record: ProcessRecord, step: TaskStep): Promise<Task> {
    const task = await this.deps.tasks.ensure({
      key: taskKey(record.subject, record.stageEntry, step.id),
      title: step.title,
      assigneeId: await this.resolveAssignee(step.assignee, record),
      subject: record.subject,
      due: new Date(this.now.getTime() + step.dueInMs),
      chain: {
        pipeline: record.pipeline,
        stage: record.stage,
        stepId: step.id,
        stageEntry: record.stageEntry,
      },
    });
    await this.announce(task);
    return task;
  }

  private async announce(task: Task): Promise<void> {
    await this.deps.notifier.notifyUser(task.assigneeId, { kind: 'task_assigned', task });
    await this.scheduleOverdue(task);
  }

  private scheduleOverdue(task: Task): Promise<void> {
    return this.deps.timers.schedule(`task:${task.id}`, task.due, 'task.overdue', {
      taskId: task.id,
      due: task.due.toISOString(),
    });
  }

  private async claim(task: Task): Promise<void> {
    if (!(await this.deps.tasks.markDone(task.id, this.now)))
      throw new ProcessError('task_not_open');
    await this.deps.timers.cancel(`task:${task.id}`);
  }

  private async openTask(taskId: string, actor: Actor): Promise<Task> {
    const task = await this.deps.tasks.get(taskId);
    if (!task) throw new ProcessError('not_found');
    if (task.status !== 'open') throw new ProcessError('task_not_open');
    if (actor.kind === 'user') {
      const { user } = actor;
      const oversees = user.roles.includes('admin') || user.roles.includes('head');
      if (!user.active || (user.id !== task.assigneeId && !oversees))
        throw new ProcessError('not_allowed');
    }
    return task;
  }

  private async requireRecord(subject: TaskSubject): Promise<ProcessRecord> {
    const record = await this.deps.records.get(subject);
    if (!record) throw new ProcessError('not_found');
    return record;
  }

  private checkCanLeave(stage: Stage, record: ProcessRecord): void {
    const missing = missingRequiredFields(stage, record.fields);
    if (missing.length > 0) throw new ProcessError('missing_fields', missing);
  }

  private async checkAssignee(department: 'sales' | 'operations', userId?: string): Promise<void> {
    if (!userId) throw new ProcessError('needs_assignee');
    const user = await this.deps.directory.getUser(userId);
    if (!user?.active || (await this.deps.directory.departmentCodeOf(user)) !== department)
      throw new ProcessError('needs_assignee');
  }

  private checkDealTypes(dealTypes?: string[]): void {
    if (!dealTypes || dealTypes.length === 0) throw new ProcessError('needs_deal_types');
    const known = new Set(this.deps.definition.deals.map((deal) => deal.id));
    if (dealTypes.some((type) => !known.has(type)) || new Set(dealTypes).size !== dealTypes.length)
      throw new ProcessError('unknown_deal_type');
  }

  private async isFrom(actor: Actor, department: 'sales' | 'operations'): Promise<boolean> {
    if (actor.kind === 'system') return true;
    if (actor.user.roles.includes('admin')) return true;
    return (await this.deps.directory.departmentCodeOf(actor.user)) === department;
  }

  private async resolveAssignee(role: AssigneeRole, record: ProcessRecord): Promise<string> {
    switch (role) {
      case 'sales':
        return record.responsibles.sales ?? this.pick('dispatcher');
      case 'operations':
        return record.responsibles.operations ?? this.pick('manager', 'operations');
      case 'head':
        return record.responsibles.headOfSales ?? this.pick('head', 'sales');
      case 'dispatcher':
        return this.pick('dispatcher');
    }
  }

  /** The least-loaded active person for a role; heads, then admins, stand in when none exists. */
  private async pick(
    role: 'dispatcher' | 'manager' | 'head',
    department?: string,
  ): Promise<string> {
    const { directory } = this.deps;
    const found =
      (await directory.candidates({ role, ...(department ? { department } : {}) }))[0] ??
      (await directory.candidates({ role: 'head', ...(department ? { department } : {}) }))[0] ??
      (await directory.candidates({ role: 'head' }))[0];
    if (!found)
      throw new Error(`nobody can take a ${role} task${department ? ` in ${department}` : ''}`);
    return found.id;
  }
}
