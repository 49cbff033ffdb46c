import { Schema, type InferSchemaType } from 'mongoose';
import { attachmentSchema, channelField } from './shared';

export const outboxSchema = new Schema(
  {
    messageId: { type: Schema.Types.ObjectId, ref: 'Message', required: true },
    conversationId: { type: Schema.Types.ObjectId, ref: 'Conversation', required: true },
    channel: channelField,
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
    lastError: String,
    authorUserId: { type: Schema.Types.ObjectId, ref: 'User' },
    receipt: { type: new Schema({ chatId: Number, messageId: Number }, { _id: false }) },
    sentAt: Date,
  },
  { timestamps: true },
);
// One outbox entry per message, so a retried enqueue cannot send twice.
outboxSchema.index({ messageId: 1 }, { unique: true });
// The worker claims the oldest due entry.
outboxSchema.index({ status: 1, nextAttemptAt: 1 });

export type OutboxDoc = InferSchemaType<typeof outboxSchema>;
