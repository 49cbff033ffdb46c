import type { Responsibles } from './department';

export interface Deal {
  id: string;
  leadId?: string;
  contactId: string;
  companyId?: string;
  /** A deal type declared in the process definition, e.g. "standard" or "design". */
  type: string;
  stage: string;
  amount?: number;
  currency: string;
  responsibles: Responsibles;
  fields: Record<string, unknown>;
  closed: 'won' | 'lost' | false;
  createdAt: Date;
}
