import type { Lease } from '../lease';
import type { Channel } from '../../domain/channel';
import type { Conversation } from '../../domain/conversation';
import type { Attachment, InboundMessage, Message } from '../../domain/message';
import type { Contact } from '../../domain/contact';
import type { OutboxItem } from '../../domain/outbox';
import type { TaskSubject } from '../../domain/task';

export interface ConversationStore {
  get(id: string): Promise<Conversation | undefined>;
  findOpen(channel: Channel, chatId: string): Promise<Conversation | undefined>;
  open(conversation: {
    contactId: string;
    channel: Channel;
    chatId: string;
    subject?: TaskSubject;
    /** Opened by a customer's message: the reply clock runs from it. */
    awaitingReplySince?: Date;
  }): Promise<Conversation>;
  attach(id: string, subject: TaskSubject): Promise<void>;
  /** The contact's most recently active open conversation: where robots' messages go. */
  latestOfContact(contactId: string): Promise<Conversation | undefined>;
  touchOutbound(id: string, at: Date): Promise<void>;
}

export interface ContactStore {
  findByAny(query: {
    identity?: { channel: Channel; externalId: string };
    phones?: string[];
    emails?: string[];
  }): Promise<Contact | undefined>;
  create(contact: Omit<Contact, 'id' | 'createdAt'>): Promise<Contact>;
  /** Adds what the customer just told us (a new channel, a shared phone) to what we know. */
  enrich(
    contactId: string,
    details: {
      identity?: { channel: Channel; externalId: string };
      phones: string[];
      emails: string[];
      name?: string;
    },
  ): Promise<void>;
}

/** Open records of a contact; the newest deal wins over a lead, as the deal is further along. */
export interface OpenRecords {
  openSubjectOf(contactId: string): Promise<TaskSubject | undefined>;
}

export interface InboundMessages {
  /** `processed`: everything after storing it (SLA, follow-ups, the event) has run. */
  find(
    channel: Channel,
    externalId: string,
  ): Promise<(Message & { processed: boolean }) | undefined>;
  markProcessed(messageId: string): Promise<void>;
  saveInbound(
    conversationId: string,
    message: InboundMessage,
  ): Promise<{ message: Message; duplicate: boolean }>;
  /** Replaces the text and files of a stored message; false when there is no such message. */
  applyEdit(
    channel: Channel,
    externalId: string,
    edit: { text?: string; attachments: Attachment[] },
  ): Promise<Message | undefined>;
}

export interface NewOutbound {
  conversationId: string;
  channel: Channel;
  chatId: string;
  text?: string;
  attachments: Attachment[];
  authorUserId?: string;
  receipt?: { chatId: number; messageId: number };
}

export interface OutboxStore {
  /** Stores the message and its outbox entry before any attempt. */
  enqueue(message: NewOutbound, at: Date): Promise<{ messageId: string; outboxId: string }>;
  /** Pending entries due by `now`, oldest first, so each chat gets its messages in order. */
  due(now: Date, limit: number): Promise<OutboxItem[]>;
  markSent(item: OutboxItem, externalId: string, at: Date): Promise<void>;
  /**
   * Tries again at `nextAttemptAt`, and holds the chat's later messages until then too: they
   * keep their order (also after a restart) and stop filling the worker's batches meanwhile.
   */
  markRetry(item: OutboxItem, nextAttemptAt: Date, error: string): Promise<void>;
  markFailed(item: OutboxItem, error: string): Promise<void>;
}

/** A customer message the channel was told we have, waiting to be ingested. */
export interface InboxItem {
  /** The dedupe key: the same delivery always has the same key. */
  key: string;
  /** Messages of one chat are ingested one at a time, in arrival order. */
  chat: string;
  message: InboundMessage;
  receivedAt: Date;
  /** Failed attempts so far. */
  attempts: number;
}

export type InboxLease = Lease;

export interface InboxStore {
  /** One durable write, leased to the caller; false when the key is already waiting. */
  add(item: InboxItem, lease: InboxLease): Promise<boolean>;
  /** Pending items whose lease ran out (a crashed process, a retry now due), oldest first. */
  claimExpired(lease: InboxLease, now: Date, limit: number): Promise<InboxItem[]>;
  done(key: string): Promise<void>;
  /** Keeps the item for another attempt at `at` (its lease runs until then). */
  retryAt(key: string, attempts: number, at: Date, error: string): Promise<void>;
  /** Gives up on an item after its bounded retries; it stays, with its error, never retried. */
  park(key: string, attempts: number, error: string): Promise<void>;
}
