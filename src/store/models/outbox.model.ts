import { Schema, type InferSchemaType } from 'mongoose';
import { attachmentSchema, channelField } from './shared';

export const outboxSchema = new Schema(
  {
    /** `<cause>:<part>` (domain/outbox.ts): the same cause is queued once, whoever retries it. */
    key: { type: String, required: true },
    messageId: { type: Schema.Types.ObjectId, ref: 'Message', required: true },
    part: { type: Number, default: 0 },
    parts: { type: Number, default: 1 },
    conversationId: { type: Schema.Types.ObjectId, ref: 'Conversation', required: true },
    channel: channelField,
    /** The account that sends it; absent: the channel's default one. */
    account: String,
    chatId: { type: String, required: true },
    text: String,
    attachments: { type: [attachmentSchema], default: [] },
    status: {
      type: String,
      enum: ['pending', 'sending', 'sent', 'failed'],
      default: 'pending',
    },
    attempts: { type: Number, default: 0 },
    nextAttemptAt: { type: Date, required: true },
    sendingSince: Date,
    lastError: String,
    /** Why it finally failed, as the author is told (a DeliveryFailure). */
    failure: String,
    authorUserId: { type: Schema.Types.ObjectId, ref: 'User' },
    receipt: { type: new Schema({ chatId: Number, messageId: Number }, { _id: false }) },
    sentAt: Date,
    /** The process working on it and until when (app/lease.ts); past that, another may. */
    owner: String,
    leaseUntil: Date,
  },
  { timestamps: true },
);
// A redelivered or retried cause finds its entry instead of queueing a second one.
// Sparse: entries stored before keys existed have none, and must not collide on a missing key.
outboxSchema.index({ key: 1 }, { unique: true, sparse: true });
// One entry per part of a message.
outboxSchema.index({ messageId: 1, part: 1 }, { unique: true });
// The poll reads only live entries (pending, or in flight past its lease) that are due: finished
// ones sit in other ranges of this index and are never walked.
outboxSchema.index({ status: 1, nextAttemptAt: 1 });
// "Is an earlier message of this chat still live?", asked before each send to keep chat order.
outboxSchema.index({ channel: 1, chatId: 1, status: 1, createdAt: 1 });

export type OutboxDoc = InferSchemaType<typeof outboxSchema>;
