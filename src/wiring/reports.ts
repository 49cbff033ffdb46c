import type { ReportBotDeps } from '../../bots/manager/report.composer';
import { runDailyDigest } from '../app/reports/daily-digest';
import { monthlyPlans, setMonthlyPlan } from '../app/reports/plans';
import { buildReport, countedFrom, type Report } from '../app/reports/report';
import type { ProcessDefinition } from '../domain/process/definition';
import type { Clock } from '../domain/ports';
import { chartRenderer } from '../infra/charts/render-chart';
import type { Logger } from '../infra/logger';
import type { Models } from '../store/models';
import { createDigestLatch, createReportsStore } from '../store/repositories/reports.repository';
import { backfillReplyWaits } from '../store/repositories/reply-waits.repository';

export interface ReportParts {
  bot: ReportBotDeps;
  /** Sends the day's digest if it is due and not yet sent; the recurring job calls it. */
  dailyDigest(send: (report: Report) => Promise<void>): Promise<boolean>;
  /**
   * Starts noting, in the background, the waits of replies sent before waits were noted (once
   * per database); what it returns stops it after its current page, to go on at the next start.
   */
  backfillReplyWaits(logger: Logger): () => Promise<void>;
  /**
   * Reads, in the background, the records reports count, so the first `/report` after a start
   * reads only what changed since; what it returns waits for it to end.
   */
  warmUp(logger: Logger): () => Promise<void>;
}

/** Reports, plans and the daily digest over the store, in the company's time zone. */
export function createReports(options: {
  models: Models;
  definition: ProcessDefinition;
  timeZone: string;
  clock: Clock;
  /** "HH:MM": from when the day's digest is due. */
  digestAt: string;
}): ReportParts {
  const { definition, timeZone, clock } = options;
  const store = createReportsStore(options.models);
  const report = { store, definition, timeZone, clock };
  const [hours, minutes] = options.digestAt.split(':').map(Number) as [number, number];
  return {
    bot: {
      build: (user, period, departmentId) => buildReport(report, user, period, departmentId),
      departments: async (user) => (user.roles.includes('admin') ? store.departments() : undefined),
      plans: (user) => monthlyPlans(report, user),
      setPlan: (user, number, target) => setMonthlyPlan(report, user, number, target),
      renderChart: chartRenderer,
      timeZone,
    },
    dailyDigest: (send) =>
      runDailyDigest({
        report,
        latch: createDigestLatch(options.models),
        atMinute: hours * 60 + minutes,
        send,
      }),
    warmUp(logger) {
      const done = store.records(countedFrom(timeZone, clock.now())).then(
        () => undefined,
        (error: unknown) => logger.warn({ err: error }, 'reports not warmed; the first reads all'),
      );
      return () => done;
    },
    backfillReplyWaits(logger) {
      let stopping = false;
      const done = backfillReplyWaits(options.models, () => stopping).then(
        (read) => {
          if (read !== undefined) logger.info({ conversations: read }, 'earlier reply waits noted');
        },
        (error: unknown) =>
          logger.error({ err: error }, 'noting earlier reply waits failed; tried at next start'),
      );
      return async () => {
        stopping = true;
        await done;
      };
    },
  };
}
