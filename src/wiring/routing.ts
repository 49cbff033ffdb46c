import type { RoutingSample } from '../domain/routing/rule';
import { Router } from '../app/routing/router';
import { RuleEditor } from '../app/routing/rule-editor';
import type { Clock } from '../domain/ports';
import type { Stores } from '../store/stores';

export interface RoutingParts {
  router: Router;
  editor: RuleEditor;
  /** For ingest and site leads: the manager a new lead goes to, or none for the dispatcher. */
  route(sample: RoutingSample): Promise<string | undefined>;
}

export function createRouting(options: {
  stores: Stores;
  timeZone: string;
  clock: Clock;
}): RoutingParts {
  const { stores, timeZone, clock } = options;
  const rules = stores.routingRules;
  const people = stores.routingPeople;
  const router = new Router({ rules, people, timeZone });
  const editor = new RuleEditor({ rules, people, audit: stores.routingAudit, clock });
  return { router, editor, route: router.route };
}
