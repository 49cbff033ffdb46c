import type { LeadSource } from '../../domain/lead';
import type { ProcessDefinition, Text } from '../../domain/process/definition';
import type { User } from '../../domain/user';
import { funnelOf, type FunnelRow } from './funnel';
import { monthOfRange, periodRange, type PeriodKey, type Range } from '../../domain/report-period';
import { planRows, type PlanSection } from './plan-vs-fact';
import type {
  LeadRow,
  OverdueTask,
  ReportPerson,
  ReportScope,
  ReportsStore,
  WonDeal,
} from './ports';
import { replyTimes, type ReplyTimes } from './reply-times';
import { waitingBuckets } from './waiting';

/** How many overdue tasks a report names; the rest are counted. */
const OVERDUE_SHOWN = 10;

/** Leads of one channel, source or campaign, and what they became. */
export interface SourceRow {
  /** `undefined`: leads without this tag. */
  key?: string;
  leads: number;
  won: number;
  amount: number;
}

export interface ManagerRow {
  userId: string;
  name: string;
  openLeads: number;
  openDeals: number;
  openTasks: number;
  overdue: number;
  leads: number;
  qualified: number;
  /** Qualified share of the period's leads, in whole percent. */
  conversion?: number;
}

/** Which figures: all, one department's, or one person's own. */
export type ReportAudience =
  | { kind: 'all' }
  | { kind: 'department'; departmentId: string; code: string; name: string }
  | { kind: 'own' };

export interface Report {
  period: PeriodKey;
  range: Range;
  audience: ReportAudience;
  leadFunnel: FunnelRow[];
  dealFunnels: { type: string; title: Text; rows: FunnelRow[] }[];
  channels: (SourceRow & { key: string })[];
  sources: SourceRow[];
  campaigns: SourceRow[];
  managers: ManagerRow[];
  replies: ReplyTimes;
  names: Map<string, string>;
  waiting: number[];
  overdue: { count: number; top: OverdueTask[] };
  plan: PlanSection;
}

export interface ReportDeps {
  store: ReportsStore;
  definition: ProcessDefinition;
  timeZone: string;
  clock: { now(): Date };
}

/** The company as a whole: the daily digest to the heads' chat. */
export const COMPANY = 'company' as const;

/** A lead's channel, or how it came when not through a channel (form, call, import, manual). */
export const channelOf = (source: LeadSource): string =>
  source.kind === 'channel' ? source.channel : source.kind;

/**
 * What a person may ask for: an admin any department or all; a head their own department (any
 * other request is narrowed to it); everyone else their own figures.
 */
export async function audienceFor(
  deps: Pick<ReportDeps, 'store'>,
  user: User | typeof COMPANY,
  departmentId?: string,
): Promise<ReportAudience> {
  if (user === COMPANY) return { kind: 'all' };
  const departments = await deps.store.departments();
  const named = (id: string | undefined): ReportAudience | undefined => {
    const found = departments.find((department) => department.id === id);
    return found
      ? { kind: 'department', departmentId: found.id, code: found.code, name: found.name }
      : undefined;
  };
  if (user.roles.includes('admin')) return named(departmentId) ?? { kind: 'all' };
  if (user.roles.includes('head')) return named(user.departmentId) ?? { kind: 'own' };
  return { kind: 'own' };
}

async function scopeOf(
  store: ReportsStore,
  user: User | typeof COMPANY,
  audience: ReportAudience,
): Promise<{ scope: ReportScope; people: ReportPerson[] }> {
  if (audience.kind === 'all' || user === COMPANY) {
    return { scope: { kind: 'all' }, people: await store.people() };
  }
  if (audience.kind === 'own') {
    const self = { id: user.id, name: user.name, roles: user.roles, active: user.active };
    return { scope: { kind: 'people', userIds: [user.id], unassigned: false }, people: [self] };
  }
  const people = await store.people(audience.departmentId);
  // A head hands out the leads nobody holds yet, so they are part of the head's numbers; an
  // admin looking at one department sees what its people hold.
  const unassigned = !user.roles.includes('admin') && user.roles.includes('head');
  return { scope: { kind: 'people', userIds: people.map((p) => p.id), unassigned }, people };
}

