/**
 * Over 300 lines on purpose: the process engine's moves (create, complete, move, close, reassign)
 * share their checks and their order of writes; split by move, each would repeat them.
 */
import { randomUUID } from 'node:crypto';
import { skipsDispatch } from '../../domain/lead';
import type { Clock } from '../../domain/ports';
import type { Responsibles } from '../../domain/department';
import type { ProcessDefinition, Text, TriggerEvent } from '../../domain/process/definition';
import {
  answeringSlots,
  isFinal,
  pipelineOf,
  stageOf,
  startStage,
  type ProcessRecord,
  type RecordPlace,
} from '../../domain/process/record';
import { postpone, TaskRuleError, type Task, type TaskSubject } from '../../domain/task';
import { KeyedLock } from '../keyed-lock';
import type { ClientMessenger } from '../messaging/robot-messages';
import type { Actor } from './actor';
import { ProcessError } from './errors';
import type { Notifier } from './notices';
import { Assignees } from './assignees';
import { LeadConversion } from './conversion';
import { ProcessTimers } from './process-timers';
import { RecordAccess } from './record-access';
import { RecordEdits } from './record-edits';
import { Rights } from './rights';
import { requireRecord, StageEntry, subjectKey, type StageDeps } from './stage-entry';
import { TaskQueries } from './task-queries';
import { Problems } from './problems';
import { checkCanLeave, StageMoves } from './moves';
import type {
  ConversionLog,
  Directory,
  NewLead,
  RecordAudit,
  RecordStore,
  TaskStore,
  Timers,
} from './ports';

export interface EngineDeps {
  definition: ProcessDefinition;
  records: RecordStore;
  tasks: TaskStore;
  directory: Directory;
  conversions: ConversionLog;
  /** Closings and problems, kept for the record's history. */
  audit: RecordAudit;
  notifier: Notifier;
  /** Robots' messages to clients. */
  clients: ClientMessenger;
  timers: Timers;
  clock: Clock;
  history?: StageDeps['history'];
}

export interface CompleteInput {
  /** The dispatcher's choice of responsible manager. */
  assignTo?: string;
  /** Hand-off: the deal types the client bought. */
  dealTypes?: string[];
  /** Hand-off: an operations manager per deal type (least loaded when omitted). */
  operations?: Record<string, string>;
}

/**
 * The process engine: interprets the definition. "A task arrives, do it, complete it — the next
 * one comes by itself" (seed 000): completing a chain task creates the next one or moves the stage,
 * and entering a stage starts its chain, robots and follow-ups.
 */
export class ProcessEngine {
  /** One change at a time per record: two buttons pressed together are applied in turn. */
  private readonly lock = new KeyedLock();

  private readonly assignees: Assignees;
  private readonly stages: StageEntry;
  private readonly conversion: LeadConversion;
  private readonly problems: Problems;
  private readonly moves: StageMoves;
  readonly timers: ProcessTimers;
  readonly rights: Rights;
  /** Single records as each actor may reach them: staff through their scope. */
  readonly access: RecordAccess;
  private readonly edits: RecordEdits;
  /** Reads for the manager bot. */
  readonly queries: TaskQueries;

  constructor(private readonly deps: EngineDeps) {
    this.assignees = new Assignees(deps.directory);
    this.stages = new StageEntry({ ...deps, assignees: this.assignees });
    const parts = { ...deps, assignees: this.assignees, stages: this.stages };
    this.conversion = new LeadConversion(parts);
    this.timers = new ProcessTimers(parts);
    this.rights = new Rights(deps);
    this.access = new RecordAccess({ records: deps.records, rights: this.rights });
    this.edits = new RecordEdits({ ...deps, access: this.access });
    this.problems = new Problems({ ...parts, access: this.access });
    this.moves = new StageMoves({ ...parts, access: this.access, rights: this.rights });
    this.queries = new TaskQueries({ ...deps, rights: this.rights });
  }

  private get now(): Date {
    return this.deps.clock.now();
  }

  // ---- intake ------------------------------------------------------------------------------

