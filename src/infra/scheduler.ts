import { randomUUID } from 'node:crypto';
import { MongoJobRepository } from '@agendajs/mongo-backend';
import {
  Agenda,
  InMemoryNotificationChannel,
  toJobId,
  type AgendaBackend,
  type JobNotification,
  type JobParameters,
  type JobRepositoryOptions,
} from 'agenda';
import { ObjectId, type Db, type Document } from 'mongodb';
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

const JOBS_COLLECTION = 'agendaJobs';
/**
 * Jobs claimed, and finished jobs deleted, per command: a burst takes a few rounds, processes
 * share it, and no single write holds up the database (an embedded engine writes one document
 * at a time) for long.
 */
const CLAIM_BATCH = 250;
/** Handlers running at once, per job name and in all; bursts of timers are short use-case calls. */
const CONCURRENCY_PER_NAME = 20;
const CONCURRENCY_TOTAL = 40;
// A job locked by a crashed process is taken over after this; handlers are short use-case calls,
// and a reply-SLA reminder must not wait Agenda's default ten minutes.
const LOCK_LIFETIME_MS = 60_000;

/** A job as this repository hands it to Agenda: with the token of the claim that locked it. */
type ClaimedJob = JobParameters & { lockToken?: string };

function isRecurring(job: JobParameters): boolean {
  return Boolean(job.repeatInterval || job.repeatAt || job.type === 'single');
}

function toJobParameters(doc: Document): ClaimedJob {
  return {
    _id: toJobId((doc._id as ObjectId).toHexString()),
    name: doc.name,
    priority: doc.priority ?? 0,
    nextRunAt: doc.nextRunAt ?? null,
    type: doc.type ?? 'normal',
    data: doc.data,
    lockedAt: doc.lockedAt ?? undefined,
    lastFinishedAt: doc.lastFinishedAt ?? undefined,
    failedAt: doc.failedAt ?? undefined,
    failCount: doc.failCount ?? undefined,
    failReason: doc.failReason ?? undefined,
    repeatTimezone: doc.repeatTimezone ?? undefined,
    lastRunAt: doc.lastRunAt ?? undefined,
    repeatInterval: doc.repeatInterval ?? undefined,
    repeatAt: doc.repeatAt ?? undefined,
    disabled: doc.disabled ?? undefined,
    progress: doc.progress ?? undefined,
    lastModifiedBy: doc.lastModifiedBy ?? undefined,
    startDate: doc.startDate ?? undefined,
    endDate: doc.endDate ?? undefined,
    skipDays: doc.skipDays ?? undefined,
    lockToken: doc.lockToken,
  };
}

interface Held {
  id: string;
  token: string;
  key: string | undefined;
  /** Handed to Agenda to run (it is due). */
  handed: boolean;
  started: boolean;
  superseded: boolean;
}

/** A finished one-off job waiting for its delete. */
interface Done {
  id: string;
  token: string;
  key: string | undefined;
  attempts: number;
}

/** Jobs due this soon are handed to Agenda with the due ones; it fires them at their time. */
const HAND_EARLY_MS = 10;
/**
 * Jobs due within this are claimed by a tick and kept here until due, so a burst is in memory
 * when it is due. Well inside the lock lifetime: a lock held that long would count as expired.
 */
const LOOKAHEAD_MS = 10_000;
/** A claim needs this long to be done before a job is due (a loaded embedded engine is slow). */
const CLAIM_MARGIN_MS = 500;
/** Finished jobs wait this long for others to share their delete. */
const DELETE_DELAY_MS = 200;

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
 * - A one-off job writes nothing when it starts (its lock is the record that it runs) and is
 *   deleted when it finishes, in batches, so the collection holds only pending jobs. Each write
 *   names the claim's token and a set lock: a timer re-armed meanwhile (the upsert resets its
 *   lock) or claimed again is left alone, so a handler that schedules its own next step keeps it.
 * - Recurring (`every`) jobs keep Agenda's own state writes.
 */
