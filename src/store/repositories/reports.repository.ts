/**
 * Over 300 lines on purpose: every report's reads, each shaped for what the engines serve from
 * an index (equality plus one range, no `$in`/`$or` lists), kept together so they stay alike.
 */
import type { Types } from 'mongoose';
import type { Range } from '../../domain/report-period';
import type { DealRow, LeadRow, ReportScope, ReportsStore, WonDeal } from '../../app/reports/ports';
import type { DigestLatch } from '../../app/reports/daily-digest';
import { isDuplicateKeyError } from '../database';
import type { LeadSource, Utm } from '../../domain/lead';
import type { Locale, Role } from '../../domain/user';
import { ALERT_CHAT } from './organisation.repository';
import type { Models } from '../models';
import { createPlanStore } from './plan.repository';
import { createReplyWaitStore } from './reply-waits.repository';
import { openLoadOf } from './open-load';
import { inChunks, oid } from './plain';

/**
 * At most this many documents per query: a report over more is cut (and still answers) rather
 * than holding the database; 10k leads, 3k deals and 100k messages fit (PERFORMANCE.md).
 */
const MAX_DOCUMENTS = 200_000;

type Id = Types.ObjectId;
const hex = (id: Id | null | undefined) => (id ? id.toHexString() : undefined);
const inRange = (range: Range) => ({ $gte: range.from, $lt: range.to });

type Holders = { sales?: Id | null; operations?: Id | null } | null | undefined;

/**
 * Whether the people in scope hold a record (in any of the slots that kind uses). Checked here,
 * on what an index-served read returned: an `$or` of `$in`s is a scan of every record on some
 * engines.
 */
function heldIn(scope: ReportScope, slots: readonly Slot[]): (holders: Holders) => boolean {
  if (scope.kind === 'all') return () => true;
  const people = new Set(scope.userIds);
  return (holders) =>
    // Only a lead waits for someone in sales to take it; a deal always has its seller.
    (scope.unassigned && slots === LEAD_SLOTS && !holders?.sales) ||
    slots.some((slot) => people.has(hex(holders?.[slot]) ?? ''));
}

type Slot = 'sales' | 'operations';
const LEAD_SLOTS: readonly Slot[] = ['sales'];
const DEAL_SLOTS: readonly Slot[] = ['sales', 'operations'];
const HOLDERS = { 'responsibles.sales': 1, 'responsibles.operations': 1 };

