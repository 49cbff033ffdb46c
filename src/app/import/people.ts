import type { ImportRow } from './columns';

/** One person of a file: the first row naming them, and the later rows that are the same person. */
export interface FilePerson {
  row: ImportRow;
  phones: string[];
  emails: string[];
  /** Lines of later rows merged into this one (the same phone or email). */
  merged: number[];
}

const keysOf = (row: { phones: string[]; emails: string[] }) => [
  ...row.phones.map((phone) => `p:${phone}`),
  ...row.emails.map((email) => `e:${email}`),
];

/**
 * Rows sharing a phone or an email are one person: the first row stands, later ones add their
 * phones and emails to it, so the file makes one contact however often it lists someone.
 */
export function peopleOf(rows: ImportRow[]): FilePerson[] {
  const people: FilePerson[] = [];
  const byKey = new Map<string, FilePerson>();
  for (const row of rows) {
    const keys = keysOf(row);
    const known = keys.map((key) => byKey.get(key)).find(Boolean);
    if (!known) {
      const person: FilePerson = {
        row,
        phones: [...row.phones],
        emails: [...row.emails],
        merged: [],
      };
      people.push(person);
      for (const key of keys) byKey.set(key, person);
      continue;
    }
    known.merged.push(row.line);
    for (const phone of row.phones) if (!known.phones.includes(phone)) known.phones.push(phone);
    for (const email of row.emails) if (!known.emails.includes(email)) known.emails.push(email);
    for (const key of keys) if (!byKey.has(key)) byKey.set(key, known);
  }
  return people;
}

export const personKeys = (person: FilePerson) => keysOf(person);
