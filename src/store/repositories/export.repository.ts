import type { Types } from 'mongoose';
import type { ExportStore, ExportedContact, ExportedPerson } from '../../app/export/ports';
import type { AccessScope } from '../../domain/access';
import type { LeadSource, Utm } from '../../domain/lead';
import type { Models } from '../models';
import { recordsIn } from '../scoped/access-filter';
import { oid } from './plain';

type Id = Types.ObjectId;
type Filter = Record<string, unknown>;

/** Who holds a record for a head's export: the same slots the lists look in. */
const scopeFilter = (kind: 'lead' | 'deal', scope: AccessScope): Filter =>
  recordsIn(scope, { slots: kind === 'lead' ? ['sales'] : ['sales', 'operations'], held: true });

const hex = (id: Id | null | undefined) => id?.toHexString();

/**
 * The export's pages: keyset pagination on `_id` (each page after the previous page's last id),
 * which stays cheap at any depth, unlike skip. Names are joined per page with one `$in` read each.
 */
export function createExportStore(models: Models): ExportStore {
  const { Lead, Deal, Contact, Company, User, AuditEvent } = models;

  async function* pages<T extends { _id: Id }>(
    read: (filter: Filter, limit: number) => Promise<T[]>,
    filter: Filter,
    size: number,
  ): AsyncGenerator<T[]> {
    let after: Id | undefined;
    for (;;) {
      const page = await read(after ? { $and: [filter, { _id: { $gt: after } }] } : filter, size);
      if (page.length === 0) return;
      yield page;
      if (page.length < size) return;
      after = page.at(-1)!._id;
    }
  }

  const names = async (model: typeof User | typeof Company, ids: (Id | null | undefined)[]) => {
    const wanted = [...new Set(ids.filter((id): id is Id => !!id).map((id) => id.toHexString()))];
    if (wanted.length === 0) return new Map<string, string>();
    const docs = await (model as typeof Company)
      .find({ _id: { $in: wanted.map(oid) } })
      .select({ name: 1 })
      .lean();
    return new Map(docs.map((doc) => [doc._id.toHexString(), doc.name]));
  };

  const people = async (contactIds: Id[]): Promise<Map<string, ExportedContact>> => {
    const docs = await Contact.find({ _id: { $in: contactIds } })
      .select({ name: 1, phones: 1, emails: 1, companyId: 1, createdAt: 1 })
      .lean();
    const companies = await names(
      Company,
      docs.map((doc) => doc.companyId),
    );
    return new Map(
      docs.map((doc) => {
        const company = doc.companyId ? companies.get(doc.companyId.toHexString()) : undefined;
        const contact: ExportedContact = {
          phones: [...doc.phones],
          emails: [...doc.emails],
          createdAt: (doc as { createdAt: Date }).createdAt,
          ...(doc.name ? { name: doc.name } : {}),
          ...(company ? { company } : {}),
        };
        return [doc._id.toHexString(), contact];
      }),
    );
  };
  const nobody: ExportedPerson = { phones: [], emails: [] };
  const contactOf = (found: Map<string, ExportedContact>, id: Id): ExportedPerson => {
    const contact = found.get(id.toHexString());
    if (!contact) return nobody;
    return {
      phones: contact.phones,
      emails: contact.emails,
      ...(contact.name ? { name: contact.name } : {}),
      ...(contact.company ? { company: contact.company } : {}),
    };
  };

  return {
    async *leads(scope, size) {
      const read = (filter: Filter, limit: number) =>
        Lead.find(filter).sort({ _id: 1 }).limit(limit).lean();
      for await (const page of pages(read, scopeFilter('lead', scope), size)) {
        const contacts = await people(page.map((doc) => doc.contactId));
        const users = await names(
          User,
          page.map((doc) => doc.responsibles?.sales),
        );
        yield page.map((doc) => {
          const sales = hex(doc.responsibles?.sales);
          return {
            createdAt: (doc as { createdAt: Date }).createdAt,
            stage: doc.stage,
            source: doc.source as LeadSource,
            utm: (doc.utm ?? {}) as Utm,
            contact: contactOf(contacts, doc.contactId),
            ...(sales && users.has(sales) ? { sales: users.get(sales)! } : {}),
          };
        });
      }
    },

    async *deals(scope, size) {
      const read = (filter: Filter, limit: number) =>
        Deal.find(filter).sort({ _id: 1 }).limit(limit).lean();
      for await (const page of pages(read, scopeFilter('deal', scope), size)) {
        const contacts = await people(page.map((doc) => doc.contactId));
        const users = await names(
          User,
          page.flatMap((doc) => [doc.responsibles?.sales, doc.responsibles?.operations]),
        );
        const nameOf = (id: Id | null | undefined) =>
          id ? users.get(id.toHexString()) : undefined;
        yield page.map((doc) => {
          const sales = nameOf(doc.responsibles?.sales);
          const operations = nameOf(doc.responsibles?.operations);
          return {
            createdAt: (doc as { createdAt: Date }).createdAt,
            type: doc.type,
            stage: doc.stage,
            contact: contactOf(contacts, doc.contactId),
            ...(typeof doc.amount === 'number' ? { amount: doc.amount } : {}),
            ...(doc.currency ? { currency: doc.currency } : {}),
            ...(sales ? { sales } : {}),
            ...(operations ? { operations } : {}),
          };
        });
      }
    },

    async *contacts(scope, size) {
      if (scope.kind === 'all') {
        const read = (filter: Filter, limit: number) =>
          Contact.find(filter).select({ _id: 1 }).sort({ _id: 1 }).limit(limit).lean();
        for await (const page of pages(read, {}, size)) {
          const found = await people(page.map((doc) => doc._id));
          yield page.flatMap((doc) => found.get(doc._id.toHexString()) ?? []);
        }
        return;
      }
      // The contacts of the department's leads and deals: their ids only are gathered (a few
      // bytes each), then the contacts are read a page at a time.
      const ids = new Set<string>();
      for (const [model, kind] of [
        [Lead, 'lead'],
        [Deal, 'deal'],
      ] as const) {
        const read = (filter: Filter, limit: number) =>
          (model as typeof Lead)
            .find(filter)
            .select({ contactId: 1 })
            .sort({ _id: 1 })
            .limit(limit)
            .lean();
        for await (const page of pages(read, scopeFilter(kind, scope), size)) {
          for (const doc of page) ids.add(doc.contactId.toHexString());
        }
      }
      const ordered = [...ids].sort();
      for (let start = 0; start < ordered.length; start += size) {
        const batch = ordered.slice(start, start + size).map(oid);
        const found = await people(batch);
        yield batch.flatMap((id) => found.get(id.toHexString()) ?? []);
      }
    },

    async audit(event) {
      await AuditEvent.create({
        ...event,
        actorUserId: event.actorUserId ? oid(event.actorUserId) : undefined,
      });
    },
  };
}
