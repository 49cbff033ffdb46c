import type { AuditEvent } from '../../domain/audit-event';
import type { RoutingRule } from '../../domain/routing/rule';
import type { User } from '../../domain/user';

export interface RuleStore {
  /** In order: the first matching rule decides. */
  list(): Promise<RoutingRule[]>;
  /** Replaces the whole ordered list (edits are small and rare; a list is easy to undo). */
  replace(rules: RoutingRule[]): Promise<void>;
  /** Round-robin's memory: who a rule gave the last lead to. */
  lastAssigned(ruleId: string): Promise<string | undefined>;
  markAssigned(ruleId: string, userId: string): Promise<void>;
  newId(): string;
}

export interface RoutingAudit {
  record(event: Omit<AuditEvent, 'id'>): Promise<void>;
  /** The newest routing change not yet undone. */
  lastChange(): Promise<AuditEvent | undefined>;
  markUndone(id: string, at: Date): Promise<void>;
  recent(limit: number): Promise<AuditEvent[]>;
}

export interface RoutingPeople {
  /** Active people with this Telegram id or exact name (names are not unique). */
  find(who: string): Promise<User[]>;
  get(id: string): Promise<User | undefined>;
  /** Active managers of a department, least loaded first. */
  managersOf(department: string): Promise<User[]>;
  departmentExists(code: string): Promise<boolean>;
}
