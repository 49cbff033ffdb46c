import { announceWrites } from '../read-cache';
import { Schema, type InferSchemaType } from 'mongoose';

export const departmentSchema = new Schema(
  {
    code: { type: String, required: true },
    name: { type: String, required: true },
    headUserId: { type: Schema.Types.ObjectId, ref: 'User' },
  },
  { timestamps: true },
);
departmentSchema.index({ code: 1 }, { unique: true });
// Cached on the hot path (src/store/read-cache.ts): writes drop the cache.
announceWrites(departmentSchema, 'departments');

export type DepartmentDoc = InferSchemaType<typeof departmentSchema>;