  /**
   * An automatic lead starts with the dispatcher's task. A manual cold call or cold visit skips
   * it: the creator is the responsible and gets the next step straight away.
   */
  async createLead(
    lead: NewLead,
    createdBy?: string,
    /** A manager the routing rules chose: they own the lead at once, like a cold call's creator. */
    routedTo?: string,
    /** `held`: the first task is put there, not announced (see `StageEntry.createChainTask`). */
    options: { held?: Task[] } = {},
  ): Promise<ProcessRecord> {
    const pipeline = this.deps.definition.lead;
    const start = startStage(pipeline);
    const dispatchStep = start.tasks[0];
    const owner = routedTo ?? (createdBy && skipsDispatch(lead.source) ? createdBy : undefined);
    const skip = !!owner && dispatchStep?.assignee === 'dispatcher';
    // Nobody to take the first task yet (a fresh install): refuse before anything is written,
    // so the next attempt starts clean instead of finding a lead without its task.
    if (!skip) await this.assignees.pick('dispatcher');
    const record = await this.deps.records.createLead(
      lead,
      skip ? (dispatchStep.onDone.moveTo ?? start.id) : start.id,
      skip ? { sales: owner } : {},
    );
    await this.stages.enter(record, options.held);
    return record;
  }

  /** A lead's first task, open, on its first visit: for a retried first message's card. */
  firstTasksOf(subject: TaskSubject): Promise<Task[]> {
    return this.stages.firstTasksOf(subject);
  }

  /**
   * Who answers the client on this record: the responsible of the department working on it now
   * (operations once a deal is with them), else sales, else the dispatcher.
   */
  /**
   * Who a client's message goes to (`answeringSlots`). `known` and `place`: the record's
   * responsibles and where it stands, when the caller read them with it.
   */
  async responsibleFor(
    subject: TaskSubject,
    known?: Responsibles,
    place?: RecordPlace,
  ): Promise<string> {
    const record = known ? undefined : await this.deps.records.get(subject);
    const responsibles = known ?? record?.responsibles ?? {};
    const where = place ?? (record && { pipeline: record.pipeline, stage: record.stage });
    for (const slot of answeringSlots(this.deps.definition, subject.kind, where)) {
      const userId = responsibles[slot];
      if (userId) return userId;
    }
    return this.assignees.pick('dispatcher');
  }

  // ---- tasks -------------------------------------------------------------------------------

  /** Finishes conversions a crash interrupted; run at start-up. */
  resumeConversions(): Promise<number> {
    return this.conversion.resume();
  }

  /** Task changes are serialised with their record's, so Done and Postpone cannot interleave. */
  private async underTaskLock<T>(taskId: string, work: () => Promise<T>): Promise<T> {
    const found = await this.deps.tasks.get(taskId);
    return this.lock.run(found?.subject ? subjectKey(found.subject) : `task:${taskId}`, work);
  }

  completeTask(taskId: string, actor: Actor, input: CompleteInput = {}): Promise<void> {
    return this.underTaskLock(taskId, () => this.completeTaskNow(taskId, actor, input));
  }

  private async completeTaskNow(taskId: string, actor: Actor, input: CompleteInput): Promise<void> {
    const task = await this.rights.openTask(taskId, actor);
    const { chain, subject } = task;
    if (!chain || !subject) {
      await this.claim(task);
      // Sales closing a red task closes the problem it stood for, and the chain goes on.
      if (task.problem && subject) await this.problems.resolve(subject, actor);
      return;
    }
    const { record, pipeline, stage, index, step } = await this.chainStepOf(chain, subject);
    const { assign, convert, moveTo } = step.onDone;

    // Everything that can refuse is checked before anything is written.
    const assignTo = assign && (await this.checkAssignee(assign, input.assignTo));
    const dealTypes = convert ? this.checkDealTypes(input.dealTypes) : undefined;
    if (moveTo) checkCanLeave(pipeline, record, stage, moveTo);

    if (assign && assignTo) await this.stages.assign(record, assign, assignTo);
    // Conversion runs before the task is claimed: it is idempotent, so a crash midway leaves the
    // task open and pressing Done again (or the start-up resume) finishes the same deals.
    if (dealTypes) await this.conversion.convert(record, dealTypes, input.operations ?? {});
    await this.claim(task);

    if (step.onDone.moveTo) {
      await this.stages.transition(record, step.onDone.moveTo);
      return;
    }
    const next = stage.tasks[index + 1];
    if (next) await this.stages.createChainTask(record, next);
  }

