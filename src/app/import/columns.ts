import { normalizeEmail, normalizePhone } from '../../domain/contact';
import type { Utm } from '../../domain/lead';

export const IMPORT_FIELDS = [
  'name',
  'phone',
  'email',
  'company',
  'source',
  'comment',
  'utm_source',
  'utm_medium',
  'utm_campaign',
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

/**
 * Header names people use for each field, in Russian and English, compared case- and
 * space-insensitively (`normalizeHeader`).
 */
const ALIASES: Record<ImportField, readonly string[]> = {
  name: ['имя', 'фио', 'контакт', 'имя контакта', 'name', 'full name', 'contact', 'contact name'],
  phone: ['телефон', 'тел', 'тел.', 'мобильный', 'phone', 'phone number', 'mobile', 'tel'],
  email: ['email', 'e-mail', 'почта', 'эл. почта', 'электронная почта', 'mail'],
  company: ['компания', 'организация', 'company', 'organization', 'organisation'],
  source: ['источник', 'source'],
  comment: ['комментарий', 'примечание', 'comment', 'note', 'notes'],
  utm_source: ['utm_source', 'utm source'],
  utm_medium: ['utm_medium', 'utm medium'],
  utm_campaign: ['utm_campaign', 'utm campaign', 'кампания', 'campaign'],
};

export const normalizeHeader = (header: string) =>
  header
    .replace(/^\uFEFF/, '')
    .replace(/\s+/g, '')
    .toLowerCase();

const LOOKUP = new Map<string, ImportField>(
  IMPORT_FIELDS.flatMap((field) => ALIASES[field].map((alias) => [normalizeHeader(alias), field])),
);

/** A column every file must have: the name, and a way to tell the person apart. */
export type RequiredColumn = 'name' | 'phone_or_email';

export type ColumnMap = Partial<Record<ImportField, number>>;

/** Which column holds each field (the first one, when two say the same), and what is missing. */
export function mapColumns(header: string[]): { columns: ColumnMap; missing: RequiredColumn[] } {
  const columns: ColumnMap = {};
  header.forEach((title, index) => {
    const field = LOOKUP.get(normalizeHeader(title));
    if (field && columns[field] === undefined) columns[field] = index;
  });
  const missing: RequiredColumn[] = [];
  if (columns.name === undefined) missing.push('name');
  if (columns.phone === undefined && columns.email === undefined) missing.push('phone_or_email');
  return { columns, missing };
}

export type RefusalReason = 'no_name' | 'no_phone_or_email' | 'bad_phone' | 'bad_email';

/** One good row of a file; `line` counts from the header as line 1, as a spreadsheet shows it. */
export interface ImportRow {
  line: number;
  name: string;
  phones: string[];
  emails: string[];
  company?: string;
  source?: string;
  comment?: string;
  utm: Utm;
}

export interface RefusedRow {
  line: number;
  reason: RefusalReason;
  /** The row as it was in the file, to be sent back for correcting. */
  cells: string[];
}

/** Reads one row; a row of blank cells is nothing at all (spreadsheets leave them at the end). */
export function readRow(
  cells: string[],
  line: number,
  columns: ColumnMap,
): ImportRow | RefusedRow | undefined {
  const cell = (field: ImportField) => {
    const index = columns[field];
    return index === undefined ? '' : (cells[index] ?? '').trim();
  };
  if (cells.every((value) => !value.trim())) return undefined;
  const refuse = (reason: RefusalReason): RefusedRow => ({ line, reason, cells });
  const name = cell('name');
  const rawPhone = cell('phone');
  const rawEmail = cell('email');
  if (!name) return refuse('no_name');
  if (!rawPhone && !rawEmail) return refuse('no_phone_or_email');
  const phone = rawPhone ? normalizePhone(rawPhone) : undefined;
  if (rawPhone && !phone) return refuse('bad_phone');
  const email = rawEmail ? normalizeEmail(rawEmail) : undefined;
  if (rawEmail && !email) return refuse('bad_email');
  const utm: Utm = {};
  for (const key of ['source', 'medium', 'campaign'] as const) {
    const value = cell(`utm_${key}`);
    if (value) utm[key] = value;
  }
  const optional = (field: 'company' | 'source' | 'comment') => {
    const value = cell(field);
    return value ? { [field]: value } : {};
  };
  return {
    line,
    name,
    phones: phone ? [phone] : [],
    emails: email ? [email] : [],
    ...optional('company'),
    ...optional('source'),
    ...optional('comment'),
    utm,
  };
}

export const isRefused = (row: ImportRow | RefusedRow): row is RefusedRow => 'reason' in row;
