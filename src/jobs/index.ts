import type { TimerHandlers } from '../app/process/timer-handlers';
import type { JobDefinition } from '../infra/scheduler';

export interface RecurringJob {
  name: string;
  /** Cron, read in the company's time zone. */
  cron: string;
}

/**
 * Every timer the hub runs is registered here and nowhere else, so one file answers "what runs on
 * a clock". Each handler is one call into a use case.
 */
export function hubJobs(deps: {
  handlers: TimerHandlers;
  openMonthlyPlans: () => Promise<unknown>;
}): {
  jobs: JobDefinition<never>[];
  recurring: RecurringJob[];
} {
  const timers = Object.entries(deps.handlers).map(([name, run]) => ({
    name,
    run: run as (data: never) => Promise<void>,
  }));
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
