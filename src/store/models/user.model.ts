import { announceWrites } from '../read-cache';
import { Schema, type InferSchemaType } from 'mongoose';
import { ROLES } from '../../domain/user';

export const userSchema = new Schema(
  {
    telegramId: { type: Number, required: true },
    name: { type: String, required: true },
    roles: { type: [{ type: String, enum: ROLES }], default: ['manager'] },
    departmentId: { type: Schema.Types.ObjectId, ref: 'Department' },
    language: { type: String, enum: ['ru', 'en'], default: 'ru' },
    online: { type: Boolean, default: false },
    schedule: {
      type: new Schema({ days: [Number], from: String, to: String }, { _id: false }),
    },
    active: { type: Boolean, default: true },
  },
  { timestamps: true },
);
userSchema.index({ telegramId: 1 }, { unique: true });
userSchema.index({ departmentId: 1, active: 1 });
// Cached on the hot path (src/store/read-cache.ts): writes drop the cache.
announceWrites(userSchema, 'users');

export type UserDoc = InferSchemaType<typeof userSchema>;
