import type { Channel } from './channel';
import type { Responsibles } from './department';

export const UTM_KEYS = ['source', 'medium', 'campaign', 'term', 'content'] as const;
export type Utm = Partial<Record<(typeof UTM_KEYS)[number], string>>;

export type LeadSource =
  | { kind: 'channel'; channel: Channel; tag?: string }
  | { kind: 'form'; formId: string }
  | { kind: 'call'; trackingSource?: string }
  /** `origin`: what the file's "Source" column said (an exhibition, a purchased list…). */
  | { kind: 'import'; batchId: string; origin?: string }
  | { kind: 'manual'; method: 'cold_call' | 'cold_visit' | 'referral' | 'other' };

export interface Lead {
  id: string;
  contactId: string;
  source: LeadSource;
  utm: Utm;
  referrer?: string;
  landingUrl?: string;
  /** A stage id of the lead pipeline in the process definition. */
  stage: string;
  responsibles: Responsibles;
  fields: Record<string, unknown>;
  closed: boolean;
  createdAt: Date;
}

/** Reads utm_* tags from a landing page URL; anything unparsable yields no tags. */
export function utmFromUrl(url: string | undefined): Utm {
  if (!url) return {};
  let params: URLSearchParams;
  try {
    params = new URL(url).searchParams;
  } catch {
    return {};
  }
  const utm: Utm = {};
  for (const key of UTM_KEYS) {
    const value = params.get(`utm_${key}`)?.trim();
    if (value) utm[key] = value;
  }
  return utm;
}

/** Leads a manager enters after cold outreach skip the dispatcher: the creator is responsible. */
export function skipsDispatch(source: LeadSource): boolean {
  return (
    source.kind === 'manual' && (source.method === 'cold_call' || source.method === 'cold_visit')
  );
}
