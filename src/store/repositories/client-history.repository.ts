import type { HistoryStore } from '../../app/process/client-history';
import type { TaskSubject } from '../../domain/task';
import type { Models } from '../models';
import { recordsIn } from '../scoped/access-filter';
import { toMessage, type StoredMessage } from './message.repository';
import { oid } from './plain';
import { toProcessRecord } from './record.repository';
import { toTask } from './task.repository';

/** `{subject.kind, subject.id: {$in}}` per kind: the prefix of the tasks' subject index. */
function bySubjects(subjects: TaskSubject[]) {
  const kinds = (['lead', 'deal'] as const).filter((kind) => subjects.some((s) => s.kind === kind));
  return kinds.map((kind) => ({
    'subject.kind': kind,
    'subject.id': { $in: subjects.filter((s) => s.kind === kind).map((s) => oid(s.id)) },
  }));
}

/**
 * A client's conversation and tasks, read a page at a time: messages by `{conversationId,
 * sentAt}`, conversations by `{contactId}`, records by `{contactId}`, tasks by their subject.
 */
export function createHistoryStore(models: Models): HistoryStore {
  const { Conversation, Message, User, Lead, Deal, Task } = models;
  return {
    async conversationsOf(contactId) {
      const docs = await Conversation.find({ contactId: oid(contactId) }, { channel: 1 }).lean();
      return docs.map((doc) => ({ id: doc._id.toHexString(), channel: doc.channel }));
    },

    async messages(conversationIds, { skip, limit }) {
      const filter = { conversationId: { $in: conversationIds.map(oid) } };
      const [docs, total] = await Promise.all([
        Message.find(filter)
          .sort({ sentAt: -1, _id: -1 })
          .skip(skip)
          .limit(limit)
          .lean<StoredMessage[]>(),
        Message.countDocuments(filter),
      ]);
      return { messages: docs.map(toMessage), total };
    },

    async userNames(userIds) {
      if (userIds.length === 0) return new Map();
      const docs = await User.find({ _id: { $in: userIds.map(oid) } }, { name: 1 }).lean();
      return new Map(docs.map((doc) => [doc._id.toHexString(), doc.name]));
    },

    async recordsOf(scope, contactId) {
      const filter = { contactId: oid(contactId), ...recordsIn(scope) };
      const [leads, deals] = await Promise.all([
        Lead.find(filter).lean(),
        Deal.find(filter).lean(),
      ]);
      return [
        ...leads.map((doc) => toProcessRecord('lead', doc)),
        ...deals.map((doc) => toProcessRecord('deal', doc)),
      ];
    },

    async tasksOf(subjects, limit) {
      if (subjects.length === 0) return [];
      const $or = bySubjects(subjects);
      const [open, closed] = await Promise.all([
        Task.find({ $or, status: 'open' }).sort({ due: 1 }).limit(limit).lean(),
        Task.find({ $or, status: { $in: ['done', 'cancelled'] } })
          .sort({ updatedAt: -1 })
          .limit(limit)
          .lean(),
      ]);
      return [...open, ...closed].slice(0, limit).map(toTask);
    },
  };
}
