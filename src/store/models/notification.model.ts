import { Schema, type InferSchemaType } from 'mongoose';

/**
 * What the hub has to tell staff or clients, stored before delivery so nothing is lost between
 * the engine and Telegram: the process that stores one delivers it from memory and marks it
 * `sent`; another process takes over a `pending` one once its lease has run out.
 */
export const notificationSchema = new Schema(
  {
    // 'client': robots' messages to clients stored by older hubs (they now go to the outbox).
    audience: { type: String, enum: ['user', 'heads', 'client'], required: true },
    userId: { type: Schema.Types.ObjectId, ref: 'User' },
    subject: {
      type: new Schema({ kind: String, id: Schema.Types.ObjectId }, { _id: false }),
    },
    kind: { type: String, required: true },
    payload: { type: Schema.Types.Mixed, default: {} },
    status: { type: String, enum: ['pending', 'sent', 'failed'], default: 'pending' },
    error: String,
    deliveredTo: { type: [Number], default: [] },
    /** `chatId:messageId` of each Telegram message showing it: replies and edits find it so. */
    telegramRefs: { type: [String], default: [] },
    /** The process delivering it, until when; unset once it is sent or failed. */
    owner: String,
    leaseUntil: Date,
    /** Set where a notice must exist once (a customer message's card for one person). */
    key: String,
  },
  { timestamps: true, minimize: false },
);
// Each index costs every notice two writes (stored, then marked sent), on the embedded engine an
// entry rewritten per index each time: a new customer's two notices carried 14 index writes.
// Claims after a crash: pending notices (live ones only, a handful) oldest first, lease checked.
notificationSchema.index({ status: 1, createdAt: 1 });
// A reply to a card finds the card by where it was shown.
notificationSchema.index({ telegramRefs: 1 });
// Only the kinds that carry them are indexed: a customer's edit finds its cards; taking a
// problem finds every copy of its alert to edit.
notificationSchema.index({ 'payload.messageId': 1 }, { sparse: true });
notificationSchema.index({ 'payload.taskId': 1 }, { sparse: true });
notificationSchema.index({ key: 1 }, { unique: true, sparse: true });

export type NotificationDoc = InferSchemaType<typeof notificationSchema>;
