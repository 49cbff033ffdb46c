import type { Collection } from 'mongodb';
import { ObjectId } from 'mongodb';
import type { Logger } from '../logger';
import { CLAIM_BATCH } from './job-document';

/** Finished jobs wait this long for others to share their delete. */
const DELETE_DELAY_MS = 200;

/** A finished one-off job waiting for its delete. */
interface Done {
  id: string;
  token: string;
  key: string | undefined;
  attempts: number;
}

/**
 * Finished one-off jobs, deleted in batches so the collection holds only pending jobs. Each
 * delete names the claim's token and a set lock: a timer re-armed meanwhile (the upsert resets
 * its lock) or claimed again is left alone.
 */
export class FinishedJobs {
  private waiting: Done[] = [];
  /** The batch whose delete is in flight. */
  private deletingBatch: Done[] = [];
  private deleting: Promise<void> | undefined;
  private soon: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly jobs: Collection,
    private readonly logger: Logger,
    /** A claim is being made: deletes wait for it. */
    private readonly busy: () => boolean,
    /** Ids of jobs this process holds a claim on now. */
    private readonly heldIds: () => Set<string>,
  ) {}

  add(done: Omit<Done, 'attempts'>): void {
    this.waiting.push({ ...done, attempts: 0 });
    if (this.waiting.length >= CLAIM_BATCH) this.flush();
    else if (!this.soon) {
      // Jobs finishing one by one share a delete a moment later, long before their lock expires.
      this.soon = setTimeout(() => {
        this.soon = undefined;
        this.flush();
      }, DELETE_DELAY_MS);
    }
  }

  /**
   * Before a timer is armed or cancelled here: its finished run, if waiting for its delete, needs
   * none (the upsert reuses the job, or the cancel deletes it); one being deleted right now is
   * waited for, so that the two writes to one job never overlap (on an engine whose conditional
   * writes are not atomic, the delete could take the new timer with it).
   */
  async beforeArm(key: string): Promise<void> {
    this.waiting = this.waiting.filter((done) => done.key !== key);
    while (this.deleting && this.deletingBatch.some((done) => done.key === key)) {
      await this.deleting;
    }
  }

  /**
   * Deletes finished one-off jobs in batches: those finishing within a moment of each other, or
   * while a delete is in flight, share one; none is sent while a claim is being made (a burst is
   * fired first, then cleaned up). Every command costs the embedded engine a sync to disk. Until
   * its delete lands a finished job stays locked, which no claim takes.
   */
  flush(): void {
    if (this.deleting || this.waiting.length === 0 || this.busy()) return;
    const batch = this.waiting.splice(0, CLAIM_BATCH);
    this.deletingBatch = batch;
    this.deleting = this.deleteBatch(batch)
      .catch(async (error: unknown) => {
        const retry = batch.filter((done) => ++done.attempts < 5);
        this.logger.warn({ err: error, jobs: batch.length }, 'finished jobs not deleted yet');
        await new Promise((resolve) => setTimeout(resolve, 1000));
        this.waiting.push(...retry);
      })
      .finally(() => {
        this.deleting = undefined;
        this.deletingBatch = [];
        this.flush();
      });
  }

  private async deleteBatch(batch: Done[]): Promise<void> {
    const { jobs } = this;
    // A job re-armed and claimed here again since it finished is deleted only under its own
    // token; the rest share one delete (no other of this process's tokens can be on them).
    const heldAgain = this.heldIds();
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

  /** Deletes every finished job still listed (on stop). */
  async drain(): Promise<void> {
    clearTimeout(this.soon);
    this.soon = undefined;
    while (this.deleting || this.waiting.length > 0) {
      this.flush();
      await this.deleting;
    }
  }
}
