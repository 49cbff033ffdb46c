import type { Channel } from './channel';

export interface Conversation {
  id: string;
  contactId: string;
  channel: Channel;
  /** The chat in the channel where replies go. */
  chatId: string;
  open: boolean;
  leadId?: string;
  dealId?: string;
  lastInboundAt?: Date;
  lastOutboundAt?: Date;
  /** The customer's first unanswered message; the reply SLA counts from here. */
  awaitingReplySince?: Date;
}
