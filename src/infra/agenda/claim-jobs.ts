import type { Collection, Document, ObjectId } from 'mongodb';
import { timerKeyOf, toJobParameters, type ClaimedJob } from './job-document';
import { lockBatch, type Held } from './lock-batch';
import type { RearmedKeys } from './rearmed-keys';

/**
 * One claim of a round (see `TimerJobRepository`): locks up to a batch of the jobs `filter` finds
 * under `token`, records each in `held`, and unlocks again those a re-arm or cancel in this
 * process made stale while the claim was in flight. `retry`: some were unlocked, so the next
 * round should claim them afresh (if they still exist); `full`: there may be more.
 */
export async function claimJobs(
  jobs: Collection,
  filter: Document,
  stillClaimable: Document,
  token: string,
  rearmed: RearmedKeys,
  held: Map<string, Held>,
): Promise<{ jobs: ClaimedJob[]; full: boolean; retry: boolean }> {
  const { claimed, armedWithById, lockedAt, full } = await lockBatch(
    jobs,
    filter,
    stillClaimable,
    token,
  );
  if (claimed.length === 0) return { jobs: [], full, retry: false };
  const result: ClaimedJob[] = [];
  const dropped: ObjectId[] = [];
  for (const doc of claimed) {
    const job = { ...toJobParameters(doc), lockedAt, lockToken: token };
    const key = timerKeyOf(doc.data);
    // Re-armed or cancelled here while this claim was in flight: what was read may be stale.
    const armedWith = armedWithById.get(String(doc._id));
    if (rearmed.isStale(key, armedWith, lockedAt)) {
      dropped.push(doc._id as ObjectId);
      continue;
    }
    held.set(`${job._id}/${token}`, {
      id: String(job._id),
      token,
      key,
      ...(armedWith ? { armedWith } : {}),
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
  }
  return { jobs: result, full, retry: dropped.length > 0 };
}