export function createReportsStore(models: Models, leadStages: readonly string[]): ReportsStore {
  const { Lead, Deal, Conversation, Task, User, Department } = models;
  const plans = createPlanStore(models);
  const replyWaits = createReplyWaitStore(models);

  const wonOf = (
    docs: {
      leadId?: Id | null;
      amount?: number | null;
      responsibles?: { sales?: Id | null } | null;
    }[],
  ): WonDeal[] =>
    docs.map((doc) => {
      const leadId = hex(doc.leadId);
      const salesId = hex(doc.responsibles?.sales);
      return {
        ...(leadId ? { leadId } : {}),
        ...(salesId ? { salesId } : {}),
        amount: typeof doc.amount === 'number' && Number.isFinite(doc.amount) ? doc.amount : 0,
      };
    });

  return {
    async people(departmentId) {
      const docs = await User.find(departmentId ? { departmentId: oid(departmentId) } : {})
        .select({ name: 1, roles: 1, departmentId: 1, active: 1 })
        .sort({ createdAt: 1 })
        .lean();
      return docs.map((doc) => ({
        id: doc._id.toHexString(),
        name: doc.name,
        roles: doc.roles as Role[],
        ...(doc.departmentId ? { departmentId: doc.departmentId.toHexString() } : {}),
        active: doc.active,
      }));
    },

    async departments() {
      const docs = await Department.find().sort({ code: 1 }).lean();
      return docs.map((doc) => ({ id: doc._id.toHexString(), code: doc.code, name: doc.name }));
    },

    async leadsCreated(range, scope) {
      // `{stage, createdAt}` serves this: every stage of the lead pipeline, one range each (an
      // `$in` of the stages is served on some engines by scanning every lead).
      const held = heldIn(scope, LEAD_SLOTS);
      const perStage = await Promise.all(
        [...leadStages].map((stage) =>
          Lead.find({ stage, createdAt: inRange(range) })
            .select({ stage: 1, source: 1, utm: 1, 'responsibles.sales': 1 })
            .limit(MAX_DOCUMENTS)
            .lean(),
        ),
      );
      return perStage
        .flat()
        .filter((doc) => held(doc.responsibles))
        .map((doc): LeadRow => {
          const salesId = hex(doc.responsibles?.sales);
          return {
            id: doc._id.toHexString(),
            stage: doc.stage,
            source: doc.source as LeadSource,
            utm: (doc.utm ?? {}) as Utm,
            ...(salesId ? { salesId } : {}),
          };
        });
    },

    async dealsCreated(range, scope) {
      const held = heldIn(scope, DEAL_SLOTS);
      const docs = await Deal.find({ createdAt: inRange(range) })
        .select({ type: 1, stage: 1, ...HOLDERS })
        .limit(MAX_DOCUMENTS)
        .lean();
      return docs
        .filter((doc) => held(doc.responsibles))
        .map((doc): DealRow => ({ type: doc.type, stage: doc.stage }));
    },

    async wonDealsOfLeads(leadIds, since) {
      // The deals won since these leads began (a deal is closed after its lead was made), then
      // those of these leads: `{closed, closedAt}` serves both reads (a range; an equality for
      // deals closed before `closedAt` was kept), where lists of lead ids (`$in`) were a scan of
      // every deal per list on some engines, and every won deal ever grows with the years.
      const wanted = new Set(leadIds);
      const fields = { leadId: 1, amount: 1, 'responsibles.sales': 1 };
      const found = await Promise.all([
        Deal.find({ closed: 'won', closedAt: { $gte: since } })
          .select(fields)
          .limit(MAX_DOCUMENTS)
          .lean(),
        Deal.find({ closed: 'won', closedAt: null }).select(fields).limit(MAX_DOCUMENTS).lean(),
      ]);
      return wonOf(
        found.flat().filter((doc) => doc.leadId && wanted.has(doc.leadId.toHexString())),
      );
    },

    async wonDealsIn(range, scope) {
      // Two reads `{closed, closedAt}` serves (an equality and a range; two equalities), where
      // one `$or` of both was a scan of every deal. Deals closed before `closedAt` was kept are
      // dated by their last change.
      const held = heldIn(scope, DEAL_SLOTS);
      const fields = { leadId: 1, amount: 1, updatedAt: 1, ...HOLDERS };
      const [dated, undated] = await Promise.all([
        Deal.find({ closed: 'won', closedAt: inRange(range) })
          .select(fields)
          .limit(MAX_DOCUMENTS)
          .lean(),
        Deal.find({ closed: 'won', closedAt: null }).select(fields).limit(MAX_DOCUMENTS).lean(),
      ]);
      const changedIn = (doc: { updatedAt?: Date | null }) =>
        doc.updatedAt !== undefined &&
        doc.updatedAt !== null &&
        doc.updatedAt >= range.from &&
        doc.updatedAt < range.to;
      return wonOf(
        [...dated, ...undated.filter(changedIn)].filter((doc) => held(doc.responsibles)),
      );
    },

    // Per person, served by an index (open-load.ts); overdue tasks come with `overdueTasks`.
    openLoad: (userIds) => openLoadOf(models, userIds),

    replies: (range) => replyWaits.between(range),

    async waitingSince(scope) {
      // `{open, awaitingReplySince}`, the index the SLA ladder reads: an equality and a range
      // (any moment at all), which every engine serves from it, where `$ne: null` is a scan.
      const waiting = await Conversation.find({
        open: true,
        awaitingReplySince: { $gt: new Date(0) },
      })
        .select({ awaitingReplySince: 1, leadId: 1, dealId: 1 })
        .limit(MAX_DOCUMENTS)
        .lean();
      if (scope.kind === 'all') return waiting.map((doc) => doc.awaitingReplySince!);
      // Their records by `_id` lists (a point lookup each), who holds them checked here.
      const heldOf = async (model: typeof Lead, slots: readonly Slot[], ids: Id[]) => {
        const held = heldIn(scope, slots);
        const out = new Set<string>();
        for (const part of inChunks(ids)) {
          const docs = await model
            .find({ _id: { $in: part } })
            .select(HOLDERS)
            .lean();
          for (const doc of docs) if (held(doc.responsibles)) out.add(doc._id.toHexString());
        }
        return out;
      };
      const [leads, deals] = await Promise.all([
        heldOf(
          Lead,
          LEAD_SLOTS,
          waiting.flatMap((doc) => (doc.leadId ? [doc.leadId] : [])),
        ),
        heldOf(
          Deal as unknown as typeof Lead,
          DEAL_SLOTS,
          waiting.flatMap((doc) => (doc.dealId ? [doc.dealId] : [])),
        ),
      ]);
      return waiting
        .filter((doc) => deals.has(hex(doc.dealId) ?? '') || leads.has(hex(doc.leadId) ?? ''))
        .map((doc) => doc.awaitingReplySince!);
    },

    async overdueTasks(scope, now, limit) {
      // Every overdue task once, oldest first, from `{status, due}` (an equality and a range):
      // the count, the oldest few and each person's overdue all come from it, where a count, a
      // page and a count per person read them three times.
      const people = scope.kind === 'all' ? undefined : new Set(scope.userIds);
      const docs = await Task.find({ status: 'open', due: { $lt: now } })
        .select({ title: 1, assigneeId: 1, due: 1 })
        .sort({ due: 1 })
        .limit(MAX_DOCUMENTS)
        .lean();
      const tasks = docs
        .map((doc) => ({
          title: { ru: doc.title.ru ?? '', en: doc.title.en ?? '' },
          assigneeId: doc.assigneeId.toHexString(),
          due: doc.due,
        }))
        .filter((task) => !people || people.has(task.assigneeId));
      const byAssignee = new Map<string, number>();
      for (const task of tasks) {
        byAssignee.set(task.assigneeId, (byAssignee.get(task.assigneeId) ?? 0) + 1);
      }
      return { count: tasks.length, top: tasks.slice(0, limit), byAssignee };
    },

    async plans(month) {
      return new Map((await plans.targets(month)).map((plan) => [plan.userId, plan.target]));
    },

    setPlan: (userId, month, target) => plans.set(userId, month, target),
  };
}

