import { normalizeEmail, normalizePhone } from '../../domain/contact';
import type { LeadSource, Utm } from '../../domain/lead';
import type { Responsibles } from '../../domain/department';
import type { Clock } from '../../domain/ports';
import type { RoutingSample } from '../../domain/routing/rule';
import type { TaskSubject } from '../../domain/task';
import type { ContactStore, OpenRecords } from '../messaging/ports';
import type { NewLead } from '../process/ports';
import type { ProcessRecord } from '../../domain/process/record';
import { ProcessError } from '../process/errors';
import { SYSTEM, type Actor } from '../process/actor';
import type { Text } from '../../domain/process/definition';

export interface SiteLeadInput {
  source: Extract<LeadSource, { kind: 'form' | 'call' }>;
  name?: string;
  phone?: string;
  email?: string;
  /** What the visitor wrote in the form, kept on the lead for the dispatcher. */
  comment?: string;
  utm: Utm;
  referrer?: string;
  landingUrl?: string;
}

/**
 * A lead from a site form or a tracked call, made the same way as from a message: the contact is
 * found by phone or email first, and a contact who already has an open lead or deal gets no
 * second one (the caller is told which record it is).
 */
export async function createSiteLead(
  deps: {
    contacts: ContactStore;
    records: OpenRecords;
    leads: {
      createLead(lead: NewLead, createdBy?: string, routedTo?: string): Promise<ProcessRecord>;
      responsibleFor(subject: TaskSubject, known?: Responsibles): Promise<string>;
      addTask(
        actor: Actor,
        task: { title: Text; due: Date; subject: TaskSubject; assigneeId: string },
      ): Promise<unknown>;
    };
    route(sample: RoutingSample): Promise<string | undefined>;
    clock: Clock;
    /** The responsible's task title for a known customer asking again, in both languages. */
    repeatTitle(kind: 'form' | 'call', comment: string): Text;
  },
  input: SiteLeadInput,
): Promise<{ subject: TaskSubject; created: boolean }> {
  const phone = input.phone ? normalizePhone(input.phone) : undefined;
  const email = input.email ? normalizeEmail(input.email) : undefined;
  if (!phone && !email) throw new ProcessError('invalid_field');
  const details = {
    phones: phone ? [phone] : [],
    emails: email ? [email] : [],
    ...(input.name?.trim() ? { name: input.name.trim() } : {}),
  };
  const known = await deps.contacts.findByAny(details);
  if (known) {
    await deps.contacts.enrich(known.id, details);
    const open = await deps.records.openRecordOf(known.id);
    if (open) {
      // A known customer asking again: their responsible gets it as a task, nothing is dropped.
      await deps.leads.addTask(SYSTEM, {
        title: deps.repeatTitle(input.source.kind, input.comment?.trim() ?? ''),
        due: deps.clock.now(),
        subject: open.subject,
        assigneeId: await deps.leads.responsibleFor(open.subject, open.responsibles),
      });
      return { subject: open.subject, created: false };
    }
  }
  const contact = known ?? (await deps.contacts.create({ identities: [], ...details }));
  const routedTo = await deps.route({
    source: input.source.kind,
    utm: input.utm,
    ...(input.comment ? { text: input.comment } : {}),
    at: deps.clock.now(),
  });
  const lead = await deps.leads.createLead(
    {
      contactId: contact.id,
      contactName: contact.name ?? '',
      source: input.source,
      utm: input.utm,
      ...(input.referrer ? { referrer: input.referrer } : {}),
      ...(input.landingUrl ? { landingUrl: input.landingUrl } : {}),
      ...(input.comment?.trim() ? { fields: { comment: input.comment.trim() } } : {}),
    },
    undefined,
    routedTo,
  );
  return { subject: lead.subject, created: true };
}
