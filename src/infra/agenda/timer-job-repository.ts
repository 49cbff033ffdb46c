import { randomUUID } from 'node:crypto';
import { MongoJobRepository } from '@agendajs/mongo-backend';
import { toJobId, type JobParameters, type JobRepositoryOptions } from 'agenda';
import { ObjectId, type Db, type Document } from 'mongodb';
import type { Logger } from '../logger';
import { FinishedJobs } from './finished-jobs';
import {
  isRecurring,
  JOBS_COLLECTION,
  LOCK_LIFETIME_MS,
  LOOKAHEAD_MS,
  timerKeyOf,
  type ArmedJob,
  type ClaimedJob,
} from './job-document';
import { ensureJobIndexes } from './job-indexes';
import { DueJobs } from './due-jobs';
import type { Held } from './lock-batch';
import { claimJobs } from './claim-jobs';
import { writeOneOffState } from './one-off-state';
import { RearmedKeys } from './rearmed-keys';
import { TimerArming } from './timer-arming';
import { ClaimWakes } from './claim-wakes';

/**
 * Agenda's MongoDB repository, with the polling, the claim and a one-off job's bookkeeping
 * replaced. Agenda runs the jobs (concurrency, events, lock lifetime, drain); this finds them.
 *
 * - Polling: Agenda asks for one job per defined name per tick, each a `findOneAndUpdate` whose
 *   `$or` filter and sort an embedded engine answers by scanning and sorting the collection. Here
 *   one query per tick, for all names, reads the `nextRunAt` index for the jobs due within the
 *   lookahead that no one has locked; they are locked with one `updateMany` under a fresh token
 *   (on the condition that each still has the token it was found with: arming a timer writes a
 *   new one) and kept here until due. A local timer then wakes Agenda (through its
 *   notification channel) and `getNextJobToRun` hands it the due ones, never asking the database.
 *   So a burst is claimed in batches seconds before it is due and fires on time, the idle hub
 *   sends one command per tick, and a timer armed here that no tick would claim in time is
 *   claimed on its own. Locks past their lifetime (a crashed process) are swept every 15 s.
 * - A one-off job writes nothing when it starts and is deleted when it finishes, in batches, so
 *   the collection holds only pending jobs (`one-off-state.ts`: a re-armed timer is left alone).
 * - Recurring (`every`) jobs keep Agenda's own state writes.
 */