function bySource(
  leads: readonly LeadRow[],
  won: readonly WonDeal[],
  keyOf: (lead: LeadRow) => string | undefined,
): SourceRow[] {
  const rows = new Map<string | undefined, SourceRow>();
  const keyOfLead = new Map<string, string | undefined>();
  for (const lead of leads) {
    const key = keyOf(lead);
    keyOfLead.set(lead.id, key);
    const row = rows.get(key) ?? {
      ...(key !== undefined ? { key } : {}),
      leads: 0,
      won: 0,
      amount: 0,
    };
    row.leads += 1;
    rows.set(key, row);
  }
  for (const deal of won) {
    if (!deal.leadId || !keyOfLead.has(deal.leadId)) continue;
    const row = rows.get(keyOfLead.get(deal.leadId))!;
    row.won += 1;
    row.amount += deal.amount;
  }
  return [...rows.values()].sort(
    (a, b) => b.leads - a.leads || (a.key ?? '').localeCompare(b.key ?? ''),
  );
}

/** Counts records per stage id. */
function countStages(rows: readonly { stage: string }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.stage, (counts.get(row.stage) ?? 0) + 1);
  return counts;
}

/**
 * What a report asks the records from: the start of the earliest period offered, so whichever
 * period is asked for next needs nothing older.
 */
export const countedFrom = (timeZone: string, now: Date): Date =>
  periodRange('lastMonth', timeZone, now).from;

/** The whole report for one person, period and (for admins) department. */
export async function buildReport(
  deps: ReportDeps,
  user: User | typeof COMPANY,
  period: PeriodKey,
  departmentId?: string,
): Promise<Report> {
  const { store, definition } = deps;
  const now = deps.clock.now();
  const range = periodRange(period, deps.timeZone, now);
  const audience = await audienceFor(deps, user, departmentId);
  const { scope, people } = await scopeOf(store, user, audience);
  const inScope = (userId: string | undefined) =>
    scope.kind === 'all' || (userId !== undefined && scope.userIds.includes(userId));
  const month = monthOfRange(range, deps.timeZone);

  const [records, allReplies, waitingSince, targets] = await Promise.all([
    store.records(countedFrom(deps.timeZone, now)),
    store.replies(range),
    store.waitingSince(scope),
    store.plans(month.month),
  ]);
  const leads = records.leadsCreated(range, scope);
  const deals = records.dealsCreated(range, scope);
  const overdue = records.overdueTasks(scope, now, OVERDUE_SHOWN);
  const wonInMonth = records.wonDealsIn(month, scope);
  const wonOfLeads = records.wonDealsOfLeads(leads.map((lead) => lead.id));
  const managers = people.filter((person) => person.active && person.roles.includes('manager'));
  const load = records.openLoad(managers.map((person) => person.id));
  const qualifiedStages = new Set(
    definition.lead.stages.filter((stage) => stage.kind === 'won').map((stage) => stage.id),
  );

  const replies = allReplies.filter((reply) => inScope(reply.userId));
  // Replies and overdue tasks are counted for people in scope only, so they all have a name here.
  const names = new Map(people.map((person) => [person.id, person.name]));

  return {
    period,
    range,
    audience,
    leadFunnel: funnelOf(definition.lead, countStages(leads)),
    dealFunnels: definition.deals.map((pipeline) => ({
      type: pipeline.id,
      title: pipeline.title,
      rows: funnelOf(pipeline, countStages(deals.filter((deal) => deal.type === pipeline.id))),
    })),
    channels: bySource(leads, wonOfLeads, (lead) => channelOf(lead.source)) as (SourceRow & {
      key: string;
    })[],
    sources: bySource(leads, wonOfLeads, (lead) => lead.utm.source),
    campaigns: bySource(leads, wonOfLeads, (lead) => lead.utm.campaign),
    managers: managers.map((person) => {
      const own = leads.filter((lead) => lead.salesId === person.id);
      const qualified = own.filter((lead) => qualifiedStages.has(lead.stage)).length;
      const open = load.get(person.id) ?? { leads: 0, deals: 0, tasks: 0 };
      return {
        userId: person.id,
        name: person.name,
        openLeads: open.leads,
        openDeals: open.deals,
        openTasks: open.tasks,
        overdue: overdue.byAssignee.get(person.id) ?? 0,
        leads: own.length,
        qualified,
        ...(own.length > 0 ? { conversion: Math.round((qualified / own.length) * 100) } : {}),
      };
    }),
    replies: replyTimes(replies),
    names,
    waiting: waitingBuckets(waitingSince, now),
    overdue: { count: overdue.count, top: overdue.top },
    plan: planRows({
      month,
      now,
      people: managers,
      targets,
      won: wonInMonth,
    }),
  };
}
