import type { Collection, Document } from 'mongodb';
import { CLAIM_BATCH } from './job-document';

/**
 * Locks up to a batch of the jobs `filter` finds, earliest first, under `token`, in one
 * `updateMany`: only those that still match `stillClaimable` and carry the token they were found
 * with. Arming a timer writes a fresh token, and so does each claim, so a job armed again or
 * claimed by another process since it was found is not locked here. `full`: there may be more.
 */
export async function lockBatch(
  jobs: Collection,
  filter: Document,
  stillClaimable: Document,
  token: string,
): Promise<{
  claimed: Document[];
  /** The token each job carried when found: the arming this claim is of. */
  armedWithById: Map<string, string>;
  lockedAt: Date;
  full: boolean;
}> {
  const found = await jobs
    .find({ ...filter, disabled: { $ne: true } }, { batchSize: CLAIM_BATCH })
    .sort({ nextRunAt: 1 })
    .limit(CLAIM_BATCH)
    .toArray();
  const full = found.length === CLAIM_BATCH;
  const lockedAt = new Date();
  const armedWithById = new Map(
    found.flatMap((doc) =>
      typeof doc.lockToken === 'string' ? [[String(doc._id), doc.lockToken] as const] : [],
    ),
  );
  if (found.length === 0) return { claimed: [], armedWithById, lockedAt, full };
  const ids = found.map((doc) => doc._id);
  const tokens = [...new Set(found.map((doc) => (doc.lockToken as string | undefined) ?? null))];
  const locked = await jobs.updateMany(
    { _id: { $in: ids }, ...stillClaimable, lockToken: { $in: tokens } },
    { $set: { lockedAt, lockToken: token } },
  );
  if (locked.modifiedCount === 0) return { claimed: [], armedWithById, lockedAt, full };
  // All locked: they are as found. Otherwise (another process, a re-arm) read back which.
  const claimed =
    locked.modifiedCount === found.length
      ? found
      : await jobs
          .find({ _id: { $in: ids }, lockToken: token, lockedAt }, { batchSize: CLAIM_BATCH })
          .toArray();
  return { claimed, armedWithById, lockedAt, full };
}

/** A job this process claimed, from the claim until Agenda ends its run. */
export interface Held {
  id: string;
  token: string;
  key: string | undefined;
  /** The token of the arming this claim found (see `supersede`). */
  armedWith?: string;
  /** Handed to Agenda to run (it is due). */
  handed: boolean;
  started: boolean;
  superseded: boolean;
}
