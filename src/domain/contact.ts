import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import type { ChannelIdentity } from './channel';

export interface Contact {
  id: string;
  name?: string;
  identities: ChannelIdentity[];
  /** E.164, so "8 (912) 000-00-00" from a form and "+79120000000" from Telegram match. */
  phones: string[];
  emails: string[];
  companyId?: string;
  createdAt: Date;
}

/**
 * Normalizes a phone to E.164 or returns undefined when it is not a plausible number. Numbers
 * without a country code are read in the company's country (Russian users write 8XXXXXXXXXX).
 */
export function normalizePhone(
  raw: string,
  defaultCountry: CountryCode = 'RU',
): string | undefined {
  const parsed = parsePhoneNumberFromString(raw, defaultCountry);
  return parsed?.isValid() ? parsed.number : undefined;
}

export function normalizeEmail(raw: string): string | undefined {
  const email = raw.trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) ? email : undefined;
}
