import type { AccessScope } from '../../domain/access';
import type { AuditEvent } from '../../domain/audit-event';
import type { LeadSource, Utm } from '../../domain/lead';

export type ExportKind = 'leads' | 'deals' | 'contacts';
export const EXPORT_KINDS: readonly ExportKind[] = ['leads', 'deals', 'contacts'];
export type ExportFormat = 'csv' | 'xlsx';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'xlsx'];

export interface ExportedPerson {
  name?: string;
  phones: string[];
  emails: string[];
  company?: string;
}

export interface ExportedLead {
  createdAt: Date;
  stage: string;
  source: LeadSource;
  utm: Utm;
  contact: ExportedPerson;
  sales?: string;
}

export interface ExportedDeal {
  createdAt: Date;
  type: string;
  stage: string;
  amount?: number;
  currency?: string;
  contact: ExportedPerson;
  sales?: string;
  operations?: string;
}

export interface ExportedContact extends ExportedPerson {
  createdAt: Date;
}

/**
 * Records a page at a time (ordered by id, each page after the last one's id), with the names a
 * person reads joined in per page: a big export never holds more than a page of documents.
 */
export interface ExportStore {
  /** The records the scope's people hold (not the unheld ones a head also oversees). */
  leads(scope: AccessScope, pageSize: number): AsyncIterable<ExportedLead[]>;
  deals(scope: AccessScope, pageSize: number): AsyncIterable<ExportedDeal[]>;
  /** Contacts of the records in scope (all contacts for `all`). */
  contacts(scope: AccessScope, pageSize: number): AsyncIterable<ExportedContact[]>;
  audit(event: Omit<AuditEvent, 'id'>): Promise<void>;
}

/** Where the rows go (a CSV or XLSX file being written); provided by the platform. */
export interface TableSink {
  add(rows: string[][]): Promise<void>;
}

/** A file of rows being written, as the platform opens it for one export. */
export interface TableFileSink extends TableSink {
  /** Closes the file; `remove` deletes it once it has been sent. */
  finish(): Promise<{ path: string; size: number; remove(): Promise<void> }>;
  /** Drops a file that will not be sent (the export failed). */
  discard(): Promise<void>;
}
