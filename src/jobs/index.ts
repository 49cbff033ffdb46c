import type { TimerHandlers } from '../app/process/timer-handlers';
import type { JobDefinition } from '../infra/scheduler';

/**
 * Every timer the hub runs is registered here and nowhere else, so one file answers "what runs on
 * a clock". Each handler is one call into a use case.
 */
export function jobDefinitions(handlers: TimerHandlers): JobDefinition<never>[] {
  return Object.entries(handlers).map(([name, run]) => ({
    name,
    run: run as (data: never) => Promise<void>,
  }));
}
