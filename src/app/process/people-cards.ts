import type { Company } from '../../domain/company';
import type { Contact } from '../../domain/contact';
import type { ProcessRecord } from '../../domain/process/record';
import type { Actor } from './actor';
import { ProcessError } from './errors';
import type { Rights } from './rights';

export interface PeopleStore {
  contact(
    id: string,
  ): Promise<{ contact: Contact; company?: Company; records: ProcessRecord[] } | undefined>;
  company(
    id: string,
  ): Promise<{ company: Company; contacts: Contact[]; records: ProcessRecord[] } | undefined>;
}

export interface ContactCard {
  contact: Contact;
  company?: Company;
  openRecords: number;
}

export interface CompanyCard {
  company: Company;
  contacts: Contact[];
  openRecords: number;
  lastActivityAt?: Date;
}

/**
 * Contact and company cards. A person sees one when they may act on at least one of its leads
 * or deals; an admin always.
 */
export class PeopleCards {
  constructor(private readonly deps: { people: PeopleStore; rights: Rights }) {}

  async contact(id: string, actor: Actor): Promise<ContactCard> {
    const found = await this.deps.people.contact(id);
    if (!found) throw new ProcessError('not_found');
    await this.requireAnyRecord(found.records, actor);
    return {
      contact: found.contact,
      ...(found.company ? { company: found.company } : {}),
      openRecords: found.records.filter((record) => !record.closed).length,
    };
  }

  async company(id: string, actor: Actor): Promise<CompanyCard> {
    const found = await this.deps.people.company(id);
    if (!found) throw new ProcessError('not_found');
    await this.requireAnyRecord(found.records, actor);
    return {
      company: found.company,
      contacts: found.contacts,
      openRecords: found.records.filter((record) => !record.closed).length,
      ...(found.company.lastActivityAt ? { lastActivityAt: found.company.lastActivityAt } : {}),
    };
  }

  private async requireAnyRecord(records: ProcessRecord[], actor: Actor): Promise<void> {
    if (actor.kind === 'user' && actor.user.roles.includes('admin') && actor.user.active) return;
    for (const record of records) if (await this.deps.rights.mayAct(actor, record)) return;
    throw new ProcessError('not_allowed');
  }
}
