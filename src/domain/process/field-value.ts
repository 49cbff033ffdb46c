import { normalizeEmail, normalizePhone } from '../contact';
import { readWhen } from '../when';
import type { Text } from './definition';

/** The kinds of value a process field holds, as the definition declares them. */
export const FIELD_TYPES = [
  'number',
  'money',
  'text',
  'phone',
  'email',
  'date',
  'choice',
  'file',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export interface Choice {
  id: string;
  title: Text;
}

/** What a parser needs to know of a field. */
export interface FieldSpec {
  type: FieldType;
  /** The options of a choice field. */
  choices?: Choice[];
  /** A money field's currency (ISO 4217) when the value names none. */
  currency?: string;
}

/** An uploaded file: the Telegram file id (or an integration's reference) and its name. */
export interface FileValue {
  fileRef: string;
  name?: string;
}

/** A sum of money: a deal's amount, which reports add up (plan vs fact, won deals by source). */
export interface MoneyValue {
  amount: number;
  currency: string;
}

export type FieldValue = number | string | Date | FileValue | MoneyValue;

export const isMoney = (value: unknown): value is MoneyValue =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as MoneyValue).amount === 'number' &&
  typeof (value as MoneyValue).currency === 'string';

/** Currency marks as people type them, by ISO code. */
const CURRENCIES: Record<string, RegExp> = {
  RUB: /^(₽|руб\.?|рублей|рубля|рубль|р\.?|rub)$/i,
  USD: /^(\$|usd|долл\.?|долларов|доллара)$/i,
  EUR: /^(€|eur|евро)$/i,
  KZT: /^(₸|kzt|тенге)$/i,
};
const DEFAULT_CURRENCY = 'RUB';
const SIGNS: Record<string, string> = { RUB: '₽', USD: '$', EUR: '€', KZT: '₸' };

/** How a currency is shown to a person: its sign where it has a common one. */
export const currencySign = (code: string | undefined) =>
  SIGNS[code ?? DEFAULT_CURRENCY] ?? code ?? SIGNS[DEFAULT_CURRENCY]!;

/** Why a value is not one of its type: each has its own re-ask. */
export type FieldProblem = `not_${FieldType}`;

export type ParsedField = { value: FieldValue } | { problem: FieldProblem };

/** Typed text is read against this: dates are relative to now, in this time zone. */
export interface Reading {
  now: Date;
  timeZone: string;
}

type Parser = (raw: unknown, spec: FieldSpec, reading?: Reading) => FieldValue | undefined;

const NUMBER = /^[+-]?\d+(?:\.\d+)?$/;
/** An ISO 8601 moment with its offset: unambiguous without a time zone. */
const ISO_MOMENT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;

const trimmed = (raw: unknown) => (typeof raw === 'string' ? raw.trim() : undefined);

const readNumber = (raw: unknown): number | undefined => {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
  // "1 200,5" as Russians write it: spaces between thousands, a decimal comma.
  const text = trimmed(raw)
    ?.replace(/(?<=\d)[\s\u00a0\u202f](?=\d)/g, '')
    .replace(',', '.');
  return text && NUMBER.test(text) ? Number(text) : undefined;
};

/** "150 000", "150 000 ₽", "$2500", "1 500,50 руб.", "300 EUR": an amount and its currency. */
const readMoney = (raw: unknown, spec: FieldSpec): MoneyValue | undefined => {
  const fallback = spec.currency ?? DEFAULT_CURRENCY;
  if (isMoney(raw)) return Number.isFinite(raw.amount) && raw.amount >= 0 ? raw : undefined;
  const text = typeof raw === 'number' ? String(raw) : trimmed(raw);
  if (!text) return undefined;
  const [, before = '', figure = '', after = ''] =
    /^([^\d\s+-]*)\s*([+-]?[\d\s\u00a0\u202f.,]*\d)\s*(\S*)$/u.exec(text) ?? [];
  const mark = (before || after).trim();
  if (before && after) return undefined;
  const currency = mark
    ? Object.entries(CURRENCIES).find(([, pattern]) => pattern.test(mark))?.[0]
    : fallback;
  const amount = readNumber(figure);
  return currency && amount !== undefined && amount >= 0 ? { amount, currency } : undefined;
};

/** One parser per type; the Record keeps them exhaustive over the type union. */
const PARSERS: Record<FieldType, Parser> = {
  number: (raw) => readNumber(raw),
  money: (raw, spec) => readMoney(raw, spec),
  text: (raw) => trimmed(raw) || undefined,
  phone: (raw) => {
    const text = trimmed(raw);
    return text ? normalizePhone(text) : undefined;
  },
  email: (raw) => {
    const text = trimmed(raw);
    return text ? normalizeEmail(text) : undefined;
  },
  date: (raw, _spec, reading) => {
    if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? undefined : raw;
    const text = trimmed(raw);
    if (!text) return undefined;
    if (ISO_MOMENT.test(text)) {
      const moment = new Date(text);
      return Number.isNaN(moment.getTime()) ? undefined : moment;
    }
    return reading ? readWhen(text, reading.now, reading.timeZone) : undefined;
  },
  choice: (raw, spec) => {
    // The option's id, or its title as a person types it in either language.
    const text = trimmed(raw)?.toLowerCase();
    return spec.choices?.find(
      (choice) =>
        choice.id === text ||
        [choice.title.ru, choice.title.en].some((t) => t.toLowerCase() === text),
    )?.id;
  },
  file: (raw) => {
    if (typeof raw !== 'object' || raw === null || !('fileRef' in raw)) return undefined;
    const { fileRef, name } = raw as { fileRef: unknown; name?: unknown };
    if (typeof fileRef !== 'string' || !fileRef) return undefined;
    return typeof name === 'string' && name ? { fileRef, name } : { fileRef };
  },
};

/**
 * Reads a field's value as its type says: a number from "40" or "1 200,5", a phone in E.164, an
 * email in lower case, a date from an ISO moment (or, given a reading, from "в пятницу в 15"),
 * a choice's id, a file reference. A value already read comes out unchanged, so the bot's answer
 * and the records API go through the same check.
 */
export function parseFieldValue(spec: FieldSpec, raw: unknown, reading?: Reading): ParsedField {
  const value = PARSERS[spec.type](raw, spec, reading);
  return value === undefined ? { problem: `not_${spec.type}` } : { value };
}