class TimerJobRepository extends MongoJobRepository {
  private readonly processId = randomUUID().slice(0, 8);
  private claims = 0;
  private arms = 0;
  /** Claimed jobs not yet handed to Agenda, per name, earliest first. */
  private readonly buffers = new Map<string, ClaimedJob[]>();
  private readonly held = new Map<string, Held>();
  /** When a timer key was last re-armed or cancelled here, for claims in flight at that moment. */
  private readonly supersededAt = new Map<string, number>();
  private names: string[] = [];
  private running = false;
  private poll: ReturnType<typeof setInterval> | undefined;
  private firstTick = 0;
  /** Claims to make for timers armed here that no tick would claim in time, earliest first. */
  private claimWakes: number[] = [];
  private claimWakeTimer: ReturnType<typeof setTimeout> | undefined;
  private dueTimer: ReturnType<typeof setTimeout> | undefined;
  private dueAt = Number.POSITIVE_INFINITY;
  private round: Promise<void> | undefined;
  private roundAgain = false;
  private lastSweep = 0;
  private doneJobs: Done[] = [];
  /** The batch whose delete is in flight. */
  private deletingBatch: Done[] = [];
  private deleting: Promise<void> | undefined;
  private deleteSoon: ReturnType<typeof setTimeout> | undefined;
  /** Wakes Agenda for these job names (set by the scheduler to its notification channel). */
  wakeAgenda: (jobNames: string[]) => void = () => {};

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    private readonly processEveryMs: number,
  ) {
    // The claim below does not use Agenda's `findAndLockNextJobIndex`; see `ensureIndexes`.
    super({ mongo: db, db: { collection: JOBS_COLLECTION }, ensureIndex: false });
  }

  override async connect(): Promise<void> {
    await super.connect();
    // Agenda emits 'ready' from a bare `connect().then(...)`: a rejection here would be unhandled.
    await this.ensureIndexes().catch((error: unknown) =>
      this.logger.error({ err: error }, 'scheduler indexes could not be built'),
    );
  }

  /**
   * `nextRunAt` serves the claim and the sweep (a range scan over due jobs only, in due order);
   * `data.timerKey` serves re-arming and cancelling by key and keeps one job per key. Agenda's
   * five-field `findAndLockNextJobIndex` is dropped: nothing queries it any more, and on the
   * embedded engine each index costs every job write (a claim, a re-arm) its own update.
   */
  private async ensureIndexes(): Promise<void> {
    const jobs = this.db.collection(JOBS_COLLECTION);
    await jobs.createIndex({ nextRunAt: 1 }, { name: 'nextRunAt' });
    try {
      await jobs.createIndex(
        { 'data.timerKey': 1 },
        { name: 'timerKey', unique: true, sparse: true },
      );
    } catch (error) {
      // Duplicates left by the old cancel-then-schedule, or an engine without sparse indexes:
      // re-arming is still one upsert by key, only two racing first schedules could both insert.
      this.logger.warn({ err: error }, 'timer keys indexed without uniqueness');
      await jobs.createIndex({ 'data.timerKey': 1 }, { name: 'timerKey_nonunique' });
    }
    const existing = await jobs.indexes();
    if (existing.some((index) => index.name === 'findAndLockNextJobIndex')) {
      await jobs.dropIndex('findAndLockNextJobIndex');
    }
    // Finished one-off jobs kept by earlier versions: nothing runs them again.
    await jobs.deleteMany({
      nextRunAt: null,
      lockedAt: null,
      type: 'normal',
      repeatInterval: null,
      repeatAt: null,
    });
  }

  /** Starts polling for these job names (after Agenda has started). */
  start(names: string[]): void {
    this.names = [...new Set(names)];
    this.running = true;
    this.firstTick = Date.now() + this.processEveryMs;
    this.poll = setInterval(() => this.requestRound(), this.processEveryMs);
    this.poll.unref();
    this.requestRound();
  }

  /** Stops polling; claimed jobs not handed out yet are kept for `release`. */
  stop(): void {
    this.running = false;
    clearInterval(this.poll);
    clearTimeout(this.dueTimer);
    clearTimeout(this.claimWakeTimer);
    this.claimWakes = [];
    this.dueAt = Number.POSITIVE_INFINITY;
  }

  /** Agenda asks for the next job of a name: a claimed one that is due, or none. */
  override async getNextJobToRun(jobName: string): Promise<JobParameters | undefined> {
    const buffer = this.buffers.get(jobName);
    const next = buffer?.[0];
    if (!next?.nextRunAt || next.nextRunAt.getTime() > Date.now() + HAND_EARLY_MS) return undefined;
    buffer!.shift();
    const held = this.held.get(`${next._id}/${next.lockToken}`);
    if (held) held.handed = true;
    return next;
  }

  /**
   * A job was saved here (a timer armed). The first tick that can see it (within its lookahead)
   * claims it; when that tick would come too late, it is claimed at once, or shortly before it is
   * due (ticks rarer than the lookahead).
   */
  saved(nextRunAt: Date | null): void {
    if (!this.running) return;
    const now = Date.now();
    const due = nextRunAt?.getTime() ?? now;
    const from = Math.max(now, due - LOOKAHEAD_MS);
    const tick =
      this.firstTick +
      Math.ceil(Math.max(0, from - this.firstTick) / this.processEveryMs) * this.processEveryMs;
    if (tick + CLAIM_MARGIN_MS <= due) return;
    const claimAt = due - LOOKAHEAD_MS / 2;
    if (claimAt <= now) {
      this.requestRound();
      return;
    }
    // A claim up to a second earlier covers it too (it looks 10 s ahead).
    if (this.claimWakes.some((at) => at <= claimAt && at >= claimAt - 1000)) return;
    this.claimWakes.push(claimAt);
    this.claimWakes.sort((a, b) => a - b);
    this.armClaimWake();
  }

  private armClaimWake(): void {
    clearTimeout(this.claimWakeTimer);
    const next = this.claimWakes[0];
    if (next === undefined || !this.running) return;
    this.claimWakeTimer = setTimeout(() => {
      const now = Date.now();
      while (this.claimWakes[0] !== undefined && this.claimWakes[0] <= now) this.claimWakes.shift();
      this.requestRound();
      this.armClaimWake();
    }, next - Date.now());
    this.claimWakeTimer.unref();
  }

  /**
   * This timer was re-armed or cancelled here: a run of it claimed and not started is stale. One
   * still waiting here is dropped (the upsert reset its lock, or the delete removed it); one
   * handed to Agenda stands down when it starts.
   */
  supersede(key: string): void {
    this.supersededAt.set(key, Date.now());
    for (const held of this.held.values()) {
      if (held.key !== key || held.started) continue;
      held.superseded = true;
      if (held.handed) continue;
      this.held.delete(`${held.id}/${held.token}`);
      for (const [name, buffer] of this.buffers) {
        this.buffers.set(
          name,
          buffer.filter((job) => !(String(job._id) === held.id && job.lockToken === held.token)),
        );
      }
    }
  }

  /**
   * Before a timer is armed or cancelled here: its finished run, if waiting for its delete, needs
   * none (the upsert reuses the job, or the cancel deletes it); one being deleted right now is
   * waited for, so that the two writes to one job never overlap (on an engine whose conditional
   * writes are not atomic, the delete could take the new timer with it).
   */
  async beforeArm(key: string): Promise<void> {
    this.doneJobs = this.doneJobs.filter((done) => done.key !== key);
    while (this.deleting && this.deletingBatch.some((done) => done.key === key)) {
      await this.deleting;
    }
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
        } else this.deleteDone();
      });
  }

  private async runRound(): Promise<void> {
    const now = Date.now();
    const horizon = now + LOOKAHEAD_MS;
    // Due within the lookahead and unlocked, earliest first; `nextRunAt` leads the filter so
    // that the embedded engine reads its index.
    const due = await this.claim(
      { nextRunAt: { $lte: new Date(horizon) }, lockedAt: null, name: { $in: this.names } },
      { lockedAt: null, nextRunAt: { $lte: new Date(horizon) } },
    );
    // A full batch: more may be due, claim on at once (they stay locked until handed out).
    if (due.full) this.roundAgain = true;
    this.buffer(due.jobs);
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
      this.buffer(expired.jobs);
    }
  }

  private buffer(jobs: ClaimedJob[]): void {
    if (jobs.length === 0) return;
    const names = new Set<string>();
    for (const job of jobs) {
      const buffer = this.buffers.get(job.name) ?? [];
      buffer.push(job);
      this.buffers.set(job.name, buffer);
      names.add(job.name);
    }
    for (const name of names) {
      this.buffers.get(name)!.sort((a, b) => a.nextRunAt!.getTime() - b.nextRunAt!.getTime());
    }
    this.armDueTimer();
  }

  /** Wakes Agenda for the names with a due job, and sets the timer for the next one. */
  private armDueTimer(): void {
    if (!this.running) return;
    const now = Date.now();
    const dueNames: string[] = [];
    let next = Number.POSITIVE_INFINITY;
    for (const [name, buffer] of this.buffers) {
      // Sorted: the due ones first (Agenda takes them all), then the next one to wait for.
      const firstFuture = buffer.find((job) => job.nextRunAt!.getTime() > now + HAND_EARLY_MS);
      if (buffer[0] && buffer[0] !== firstFuture) dueNames.push(name);
      if (firstFuture) next = Math.min(next, firstFuture.nextRunAt!.getTime());
    }
    if (dueNames.length > 0) this.wakeAgenda(dueNames);
    if (next < this.dueAt || this.dueTimer === undefined) {
      clearTimeout(this.dueTimer);
      this.dueTimer = undefined;
      this.dueAt = next;
      if (next !== Number.POSITIVE_INFINITY) {
        this.dueTimer = setTimeout(
          () => {
            this.dueTimer = undefined;
            this.dueAt = Number.POSITIVE_INFINITY;
            this.armDueTimer();
          },
          Math.max(0, next - now),
        );
        this.dueTimer.unref();
      }
    }
  }

  /**
   * Locks up to a batch of the jobs `filter` finds, under one new token; returns those it got,
   * and whether the batch was full (there may be more).
   */
  private async claim(
    filter: Document,
    stillClaimable: Document,
  ): Promise<{ jobs: ClaimedJob[]; full: boolean }> {
    const none = { jobs: [], full: false };
    if (this.names.length === 0) return none;
    const jobs = this.db.collection(JOBS_COLLECTION);
    const found = await jobs
      .find({ ...filter, disabled: { $ne: true } }, { batchSize: CLAIM_BATCH })
      .sort({ nextRunAt: 1 })
      .limit(CLAIM_BATCH)
      .toArray();
    if (found.length === 0) return none;
    const full = found.length === CLAIM_BATCH;
    const ids = found.map((doc) => doc._id);
    const token = `${this.processId}:${++this.claims}`;
    const lockedAt = new Date();
    // Arming a timer writes a fresh token (`armToken`), and so does each claim: a job armed again
    // or claimed since it was found has a token not among these, and is not locked here.
    const tokens = [...new Set(found.map((doc) => doc.lockToken ?? null))];
    const locked = await jobs.updateMany(
      { _id: { $in: ids }, ...stillClaimable, lockToken: { $in: tokens } },
      { $set: { lockedAt, lockToken: token } },
    );
    if (locked.modifiedCount === 0) return { jobs: [], full };
    // All locked: they are as found. Otherwise (another process, a re-arm) read back which.
    const claimed =
      locked.modifiedCount === found.length
        ? found
        : await jobs
            .find({ _id: { $in: ids }, lockToken: token, lockedAt }, { batchSize: CLAIM_BATCH })
            .toArray();
    for (const [key, at] of this.supersededAt) {
      if (at < lockedAt.getTime() - 1000) this.supersededAt.delete(key);
    }
    const result: ClaimedJob[] = [];
    const dropped: ObjectId[] = [];
    for (const doc of claimed) {
      const job = { ...toJobParameters(doc), lockedAt, lockToken: token };
      const timerKey = (doc.data as { timerKey?: unknown } | null)?.timerKey;
      const key = typeof timerKey === 'string' ? timerKey : undefined;
      // Re-armed or cancelled here while this claim was in flight: what was read may be stale.
      // Unlocked again, it is claimed afresh by the next round (if it still exists).
      if (key !== undefined && (this.supersededAt.get(key) ?? 0) >= lockedAt.getTime()) {
        dropped.push(doc._id as ObjectId);
        continue;
      }
      this.held.set(`${job._id}/${token}`, {
        id: String(job._id),
        token,
        key,
        handed: false,
        started: false,
        superseded: false,
      });
      result.push(job);
    }
    if (dropped.length > 0) {
      await jobs.updateMany(
        { _id: { $in: dropped }, lockToken: token },
        { $set: { lockedAt: null } },
      );
      this.roundAgain = true;
    }
    return { jobs: result, full };
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
    const mine = { _id: new ObjectId(String(job._id)), lockToken: token, lockedAt: { $ne: null } };
    const jobs = this.db.collection(JOBS_COLLECTION);
    if (job.lockedAt) {
      // touch(): a long handler renews its lock
      await jobs.updateOne(mine, {
        $set: { lockedAt: job.lockedAt, progress: job.progress ?? null },
      });
      return;
    }
    if (held?.superseded) return;
    if (job.nextRunAt) {
      // A retry with backoff: pending again at its new time.
      await jobs.updateOne(mine, {
        $set: {
          lockedAt: null,
          nextRunAt: job.nextRunAt,
          lastRunAt: job.lastRunAt ?? null,
          lastFinishedAt: job.lastFinishedAt ?? null,
          failCount: job.failCount ?? null,
          failReason: job.failReason ?? null,
          failedAt: job.failedAt ?? null,
        },
      });
      return;
    }
    // Done (a failure is logged by the 'fail' listener): the collection keeps pending jobs only.
    const timerKey = (job.data as { timerKey?: unknown } | null)?.timerKey;
    this.doneJobs.push({
      id: String(job._id),
      token,
      key: typeof timerKey === 'string' ? timerKey : undefined,
      attempts: 0,
    });
    if (this.doneJobs.length >= CLAIM_BATCH) this.deleteDone();
    else if (!this.deleteSoon) {
      // Jobs finishing one by one share a delete a moment later, long before their lock expires.
      this.deleteSoon = setTimeout(() => {
        this.deleteSoon = undefined;
        this.deleteDone();
      }, DELETE_DELAY_MS);
    }
  }

  /**
   * Deletes finished one-off jobs in batches: those finishing within a moment of each other, or
   * while a delete is in flight, share one; none is sent while a claim is being made (a burst is
   * fired first, then cleaned up). Every command costs the embedded engine a sync to disk. Until
   * its delete lands a finished job stays locked, which no claim takes.
   */
  private deleteDone(): void {
    if (this.deleting || this.doneJobs.length === 0 || (this.round && this.running)) return;
    const batch = this.doneJobs.splice(0, CLAIM_BATCH);
    this.deletingBatch = batch;
    this.deleting = this.deleteBatch(batch)
      .catch(async (error: unknown) => {
        const retry = batch.filter((done) => ++done.attempts < 5);
        this.logger.warn({ err: error, jobs: batch.length }, 'finished jobs not deleted yet');
        await new Promise((resolve) => setTimeout(resolve, 1000));
        this.doneJobs.push(...retry);
      })
      .finally(() => {
        this.deleting = undefined;
        this.deletingBatch = [];
        this.deleteDone();
      });
  }

  private async deleteBatch(batch: Done[]): Promise<void> {
    const jobs = this.db.collection(JOBS_COLLECTION);
    // A job re-armed and claimed here again since it finished is deleted only under its own
    // token; the rest share one delete (no other of this process's tokens can be on them).
    const heldAgain = new Set([...this.held.values()].map((held) => held.id));
    const shared = batch.filter((done) => !heldAgain.has(done.id));
    for (const done of batch.filter((each) => heldAgain.has(each.id))) {
      await jobs.deleteOne({
        _id: new ObjectId(done.id),
        lockToken: done.token,
        lockedAt: { $ne: null },
      });
    }
    if (shared.length === 0) return;
    await jobs.deleteMany({
      _id: { $in: shared.map((done) => new ObjectId(done.id)) },
      lockToken: { $in: [...new Set(shared.map((done) => done.token))] },
      lockedAt: { $ne: null },
    });
  }

  override async unlockJob(job: JobParameters): Promise<void> {
    const token = (job as ClaimedJob).lockToken;
    if (!token || !job._id) return super.unlockJob(job);
    this.held.delete(`${job._id}/${token}`);
    await this.db
      .collection(JOBS_COLLECTION)
      .updateOne(
        { _id: new ObjectId(String(job._id)), lockToken: token },
        { $set: { lockedAt: null } },
      );
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
    this.buffers.clear();
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
    clearTimeout(this.deleteSoon);
    this.deleteSoon = undefined;
    while (this.deleting || this.doneJobs.length > 0) {
      this.deleteDone();
      await this.deleting;
    }
  }
}

