import type { ListStore, RecordKind, TeamCounts } from '../../app/lists/lists';
import type { ResponsibleSlot } from '../../domain/department';
import type { User } from '../../domain/user';
import type { Models } from '../models';
import { recordsIn } from '../scoped/access-filter';
import { toProcessRecord } from './record.repository';
import { toTask } from './task.repository';
import { openLoadOf, overdueOf } from './open-load';
import { oid, plain } from './plain';

/**
 * The responsible slots a list looks in, each served by a `{responsibles.<slot>, closed}` index.
 * Leads are held by sales only; `headOfSales` is set by no step of the default process.
 */
const SLOTS: Record<RecordKind, readonly ResponsibleSlot[]> = {
  lead: ['sales'],
  deal: ['sales', 'operations'],
};

const ids = (values: string[]) => [...new Set(values)].map(oid);

export function createListStore(models: Models): ListStore {
  const { Lead, Deal, Conversation, Contact, User: UserModel, Task } = models;

  /** One grouped count: how many matching documents each person holds in `field`. */
  return {
    async openRecords(kind, query, page) {
      const filter: Record<string, unknown> = {
        closed: false,
        ...recordsIn(query.scope, { slots: SLOTS[kind] }),
      };
      if (query.contactIds) filter.contactId = { $in: ids(query.contactIds) };
      if (query.stage) {
        filter.stage = query.stage.stage;
        if (kind === 'deal') filter.type = query.stage.pipeline;
      }
      const model = (kind === 'lead' ? Lead : Deal) as typeof Lead;
      const docs = await model
        .find(filter)
        .sort({ _id: -1 })
        .skip(page.skip)
        .limit(page.limit)
        .lean();
      return docs.map((doc) => {
        const record = toProcessRecord(kind, doc);
        return {
          subject: record.subject,
          ...(record.number === undefined ? {} : { number: record.number }),
          pipeline: record.pipeline,
          stage: record.stage,
          contactId: record.contactId,
          responsibles: record.responsibles,
        };
      });
    },

    async waitingContacts(since) {
      // `{open, awaitingReplySince}` is the index the SLA ladder reads too.
      const docs = await Conversation.find({ open: true, awaitingReplySince: { $lte: since } })
        .select({ contactId: 1 })
        .lean();
      return [...new Set(docs.map((doc) => doc.contactId.toHexString()))];
    },

    async waitingSince(contactIds) {
      if (contactIds.length === 0) return new Map();
      const docs = await Conversation.find({ contactId: { $in: ids(contactIds) }, open: true })
        .select({ contactId: 1, awaitingReplySince: 1 })
        .lean();
      const since = new Map<string, Date>();
      for (const doc of docs) {
        if (!doc.awaitingReplySince) continue;
        const key = doc.contactId.toHexString();
        const known = since.get(key);
        if (!known || doc.awaitingReplySince < known) since.set(key, doc.awaitingReplySince);
      }
      return since;
    },

    async contactNames(contactIds) {
      if (contactIds.length === 0) return new Map();
      const docs = await Contact.find({ _id: { $in: ids(contactIds) } })
        .select({ name: 1 })
        .lean();
      return new Map(
        docs.filter((doc) => doc.name).map((doc) => [doc._id.toHexString(), doc.name!]),
      );
    },

    async userNames(userIds) {
      if (userIds.length === 0) return new Map();
      const docs = await UserModel.find({ _id: { $in: ids(userIds) } })
        .select({ name: 1 })
        .lean();
      return new Map(docs.map((doc) => [doc._id.toHexString(), doc.name]));
    },

    async activePeople(departmentId) {
      const docs = await UserModel.find({
        active: true,
        ...(departmentId ? { departmentId: oid(departmentId) } : {}),
      })
        .sort({ createdAt: 1 })
        .lean();
      return docs.map((doc) => plain<User>(doc));
    },

    async openTasks(assigneeId, page) {
      const filter = { assigneeId: oid(assigneeId), status: 'open' as const };
      const [docs, total] = await Promise.all([
        Task.find(filter).sort({ due: 1 }).skip(page.skip).limit(page.limit).lean(),
        Task.countDocuments(filter),
      ]);
      return { tasks: docs.map(toTask), total };
    },

    async teamCounts(userIds, now) {
      const [load, overdue] = await Promise.all([
        openLoadOf(models, userIds),
        overdueOf(models, userIds, now),
      ]);
      const counts = new Map<string, TeamCounts>();
      for (const id of userIds) {
        const held = load.get(id);
        counts.set(id, {
          leads: held?.leads ?? 0,
          deals: held?.deals ?? 0,
          tasks: held?.tasks ?? 0,
          overdue: overdue.get(id) ?? 0,
        });
      }
      return counts;
    },
  };
}
