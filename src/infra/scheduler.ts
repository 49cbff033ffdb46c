import { Agenda, type AgendaBackend } from 'agenda';
import type { Db } from 'mongodb';
import type { Timers } from '../app/process/ports';
import {
  CONCURRENCY_PER_NAME,
  CONCURRENCY_TOTAL,
  LOCK_LIFETIME_MS,
  timerKeyOf,
  type ArmedJob,
} from './agenda/job-document';
import { TimerJobRepository } from './agenda/timer-job-repository';
import { WakeChannel } from './agenda/wake-channel';
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
  /**
   * How often the database is polled for due jobs: one query per tick for all job names. Each
   * tick claims the jobs due within the next 10 s, which then fire on a local timer at their
   * time; a timer this process arms that no tick would claim in time is claimed on its own. So
   * this bounds only how late a timer can fire that another process armed for less than a tick
   * ahead (and, with ticks longer than 10 s, one armed elsewhere between two ticks).
   */
  processEveryMs: number;
  /**
   * Called with the job's name after each handler completed successfully (not after a failure,
   * nor for a timer that was replaced or cancelled before it ran), so that work a timer produces
   * (staff notices) is delivered now instead of at the next poll. Errors it throws are logged.
   */
  onFired?: (name: string) => void;
}

/**
 * Agenda on the hub's own database connection. Jobs are persisted, so timers survive restarts;
 * a job left locked by a crashed process is picked up again after its lock lifetime.
 *
 * A timer is one job keyed by `data.timerKey`: scheduling it again is one upsert by that key (the
 * same job, its lock and run state reset, so it fires again even if it ran or is running now);
 * cancelling is one delete by key. A one-off job is deleted when its run ends, so the collection
 * holds pending jobs only; `every` jobs stay.
 */
export function createScheduler(options: SchedulerOptions): Scheduler {
  const { db, logger } = options;
  const repository = new TimerJobRepository(db, logger, options.processEveryMs);
  const backend: AgendaBackend = {
    name: 'MongoDB (linehub timers)',
    repository,
    ownsConnection: false,
    connect: () => repository.connect(),
    disconnect: () => repository.disconnect(),
  };
  const channel = new WakeChannel((nextRunAt) => repository.saved(nextRunAt));
  repository.wakeAgenda = (jobNames) => channel.wake(jobNames);
  const agenda = new Agenda({
    backend,
    notificationChannel: channel,
    // Agenda's own tick only takes claimed jobs that are due from the repository, no query.
    processEvery: options.processEveryMs,
    defaultLockLifetime: LOCK_LIFETIME_MS,
    defaultConcurrency: CONCURRENCY_PER_NAME,
    maxConcurrency: CONCURRENCY_TOTAL,
  });
  // Without an 'error' listener an outage of the database would throw and kill the process.
  agenda.on('error', (error) => logger.error({ err: error }, 'scheduler error'));
  agenda.on('fail', (error, job) =>
    logger.error(
      {
        err: error,
        job: job.attrs.name,
        timerKey: timerKeyOf(job.attrs.data),
      },
      'scheduled job failed',
    ),
  );

  const timers: Timers = {
    async schedule(key, at, name, data, options) {
      await repository.beforeArm(key);
      let armedWith = '';
      const save = (fresh: boolean) => {
        const job = agenda.create(name, { ...data, timerKey: key });
        // Saved with the job (Agenda's upsert sets every attribute): see `claim`.
        armedWith = repository.armToken();
        const attrs = job.attrs as ArmedJob;
        attrs.lockToken = armedWith;
        if (fresh) attrs.fresh = true;
        return job.unique({ 'data.timerKey': key }).schedule(at).save();
      };
      try {
        await save(options?.fresh ?? false);
      } catch (error) {
        // The key's job under another name, or two first schedules racing: the last one wins.
        if ((error as { code?: unknown }).code !== 11000) throw error;
        await agenda.cancel({ data: { timerKey: key } });
        await save(false);
      }
      // Runs of the old timer claimed here and not yet started stand down (see `supersede`).
      repository.supersede(key, armedWith);
    },
    async cancel(key) {
      await repository.beforeArm(key);
      await agenda.cancel({ data: { timerKey: key } });
      repository.supersede(key);
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
            if (repository.isSuperseded(agendaJob.attrs)) return;
            await (job.run as (data: unknown) => Promise<void>)(agendaJob.attrs.data);
            try {
              options.onFired?.(job.name);
            } catch (error) {
              logger.error({ err: error, job: job.name }, 'onFired callback failed');
            }
          },
          job.concurrency ? { concurrency: job.concurrency } : {},
        );
      }
      await agenda.start();
      repository.start(jobs.map((job) => job.name));
      started = true;
      // `every` keeps one job per name, so restarts do not pile up copies.
      for (const job of recurring) {
        await agenda.every(job.cron, job.name, undefined, timeZone ? { timezone: timeZone } : {});
      }
    },
    async stop() {
      // Let running timers finish (bounded); queued ones stay in the database for the next start.
      if (!started) return;
      started = false;
      repository.stop();
      await agenda.drain({ timeout: 10_000, closeConnection: false });
      await repository.release();
    },
  };
}
