import type { AuditEvent } from '../../domain/audit-event';
import type { Clock } from '../../domain/ports';
import type { RoutingAction, RoutingRule } from '../../domain/routing/rule';
import { shadows } from '../../domain/routing/shadowing';
import { parseRule, type ParsedRule } from '../../domain/routing/syntax';
import type { Admin } from '../../domain/user';
import type { RoutingAudit, RoutingPeople, RuleStore } from './ports';
import { RoutingError, type RoutingProblem } from './routing-error';

/**
 * Admins change routing by commands (PRODUCT.md: "edited in chat, dry-run against a sample
 * message, audited, and undoable"). Every change is checked as a whole list — unknown people,
 * unknown departments, a rule an earlier one makes unreachable — and refused with its reasons
 * before anything is saved; every saved change is audited with the list before and after.
 */
export class RuleEditor {
  constructor(
    private readonly deps: {
      rules: RuleStore;
      people: RoutingPeople;
      audit: RoutingAudit;
      clock: Clock;
    },
  ) {}

  list(): Promise<RoutingRule[]> {
    return this.deps.rules.list();
  }

  /** Adds a rule at a 1-based position (the end by default). */
  async add(admin: Admin, line: string, position?: number): Promise<RoutingRule[]> {
    const rule = await this.build(line);
    return this.change(admin, 'routing.add', (rules) => {
      const at = position === undefined ? rules.length : this.index(rules, position, true);
      return [...rules.slice(0, at), rule, ...rules.slice(at)];
    });
  }

  async edit(admin: Admin, position: number, line: string): Promise<RoutingRule[]> {
    const rule = await this.build(line);
    return this.change(admin, 'routing.edit', (rules) => {
      const at = this.index(rules, position);
      return rules.map((old, i) => (i === at ? { ...rule, id: old.id } : old));
    });
  }

  remove(admin: Admin, position: number): Promise<RoutingRule[]> {
    return this.change(admin, 'routing.delete', (rules) => {
      const at = this.index(rules, position);
      return rules.filter((_, i) => i !== at);
    });
  }

  move(admin: Admin, from: number, to: number): Promise<RoutingRule[]> {
    return this.change(admin, 'routing.move', (rules) => {
      const [a, b] = [this.index(rules, from), this.index(rules, to)];
      const next = [...rules];
      const [rule] = next.splice(a, 1);
      next.splice(b, 0, rule!);
      return next;
    });
  }

  /** Restores the list as it was before the last change not yet undone. */
  async undo(admin: Admin): Promise<RoutingRule[]> {
    const last = await this.deps.audit.lastChange();
    if (!last) throw new RoutingError([{ code: 'nothing_to_undo' }]);
    const restored = (last.before ?? []) as RoutingRule[];
    const current = await this.deps.rules.list();
    await this.deps.rules.replace(restored);
    const at = this.deps.clock.now();
    await this.deps.audit.markUndone(last.id, at);
    await this.record(admin, 'routing.undo', current, restored, at);
    return restored;
  }

  recentChanges(limit = 10): Promise<AuditEvent[]> {
    return this.deps.audit.recent(limit);
  }

  private async change(
    admin: Admin,
    action: string,
    apply: (rules: RoutingRule[]) => RoutingRule[],
  ): Promise<RoutingRule[]> {
    const before = await this.deps.rules.list();
    const after = apply(before);
    const problems = shadowingProblems(after);
    if (problems.length > 0) throw new RoutingError(problems);
    await this.deps.rules.replace(after);
    await this.record(admin, action, before, after, this.deps.clock.now());
    return after;
  }

  private record(
    admin: Admin,
    action: string,
    before: RoutingRule[],
    after: RoutingRule[],
    at: Date,
  ) {
    return this.deps.audit.record({
      actorUserId: admin.id,
      action,
      subject: { kind: 'routing' },
      before,
      after,
      at,
    });
  }

  private index(rules: RoutingRule[], position: number, allowEnd = false): number {
    const max = allowEnd ? rules.length + 1 : rules.length;
    if (!Number.isInteger(position) || position < 1 || position > max) {
      throw new RoutingError([{ code: 'no_such_rule', position }]);
    }
    return position - 1;
  }

  private async build(line: string): Promise<RoutingRule> {
    const parsed = parseRule(line);
    if ('problems' in parsed) throw new RoutingError(parsed.problems);
    const problems: RoutingProblem[] = [];
    const action = await this.resolve(parsed.rule.action, problems);
    if (!action) throw new RoutingError(problems);
    return { id: this.deps.rules.newId(), conditions: parsed.rule.conditions, action };
  }

  private async resolve(
    action: ParsedRule['action'],
    problems: RoutingProblem[],
  ): Promise<RoutingAction | undefined> {
    if (action.kind === 'dispatcher') return action;
    if (action.kind === 'manager') {
      const [user, ...others] = await this.deps.people.find(action.who);
      if (!user) problems.push({ code: 'unknown_manager', value: action.who });
      else if (others.length > 0) problems.push({ code: 'ambiguous_manager', value: action.who });
      return user && others.length === 0 ? { kind: 'manager', userId: user.id } : undefined;
    }
    if (!(await this.deps.people.departmentExists(action.department))) {
      problems.push({ code: 'unknown_department', value: action.department });
      return undefined;
    }
    return action;
  }
}

function shadowingProblems(rules: RoutingRule[]): RoutingProblem[] {
  const problems: RoutingProblem[] = [];
  rules.forEach((rule, later) => {
    const by = rules.findIndex(
      (earlier, i) => i < later && shadows(earlier.conditions, rule.conditions),
    );
    if (by >= 0) problems.push({ code: 'shadowed', position: later + 1, by: by + 1 });
  });
  return problems;
}
