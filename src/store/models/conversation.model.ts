import { Schema, type InferSchemaType } from 'mongoose';
import { channelField } from './shared';

const { ObjectId } = Schema.Types;

export const conversationSchema = new Schema(
  {
    contactId: { type: ObjectId, ref: 'Contact', required: true },
    channel: channelField,
    /** Absent: the channel's default account. Not in the chat index: matched after it. */
    account: String,
    chatId: { type: String, required: true },
    open: { type: Boolean, default: true },
    leadId: { type: ObjectId, ref: 'Lead' },
    dealId: { type: ObjectId, ref: 'Deal' },
    lastInboundAt: Date,
    lastOutboundAt: Date,
    awaitingReplySince: Date,
    /** The first staff reply that answered a wait: later ones are not first replies. */
    firstReplyAt: Date,
  },
  { timestamps: true },
);
// An inbound message finds its open thread by the chat it came from.
conversationSchema.index({ channel: 1, chatId: 1, open: 1 });
conversationSchema.index({ contactId: 1, open: 1 });
// "Who has waited longest" lists for heads and the SLA ladder.
conversationSchema.index({ open: 1, awaitingReplySince: 1 });
// Reports: the conversations answered since a moment (a range the index serves, not a scan).
// Sparse: a new customer's conversation, not answered yet, costs no entry.
conversationSchema.index({ lastOutboundAt: 1 }, { sparse: true });

export type ConversationDoc = InferSchemaType<typeof conversationSchema>;
