import type { Types } from 'mongoose';
import type { ReportsStore } from '../../app/reports/ports';
import type { DigestLatch } from '../../app/reports/daily-digest';
import { isDuplicateKeyError } from '../database';
import type { Locale, Role } from '../../domain/user';
import { ALERT_CHAT } from './organisation.repository';
import type { Models } from '../models';
import { createPlanStore } from './plan.repository';
import { createReplyWaitStore } from './reply-waits.repository';
import { createReportView } from './report-view';
import { heldIn, recordsOf } from './report-records';
import { inChunks, oid } from './plain';

/**
 * At most this many documents per query: a report over more is cut (and still answers) rather
 * than holding the database; 10k leads, 3k deals and 100k messages fit (PERFORMANCE.md).
 */
const MAX_DOCUMENTS = 200_000;

type Id = Types.ObjectId;
const hex = (id: Id | null | undefined) => (id ? id.toHexString() : undefined);
const HOLDERS = { 'responsibles.sales': 1, 'responsibles.operations': 1 };

/**
 * Leads, deals and tasks come from this process's report view (report-view.ts), brought up to
 * date with what changed; plans, replies' waits and waiting conversations from the database.
 */
export function createReportsStore(models: Models): ReportsStore {
  const { Lead, Deal, Conversation, User, Department } = models;
  const plans = createPlanStore(models);
  const replyWaits = createReplyWaitStore(models);
  const view = createReportView(models);

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

    async records(from) {
      return recordsOf(await view.facts(from));
    },

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
      const heldOf = async (model: typeof Lead, kind: 'lead' | 'deal', ids: Id[]) => {
        const held = heldIn(scope, kind);
        const out = new Set<string>();
        for (const part of inChunks(ids)) {
          const docs = await model
            .find({ _id: { $in: part } })
            .select(HOLDERS)
            .lean();
          for (const { _id, responsibles } of docs) {
            const holders = {
              salesId: hex(responsibles?.sales),
              operationsId: hex(responsibles?.operations),
            };
            if (held(holders)) out.add(_id.toHexString());
          }
        }
        return out;
      };
      const [leads, deals] = await Promise.all([
        heldOf(
          Lead,
          'lead',
          waiting.flatMap((doc) => (doc.leadId ? [doc.leadId] : [])),
        ),
        heldOf(
          Deal as unknown as typeof Lead,
          'deal',
          waiting.flatMap((doc) => (doc.dealId ? [doc.dealId] : [])),
        ),
      ]);
      return waiting
        .filter((doc) => deals.has(hex(doc.dealId) ?? '') || leads.has(hex(doc.leadId) ?? ''))
        .map((doc) => doc.awaitingReplySince!);
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
