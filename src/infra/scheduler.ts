import { MongoBackend } from '@agendajs/mongo-backend';
import { Agenda } from 'agenda';
import type { Db } from 'mongodb';
import type { Timers } from '../app/process/ports';
import type { Logger } from './logger';

/** A timer handler: a few lines that call one use case (ARCHITECTURE.md, "Agenda job handlers"). */
export interface JobDefinition<Data = unknown> {
  name: string;
  run(data: Data): Promise<void>;
  concurrency?: number;
}

export interface Scheduler {
  agenda: Agenda;
  /** The engine's Timers port on Agenda. */
  timers: Timers;
  start(
    jobs: readonly JobDefinition<never>[],
    recurring?: readonly { name: string; cron: string }[],
    timeZone?: string,
  ): Promise<void>;
  stop(): Promise<void>;
}

export interface SchedulerOptions {
  db: Db;
  logger: Logger;
  /** How often due jobs are looked for; bounds how late a timer can fire. */
  processEveryMs: number;
}

/**
 * Agenda on the hub's own database connection. Jobs are persisted, so timers survive restarts;
 * a job left locked by a crashed process is picked up again after its lock lifetime.
 */
export function createScheduler(options: SchedulerOptions): Scheduler {
  const { db, logger } = options;
  const agenda = new Agenda({
    backend: new MongoBackend({ mongo: db }),
    processEvery: options.processEveryMs,
    // A job locked by a crashed process is taken over after this; handlers are short use-case
    // calls, and a reply-SLA reminder must not wait Agenda's default ten minutes.
    defaultLockLifetime: 60_000,
  });
  // Without an 'error' listener an outage of the database would throw and kill the process.
  agenda.on('error', (error) => logger.error({ err: error }, 'scheduler error'));
  agenda.on('fail', (error, job) =>
    logger.error({ err: error, job: job.attrs.name }, 'scheduled job failed'),
  );

  const timers: Timers = {
    // Cancel-then-schedule keeps one timer per key: a postponed task moves its overdue alert.
    async schedule(key, at, name, data) {
      await agenda.cancel({ data: { timerKey: key } });
      await agenda.schedule(at, name, { ...data, timerKey: key });
    },
    async cancel(key) {
      await agenda.cancel({ data: { timerKey: key } });
    },
  };

  let started = false;
  return {
    agenda,
    timers,
    async start(jobs, recurring = [], timeZone) {
      for (const job of jobs) {
        agenda.define<unknown>(
          job.name,
          async (agendaJob) => {
            await (job.run as (data: unknown) => Promise<void>)(agendaJob.attrs.data);
          },
          job.concurrency ? { concurrency: job.concurrency } : {},
        );
      }
      await agenda.start();
      started = true;
      // `every` keeps one job per name, so restarts do not pile up copies.
      for (const job of recurring) {
        await agenda.every(job.cron, job.name, undefined, timeZone ? { timezone: timeZone } : {});
      }
    },
    async stop() {
      // Let running timers finish (bounded); queued ones stay in the database for the next start.
      if (started) await agenda.drain({ timeout: 10_000, closeConnection: false });
    },
  };
}
