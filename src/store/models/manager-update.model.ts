import { Schema } from 'mongoose';

/**
 * A manager-bot update keyed by Telegram's `update_id`: the unique `_id` lets exactly one of
 * several deliveries (a redelivery after a timeout, two processes) handle it. It is `running`
 * under a lease while a delivery handles it and `done` once that finished; a handling that failed
 * on something passing (a 429, the database) removes it, so Telegram's redelivery handles it
 * again. Telegram stops redelivering within a day, so older records are pruned (by the repository,
 * not a TTL index, which not every engine has).
 */
export const MANAGER_UPDATE_TTL_SECONDS = 2 * 24 * 3600;

export const managerUpdateSchema = new Schema(
  {
    _id: { type: Number, required: true },
    takenAt: { type: Date, required: true },
    /** Absent on records from before handling was tracked: those count as done. */
    state: { type: String, enum: ['running', 'done'] },
    /** While `running`: the handling process is alive until then (it renews it). */
    leaseUntil: Date,
  },
  { versionKey: false },
);
managerUpdateSchema.index({ takenAt: 1 });
