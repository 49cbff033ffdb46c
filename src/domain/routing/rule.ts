import type { Channel } from '../channel';
import type { Utm } from '../lead';
import type { WorkSchedule } from '../user';

/** ISO weekdays, 1 = Monday … 7 = Sunday, and "HH:MM" times in the company's time zone. */
export type Hours = WorkSchedule;

/** Every condition present must hold; a rule without conditions takes everything. */
export interface RoutingConditions {
  channels?: Channel[];
  /** Where the lead came from: a deep-link tag, `form`, `call`… */
  sources?: string[];
  utm?: Utm;
  /** Any of these words in the first message (case-insensitive). */
  keywords?: string[];
  languages?: string[];
  /** Inside these hours, or outside them with `outside`. */
  hours?: Hours & { outside?: boolean };
}

export type RoutingAction =
  | { kind: 'dispatcher' }
  | { kind: 'manager'; userId: string }
  | { kind: 'round_robin'; department: string }
  | { kind: 'least_loaded'; department: string };

export interface RoutingRule {
  id: string;
  conditions: RoutingConditions;
  action: RoutingAction;
}

/** What routing knows about a new lead when it decides. */
export interface RoutingSample {
  channel?: Channel;
  source?: string;
  utm: Utm;
  text?: string;
  language?: string;
  at: Date;
}
