import { sameBurst } from '../../domain/conversation';
import type { Clock } from '../../domain/ports';
import type { ProcessDefinition } from '../../domain/process/definition';
import { Assignees } from './assignees';
import type { Notifier } from './notices';
import type { Directory, RecordStore, Timers } from './ports';

export interface SlaConversation {
  id: string;
  awaitingReplySince?: Date;
  leadId?: string;
  dealId?: string;
}

export interface SlaConversations {
  get(id: string): Promise<SlaConversation | undefined>;
  /** Marks the conversation as waiting unless it already waits; returns since when it waits. */
  startWaiting(id: string, since: Date): Promise<Date>;
  /**
   * `repliedAt`: the reply's time, stored as the conversation's last outbound in the same write;
   * `firstReplyAt`: the reply ended a wait (the earliest such is kept, for reports).
   */
  stopWaiting(id: string, repliedAt?: Date, firstReplyAt?: Date): Promise<void>;
  /** Notes that the customer wrote again while the conversation already waits. */
  touchInbound(id: string, at: Date): Promise<void>;
}

export interface SlaDeps {
  definition: ProcessDefinition;
  conversations: SlaConversations;
  records: RecordStore;
  directory: Directory;
  notifier: Notifier;
  timers: Timers;
  clock: Clock;
  /** Admins' own waits for the rungs (`/sla`), replacing the definition's when set. */
  thresholds?: { slaThresholds(): Promise<number[] | undefined> };
}

const timerKey = (conversationId: string) => `sla:${conversationId}`;

/** One rung's timer: the conversation, since when it waits (ISO), and the rung's index. */
export interface SlaStep {
  conversationId: string;
  since: string;
  step: number;
}

/**
 * "Answer in time" (PRODUCT.md, process 3): a client's unanswered message starts a ladder —
 * remind the responsible, pass to the dispatcher, alert the heads, alert again — counted from
 * the first unanswered message and stopped by a reply.
 */
export class SlaLadder {
  private readonly assignees: Assignees;

  constructor(private readonly deps: SlaDeps) {
    this.assignees = new Assignees(deps.directory);
  }

  /**
   * `known`: the conversation as the caller just read it. Already waiting, the clock keeps running
   * from the first unanswered message and only the conversation's recency is kept, once per burst
   * (`sameBurst`). A reply written between that read and now is taken as answering this message
   * too.
   */
  async clientWrote(
    conversationId: string,
    at: Date,
    known?: { awaitingReplySince?: Date; lastInboundAt?: Date },
  ): Promise<void> {
    const waiting = known?.awaitingReplySince;
    if (waiting && waiting <= at) {
      if (!sameBurst(known, at)) await this.deps.conversations.touchInbound(conversationId, at);
      return;
    }
    const since = await this.deps.conversations.startWaiting(conversationId, at);
    // Already waiting: the clock keeps counting from the first unanswered message.
    if (since.getTime() !== at.getTime()) return;
    await this.scheduleStep(conversationId, since, 0);
  }

  /**
   * A retry of the message that opened the wait: the first try may have armed the ladder, and
   * its early rungs may have fired since (a retry hours later), so it is armed again from its
   * next rung still ahead — never replayed, never left unarmed.
   */
  async resumedWaiting(conversationId: string, since: Date): Promise<void> {
    const now = this.deps.clock.now().getTime();
    const waits = await this.waits();
    const next = waits.findIndex((afterMs) => since.getTime() + afterMs > now);
    if (next >= 0) await this.scheduleStep(conversationId, since, next);
  }

  /** A conversation opened by a customer's message already waits from it (one write fewer). */
  async startedWaiting(conversationId: string, since: Date): Promise<void> {
    await this.scheduleStep(conversationId, since, 0, { fresh: true });
  }

  async managerReplied(conversationId: string, at?: Date, firstReplyAt?: Date): Promise<void> {
    await this.deps.conversations.stopWaiting(conversationId, at, firstReplyAt);
    await this.deps.timers.cancel(timerKey(conversationId));
  }

  async onStep({ conversationId, since, step }: SlaStep): Promise<void> {
    const conversation = await this.deps.conversations.get(conversationId);
    // Answered (or answered and written again) since this timer was set: it stands down.
    if (conversation?.awaitingReplySince?.toISOString() !== since) return;
    const rung = this.deps.definition.sla.ladder[step];
    if (!rung) return;
    const waitingMs = this.deps.clock.now().getTime() - new Date(since).getTime();
    const { notifier } = this.deps;

    if (rung.action === 'remind') {
      const responsible = await this.responsibleOf(conversation);
      await notifier.notifyUser(responsible, { kind: 'sla_reminder', conversationId, waitingMs });
    } else if (rung.action === 'pass') {
      const dispatcher = await this.dispatcher();
      await notifier.notifyUser(dispatcher, { kind: 'sla_passed', conversationId, waitingMs });
      await this.markOverdueIdentification(conversation);
    } else {
      await notifier.alertHeads({ kind: 'sla', conversationId, waitingMs });
    }
    await this.scheduleStep(conversationId, new Date(since), step + 1);
  }

  private async scheduleStep(
    conversationId: string,
    since: Date,
    step: number,
    options: { fresh?: boolean } = {},
  ): Promise<void> {
    const afterMs = (await this.waits())[step];
    if (afterMs === undefined) return;
    await this.deps.timers.schedule(
      timerKey(conversationId),
      new Date(since.getTime() + afterMs),
      'sla.step',
      { conversationId, since: since.toISOString(), step },
      options,
    );
  }

  /** Each rung's wait: the admins' own (`/sla`) where set, else the definition's. */
  private async waits(): Promise<number[]> {
    const own = await this.deps.thresholds?.slaThresholds();
    return this.deps.definition.sla.ladder.map((rung, step) => own?.[step] ?? rung.afterMs);
  }

  private async responsibleOf(conversation: SlaConversation): Promise<string> {
    const subject = conversation.dealId
      ? ({ kind: 'deal', id: conversation.dealId } as const)
      : conversation.leadId
        ? ({ kind: 'lead', id: conversation.leadId } as const)
        : undefined;
    const record = subject ? await this.deps.records.get(subject) : undefined;
    return record?.responsibles.sales ?? this.dispatcher();
  }

  /** The least-loaded dispatcher, or a head standing in (the same choice the engine makes). */
  private dispatcher(): Promise<string> {
    return this.assignees.pick('dispatcher');
  }

  /** Seed 003: a request nobody picked up in time is marked "overdue identification". */
  private async markOverdueIdentification(conversation: SlaConversation): Promise<void> {
    if (!conversation.leadId) return;
    const subject = { kind: 'lead', id: conversation.leadId } as const;
    const lead = await this.deps.records.get(subject);
    if (lead && !lead.responsibles.sales) {
      await this.deps.records.setFields(subject, { overdueIdentification: true });
    }
  }
}
