import type { JobDefinition } from '../infra/scheduler';

/**
 * Every timer the hub runs is registered here and nowhere else, so one file answers "what runs on
 * a clock". SLA ladders, follow-ups and the outbox sweep join this list as they land.
 */
export function jobDefinitions(): JobDefinition<never>[] {
  return [];
}
