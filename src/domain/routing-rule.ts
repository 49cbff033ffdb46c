import type { Channel } from './channel';
import type { Utm } from './lead';
import type { WorkSchedule } from './user';

export interface RoutingConditions {
  channels?: Channel[];
  sources?: string[];
  utm?: Utm;
  keywords?: string[];
  languages?: string[];
  /** Matches inside (or, with `outside: true`, outside) these hours in the company's time zone. */
  hours?: WorkSchedule & { outside?: boolean };
}

export type RoutingAction =
  | { kind: 'dispatcher' }
  | { kind: 'manager'; userId: string }
  | { kind: 'round_robin'; departmentId: string }
  | { kind: 'least_loaded'; departmentId: string };

export interface RoutingRule {
  id: string;
  position: number;
  name: string;
  conditions: RoutingConditions;
  action: RoutingAction;
  enabled: boolean;
}
