import type { ContactNames } from '../../app/process/record-card';
import { groupedById } from '../grouped-reads';
import type { Models } from '../models';
import { oid } from './plain';

export function createContactNames(models: Models): ContactNames {
  const { Contact, Company } = models;
  const contactById = groupedById((ids) => Contact.find({ _id: { $in: ids } }).lean(), oid);
  return {
    async namesOf(contactId) {
      const contact = await contactById(contactId);
      const company = contact?.companyId ? await Company.findById(contact.companyId).lean() : null;
      return {
        ...(contact?.name ? { contact: contact.name } : {}),
        ...(company?.name ? { company: company.name } : {}),
      };
    },
  };
}