  /** Where a chain task stands: its record, still on the visit that created it, and its step. */
  private async chainStepOf(chain: NonNullable<Task['chain']>, subject: TaskSubject) {
    // The task was opened for the actor: its record is read as the process's own.
    const record = await requireRecord(this.deps.records, subject);
    if (record.stage !== chain.stage || record.stageEntry !== chain.stageEntry) {
      throw new ProcessError('stale_task');
    }
    const pipeline = pipelineOf(this.deps.definition, record.pipeline);
    const stage = stageOf(pipeline, record.stage);
    const index = stage.tasks.findIndex((step) => step.id === chain.stepId);
    const step = stage.tasks[index];
    if (!step) throw new ProcessError('stale_task');
    return { record, pipeline, stage, index, step };
  }

  /**
   * What Done would refuse before any choice is asked for: a closed or foreign task, a stale one,
   * or required fields still empty where Done moves the record forward (the hand-off, say).
   */
  async checkCompletion(taskId: string, actor: Actor): Promise<void> {
    const task = await this.rights.openTask(taskId, actor);
    if (!task.chain || !task.subject) return;
    const { record, pipeline, stage, step } = await this.chainStepOf(task.chain, task.subject);
    if (step.onDone.moveTo) checkCanLeave(pipeline, record, stage, step.onDone.moveTo);
  }

  postponeTask(taskId: string, to: Date, actor: Actor, reason?: string): Promise<Task> {
    return this.underTaskLock(taskId, async () => {
      const task = await this.rights.openTask(taskId, actor);
      const byUserId = actor.kind === 'user' ? actor.user.id : task.assigneeId;
      let moved: Task;
      try {
        moved = postpone(task, to, byUserId, this.now, reason);
      } catch (error) {
        if (!(error instanceof TaskRuleError)) throw error;
        throw new ProcessError(error.code === 'not_open' ? 'task_not_open' : 'invalid_date');
      }
      await this.save(moved);
      await this.stages.scheduleOverdue(moved);
      return moved;
    });
  }

  private async save(task: Task): Promise<void> {
    if (!(await this.deps.tasks.save(task))) throw new ProcessError('task_not_open');
  }

  /**
   * Hands an open task to someone else: the assignee to a colleague of their department, a head
   * or an admin to anyone active (the "Take" and "Reassign" buttons of a red alert). `history`
   * off: the person already has this client's conversation (a deactivation's other tasks).
   */
  reassignTask(taskId: string, actor: Actor, toUserId: string, history = true): Promise<Task> {
    return this.underTaskLock(taskId, async () => {
      const task = await this.rights.openTask(taskId, actor);
      const target = await this.deps.directory.getUser(toUserId);
      if (!target?.active) throw new ProcessError('needs_assignee');
      if (actor.kind === 'user' && !actor.user.roles.includes('admin')) {
        // Hand-over stays inside the department of the task's current assignee.
        const current = await this.deps.directory.getUser(task.assigneeId);
        const [from, to] = await Promise.all([
          current ? this.deps.directory.departmentCodeOf(current) : undefined,
          this.deps.directory.departmentCodeOf(target),
        ]);
        if (!from || from !== to) throw new ProcessError('not_allowed');
      }
      const moved = { ...task, assigneeId: target.id };
      await this.save(moved);
      if (moved.subject && history) await this.stages.handOver(moved.subject, target.id);
      await this.stages.announce(moved);
      return moved;
    });
  }

