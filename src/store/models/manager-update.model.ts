import { Schema } from 'mongoose';

/**
 * A manager-bot update that has been taken for handling, keyed by Telegram's `update_id`: the
 * unique `_id` lets exactly one of several deliveries (a redelivery after a timeout, two
 * processes) handle it. Telegram stops redelivering within a day, so records then expire.
 */
export const MANAGER_UPDATE_TTL_SECONDS = 2 * 24 * 3600;

export const managerUpdateSchema = new Schema(
  {
    _id: { type: Number, required: true },
    takenAt: { type: Date, required: true },
  },
  { versionKey: false },
);
managerUpdateSchema.index({ takenAt: 1 }, { expireAfterSeconds: MANAGER_UPDATE_TTL_SECONDS });
