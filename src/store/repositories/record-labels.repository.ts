import type { RecordLabel, RecordLabels } from '../../app/process/record-labels';
import type { TaskSubject } from '../../domain/task';
import type { Models } from '../models';
import { cachedRead } from '../read-cache';
import { groupedById } from '../grouped-reads';
import { oid } from './plain';
import { toProcessRecord } from './record.repository';

const isObjectId = (id: string) => /^[0-9a-f]{24}$/.test(id);

/**
 * Labels for the cards shown together: the leads, the deals and their clients are each read
 * once for all the cards asked for at the same time; staff names come from a cache (they change
 * by an admin's command).
 */
export function createRecordLabels(models: Models): RecordLabels {
  const { Lead, Deal, Contact, Conversation, User } = models;
  const staffNames = cachedRead(['users'], async () => {
    const users = await User.find({}, { name: 1 }).lean();
    return new Map(users.map((user) => [user._id.toHexString(), user.name]));
  });

  // Lookups asked for while one is in flight (cards of a delivery round) go out as one find.
  const leadById = groupedById((ids) => Lead.find({ _id: { $in: ids } }).lean(), oid);
  const dealById = groupedById((ids) => Deal.find({ _id: { $in: ids } }).lean(), oid);
  const contactById = groupedById(
    (ids) => Contact.find({ _id: { $in: ids } }, { name: 1 }).lean(),
    oid,
  );
  const labelOf = async (subject: TaskSubject): Promise<RecordLabel | undefined> => {
    if (!isObjectId(subject.id)) return undefined;
    const doc = subject.kind === 'lead' ? await leadById(subject.id) : await dealById(subject.id);
    if (!doc) return undefined;
    const record = toProcessRecord(subject.kind, doc);
    const [contact, names] = await Promise.all([contactById(record.contactId), staffNames.get()]);
    const sales = record.responsibles.sales && names.get(record.responsibles.sales);
    return {
      subject: record.subject,
      ...(record.number === undefined ? {} : { number: record.number }),
      pipeline: record.pipeline,
      stage: record.stage,
      contactName: contact?.name ?? '',
      ...(sales ? { salesName: sales } : {}),
    };
  };

  const conversationById = groupedById(
    (ids) => Conversation.find({ _id: { $in: ids } }, { leadId: 1, dealId: 1 }).lean(),
    oid,
  );

  return {
    labelOf,
    async labelOfConversation(conversationId) {
      if (!isObjectId(conversationId)) return undefined;
      const conversation = await conversationById(conversationId);
      // A deal, once there is one, is what the client's conversation is about.
      if (conversation?.dealId)
        return labelOf({ kind: 'deal', id: conversation.dealId.toHexString() });
      if (conversation?.leadId)
        return labelOf({ kind: 'lead', id: conversation.leadId.toHexString() });
      return undefined;
    },
    async userNames(ids) {
      const names = await staffNames.get();
      const found = new Map<string, string>();
      for (const id of ids) {
        const name = names.get(id);
        if (name) found.set(id, name);
      }
      return found;
    },
  };
}
