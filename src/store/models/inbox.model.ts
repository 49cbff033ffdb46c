import { Schema, type InferSchemaType } from 'mongoose';

/**
 * Customer messages acknowledged to their channel but not yet ingested. The dedupe key is the
 * `_id`, so a redelivery while the first is still here is refused by the primary index, and a
 * finished item is deleted: the collection only ever holds live work.
 */
export const inboxSchema = new Schema(
  {
    _id: { type: String, required: true },
    /** Messages of one chat are ingested in arrival order. */
    chat: { type: String, required: true },
    message: { type: Schema.Types.Mixed, required: true },
    receivedAt: { type: Date, required: true },
    state: { type: String, enum: ['pending', 'parked'], default: 'pending' },
    attempts: { type: Number, default: 0 },
    /** The process working on it; another may take it over once `leaseUntil` has passed. */
    owner: String,
    leaseUntil: { type: Date, required: true },
    lastError: String,
  },
  { versionKey: false },
);
// The safety-net poll and retries: pending items whose lease ran out, oldest first.
inboxSchema.index({ state: 1, leaseUntil: 1 });
// Whether a chat has an earlier message still waiting (taken over items keep their chat's order).
inboxSchema.index({ chat: 1, receivedAt: 1 });

export type InboxDoc = InferSchemaType<typeof inboxSchema>;
