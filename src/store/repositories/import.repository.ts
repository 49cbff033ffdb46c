import { Types } from 'mongoose';
import type { ImportStore } from '../../app/import/ports';
import type { Models } from '../models';
import { oid } from './plain';

/**
 * Bulk reads and writes of an import: one query or one write per batch of rows, never one per
 * row. Companies are matched by their exact stored name (FerretDB has no collation); names in one
 * file that differ only in case make one company.
 */
export function createImportStore(models: Models): ImportStore {
  const { Contact, Company, Lead, Deal, AuditEvent } = models;
  return {
    async findContacts({ phones, emails }) {
      const or: Record<string, unknown>[] = [];
      if (phones.length > 0) or.push({ phones: { $in: phones } });
      if (emails.length > 0) or.push({ emails: { $in: emails } });
      if (or.length === 0) return [];
      // The oldest first: when a merge left two, the older one is the contact everyone uses.
      const docs = await Contact.find({ $or: or })
        .select({ phones: 1, emails: 1, createdAt: 1 })
        .sort({ createdAt: 1 })
        .lean();
      return docs.map((doc) => ({
        id: doc._id.toHexString(),
        phones: [...doc.phones],
        emails: [...doc.emails],
      }));
    },

    async ensureCompanies(names) {
      const wanted = new Map<string, string>();
      for (const name of names) {
        const key = name.toLowerCase();
        if (!wanted.has(key)) wanted.set(key, name);
      }
      const ids = new Map<string, string>();
      if (wanted.size === 0) return ids;
      const found = await Company.find({ name: { $in: [...wanted.values()] } })
        .select({ name: 1 })
        .lean();
      for (const doc of found) {
        const key = doc.name.toLowerCase();
        if (!ids.has(key)) ids.set(key, doc._id.toHexString());
      }
      const missing = [...wanted].filter(([key]) => !ids.has(key));
      if (missing.length > 0) {
        const created = await Company.insertMany(missing.map(([, name]) => ({ name })));
        missing.forEach(([key], index) => ids.set(key, created[index]!._id.toHexString()));
      }
      return ids;
    },

    async insertContacts(contacts) {
      if (contacts.length === 0) return [];
      const created = await Contact.insertMany(
        contacts.map((contact) => ({
          ...contact,
          identityKeys: [],
          companyId: contact.companyId ? oid(contact.companyId) : undefined,
        })),
      );
      return created.map((doc) => doc._id.toHexString());
    },

    async enrichContacts(updates) {
      if (updates.length === 0) return;
      await Contact.bulkWrite(
        updates.flatMap(({ id, name, phones, emails, companyId }) => {
          const _id = new Types.ObjectId(id);
          return [
            {
              updateOne: {
                filter: { _id },
                update: { $addToSet: { phones: { $each: phones }, emails: { $each: emails } } },
              },
            },
            // What a manager entered is never overwritten: only blanks are filled.
            { updateOne: { filter: { _id, name: null }, update: { $set: { name } } } },
            ...(companyId
              ? [
                  {
                    updateOne: {
                      filter: { _id, companyId: null },
                      update: { $set: { companyId: oid(companyId) } },
                    },
                  },
                ]
              : []),
          ];
        }),
        { ordered: true },
      );
    },

    async contactsWithOpenRecords(contactIds) {
      const busy = new Set<string>();
      if (contactIds.length === 0) return busy;
      const ids = contactIds.map(oid);
      const [leads, deals] = await Promise.all([
        Lead.find({ contactId: { $in: ids }, closed: false })
          .select({ contactId: 1 })
          .lean(),
        Deal.find({ contactId: { $in: ids }, closed: false })
          .select({ contactId: 1 })
          .lean(),
      ]);
      for (const doc of [...leads, ...deals]) busy.add(doc.contactId.toHexString());
      return busy;
    },

    async audit(event) {
      await AuditEvent.create({
        ...event,
        actorUserId: event.actorUserId ? oid(event.actorUserId) : undefined,
      });
    },
  };
}
