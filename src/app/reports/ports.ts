import type { LeadSource, Utm } from '../../domain/lead';
import type { Role } from '../../domain/user';
import type { Range } from '../../domain/report-period';
import type { Reply } from './reply-times';

/**
 * Whose figures a report counts: everyone's (an admin), or the records these people hold —
 * plus, for a head, the leads nobody in sales holds yet (the department's to hand out).
 */
export type ReportScope =
  { kind: 'all' } | { kind: 'people'; userIds: string[]; unassigned: boolean };

export interface ReportPerson {
  id: string;
  name: string;
  roles: Role[];
  departmentId?: string;
  active: boolean;
}

export interface LeadRow {
  id: string;
  stage: string;
  source: LeadSource;
  utm: Utm;
  salesId?: string;
}

export interface DealRow {
  type: string;
  stage: string;
}

export interface WonDeal {
  leadId?: string;
  salesId?: string;
  /** A missing amount counts as 0 (amounts are filled by a dialog that may not have run). */
  amount: number;
}

export interface OpenLoad {
  leads: number;
  deals: number;
  tasks: number;
}

export interface OverdueTask {
  title: { ru: string; en: string };
  assigneeId: string;
  due: Date;
}

/**
 * The records a report counts, as they are at one moment: read from memory, so a report asks
 * for them once and every figure comes from the same state.
 */
export interface RecordReads {
  leadsCreated(range: Range, scope: ReportScope): LeadRow[];
  dealsCreated(range: Range, scope: ReportScope): DealRow[];
  /** Won deals that came from these leads, whenever they were won. */
  wonDealsOfLeads(leadIds: readonly string[]): WonDeal[];
  /** Deals won within the range, by whoever sold them. */
  wonDealsIn(range: Range, scope: ReportScope): WonDeal[];
  /** Open leads, deals and tasks per person, for these people. */
  openLoad(userIds: readonly string[]): Map<string, OpenLoad>;
  /** The overdue tasks in scope: how many, the `limit` oldest, how many each person has. */
  overdueTasks(
    scope: ReportScope,
    now: Date,
    limit: number,
  ): { count: number; top: OverdueTask[]; byAssignee: Map<string, number> };
}

/**
 * What reports read. Every database query is bounded (a cap on documents, projections only)
 * and uses only what FerretDB supports: no `$lookup`, `$facet`, `$expr`, `$group` with `$sum` at
 * most; percentiles, conversions and amounts are worked out in code.
 */
export interface ReportsStore {
  people(departmentId?: string): Promise<ReportPerson[]>;
  departments(): Promise<{ id: string; code: string; name: string }[]>;
  /**
   * Leads, deals and tasks as the database holds them now: every one changed since `from` (so
   * every one made since), and every open one someone holds.
   */
  records(from: Date): Promise<RecordReads>;
  /** Every staff reply sent within the range and the wait it ended (noted as each was sent). */
  replies(range: Range): Promise<Reply[]>;
  /** When each conversation in scope that waits for a reply now started waiting. */
  waitingSince(scope: ReportScope): Promise<Date[]>;
  plans(month: string): Promise<Map<string, number>>;
  setPlan(userId: string, month: string, target: number): Promise<void>;
}

/** One bar of a chart; bars of several series (plan, fact) share a label. */
export interface Bar {
  label: string;
  value: number;
  series?: string;
}

/** A horizontal bar chart, its texts already in the reader's language. */
export interface BarChart {
  title: string;
  /** The value axis' title (a unit). */
  axis: string;
  bars: Bar[];
}

/** Draws a chart as a PNG image. */
export type ChartRenderer = (chart: BarChart) => Promise<Uint8Array>;
