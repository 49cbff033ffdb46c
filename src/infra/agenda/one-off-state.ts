import { ObjectId, type Collection } from 'mongodb';
import type { JobParameters } from 'agenda';

/**
 * The state writes of a one-off job that Agenda still needs, each naming the claim's token and a
 * set lock, so a timer re-armed meanwhile (the upsert resets its lock) or claimed again is left
 * alone. Answers 'finished' when the run is over and the job is to be deleted (batched by
 * `FinishedJobs`); its start writes nothing, the claim's lock already records that it runs.
 */
export async function writeOneOffState(
  jobs: Collection,
  job: JobParameters,
  token: string,
  /** Re-armed or cancelled while it ran: only its lock is still renewed, nothing else written. */
  superseded: boolean,
): Promise<'finished' | undefined> {
  const mine = { _id: new ObjectId(String(job._id)), lockToken: token, lockedAt: { $ne: null } };
  if (job.lockedAt) {
    // touch(): a long handler renews its lock
    await jobs.updateOne(mine, {
      $set: { lockedAt: job.lockedAt, progress: job.progress ?? null },
    });
    return undefined;
  }
  if (superseded) return undefined;
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
    return undefined;
  }
  // Done (a failure is logged by the 'fail' listener): the collection keeps pending jobs only.
  return 'finished';
}
