import type { User } from '../../domain/user';
import { monthIn } from '../plans/monthly-reset';
import type { ReportPerson, ReportsStore } from './ports';

export interface PlanDeps {
  store: ReportsStore;
  timeZone: string;
  clock: { now(): Date };
}

export interface PlanEntry {
  person: ReportPerson;
  target?: number;
}

/** Plans are set by heads (for their own department's managers) and admins (for anyone's). */
async function plannable(deps: PlanDeps, user: User): Promise<ReportPerson[] | undefined> {
  const admin = user.roles.includes('admin');
  if (!admin && !(user.roles.includes('head') && user.departmentId)) return undefined;
  const people = await deps.store.people(admin ? undefined : user.departmentId);
  return people.filter((person) => person.active && person.roles.includes('manager'));
}

/** This month's plan per manager the person may plan for, numbered as `/plan N` reads them. */
export async function monthlyPlans(
  deps: PlanDeps,
  user: User,
): Promise<{ month: string; entries: PlanEntry[] } | undefined> {
  const people = await plannable(deps, user);
  if (!people) return undefined;
  const month = monthIn(deps.timeZone, deps.clock.now());
  const targets = await deps.store.plans(month);
  return {
    month,
    entries: people.map((person) => {
      const target = targets.get(person.id);
      return { person, ...(target !== undefined ? { target } : {}) };
    }),
  };
}

export type SetPlanResult =
  | { ok: true; person: ReportPerson; month: string; target: number }
  | { ok: false; reason: 'refused' | 'unknown' };

/**
 * Sets this month's plan of the `number`-th manager of the person's list; the rights are checked
 * again here, whatever list the person saw before.
 */
export async function setMonthlyPlan(
  deps: PlanDeps,
  user: User,
  number: number,
  target: number,
): Promise<SetPlanResult> {
  const plans = await monthlyPlans(deps, user);
  if (!plans) return { ok: false, reason: 'refused' };
  const entry = plans.entries[number - 1];
  if (!entry || !Number.isFinite(target) || target < 0) return { ok: false, reason: 'unknown' };
  await deps.store.setPlan(entry.person.id, plans.month, target);
  return { ok: true, person: entry.person, month: plans.month, target };
}