  /**
   * A task outside any chain: it never creates a next task nor moves a stage. One the system
   * gives someone is announced to them; a person's own is not.
   */
  async addTask(
    actor: Actor,
    task: { title: string | Text; due: Date; subject?: TaskSubject; assigneeId?: string },
  ): Promise<Task> {
    const assigneeId = task.assigneeId ?? (actor.kind === 'user' ? actor.user.id : undefined);
    if (!assigneeId) throw new ProcessError('needs_assignee');
    // A task on a record is for someone who may reach the record.
    if (task.subject) await this.access.open(task.subject, actor);
    const { task: created } = await this.deps.tasks.ensure({
      key: `adhoc:${randomUUID()}`,
      title: typeof task.title === 'string' ? { ru: task.title, en: task.title } : task.title,
      assigneeId,
      ...(task.subject ? { subject: task.subject } : {}),
      due: task.due,
    });
    if (actor.kind === 'system') await this.stages.announce(created, { created: true });
    else await this.stages.scheduleOverdue(created, { created: true });
    return created;
  }

  // ---- stages ------------------------------------------------------------------------------

  /**
   * A move by hand (bot button, HTTP API): declared from this stage, by whom the target allows,
   * forward only with the required fields filled; lost or junk from any open stage, with a reason.
   */
  moveStage(subject: TaskSubject, to: string, actor: Actor, reason?: string): Promise<void> {
    return this.lock.run(subjectKey(subject), () => this.moves.move(subject, to, actor, reason));
  }

  /** Refuses as `moveStage` would, before a button asks for the reason. */
  checkMove(subject: TaskSubject, to: string, actor: Actor): Promise<void> {
    return this.moves.checkFor(subject, to, actor).then(() => undefined);
  }

  async closeLost(subject: TaskSubject, actor: Actor, reason: string): Promise<void> {
    const record = await this.access.open(subject, actor);
    await this.moveStage(subject, this.moves.closingStage(record).id, actor, reason);
  }

  /** Fills fields; a file field takes `{ fileRef, name }` as uploaded from Telegram. */
  fillFields(subject: TaskSubject, fields: Record<string, unknown>, actor: Actor): Promise<void> {
    return this.edits.fill(subject, fields, actor);
  }

  /** A client event (payment recorded, form filled…) moves the record as the definition says. */
  recordEvent(subject: TaskSubject, event: TriggerEvent): Promise<boolean> {
    return this.lock.run(subjectKey(subject), () => this.recordEventNow(subject, event));
  }

  private async recordEventNow(subject: TaskSubject, event: TriggerEvent): Promise<boolean> {
    const record = await requireRecord(this.deps.records, subject);
    const pipeline = pipelineOf(this.deps.definition, record.pipeline);
    const stage = stageOf(pipeline, record.stage);
    if (isFinal(stage)) return false;
    const trigger = pipeline.triggers.find(
      (candidate) =>
        candidate.event === event &&
        (candidate.from.length === 0 || candidate.from.includes(stage.id)),
    );
    if (!trigger) return false;
    checkCanLeave(pipeline, record, stage, trigger.moveTo);
    await this.stages.transition(record, trigger.moveTo);
    return true;
  }

  // ---- problems ----------------------------------------------------------------------------

  raiseProblem(subject: TaskSubject, actor: Actor, reason: string): Promise<Task> {
    return this.lock.run(subjectKey(subject), () => this.problems.raise(subject, actor, reason));
  }

  // ---- internals ---------------------------------------------------------------------------

  private async claim(task: Task): Promise<void> {
    if (!(await this.deps.tasks.markDone(task.id, this.now)))
      throw new ProcessError('task_not_open');
    await this.deps.timers.cancel(`task:${task.id}`);
  }

  /** The chosen person, if they are an active member of the department. */
  private async checkAssignee(
    department: 'sales' | 'operations',
    userId?: string,
  ): Promise<string> {
    if (!userId) throw new ProcessError('needs_assignee');
    const user = await this.deps.directory.getUser(userId);
    if (!user?.active || (await this.deps.directory.departmentCodeOf(user)) !== department)
      throw new ProcessError('needs_assignee');
    return userId;
  }

  /** The chosen deal types, if there are some, each declared and named once. */
  private checkDealTypes(dealTypes?: string[]): string[] {
    if (!dealTypes || dealTypes.length === 0) throw new ProcessError('needs_deal_types');
    const known = new Set(this.deps.definition.deals.map((deal) => deal.id));
    if (dealTypes.some((type) => !known.has(type)) || new Set(dealTypes).size !== dealTypes.length)
      throw new ProcessError('unknown_deal_type');
    return dealTypes;
  }
}
