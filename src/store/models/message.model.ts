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
    /** The customer changed the message after sending it. */
    editedAt: Date,
    /** Outbound: the id the channel gave the sent message (externalId stays our own key). */
    channelMessageId: String,
    /** Why a message to the customer could not be delivered. */
    error: String,
  },
  { timestamps: true },
);
// Webhooks are redelivered (VK retries, Viber for an hour, Telegram after a timeout): the database,
// not application code, guarantees a message is stored once.
messageSchema.index({ channel: 1, externalId: 1 }, { unique: true });
// A conversation's messages newest first; `_id` orders messages sent within the same second
// (channels date to the second) as they arrived, so a client's history pages from the index alone.
messageSchema.index({ conversationId: 1, sentAt: -1, _id: -1 });

export type MessageDoc = InferSchemaType<typeof messageSchema>;
