import type { Clock } from '../../domain/ports';
import type { Pipeline, ProcessDefinition, Stage } from '../../domain/process/definition';
import {
  isFinal,
  isStepBack,
  missingRequiredFields,
  pipelineOf,
  stageOf,
  type ProcessRecord,
} from '../../domain/process/record';
import type { TaskSubject } from '../../domain/task';
import type { Actor } from './actor';
import { ProcessError } from './errors';
import type { RecordAudit, RecordStore, TaskStore } from './ports';
import type { RecordAccess, ReachedRecord } from './record-access';
import type { Rights } from './rights';
import type { StageEntry } from './stage-entry';

/**
 * Required fields hold on the way forward only: leaving a stage for a later one waits for them,
 * a step back (to an earlier stage, or one declared `back`) never does.
 */
export function checkCanLeave(
  pipeline: Pipeline,
  record: ProcessRecord,
  from: Stage,
  to: string,
): void {
  if (isStepBack(pipeline, from, stageOf(pipeline, to))) return;
  const missing = missingRequiredFields(from, record.fields);
  if (missing.length > 0) throw new ProcessError('missing_fields', missing);
}

const isClosing = (stage: Stage) => stage.kind === 'lost' || stage.kind === 'junk';

/** Moves by hand (a card's button, the records API) and closing with a reason. */
export class StageMoves {
  constructor(
    private readonly deps: {
      definition: ProcessDefinition;
      records: RecordStore;
      access: RecordAccess;
      tasks: TaskStore;
      audit: RecordAudit;
      rights: Pick<Rights, 'isFrom'>;
      stages: StageEntry;
      clock: Clock;
    },
  ) {}

  /**
   * Whether this person may move the record there now; the refusal says why. Closing as lost or
   * junk is possible from any open stage; any other move must be declared from this stage. The
   * target's `onlyBy` names who may enter it; the required fields hold only on the way forward.
   * The record was reached for this actor, so it is one they may act on.
   */
  async check(record: ReachedRecord, to: string, actor: Actor): Promise<Stage> {
    const pipeline = pipelineOf(this.deps.definition, record.pipeline);
    const stage = stageOf(pipeline, record.stage);
    if (isFinal(stage) || record.closed) throw new ProcessError('closed');
    const target = pipeline.stages.find((candidate) => candidate.id === to);
    if (!target) throw new ProcessError('move_not_allowed');
    if (!isClosing(target) && !stage.moves.includes(to)) throw new ProcessError('move_not_allowed');
    if (!(await this.mayEnter(actor, target))) throw new ProcessError('not_allowed');
    if (!isClosing(target)) checkCanLeave(pipeline, record, stage, to);
    return target;
  }

  /** The same checks, for a button that asks something (a reason) before moving. */
  async checkFor(subject: TaskSubject, to: string, actor: Actor): Promise<Stage> {
    return this.check(await this.deps.access.open(subject, actor), to, actor);
  }

  async move(subject: TaskSubject, to: string, actor: Actor, reason?: string): Promise<void> {
    await this.apply(await this.deps.access.open(subject, actor), to, actor, reason);
  }

  /** The move itself, on a record reached for this actor. */
  async apply(record: ReachedRecord, to: string, actor: Actor, reason?: string): Promise<void> {
    const target = await this.check(record, to, actor);
    const why = reason?.trim();
    if (isClosing(target) && !why) throw new ProcessError('reason_required');
    await this.deps.stages.transition(record, to);
    // Written once the move happened, so a refused or stale move leaves no reason behind.
    if (isClosing(target) && why) await this.closed(record, target, actor, why);
  }

  /** The stage a lead is closed to as junk, or a deal as lost. */
  closingStage(record: ProcessRecord): Stage {
    const stage = pipelineOf(this.deps.definition, record.pipeline).stages.find(
      (candidate) => candidate.kind === (record.subject.kind === 'lead' ? 'junk' : 'lost'),
    );
    if (!stage) throw new ProcessError('move_not_allowed');
    return stage;
  }

  private async mayEnter(actor: Actor, target: Stage): Promise<boolean> {
    if (target.onlyBy.length === 0) return true;
    for (const department of target.onlyBy)
      if (await this.deps.rights.isFrom(actor, department)) return true;
    return false;
  }

  /**
   * The reason is kept on the record and in its audit; a problem still open is settled by the
   * closing, so its red task does not linger on a closed deal.
   */
  private async closed(
    record: ProcessRecord,
    target: Stage,
    actor: Actor,
    reason: string,
  ): Promise<void> {
    const now = this.deps.clock.now();
    const byUserId = actor.kind === 'user' ? actor.user.id : undefined;
    await this.deps.records.setFields(record.subject, {
      [target.kind === 'lost' ? 'lostReason' : 'junkReason']: reason,
      ...(record.fields.openProblem ? { openProblem: null } : {}),
    });
    if (record.fields.openProblem) {
      const red = await this.deps.tasks.listOpen({ subject: record.subject });
      for (const task of red.filter((open) => open.problem))
        await this.deps.tasks.markDone(task.id, now);
    }
    await this.deps.audit.record({
      ...(byUserId ? { actorUserId: byUserId } : {}),
      action: `${record.subject.kind}.${target.kind}`,
      subject: { kind: record.subject.kind, id: record.subject.id },
      before: { stage: record.stage },
      after: { stage: target.id, reason },
      at: now,
    });
  }
}
