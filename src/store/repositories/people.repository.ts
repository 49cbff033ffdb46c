import type { Types } from 'mongoose';
import type { PeopleStore, RecordsBehind } from '../../app/process/people-cards';
import type { AccessScope } from '../../domain/access';
import type { Company } from '../../domain/company';
import type { Contact } from '../../domain/contact';
import type { Models } from '../models';
import { recordsIn } from '../scoped/access-filter';
import { oid, plain } from './plain';

export function createPeopleStore(models: Models): PeopleStore {
  const { Contact: ContactModel, Company: CompanyModel, Lead, Deal } = models;
  /** Open records counted, and one record in the scope looked for, in one parallel round. */
  const recordsBehind = async (
    scope: AccessScope,
    contactIds: Types.ObjectId[],
  ): Promise<RecordsBehind> => {
    const theirs = { contactId: { $in: contactIds } };
    const inScope = { ...theirs, ...recordsIn(scope) };
    const [openLeads, openDeals, lead, deal] = await Promise.all([
      Lead.countDocuments({ ...theirs, closed: false }),
      Deal.countDocuments({ ...theirs, closed: false }),
      Lead.findOne(inScope).select({ _id: 1 }).lean(),
      Deal.findOne(inScope).select({ _id: 1 }).lean(),
    ]);
    return { open: openLeads + openDeals, visible: !!lead || !!deal };
  };
  return {
    async contact(scope, id) {
      const doc = await ContactModel.findById(oid(id)).lean();
      if (!doc) return undefined;
      const company = doc.companyId ? await CompanyModel.findById(doc.companyId).lean() : null;
      return {
        contact: plain<Contact>(doc),
        ...(company ? { company: plain<Company>(company) } : {}),
        records: await recordsBehind(scope, [doc._id]),
      };
    },
    async company(scope, id) {
      const doc = await CompanyModel.findById(oid(id)).lean();
      if (!doc) return undefined;
      const contacts = await ContactModel.find({ companyId: doc._id }).lean();
      return {
        company: plain<Company>(doc),
        contacts: contacts.map((contact) => plain<Contact>(contact)),
        records: await recordsBehind(
          scope,
          contacts.map((contact) => contact._id),
        ),
      };
    },
  };
}
