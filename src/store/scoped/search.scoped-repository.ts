import type { FoundRecord, SearchStore } from '../../app/search/find-records';
import type { Models } from '../models';
import { toProcessRecord } from '../repositories/record.repository';
import { recordsIn } from './access-filter';

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Contacts carry no holder, so they are matched first; a lot more of them are read than records
 * are shown, since most may be other people's clients.
 */
const CONTACTS_PER_RECORD = 3;

/**
 * `/find` in the database: only the leads and deals the scope covers are read, so a manager's
 * search never brings other people's records into memory to be dropped there.
 */
export function createScopedSearch(models: Models): SearchStore {
  const { Contact, Company, Lead, Deal } = models;
  return {
    async find(scope, { words, phone, email, number }, limit) {
      const visible = recordsIn(scope);
      if (number !== undefined) {
        const [leads, deals] = await Promise.all([
          Lead.find({ number, ...visible })
            .limit(limit)
            .lean(),
          Deal.find({ number, ...visible })
            .limit(limit)
            .lean(),
        ]);
        const contactIds = [...leads, ...deals].map((doc) => doc.contactId);
        const contacts = await Contact.find({ _id: { $in: contactIds } }).lean();
        return found(contacts, leads, deals);
      }
      const filters: Record<string, unknown>[] = [];
      if (phone) filters.push({ phones: phone });
      if (email) filters.push({ emails: email });
      if (words) {
        const pattern = new RegExp(escape(words), 'i');
        const companies = await Company.find({ name: pattern })
          .limit(limit * CONTACTS_PER_RECORD)
          .lean();
        filters.push({ name: pattern });
        if (companies.length > 0) filters.push({ companyId: { $in: companies.map((c) => c._id) } });
      }
      const contacts = await Contact.find({ $or: filters })
        .limit(limit * CONTACTS_PER_RECORD)
        .lean();
      if (contacts.length === 0) return [];
      const ids = contacts.map((contact) => contact._id);
      const [leads, deals] = await Promise.all([
        Lead.find({ contactId: { $in: ids }, ...visible })
          .sort({ createdAt: -1 })
          .limit(limit)
          .lean(),
        Deal.find({ contactId: { $in: ids }, ...visible })
          .sort({ createdAt: -1 })
          .limit(limit)
          .lean(),
      ]);
      return found(contacts, leads, deals);
    },
  };

  /** The records with their client's and company's names. */
  async function found(
    contacts: { _id: unknown; name?: string | null; companyId?: unknown }[],
    leads: unknown[],
    deals: unknown[],
  ): Promise<FoundRecord[]> {
    const companyNames = new Map(
      (
        await Company.find({
          _id: { $in: contacts.map((c) => c.companyId).filter(Boolean) },
        }).lean()
      ).map((company) => [String(company._id), company.name]),
    );
    const contactOf = new Map(contacts.map((contact) => [String(contact._id), contact]));
    const toFound = (kind: 'lead' | 'deal', doc: unknown): FoundRecord => {
      const record = toProcessRecord(kind, doc);
      const contact = contactOf.get(record.contactId);
      const companyName = contact?.companyId
        ? companyNames.get(String(contact.companyId))
        : undefined;
      return {
        record,
        ...(contact?.name ? { contactName: contact.name } : {}),
        ...(companyName ? { companyName } : {}),
      };
    };
    return [...deals.map((d) => toFound('deal', d)), ...leads.map((l) => toFound('lead', l))];
  }
}
