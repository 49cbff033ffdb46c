import type { AccessScope } from '../../domain/access';
import type { AuditEvent } from '../../domain/audit-event';
import type { Responsibles, ResponsibleSlot } from '../../domain/department';
import type { LeadSource, Utm } from '../../domain/lead';
import type { Text } from '../../domain/process/definition';
import type { MoneyValue } from '../../domain/process/field-value';
import type { ProcessRecord } from '../../domain/process/record';
import type { Task, TaskSubject } from '../../domain/task';
import type { User } from '../../domain/user';

export interface NewLead {
  contactId: string;
  source: LeadSource;
  utm?: Utm;
  referrer?: string;
  landingUrl?: string;
  fields?: Record<string, unknown>;
  /** The contact's name, when the caller has it ('' for none): shown, never stored on the lead. */
  contactName?: string;
}

export interface RecordStore {
  /** The record whoever may see it: the system's read (staff reach records through `getIn`). */
  get(subject: TaskSubject): Promise<ProcessRecord | undefined>;
  /**
   * The record if the scope covers it: one query by id and scope, so a record out of the scope is
   * never read at all. Undefined when there is no such record or it is not in the scope.
   */
  getIn(scope: AccessScope, subject: TaskSubject): Promise<ProcessRecord | undefined>;
  /** Whether the record exists: tells "no such record" from "not yours" after `getIn` missed. */
  exists(subject: TaskSubject): Promise<boolean>;
  createLead(lead: NewLead, stage: string, responsibles: Responsibles): Promise<ProcessRecord>;
  /** Inserts a deal with a planned id; returns false when it already exists (a resumed step). */
  insertDeal(deal: {
    id: string;
    type: string;
    stage: string;
    leadId: string;
    contactId: string;
    companyId?: string;
    responsibles: Responsibles;
    fields: Record<string, unknown>;
  }): Promise<boolean>;
  /**
   * Moves the record only if it is still at `from` on visit `fromEntry` (optimistic concurrency:
   * two people pressing buttons at once cannot both move it). Returns the new entry or undefined.
   */
  moveStage(
    subject: TaskSubject,
    from: { stage: string; stageEntry: number },
    to: string,
    closedAs?: 'won' | 'lost' | 'junk',
  ): Promise<number | undefined>;
  /** Creates the company with a planned id (once) and makes the contact a member of it. */
  ensureCompany(company: {
    id: string;
    name: string;
    taxId?: string;
    contactId: string;
  }): Promise<void>;
  setResponsible(subject: TaskSubject, slot: ResponsibleSlot, userId: string): Promise<void>;
  /** `amount`: a deal's money field was among them; the deal's amount is kept in step. */
  setFields(
    subject: TaskSubject,
    fields: Record<string, unknown>,
    amount?: MoneyValue,
  ): Promise<void>;
}

export interface NewTask {
  key: string;
  title: Text;
  assigneeId: string;
  subject?: TaskSubject;
  due: Date;
  chain?: Task['chain'];
  problem?: boolean;
}

export interface TaskStore {
  /** Creates the task unless one with the same key exists; says which happened. */
  ensure(task: NewTask): Promise<{ task: Task; created: boolean }>;
  /** The task whoever may see it: for locks and the system (staff reach tasks through `getIn`). */
  get(id: string): Promise<Task | undefined>;
  /** The task if the scope covers its assignee: one query by id and scope. */
  getIn(scope: AccessScope, id: string): Promise<Task | undefined>;
  /** Whether the task exists: tells "no such task" from "not yours" after `getIn` missed. */
  exists(id: string): Promise<boolean>;
  /** Flips open → done atomically; false when it was no longer open (a replayed button). */
  markDone(id: string, at: Date): Promise<boolean>;
  /** Writes due, postponements and assignee of a task that is still open; false otherwise. */
  save(task: Task): Promise<boolean>;
  cancelOpenChainTasks(subject: TaskSubject): Promise<void>;
  listOpen(query: { assigneeId?: string; subject?: TaskSubject }): Promise<Task[]>;
}

export interface Directory {
  getUser(id: string): Promise<User | undefined>;
  /** Active users in a department's role, least loaded (fewest open tasks) first. */
  candidates(query: {
    role: 'dispatcher' | 'manager' | 'head' | 'admin';
    department?: string;
  }): Promise<User[]>;
  /** The department a user belongs to, by its code (e.g. "sales", "operations"). */
  departmentCodeOf(user: User): Promise<string | undefined>;
  /** Everyone of a department by id, deactivated people too: their records are still the head's. */
  membersOf(departmentId: string): Promise<string[]>;
}

export interface ConversionPlan {
  leadId: string;
  dealTypes: string[];
  /** Deal ids chosen before anything is written, so a resumed conversion reuses them. */
  dealIds: Record<string, string>;
  operations: Record<string, string>;
  companyId?: string;
  status: 'started' | 'done';
}

export interface ConversionLog {
  /** Stores the plan unless one exists for the lead; returns the stored plan. */
  begin(plan: ConversionPlan): Promise<ConversionPlan>;
  finish(leadId: string): Promise<void>;
  unfinished(): Promise<ConversionPlan[]>;
  newId(): string;
}

export type TimerName = 'task.overdue' | 'robot.run' | 'sla.step' | 'followup.fire';

/** Durable timers (Agenda in production, a controllable fake in tests). */
export interface Timers {
  /**
   * Schedules under a key; scheduling the same key again replaces the earlier timer. `fresh`:
   * the key's subject was created just now, so no timer can have it yet (a plain insert, which
   * costs a database a third of an upsert; a key that exists after all is re-armed as usual).
   */
  schedule(
    key: string,
    at: Date,
    name: TimerName,
    data: Record<string, unknown>,
    options?: { fresh?: boolean },
  ): Promise<void>;
  cancel(key: string): Promise<void>;
}

/**
 * What happened to a lead or deal that its fields alone do not keep: who closed it and why, who
 * raised a problem and when it was resolved. Kept beside the routing audit, under the record.
 */
export interface RecordAudit {
  record(event: Omit<AuditEvent, 'id' | 'undoneAt'>): Promise<void>;
}
