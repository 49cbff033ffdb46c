import { Schema, type InferSchemaType } from 'mongoose';
import { ROLES } from '../../domain/user';

/** A one-time invitation into the manager bot with a role and a department. */
export const inviteSchema = new Schema(
  {
    code: { type: String, required: true },
    role: { type: String, enum: ROLES, required: true },
    departmentCode: { type: String, required: true },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    expiresAt: { type: Date, required: true },
    usedByTelegramId: Number,
  },
  { timestamps: true },
);
inviteSchema.index({ code: 1 }, { unique: true });

export type InviteDoc = InferSchemaType<typeof inviteSchema>;