/**
 * Agenda's in-process notification channel, used both ways as a wake-up. A job saved through
 * Agenda (a timer armed) is reported to the repository, which claims it at once when it is due
 * before the next tick would; the code that saved it never waits for that. The repository wakes
 * Agenda for job names with a claimed job now due. Job state notifications (for other processes'
 * event listeners) are not needed in one process and are dropped.
 */
class WakeChannel extends InMemoryNotificationChannel {
  constructor(private readonly onSaved: (nextRunAt: Date | null) => void) {
    super();
  }

  override async publish(notification: JobNotification): Promise<void> {
    if (this.state === 'connected') this.onSaved(notification.nextRunAt);
  }

  override async publishState(): Promise<void> {}

  wake(jobNames: string[]): void {
    if (this.state !== 'connected') return;
    for (const jobName of jobNames) {
      void this.notifyHandlers({
        jobId: toJobId(''),
        jobName,
        nextRunAt: null,
        priority: 0,
        timestamp: new Date(),
      });
    }
  }
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
        timerKey: (job.attrs.data as { timerKey?: unknown })?.timerKey,
      },
      'scheduled job failed',
    ),
  );

  const timers: Timers = {
    async schedule(key, at, name, data) {
      await repository.beforeArm(key);
      const save = () => {
        const job = agenda.create(name, { ...data, timerKey: key });
        // Saved with the job (Agenda's upsert sets every attribute): see `claim`.
        (job.attrs as ClaimedJob).lockToken = repository.armToken();
        return job.unique({ 'data.timerKey': key }).schedule(at).save();
      };
      try {
        await save();
      } catch (error) {
        // The key's job under another name, or two first schedules racing: the last one wins.
        if ((error as { code?: unknown }).code !== 11000) throw error;
        await agenda.cancel({ data: { timerKey: key } });
        await save();
      }
      // Runs of the old timer claimed here and not yet started stand down (see `supersede`).
      repository.supersede(key);
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
