import pLimit from 'p-limit';
import type { AuditEvent } from '../../domain/audit-event';
import type { NewContact } from '../../domain/ports';
import type { User } from '../../domain/user';
import { ProcessError } from '../process/errors';
import type { NewLead } from '../process/ports';
import { isRefused, mapColumns, readRow, type ImportRow, type RefusedRow } from './columns';
import { peopleOf, personKeys, type FilePerson } from './people';
import { ImportRefused, type ImportKind, type ImportReport, type ImportStore } from './ports';

/** Contacts are written this many at a time (one insertMany / bulkWrite each). */
const BATCH = 500;
/**
 * Leads made side by side: each waits on a few round trips, so a handful in flight keeps the
 * database busy without crowding out the hub's live traffic.
 */
const LEADS_AT_ONCE = 4;

export interface ImportDeps {
  store: ImportStore;
  /** The process's own lead creation: the first task, the dispatcher's queue, robots, timers. */
  createLead(lead: NewLead, createdBy?: string): Promise<unknown>;
  /** Throws `ProcessError('no_staff')` when nobody could take a new lead's first task. */
  leadsReady(): Promise<void>;
  /** Reads a CSV or XLSX file into rows of text, the header first. */
  readTable(data: Buffer): Promise<string[][]>;
  clock: { now(): Date };
  newBatchId(): string;
  maxBytes: number;
}

export interface ImportInput {
  kind: ImportKind;
  data: Buffer;
  /** The person importing; none for the integration API (its token is an admin's key). */
  actor?: User;
  via: 'bot' | 'api';
}

/** Heads and admins bring in lists; managers get their leads through the dispatcher. */
export const mayImport = (user: User) =>
  user.active && (user.roles.includes('admin') || user.roles.includes('head'));

type Progress = (done: number, total: number) => void | Promise<void>;

/**
 * Imports leads or contacts (with their companies) from a file. The whole file is read and checked
 * before anything is written, so a refused file (too big, a required column missing, no staff to
 * take leads) leaves the database as it was. Good rows then become contacts, one per person:
 * rows naming the same phone or email are merged with each other and with contacts already known.
 *
 * Contacts and companies are written in bulk. Leads go one by one through the process's own
 * `createLead`, because a lead is more than a document: it enters its start stage, which gives
 * the dispatcher a task, arms timers and runs robots, and writing that in bulk would duplicate
 * the engine and let an imported lead skip steps an inbound one takes. That costs a few round
 * trips per lead (measured on the embedded engine: 300 leads in 11 s with four in flight, 30 s
 * one by one; 3,000 contacts in 12 s), which is why the progress line exists. A contact who
 * already has an open lead or deal gets no second one (PRODUCT.md, process 1). Should the process stop half way, running
 * the same file again is safe: its contacts are found and merged, and only the leads still
 * missing are created.
 */
