import type { TimerName } from '../app/process/ports';
import type { TimerHandlers } from '../app/process/timer-handlers';
import type { Logger } from '../infra/logger';
import type { JobDefinition } from '../infra/scheduler';
import { runTimer } from './timer-payloads';

export interface RecurringJob {
  name: string;
  /** Cron, read in the company's time zone. */
  cron: string;
}

/**
 * Every timer the hub runs is registered here and nowhere else, so one file answers "what runs on
 * a clock". Each handler is one call into a use case, with its payload parsed first
 * (timer-payloads.ts): a payload that does not parse is logged with the job and its key and
 * dropped, never retried.
 */
export function hubJobs(deps: {
  handlers: TimerHandlers;
  openMonthlyPlans: () => Promise<unknown>;
  logger: Logger;
}): {
  jobs: JobDefinition<never>[];
  recurring: RecurringJob[];
} {
  const timers = (Object.keys(deps.handlers) as TimerName[]).map(
    (name): JobDefinition<unknown> => ({
      name,
      run: (data) =>
        runTimer(deps.handlers, name, data, (malformed) =>
          deps.logger.error(malformed, 'dropped a timer whose payload does not parse'),
        ),
    }),
  );
  return {
    jobs: [
      ...timers,
      {
        name: 'plan.monthly-reset',
        run: async () => {
          await deps.openMonthlyPlans();
        },
      },
    ],
    // Midnight on the first of each month: plan/fact starts over, last month stays as history.
    recurring: [{ name: 'plan.monthly-reset', cron: '0 0 1 * *' }],
  };
}
