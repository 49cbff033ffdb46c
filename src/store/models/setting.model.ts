import { announceWrites } from '../read-cache';
import { Schema, type InferSchemaType } from 'mongoose';

/** Company-wide settings admins change from the bot (the heads' alert chat, …). */
export const settingSchema = new Schema(
  {
    key: { type: String, required: true },
    value: { type: Schema.Types.Mixed },
  },
  { timestamps: true },
);
settingSchema.index({ key: 1 }, { unique: true });
// Cached on the hot path (src/store/read-cache.ts): writes drop the cache.
announceWrites(settingSchema, 'settings');

export type SettingDoc = InferSchemaType<typeof settingSchema>;
