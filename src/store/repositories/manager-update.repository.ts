import type { Clock } from '../../domain/ports';
import { isDuplicateKeyError } from '../database';
import type { Models } from '../models';
import { MANAGER_UPDATE_TTL_SECONDS, managerUpdateSchema } from '../models/manager-update.model';

/** How often a process deletes the records Telegram can no longer redeliver. */
const PRUNE_EVERY_MS = 3600_000;

/**
 * What a delivery of an update found: `taken` — this delivery handles it; `running` — another
 * delivery is handling it now (its outcome is not known yet); `done` — it was handled.
 */
export type ClaimOutcome = 'taken' | 'running' | 'done';

export interface UpdateClaims {
  /** Builds the indexes (the unique `_id` needs none; the pruning does). */
  prepare(): Promise<void>;
  /** Takes the update for this delivery unless another has it live or finished it. */
  claim(updateId: number, leaseUntil: Date): Promise<ClaimOutcome>;
  /** Still handling it: the lease is pushed out, so no redelivery takes it over meanwhile. */
  renew(updateId: number, leaseUntil: Date): Promise<void>;
  /** Handled: every later delivery is a duplicate. */
  finish(updateId: number): Promise<void>;
  /** Not handled (a passing failure): the next delivery handles it again. */
  release(updateId: number): Promise<void>;
}

/**
 * Durable rather than in memory: a redelivery may reach another process, or this one after a
 * restart, and must still be recognised. A process that died while handling leaves its update
 * `running` under a lease that runs out, and the next delivery after that takes it over.
 */
export function createUpdateClaims(models: Models, clock: Clock): UpdateClaims {
  // Registered beside the shared models on the same connection (same schema: same model).
  const ManagerUpdate = models.User.db.model('ManagerUpdate', managerUpdateSchema);
  let prunedAt = 0;
  const prune = (now: Date) => {
    if (now.getTime() - prunedAt < PRUNE_EVERY_MS) return;
    prunedAt = now.getTime();
    const before = new Date(now.getTime() - MANAGER_UPDATE_TTL_SECONDS * 1000);
    // Housekeeping: a failure only leaves old records for the next try.
    ManagerUpdate.deleteMany({ takenAt: { $lt: before } }).catch(() => undefined);
  };
  return {
    async prepare() {
      await ManagerUpdate.createIndexes();
    },
    async claim(updateId, leaseUntil) {
      if (!Number.isSafeInteger(updateId)) return 'done';
      const now = clock.now();
      prune(now);
      try {
        await ManagerUpdate.create({ _id: updateId, takenAt: now, state: 'running', leaseUntil });
        return 'taken';
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
      // Atomic: of two deliveries finding the same dead handling, one takes it over.
      const takenOver = await ManagerUpdate.updateOne(
        { _id: updateId, state: 'running', leaseUntil: { $lte: now } },
        { $set: { leaseUntil, takenAt: now } },
      );
      if (takenOver.modifiedCount === 1) return 'taken';
      const found = await ManagerUpdate.findById(updateId).lean();
      // Gone in between (released by a failed handling): the next delivery claims it afresh.
      if (!found) return 'running';
      return found.state === 'running' ? 'running' : 'done';
    },
    async renew(updateId, leaseUntil) {
      await ManagerUpdate.updateOne({ _id: updateId, state: 'running' }, { $set: { leaseUntil } });
    },
    async finish(updateId) {
      await ManagerUpdate.updateOne(
        { _id: updateId },
        { $set: { state: 'done' }, $unset: { leaseUntil: '' } },
      );
    },
    async release(updateId) {
      await ManagerUpdate.deleteOne({ _id: updateId, state: 'running' });
    },
  };
}
