import type { Types } from 'mongoose';
import type { OpenRecords } from '../../app/messaging/ports';
import type { Responsibles } from '../../domain/department';
import { distinct, groupedLookup } from '../grouped-reads';
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
  return {
    async openRecordOf(contactId) {
      // A deal outranks a lead; both are asked at once.
      const [deal, lead] = await Promise.all([openDeal(contactId), openLead(contactId)]);
      const open = deal ?? lead;
      if (!open) return undefined;
      return {
        subject: { kind: deal ? 'deal' : 'lead', id: open._id.toHexString() },
        responsibles: plain<Responsibles>(open.responsibles ?? {}),
        place: { pipeline: deal ? (deal.type ?? '') : 'lead', stage: open.stage },
        ...(typeof open.number === 'number' ? { number: open.number } : {}),
      };
    },
  };
}
