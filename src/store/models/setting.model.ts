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

export type SettingDoc = InferSchemaType<typeof settingSchema>;
