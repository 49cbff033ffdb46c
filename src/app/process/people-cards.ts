import type { AccessScope } from '../../domain/access';
import type { Company } from '../../domain/company';
import type { Contact } from '../../domain/contact';
import type { Actor } from './actor';
import { ProcessError } from './errors';
import type { Rights } from './rights';

/**
 * What a card shows of the records behind it: how many are open (anyone's), and whether the scope
 * covers at least one of them (asked of the database, not read and filtered).
 */
export interface RecordsBehind {
  open: number;
  visible: boolean;
}

export interface PeopleStore {
  contact(
    scope: AccessScope,
    id: string,
  ): Promise<{ contact: Contact; company?: Company; records: RecordsBehind } | undefined>;
  company(
    scope: AccessScope,
    id: string,
  ): Promise<{ company: Company; contacts: Contact[]; records: RecordsBehind } | undefined>;
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
  constructor(private readonly deps: { people: PeopleStore; rights: Pick<Rights, 'scopeOf'> }) {}

  async contact(id: string, actor: Actor): Promise<ContactCard> {
    const scope = await this.deps.rights.scopeOf(actor);
    const found = await this.deps.people.contact(scope, id);
    if (!found) throw new ProcessError('not_found');
    requireVisible(scope, found.records);
    return {
      contact: found.contact,
      ...(found.company ? { company: found.company } : {}),
      openRecords: found.records.open,
    };
  }

  async company(id: string, actor: Actor): Promise<CompanyCard> {
    const scope = await this.deps.rights.scopeOf(actor);
    const found = await this.deps.people.company(scope, id);
    if (!found) throw new ProcessError('not_found');
    requireVisible(scope, found.records);
    return {
      company: found.company,
      contacts: found.contacts,
      openRecords: found.records.open,
      ...(found.company.lastActivityAt ? { lastActivityAt: found.company.lastActivityAt } : {}),
    };
  }
}

/** An admin sees a client without records too; anyone else needs one of its records. */
function requireVisible(scope: AccessScope, records: RecordsBehind): void {
  if (scope.kind !== 'all' && !records.visible) throw new ProcessError('not_allowed');
}
