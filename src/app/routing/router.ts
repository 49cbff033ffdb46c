import { withinHours } from '../../domain/routing/hours';
import { matches } from '../../domain/routing/match';
import type { RoutingRule, RoutingSample } from '../../domain/routing/rule';
import type { User } from '../../domain/user';
import { KeyedLock } from '../keyed-lock';
import type { RoutingPeople, RuleStore } from './ports';

export interface RoutingDecision {
  /** 1-based position of the rule that fired; none when no rule matched. */
  position?: number;
  /** The manager who gets the lead; none means the dispatcher's queue. */
  assignee?: User;
  /** A rule named people but none of them is online and within their working hours. */
  nobodyAvailable: boolean;
}

/**
 * Who gets a new inbound lead (PRODUCT.md: routing rules can replace the dispatcher). The first
 * matching rule decides; a manager who is offline or outside their schedule is skipped, and when
 * nobody fits the lead falls back to the dispatcher's queue.
 */
export class Router {
  private readonly turns = new KeyedLock();

  constructor(
    private readonly deps: { rules: RuleStore; people: RoutingPeople; timeZone: string },
  ) {}

  /**
   * For ingest and site leads: the manager a new lead goes to, or none for the dispatcher. A
   * callback of theirs: bound.
   */
  readonly route = async (sample: RoutingSample): Promise<string | undefined> =>
    (await this.decide(sample)).assignee?.id;

  async decide(
    sample: RoutingSample,
    options: { dryRun?: boolean } = {},
  ): Promise<RoutingDecision> {
    const rules = await this.deps.rules.list();
    const index = rules.findIndex((rule) => matches(rule.conditions, sample, this.deps.timeZone));
    const rule = rules[index];
    if (!rule) return { nobodyAvailable: false };
    const assignee = await this.pick(rule, sample.at, !options.dryRun);
    const position = index + 1;
    if (rule.action.kind === 'dispatcher') return { position, nobodyAvailable: false };
    return assignee
      ? { position, assignee, nobodyAvailable: false }
      : { position, nobodyAvailable: true };
  }

  private async pick(rule: RoutingRule, at: Date, remember: boolean): Promise<User | undefined> {
    const { action } = rule;
    const available = (user: User | undefined): user is User =>
      !!user?.active &&
      user.online &&
      (!user.schedule || withinHours(user.schedule, at, this.deps.timeZone));
    switch (action.kind) {
      case 'dispatcher':
        return undefined;
      case 'manager': {
        const user = await this.deps.people.get(action.userId);
        return available(user) ? user : undefined;
      }
      case 'least_loaded':
        return (await this.deps.people.managersOf(action.department)).find(available);
      case 'round_robin':
        // One pick at a time per rule, so two leads arriving together take two turns.
        return this.turns.run(rule.id, () =>
          this.nextInTurn(rule.id, action.department, available, remember),
        );
    }
  }

  private async nextInTurn(
    ruleId: string,
    department: string,
    available: (user: User | undefined) => user is User,
    remember: boolean,
  ): Promise<User | undefined> {
    // A stable order, so "next after the last one" means the same thing every time.
    const team = (await this.deps.people.managersOf(department))
      .filter(available)
      .sort((a, b) => a.id.localeCompare(b.id));
    if (team.length === 0) return undefined;
    const last = await this.deps.rules.lastAssigned(ruleId);
    const next = team.find((user) => !last || user.id.localeCompare(last) > 0) ?? team[0]!;
    if (remember) await this.deps.rules.markAssigned(ruleId, next.id);
    return next;
  }
}
