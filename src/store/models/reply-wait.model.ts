import { Schema, type InferSchemaType } from 'mongoose';

/**
 * The staff replies of one UTC hour and the waits they ended (src/domain/reply-wait.ts), one
 * string per reply (reply-waits.repository.ts packs them). Reports read a period as one `_id`
 * list: a point lookup on every engine, where one document per reply cost the embedded engine
 * about 0.2 ms per reply read — seconds for a month — and fields per reply cost it per value.
 */
export const replyWaitHourSchema = new Schema(
  {
    /** The hour, `YYYY-MM-DDTHH` in UTC. */
    _id: { type: String, required: true },
    replies: { type: [String], default: [] },
  },
  { versionKey: false },
);

export type ReplyWaitHourDoc = InferSchemaType<typeof replyWaitHourSchema>;
