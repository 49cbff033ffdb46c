import type { ContactNames } from '../../app/process/record-card';
import type { Models } from '../models';
import { oid } from './plain';

export function createContactNames(models: Models): ContactNames {
  const { Contact, Company } = models;
  return {
    async namesOf(contactId) {
      const contact = await Contact.findById(oid(contactId)).lean();
      const company = contact?.companyId ? await Company.findById(contact.companyId).lean() : null;
      return {
        ...(contact?.name ? { contact: contact.name } : {}),
        ...(company?.name ? { company: company.name } : {}),
      };
    },
  };
}