const DIGEST_DAY = 'digest.lastDay';

/**
 * The day the last digest went out, as one setting: the claim is one conditional upsert, so of
 * two processes claiming the same day one wins (the other hits the unique key).
 */
export function createDigestLatch(models: Models): DigestLatch {
  const { Setting } = models;
  return {
    async claim(day) {
      try {
        await Setting.updateOne(
          { key: DIGEST_DAY, value: { $ne: day } },
          { $set: { value: day } },
          { upsert: true },
        );
        return true;
      } catch (error) {
        if (isDuplicateKeyError(error)) return false;
        throw error;
      }
    },
    async release(day) {
      await Setting.deleteOne({ key: DIGEST_DAY, value: day });
    },
  };
}

/**
 * Where the digest goes: the heads' group chat once an admin set one (`/set_alerts`), in the
 * company's language; else each active head, in their own.
 */
export function createDigestRecipients(models: Models, chatLocale: Locale) {
  const { Setting, User } = models;
  return async (): Promise<{ chatId: number; language: Locale }[]> => {
    const chat = (await Setting.findOne({ key: ALERT_CHAT }).lean())?.value;
    if (typeof chat === 'number') return [{ chatId: chat, language: chatLocale }];
    const heads = await User.find({ active: true, roles: 'head' })
      .select({ telegramId: 1, language: 1 })
      .lean();
    return heads.map((head) => ({ chatId: head.telegramId, language: head.language as Locale }));
  };
}
