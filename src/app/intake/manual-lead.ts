import { normalizePhone } from '../../domain/contact';
import type { ContactRepository } from '../../domain/ports';
import type { ProcessRecord } from '../../domain/process/record';
import type { User } from '../../domain/user';
import type { ProcessEngine } from '../process/engine';
import { ProcessError } from '../process/errors';

export const MANUAL_SOURCES = ['cold_call', 'cold_visit', 'referral', 'other'] as const;
export type ManualSource = (typeof MANUAL_SOURCES)[number];

/**
 * A lead a manager enters by hand (seed 000): the contact is found by phone before a new one is
 * made; cold calls and cold visits belong to their creator at once, other sources go through the
 * dispatcher like any inbound lead.
 */
export class ManualLeads {
  constructor(private readonly deps: { contacts: ContactRepository; engine: ProcessEngine }) {}

  /** Bound: the bot holds it as its `newLead`. */
  readonly create = async (
    creator: User,
    input: { name: string; phone: string; source: ManualSource },
  ): Promise<ProcessRecord> => {
    const { contacts, engine } = this.deps;
    const phone = normalizePhone(input.phone);
    if (!phone || !input.name.trim()) throw new ProcessError('invalid_field');
    const contact =
      (await contacts.findByAny({ phones: [phone] })) ??
      (await contacts.create({
        name: input.name.trim(),
        identities: [],
        phones: [phone],
        emails: [],
      }));
    return engine.createLead(
      {
        contactId: contact.id,
        contactName: contact.name ?? '',
        source: { kind: 'manual', method: input.source },
      },
      creator.id,
    );
  };
}
