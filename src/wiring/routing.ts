import type { RoutingSample } from '../domain/routing/rule';
import { Router } from '../app/routing/router';
import { RuleEditor } from '../app/routing/rule-editor';
import type { Clock } from '../domain/ports';
import type { Models } from '../store/models';
import { createDirectory } from '../store/repositories/directory.repository';
import {
  createRoutingAudit,
  createRoutingPeople,
  createRuleStore,
} from '../store/repositories/routing.repository';

export interface RoutingParts {
  router: Router;
  editor: RuleEditor;
  /** For ingest and site leads: the manager a new lead goes to, or none for the dispatcher. */
  route(sample: RoutingSample): Promise<string | undefined>;
}

export function createRouting(options: {
  models: Models;
  timeZone: string;
  clock: Clock;
}): RoutingParts {
  const { models, timeZone, clock } = options;
  const rules = createRuleStore(models);
  const people = createRoutingPeople(models, createDirectory(models));
  const router = new Router({ rules, people, timeZone });
  const editor = new RuleEditor({ rules, people, audit: createRoutingAudit(models), clock });
  return {
    router,
    editor,
    route: async (sample) => (await router.decide(sample)).assignee?.id,
  };
}
