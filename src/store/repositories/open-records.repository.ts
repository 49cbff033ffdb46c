import type { Types } from 'mongoose';
import type { OpenRecords } from '../../app/messaging/ports';
import type { Responsibles } from '../../domain/department';
import { distinct, groupedById, groupedLookup } from '../grouped-reads';
import type { Models } from '../models';
import { oid, plain } from './plain';

interface RecordHead {
  _id: Types.ObjectId;
  contactId: Types.ObjectId;
  closed: unknown;
  createdAt: Date;
  responsibles?: Record<string, Types.ObjectId | undefined>;
  number?: number;
  stage: string;
  /** A deal's type, which is its pipeline. */
  type?: string;
}

export function createOpenRecords(models: Models): OpenRecords {
  const { Deal, Lead } = models;
  // The newest open record of each contact of a batch. `closed` is checked here: a contact has
  // few records, and `{contactId: {$in}}` alone is what every engine serves from the index.
  const heads = {
    _id: 1,
    contactId: 1,
    closed: 1,
    createdAt: 1,
    responsibles: 1,
    number: 1,
    stage: 1,
  } as const;
  const openOf = (find: (contactIds: Types.ObjectId[]) => Promise<RecordHead[]>) =>
    groupedLookup<string, RecordHead>({
      find: async (contactIds) =>
        (await find(distinct(contactIds).map(oid))).filter((doc) => doc.closed === false),
      matches: (doc, contactId) => doc.contactId.toHexString() === contactId,
      better: (candidate, current) => candidate.createdAt > current.createdAt,
    });
  const openDeal = openOf((ids) =>
    Deal.find({ contactId: { $in: ids } })
      .select({ ...heads, type: 1 })
      .lean<RecordHead[]>(),
  );
  const openLead = openOf((ids) =>
    Lead.find({ contactId: { $in: ids } })
      .select(heads)
      .lean<RecordHead[]>(),
  );
  const dealById = groupedById(
    (ids) =>
      Deal.find({ _id: { $in: ids } })
        .select({ ...heads, type: 1 })
        .lean<RecordHead[]>(),
    oid,
  );
  const leadById = groupedById(
    (ids) =>
      Lead.find({ _id: { $in: ids } })
        .select(heads)
        .lean<RecordHead[]>(),
    oid,
  );
  const toOpen = (kind: 'deal' | 'lead', head: RecordHead) => ({
    subject: { kind, id: head._id.toHexString() },
    responsibles: plain<Responsibles>(head.responsibles ?? {}),
    place: { pipeline: kind === 'deal' ? (head.type ?? '') : 'lead', stage: head.stage },
    ...(typeof head.number === 'number' ? { number: head.number } : {}),
  });
  return {
    async openRecordOf(contactId) {
      // A deal outranks a lead; both are asked at once.
      const [deal, lead] = await Promise.all([openDeal(contactId), openLead(contactId)]);
      if (deal) return toOpen('deal', deal);
      return lead ? toOpen('lead', lead) : undefined;
    },
    async ifOpen(subject) {
      const head = await (subject.kind === 'deal' ? dealById : leadById)(subject.id);
      return head && head.closed === false ? toOpen(subject.kind, head) : undefined;
    },
  };
}
