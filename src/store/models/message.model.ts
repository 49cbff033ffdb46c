import { Schema, type InferSchemaType } from 'mongoose';
import { attachmentSchema, channelField } from './shared';

export const messageSchema = new Schema(
  {
    conversationId: { type: Schema.Types.ObjectId, ref: 'Conversation', required: true },
    channel: channelField,
    direction: { type: String, enum: ['inbound', 'outbound'], required: true },
    externalId: { type: String, required: true },
    text: String,
    attachments: { type: [attachmentSchema], default: [] },
    status: {
      type: String,
      enum: ['received', 'queued', 'sent', 'delivered', 'read', 'failed'],
      required: true,
    },
    authorUserId: { type: Schema.Types.ObjectId, ref: 'User' },
    sentAt: { type: Date, required: true },
  },
  { timestamps: true },
);
// Webhooks are redelivered (VK retries, Viber for an hour, Telegram after a timeout): the database,
// not application code, guarantees a message is stored once.
messageSchema.index({ channel: 1, externalId: 1 }, { unique: true });
messageSchema.index({ conversationId: 1, sentAt: -1 });

export type MessageDoc = InferSchemaType<typeof messageSchema>;
