import type { TimerName } from '../app/process/ports';
import type { TimerHandlers } from '../app/process/timer-handlers';
import type { Logger } from '../infra/logger';
import type { JobDefinition } from '../infra/scheduler';
import { runTimer } from './timer-payloads';

const DIGEST_JOB = 'report.daily-digest';

const digestRun = (digest: { run: () => Promise<unknown> }) => async () => {
  await digest.run();
};

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
  /** The heads' daily digest at `cron`; absent when switched off. */
  dailyDigest?: { cron: string; run: () => Promise<unknown> };
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
      ...(deps.dailyDigest ? [{ name: DIGEST_JOB, run: digestRun(deps.dailyDigest) }] : []),
    ],
    recurring: [
      // Midnight on the first of each month: plan/fact starts over, last month stays as history.
      { name: 'plan.monthly-reset', cron: '0 0 1 * *' },
      // The use case sends once a day however often this runs (a restart, several processes).
      ...(deps.dailyDigest ? [{ name: DIGEST_JOB, cron: deps.dailyDigest.cron }] : []),
    ],
  };
}
