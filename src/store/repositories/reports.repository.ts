import type { Types } from 'mongoose';
import type { Range } from '../../domain/report-period';
import type { DealRow, LeadRow, ReportScope, ReportsStore, WonDeal } from '../../app/reports/ports';
import type { DigestLatch } from '../../app/reports/daily-digest';
import { isDuplicateKeyError } from '../database';
import type { LeadSource, Utm } from '../../domain/lead';
import type { Locale, Role } from '../../domain/user';
import { ALERT_CHAT } from './organisation.repository';
import type { Models } from '../models';
import { createListStore } from './lists.repository';
import { createPlanStore } from './plan.repository';
import { createReplyWaitStore } from './reply-waits.repository';
import { oid } from './plain';

/**
 * At most this many documents per query: a report over more is cut (and still answers) rather
 * than holding the database; 10k leads, 3k deals and 100k messages fit (PERFORMANCE.md).
 */
const MAX_DOCUMENTS = 200_000;
/** Conversation ids per `$in`, so one query's filter stays small. */
const IN_CHUNK = 1000;

type Id = Types.ObjectId;
const hex = (id: Id | null | undefined) => (id ? id.toHexString() : undefined);
const inRange = (range: Range) => ({ $gte: range.from, $lt: range.to });

function chunks<T>(values: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}

const LEAD_SLOTS = ['sales'];
const DEAL_SLOTS = ['sales', 'operations'];

/** Records held by the people in scope (in any of the slots that kind uses). */
function scopeFilter(slots: readonly string[], scope: ReportScope): Record<string, unknown> {
  if (scope.kind === 'all') return {};
  const people = scope.userIds.map(oid);
  const branches: Record<string, unknown>[] = slots.map((slot) => ({
    [`responsibles.${slot}`]: { $in: people },
  }));
  // Only a lead waits for someone in sales to take it; a deal always has its seller.
  if (scope.unassigned && slots === LEAD_SLOTS) branches.push({ 'responsibles.sales': null });
  return { $or: branches };
}

export function createReportsStore(models: Models, leadStages: readonly string[]): ReportsStore {
  const { Lead, Deal, Conversation, Task, User, Department } = models;
  const lists = createListStore(models);
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
      const perStage = await Promise.all(
        [...leadStages].map((stage) =>
          Lead.find({ stage, createdAt: inRange(range), ...scopeFilter(LEAD_SLOTS, scope) })
            .select({ stage: 1, source: 1, utm: 1, 'responsibles.sales': 1 })
            .limit(MAX_DOCUMENTS)
            .lean(),
        ),
      );
      return perStage.flat().map((doc): LeadRow => {
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
      const docs = await Deal.find({ createdAt: inRange(range), ...scopeFilter(DEAL_SLOTS, scope) })
        .select({ type: 1, stage: 1 })
        .limit(MAX_DOCUMENTS)
        .lean();
      return docs.map((doc): DealRow => ({ type: doc.type, stage: doc.stage }));
    },

    async wonDealsOfLeads(leadIds) {
      // The won deals, then those of these leads: `{closed}` serves the first as an equality,
      // where lists of lead ids (`$in`) were a scan of every deal per list on some engines.
      const wanted = new Set(leadIds);
      const docs = await Deal.find({ closed: 'won' })
        .select({ leadId: 1, amount: 1, 'responsibles.sales': 1 })
        .limit(MAX_DOCUMENTS)
        .lean();
      return wonOf(docs.filter((doc) => doc.leadId && wanted.has(doc.leadId.toHexString())));
    },

    async wonDealsIn(range, scope) {
      // Deals closed before `closedAt` was kept are dated by their last change.
      const docs = await Deal.find({
        closed: 'won',
        $and: [
          { $or: [{ closedAt: inRange(range) }, { closedAt: null, updatedAt: inRange(range) }] },
          scopeFilter(DEAL_SLOTS, scope),
        ],
      })
        .select({ leadId: 1, amount: 1, 'responsibles.sales': 1 })
        .limit(MAX_DOCUMENTS)
        .lean();
      return wonOf(docs);
    },

    openLoad: (userIds, now) => lists.teamCounts(userIds, now),

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
      const held = async (model: typeof Lead, slots: readonly string[], ids: Id[]) => {
        const out = new Set<string>();
        for (const part of chunks(ids, IN_CHUNK)) {
          const docs = await model
            .find({ _id: { $in: part }, ...scopeFilter(slots, scope) })
            .select({ _id: 1 })
            .lean();
          for (const doc of docs) out.add(doc._id.toHexString());
        }
        return out;
      };
      const [leads, deals] = await Promise.all([
        held(
          Lead,
          LEAD_SLOTS,
          waiting.flatMap((doc) => (doc.leadId ? [doc.leadId] : [])),
        ),
        held(
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
      const filter = {
        status: 'open' as const,
        due: { $lt: now },
        ...(scope.kind === 'all' ? {} : { assigneeId: { $in: scope.userIds.map(oid) } }),
      };
      const [count, docs] = await Promise.all([
        Task.countDocuments(filter),
        Task.find(filter)
          .select({ title: 1, assigneeId: 1, due: 1 })
          .sort({ due: 1 })
          .limit(limit)
          .lean(),
      ]);
      return {
        count,
        top: docs.map((doc) => ({
          title: { ru: doc.title.ru ?? '', en: doc.title.en ?? '' },
          assigneeId: doc.assigneeId.toHexString(),
          due: doc.due,
        })),
      };
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