export async function importFile(
  deps: ImportDeps,
  input: ImportInput,
  progress: Progress = () => {},
): Promise<ImportReport> {
  if (input.actor && !mayImport(input.actor)) throw new ProcessError('not_allowed');
  if (input.data.length > deps.maxBytes) throw new ImportRefused('too_large');
  let table: string[][];
  try {
    table = await deps.readTable(input.data);
  } catch {
    throw new ImportRefused('unreadable');
  }
  const [header = [], ...body] = table;
  const { columns, missing } = mapColumns(header);
  if (missing.length > 0) throw new ImportRefused('missing_columns', missing);
  if (input.kind === 'leads')
    await deps.leadsReady().catch(() => {
      throw new ImportRefused('no_staff');
    });

  const rows: ImportRow[] = [];
  const refused: RefusedRow[] = [];
  body.forEach((cells, index) => {
    const row = readRow(cells, index + 2, columns);
    if (!row) return;
    if (isRefused(row)) refused.push(row);
    else rows.push(row);
  });
  const people = peopleOf(rows);
  const known = await knownContacts(deps.store, people);
  const batchId = deps.newBatchId();
  const report: ImportReport = {
    batchId,
    header,
    imported: [],
    merged: people.flatMap((person) => person.merged),
    refused,
  };
  // Progress counts the file's good rows as the person sees them; merged rows go with their person.
  const total = rows.length;
  const rowsOf = (group: FilePerson[]) =>
    group.reduce((sum, person) => sum + 1 + person.merged.length, 0);
  await progress(0, total);

  const companies = await deps.store.ensureCompanies(
    people.flatMap((person) => (person.row.company ? [person.row.company] : [])),
  );
  const companyOf = (person: FilePerson) =>
    person.row.company ? companies.get(person.row.company.toLowerCase()) : undefined;
  const contactIds = new Map<FilePerson, string>();
  let done = 0;
  for (let start = 0; start < people.length; start += BATCH) {
    const batch = people.slice(start, start + BATCH);
    const fresh = batch.filter((person) => !known.has(person));
    const ids = await deps.store.insertContacts(
      fresh.map((person): NewContact & { companyId?: string } => ({
        name: person.row.name,
        identities: [],
        phones: person.phones,
        emails: person.emails,
        ...(companyOf(person) ? { companyId: companyOf(person)! } : {}),
      })),
    );
    fresh.forEach((person, index) => contactIds.set(person, ids[index]!));
    const existing = batch.filter((person) => known.has(person));
    await deps.store.enrichContacts(
      existing.map((person) => ({
        id: known.get(person)!,
        name: person.row.name,
        phones: person.phones,
        emails: person.emails,
        ...(companyOf(person) ? { companyId: companyOf(person)! } : {}),
      })),
    );
    for (const person of existing) contactIds.set(person, known.get(person)!);
    for (const person of batch) {
      (known.has(person) ? report.merged : report.imported).push(person.row.line);
    }
    if (input.kind === 'contacts') await progress((done += rowsOf(batch)), total);
  }

  if (input.kind === 'leads') {
    const busy = await deps.store.contactsWithOpenRecords([...contactIds.values()]);
    const limit = pLimit(LEADS_AT_ONCE);
    await Promise.all(
      people.map((person) =>
        limit(async () => {
          const contactId = contactIds.get(person)!;
          if (!busy.has(contactId)) {
            await deps.createLead(leadOf(person, contactId, batchId), input.actor?.id);
          }
          await progress((done += rowsOf([person])), total);
        }),
      ),
    );
  }
  report.merged.sort((a, b) => a - b);
  report.imported.sort((a, b) => a - b);
  await deps.store.audit(auditOf(deps.clock.now(), input, report));
  return report;
}

/** The contact each person already is, found by any of their phones or emails. */
async function knownContacts(
  store: ImportStore,
  people: FilePerson[],
): Promise<Map<FilePerson, string>> {
  const byKey = new Map<string, string>();
  for (let start = 0; start < people.length; start += BATCH) {
    const batch = people.slice(start, start + BATCH);
    const found = await store.findContacts({
      phones: batch.flatMap((person) => person.phones),
      emails: batch.flatMap((person) => person.emails),
    });
    for (const contact of found) {
      for (const phone of contact.phones)
        if (!byKey.has(`p:${phone}`)) byKey.set(`p:${phone}`, contact.id);
      for (const email of contact.emails)
        if (!byKey.has(`e:${email}`)) byKey.set(`e:${email}`, contact.id);
    }
  }
  const known = new Map<FilePerson, string>();
  for (const person of people) {
    const id = personKeys(person)
      .map((key) => byKey.get(key))
      .find(Boolean);
    if (id) known.set(person, id);
  }
  return known;
}

function leadOf(person: FilePerson, contactId: string, batchId: string): NewLead {
  const { row } = person;
  return {
    contactId,
    source: { kind: 'import', batchId, ...(row.source ? { origin: row.source } : {}) },
    utm: row.utm,
    ...(row.comment ? { fields: { comment: row.comment } } : {}),
  };
}

function auditOf(at: Date, input: ImportInput, report: ImportReport): Omit<AuditEvent, 'id'> {
  return {
    ...(input.actor ? { actorUserId: input.actor.id } : {}),
    action: 'import',
    subject: { kind: input.kind, id: report.batchId },
    after: {
      via: input.via,
      imported: report.imported.length,
      merged: report.merged.length,
      refused: report.refused.length,
    },
    at,
  };
}
