import { Schema, type InferSchemaType } from 'mongoose';

/** A manager's plan for one month; past months stay as history when a new month opens. */
export const planSchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    /** YYYY-MM in the company's time zone. */
    month: { type: String, required: true },
    target: { type: Number, required: true },
    fact: { type: Number, default: 0 },
  },
  { timestamps: true },
);
planSchema.index({ userId: 1, month: 1 }, { unique: true });
planSchema.index({ month: 1 });

export type PlanDoc = InferSchemaType<typeof planSchema>;
