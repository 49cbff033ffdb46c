import type { AuditEvent } from '../../domain/audit-event';
import type { NewContact } from '../../domain/ports';
import type { RefusedRow, RequiredColumn } from './columns';

export type ImportKind = 'leads' | 'contacts';
export const IMPORT_KINDS: readonly ImportKind[] = ['leads', 'contacts'];

export type FileRefusal = 'too_large' | 'unreadable' | 'missing_columns' | 'no_staff';

/** The whole file is refused; nothing was written. */
export class ImportRefused extends Error {
  constructor(
    readonly reason: FileRefusal,
    readonly missing: RequiredColumn[] = [],
  ) {
    super(missing.length > 0 ? `${reason}: ${missing.join(', ')}` : reason);
    this.name = 'ImportRefused';
  }
}

/** What became of each row, by its line in the file (the header is line 1). */
export interface ImportReport {
  batchId: string;
  /** The file's header, to head the file of refused rows. */
  header: string[];
  /** A new contact (and lead) each. */
  imported: number[];
  /** Rows that were a contact already known, or a person an earlier row of the file named. */
  merged: number[];
  refused: RefusedRow[];
}

export interface ImportStore {
  /** Contacts holding any of these phones or emails. */
  findContacts(keys: {
    phones: string[];
    emails: string[];
  }): Promise<{ id: string; phones: string[]; emails: string[] }[]>;
  /** Companies by name (case-insensitive), created when missing; keyed by the lower-cased name. */
  ensureCompanies(names: string[]): Promise<Map<string, string>>;
  /** Inserts in one go; the ids in the order given. */
  insertContacts(contacts: NewContact[]): Promise<string[]>;
  /** Adds phones and emails; fills the name and company only where they are blank. */
  enrichContacts(
    updates: { id: string; name: string; phones: string[]; emails: string[]; companyId?: string }[],
  ): Promise<void>;
  /** Those of these contacts that have an open lead or deal. */
  contactsWithOpenRecords(contactIds: string[]): Promise<Set<string>>;
  audit(event: Omit<AuditEvent, 'id'>): Promise<void>;
}
