import type { AccountId, Channel } from './channel';

export interface Conversation {
  id: string;
  contactId: string;
  channel: Channel;
  /** The channel's account the customer wrote to (absent: the default one): replies use it too. */
  account?: AccountId;
  /** The chat in the channel where replies go. */
  chatId: string;
  open: boolean;
  leadId?: string;
  dealId?: string;
  /** Kept to the minute (see `sameBurst`): it orders a contact's chats by recent activity. */
  lastInboundAt?: Date;
  lastOutboundAt?: Date;
  /** The customer's first unanswered message; the reply SLA counts from here. */
  awaitingReplySince?: Date;
  /** The first staff reply that answered a wait (reports' "first reply"). */
  firstReplyAt?: Date;
}

/**
 * Messages a customer writes within a minute of the last one noted are one burst: what each
 * message restarts (the conversation's recency, the silence follow-ups) is restarted once per
 * burst, so five messages in a row cost one write, not five.
 */
export const BURST_MS = 60_000;

export function sameBurst(conversation: { lastInboundAt?: Date | undefined }, at: Date): boolean {
  const last = conversation.lastInboundAt;
  return last !== undefined && at.getTime() - last.getTime() < BURST_MS;
}
