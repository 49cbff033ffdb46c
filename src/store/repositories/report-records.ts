import type {
  DealRow,
  LeadRow,
  OpenLoad,
  RecordReads,
  ReportScope,
  WonDeal,
} from '../../app/reports/ports';
import type { Range } from '../../domain/report-period';
import type { DealFact, ReportFacts } from './report-view';

/** Who holds a record, in the slots a kind of record uses. */
interface Holders {
  salesId?: string | undefined;
  operationsId?: string | undefined;
}

/** Whether the people in scope hold a record (a lead as sales; a deal as sales or operations). */
export function heldIn(scope: ReportScope, kind: 'lead' | 'deal'): (holders: Holders) => boolean {
  if (scope.kind === 'all') return () => true;
  const people = new Set(scope.userIds);
  const has = (id: string | undefined) => id !== undefined && people.has(id);
  return kind === 'lead'
    ? // Only a lead waits for someone in sales to take it; a deal always has its seller.
      (holders) => (scope.unassigned && !holders.salesId) || has(holders.salesId)
    : (holders) => has(holders.salesId) || has(holders.operationsId);
}

const within = (range: Range, at: Date) => at >= range.from && at < range.to;

const wonOf = ({ leadId, salesId, amount }: DealFact): WonDeal => ({
  ...(leadId ? { leadId } : {}),
  ...(salesId ? { salesId } : {}),
  amount,
});

/** The report's figures over the records held in memory: no database read here. */
export function recordsOf({ leads, deals, openTasks }: ReportFacts): RecordReads {
  return {
    leadsCreated(range, scope) {
      const held = heldIn(scope, 'lead');
      return [...leads.values()]
        .filter((lead) => within(range, lead.createdAt) && held(lead))
        .map(({ id, stage, source, utm, salesId }): LeadRow => ({
          id,
          stage,
          source,
          utm,
          ...(salesId ? { salesId } : {}),
        }));
    },

    dealsCreated(range, scope) {
      const held = heldIn(scope, 'deal');
      return [...deals.values()]
        .filter((deal) => within(range, deal.createdAt) && held(deal))
        .map(({ type, stage }): DealRow => ({ type, stage }));
    },

    wonDealsOfLeads(leadIds) {
      const wanted = new Set(leadIds);
      return [...deals.values()]
        .filter((deal) => deal.closed === 'won' && deal.leadId && wanted.has(deal.leadId))
        .map(wonOf);
    },

    wonDealsIn(range, scope) {
      // Deals closed before `closedAt` was kept are dated by their last change.
      const held = heldIn(scope, 'deal');
      return [...deals.values()]
        .filter(
          (deal) =>
            deal.closed === 'won' && within(range, deal.closedAt ?? deal.updatedAt) && held(deal),
        )
        .map(wonOf);
    },

    openLoad(userIds) {
      const load = new Map<string, OpenLoad>(
        userIds.map((id) => [id, { leads: 0, deals: 0, tasks: 0 }]),
      );
      const count = (holder: string | undefined, what: keyof OpenLoad) => {
        const person = holder === undefined ? undefined : load.get(holder);
        if (person) person[what] += 1;
      };
      for (const lead of leads.values()) if (!lead.closed) count(lead.salesId, 'leads');
      for (const deal of deals.values()) {
        if (deal.closed) continue;
        // Once for each person holding it: one person as seller and as operations counts it once.
        for (const holder of new Set([deal.salesId, deal.operationsId])) count(holder, 'deals');
      }
      for (const task of openTasks.values()) count(task.assigneeId, 'tasks');
      return load;
    },

    overdueTasks(scope, now, limit) {
      const people = scope.kind === 'all' ? undefined : new Set(scope.userIds);
      const tasks = [...openTasks.values()]
        .filter((task) => task.due < now && (!people || people.has(task.assigneeId)))
        .sort((a, b) => a.due.getTime() - b.due.getTime());
      const byAssignee = new Map<string, number>();
      for (const task of tasks) {
        byAssignee.set(task.assigneeId, (byAssignee.get(task.assigneeId) ?? 0) + 1);
      }
      return { count: tasks.length, top: tasks.slice(0, limit), byAssignee };
    },
  };
}
