import type { Clock } from '../../domain/ports';
import { isDuplicateKeyError } from '../database';
import type { Models } from '../models';
import { managerUpdateSchema } from '../models/manager-update.model';

export interface UpdateClaims {
  /** Builds the indexes (the unique `_id` needs none; the expiry does). */
  prepare(): Promise<void>;
  /** True for the first delivery of this update, false for any later one. */
  claim(updateId: number): Promise<boolean>;
}

/**
 * Durable rather than in memory: a redelivery may reach another process, or this one after a
 * restart, and must still be recognised.
 */
export function createUpdateClaims(models: Models, clock: Clock): UpdateClaims {
  // Registered beside the shared models on the same connection (same schema: same model).
  const ManagerUpdate = models.User.db.model('ManagerUpdate', managerUpdateSchema);
  return {
    async prepare() {
      await ManagerUpdate.createIndexes();
    },
    async claim(updateId) {
      if (!Number.isSafeInteger(updateId)) return false;
      try {
        await ManagerUpdate.create({ _id: updateId, takenAt: clock.now() });
        return true;
      } catch (error) {
        if (isDuplicateKeyError(error)) return false;
        throw error;
      }
    },
  };
}
