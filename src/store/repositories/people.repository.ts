import type { Types } from 'mongoose';
import type { PeopleStore } from '../../app/process/people-cards';
import type { Company } from '../../domain/company';
import type { Contact } from '../../domain/contact';
import type { Models } from '../models';
import { oid, plain } from './plain';
import { toProcessRecord } from './record.repository';

export function createPeopleStore(models: Models): PeopleStore {
  const { Contact: ContactModel, Company: CompanyModel, Lead, Deal } = models;
  const recordsOf = async (contactIds: Types.ObjectId[]) => {
    const [leads, deals] = await Promise.all([
      Lead.find({ contactId: { $in: contactIds } }).lean(),
      Deal.find({ contactId: { $in: contactIds } }).lean(),
    ]);
    return [
      ...leads.map((doc) => toProcessRecord('lead', doc)),
      ...deals.map((doc) => toProcessRecord('deal', doc)),
    ];
  };
  return {
    async contact(id) {
      const doc = await ContactModel.findById(oid(id)).lean();
      if (!doc) return undefined;
      const company = doc.companyId ? await CompanyModel.findById(doc.companyId).lean() : null;
      return {
        contact: plain<Contact>(doc),
        ...(company ? { company: plain<Company>(company) } : {}),
        records: await recordsOf([doc._id]),
      };
    },
    async company(id) {
      const doc = await CompanyModel.findById(oid(id)).lean();
      if (!doc) return undefined;
      const contacts = await ContactModel.find({ companyId: doc._id }).lean();
      return {
        company: plain<Company>(doc),
        contacts: contacts.map((contact) => plain<Contact>(contact)),
        records: await recordsOf(contacts.map((contact) => contact._id)),
      };
    },
  };
}
