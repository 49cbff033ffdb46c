import { Schema, type InferSchemaType } from 'mongoose';

/**
 * One document per counter (`_id` is its name, e.g. "lead"): `last` is the highest number
 * reserved so far. Processes reserve numbers in blocks with one atomic `$inc`.
 */
export const counterSchema = new Schema(
  {
    _id: { type: String, required: true },
    last: { type: Number, required: true, default: 0 },
  },
  { versionKey: false },
);

export type CounterDoc = InferSchemaType<typeof counterSchema>;