export class TimerJobRepository extends MongoJobRepository {
  private readonly processId = randomUUID().slice(0, 8);
  private claims = 0;
  private arms = 0;
  /** Claimed jobs not yet handed to Agenda. */
  private readonly due = new DueJobs(
    (jobNames) => this.wakeAgenda(jobNames),
    () => this.running,
  );
  private readonly held = new Map<string, Held>();
  private readonly rearmed = new RearmedKeys();
  private names: string[] = [];
  private running = false;
  private poll: ReturnType<typeof setInterval> | undefined;
  /** Claims to make for timers armed here that no tick would claim in time, earliest first. */
  private readonly claimWakes: ClaimWakes;
  private round: Promise<void> | undefined;
  private roundAgain = false;
  private lastSweep = 0;
  private readonly finished: FinishedJobs;
  private readonly arming: TimerArming;
  /** Wakes Agenda for these job names (set by the scheduler to its notification channel). */
  wakeAgenda: (jobNames: string[]) => void = () => {};

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    private readonly processEveryMs: number,
  ) {
    // The claim below does not use Agenda's `findAndLockNextJobIndex`; see `ensureJobIndexes`.
    super({ mongo: db, db: { collection: JOBS_COLLECTION }, ensureIndex: false });
    this.arming = new TimerArming(db.collection(JOBS_COLLECTION));
    this.claimWakes = new ClaimWakes(processEveryMs, () => this.requestRound());
    this.finished = new FinishedJobs(
      db.collection(JOBS_COLLECTION),
      logger,
      // A burst is fired first, then cleaned up: no delete while a claim is being made.
      () => this.round !== undefined && this.running,
      () => new Set([...this.held.values()].map((held) => held.id)),
    );
  }

  override async connect(): Promise<void> {
    await super.connect();
    // Agenda emits 'ready' from a bare `connect().then(...)`: a rejection here would be unhandled.
    const indexes = await ensureJobIndexes(this.db, this.logger).catch((error: unknown) => {
      this.logger.error({ err: error }, 'scheduler indexes could not be built');
      return { uniqueKeys: false };
    });
    this.arming.uniqueKeys = indexes.uniqueKeys;
  }

  /** Starts polling for these job names (after Agenda has started). */
  start(names: string[]): void {
    this.names = [...new Set(names)];
    this.running = true;
    this.claimWakes.start();
    this.poll = setInterval(() => this.requestRound(), this.processEveryMs);
    this.poll.unref();
    this.requestRound();
  }

  /** Stops polling; claimed jobs not handed out yet are kept for `release`. */
  stop(): void {
    this.running = false;
    clearInterval(this.poll);
    this.due.stop();
    this.claimWakes.stop();
  }

  /** Agenda asks for the next job of a name: a claimed one that is due, or none. */
  override async getNextJobToRun(jobName: string): Promise<JobParameters | undefined> {
    const next = this.due.take(jobName);
    if (!next) return undefined;
    const held = this.held.get(`${next._id}/${next.lockToken}`);
    if (held) held.handed = true;
    return next;
  }

  /** A job was saved here (a timer armed): see `ClaimWakes`. */
  saved(nextRunAt: Date | null): void {
    this.claimWakes.saved(nextRunAt);
  }

  /**
   * This timer was re-armed or cancelled here: a run of it claimed and not started is stale. One
   * still waiting here is dropped (the upsert reset its lock, or the delete removed it); one
   * handed to Agenda stands down when it starts.
   */
  supersede(key: string, armedWith?: string): void {
    this.rearmed.mark(key, armedWith);
    for (const held of this.held.values()) {
      // A claim of the arming just written (it can land before this is called) is current.
      if (held.key !== key || held.started || (armedWith && held.armedWith === armedWith)) {
        continue;
      }
      held.superseded = true;
      if (held.handed) continue;
      this.held.delete(`${held.id}/${held.token}`);
      this.due.drop(held.id, held.token);
    }
  }

  /** Before a timer is armed or cancelled here (see `FinishedJobs.beforeArm`). */
  beforeArm(key: string): Promise<void> {
    return this.finished.beforeArm(key);
  }

  /** A token for a timer being armed: a claim that found the job before sees it changed. */
  armToken(): string {
    return `${this.processId}:arm${++this.arms}`;
  }

  isSuperseded(job: JobParameters): boolean {
    const token = (job as ClaimedJob).lockToken;
    return token !== undefined && this.held.get(`${job._id}/${token}`)?.superseded === true;
  }

  private requestRound(): void {
    if (!this.running) return;
    if (this.round) {
      this.roundAgain = true; // once the one in flight is done
      return;
    }
    this.round = this.runRound()
      .catch((error: unknown) => this.logger.error({ err: error }, 'scheduler poll failed'))
      .finally(() => {
        this.round = undefined;
        if (this.roundAgain) {
          this.roundAgain = false;
          this.requestRound();
        } else this.finished.flush();
      });
  }

  private async runRound(): Promise<void> {
    const now = Date.now();
    const horizon = now + LOOKAHEAD_MS;
    // Due within the lookahead and unlocked, earliest first; `nextRunAt` leads the filter so
    // that the embedded engine reads its index.
    const upcoming = await this.claim(
      { nextRunAt: { $lte: new Date(horizon) }, lockedAt: null, name: { $in: this.names } },
      { lockedAt: null, nextRunAt: { $lte: new Date(horizon) } },
    );
    // A full batch: more may be due, claim on at once (they stay locked until handed out).
    if (upcoming.full) this.roundAgain = true;
    this.due.add(upcoming.jobs);
    if (now - this.lastSweep >= Math.max(this.processEveryMs, LOCK_LIFETIME_MS / 4)) {
      this.lastSweep = now;
      const deadline = new Date(now - LOCK_LIFETIME_MS);
      const expired = await this.claim(
        {
          nextRunAt: { $lte: new Date(now) },
          lockedAt: { $lte: deadline },
          name: { $in: this.names },
        },
        { lockedAt: { $lte: deadline } },
      );
      if (expired.jobs.length > 0) {
        const jobs = expired.jobs.length;
        this.logger.warn({ jobs }, 'scheduler took over jobs with expired locks');
      }
      if (expired.full) this.lastSweep = 0;
      this.due.add(expired.jobs);
    }
  }

  /** Locks up to a batch of the jobs `filter` finds, under one new token (see `claimJobs`). */
  private async claim(
    filter: Document,
    stillClaimable: Document,
  ): Promise<{ jobs: ClaimedJob[]; full: boolean }> {
    if (this.names.length === 0) return { jobs: [], full: false };
    const token = `${this.processId}:${++this.claims}`;
    const jobs = this.db.collection(JOBS_COLLECTION);
    const claimed = await claimJobs(jobs, filter, stillClaimable, token, this.rearmed, this.held);
    if (claimed.retry) this.roundAgain = true;
    return claimed;
  }

  /**
   * A timer (unique by `data.timerKey`) is saved by `TimerArming` with the fields Agenda's own
   * upsert sets, its lock and run state reset; everything else is Agenda's. The id of a timer
   * that already existed is not read back: Agenda only passes it to the notification channel,
   * which looks at `nextRunAt`.
   */
  override async saveJob<DATA = unknown>(
    job: JobParameters<DATA>,
    options: JobRepositoryOptions | undefined,
  ): Promise<JobParameters<DATA>> {
    const { fresh, ...stored } = job as ArmedJob;
    const { _id, unique, uniqueOpts, ...props } = stored;
    if (_id || !unique || uniqueOpts || props.type === 'single' || !timerKeyOf(props.data)) {
      return super.saveJob(stored as JobParameters<DATA>, options);
    }
    const id = await this.arming.arm(unique, props, {
      fresh: fresh ?? false,
      lastModifiedBy: options?.lastModifiedBy,
    });
    const saved = stored as JobParameters<DATA>;
    return id ? { ...saved, _id: toJobId(id.toHexString()) } : saved;
  }

  override async saveJobState(
    job: JobParameters,
    options: JobRepositoryOptions | undefined,
  ): Promise<void> {
    const token = (job as ClaimedJob).lockToken;
    if (!token || !job._id) return super.saveJobState(job, options);
    const heldKey = `${job._id}/${token}`;
    const held = this.held.get(heldKey);
    const starting = Boolean(job.lockedAt) && held !== undefined && !held.started;
    if (starting) held.started = true;
    else if (!job.lockedAt) this.held.delete(heldKey);
    if (isRecurring(job)) return super.saveJobState(job, options);

    // The start: the claim's lock already records that it runs.
    if (starting) return;
    const jobs = this.db.collection(JOBS_COLLECTION);
    if ((await writeOneOffState(jobs, job, token, held?.superseded === true)) === 'finished') {
      this.finished.add({ id: String(job._id), token, key: timerKeyOf(job.data) });
    }
  }

  override async unlockJob(job: JobParameters): Promise<void> {
    const token = (job as ClaimedJob).lockToken;
    if (!token || !job._id) return super.unlockJob(job);
    this.held.delete(`${job._id}/${token}`);
    const mine = { _id: new ObjectId(String(job._id)), lockToken: token };
    await this.db.collection(JOBS_COLLECTION).updateOne(mine, { $set: { lockedAt: null } });
  }

  /**
   * After a drain: unlocks what this process claimed and never started (waiting here for its
   * time, or in Agenda's queue for a free slot), so another process or the next start fires it
   * without waiting for the lock to expire; then deletes the finished jobs still listed. Runs
   * still going when the drain timed out keep their lock.
   */
  async release(): Promise<void> {
    this.stop();
    await this.round;
    const unstarted = [...this.held.values()].filter((held) => !held.started);
    this.due.clear();
    for (const held of unstarted) this.held.delete(`${held.id}/${held.token}`);
    if (unstarted.length > 0) {
      await this.db.collection(JOBS_COLLECTION).updateMany(
        {
          _id: { $in: unstarted.map((held) => new ObjectId(held.id)) },
          lockToken: { $in: [...new Set(unstarted.map((held) => held.token))] },
        },
        { $set: { lockedAt: null } },
      );
    }
    await this.finished.drain();
  }
}
