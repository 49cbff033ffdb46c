import type { Range } from '../../domain/report-period';
import type { ReportPerson, WonDeal } from './ports';

export interface PlanRow {
  userId: string;
  name: string;
  /** The month's plan; undefined when none was set. */
  target?: number;
  /** Won deals' amounts this month. */
  fact: number;
  /** Fact minus plan (negative: still to sell). */
  difference?: number;
  /** The share of the plan the elapsed part of the month calls for. */
  dueSoFar?: number;
}

export interface PlanSection {
  month: string;
  /** Share of the month elapsed, 0…1. */
  elapsed: number;
  rows: PlanRow[];
  total: Omit<PlanRow, 'userId' | 'name'>;
}

/**
 * Plan vs fact per manager for one month (PRODUCT.md, process 9): the fact is read from won
 * deals, not kept as a counter, so a deal's amount corrected later is counted as it is now.
 */
export function planRows(input: {
  month: Range & { month: string };
  now: Date;
  people: readonly ReportPerson[];
  targets: ReadonlyMap<string, number>;
  won: readonly WonDeal[];
}): PlanSection {
  const { month } = input;
  const length = month.to.getTime() - month.from.getTime();
  const elapsed = Math.min(1, Math.max(0, (input.now.getTime() - month.from.getTime()) / length));
  const facts = new Map<string, number>();
  for (const deal of input.won) {
    if (deal.salesId) facts.set(deal.salesId, (facts.get(deal.salesId) ?? 0) + deal.amount);
  }
  const rowOf = (target: number | undefined, fact: number) => ({
    ...(target !== undefined
      ? { target, difference: fact - target, dueSoFar: Math.round(target * elapsed) }
      : {}),
    fact,
  });
  const rows = input.people.map((person) => ({
    userId: person.id,
    name: person.name,
    ...rowOf(input.targets.get(person.id), facts.get(person.id) ?? 0),
  }));
  const planned = rows.filter((row) => row.target !== undefined);
  const target =
    planned.length > 0 ? planned.reduce((sum, row) => sum + row.target!, 0) : undefined;
  return {
    month: month.month,
    elapsed,
    rows,
    total: rowOf(
      target,
      rows.reduce((sum, row) => sum + row.fact, 0),
    ),
  };
}
