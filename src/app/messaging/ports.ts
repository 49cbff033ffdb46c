import type { Lease } from '../lease';
import type { AccountId, Channel, ChannelIdentity } from '../../domain/channel';
import type { Conversation } from '../../domain/conversation';
import type { Attachment, InboundMessage, Message } from '../../domain/message';
import type { Contact } from '../../domain/contact';
import type { DeliveryFailure, OutboxItem } from '../../domain/outbox';
import type { Responsibles } from '../../domain/department';
import type { RecordPlace } from '../../domain/process/record';
import type { TaskSubject } from '../../domain/task';

export interface ConversationStore {
  get(id: string): Promise<Conversation | undefined>;
  /** `account` absent: the channel's default account. */
  findOpen(
    channel: Channel,
    chatId: string,
    account?: AccountId,
  ): Promise<Conversation | undefined>;
  open(conversation: {
    contactId: string;
    channel: Channel;
    account?: AccountId;
    chatId: string;
    subject?: TaskSubject;
    /** Opened by a customer's message: the reply clock runs from it. */
    awaitingReplySince?: Date;
    lastInboundAt?: Date;
  }): Promise<Conversation>;
  attach(id: string, subject: TaskSubject): Promise<void>;
  /** The contact's most recently active open conversation: where robots' messages go. */
  latestOfContact(contactId: string): Promise<Conversation | undefined>;
  /** `firstReplyAt`: this message answered a wait; the first such is kept (ReplyWait `first`). */
  touchOutbound(id: string, at: Date, firstReplyAt?: Date): Promise<void>;
}

export interface ContactStore {
  findByAny(query: {
    identity?: ChannelIdentity;
    phones?: string[];
    emails?: string[];
  }): Promise<Contact | undefined>;
  create(contact: Omit<Contact, 'id' | 'createdAt'>): Promise<Contact>;
  /** Adds what the customer just told us (a new channel, a shared phone) to what we know. */
  enrich(
    contactId: string,
    details: {
      identity?: ChannelIdentity;
      phones: string[];
      emails: string[];
      name?: string;
    },
  ): Promise<void>;
}

/** Open records of a contact; the newest deal wins over a lead, as the deal is further along. */
export interface OpenRecord {
  subject: TaskSubject;
  responsibles: Responsibles;
  /** Where it stands: who answers can depend on it (a problem parks a deal with sales). */
  place: RecordPlace;
  number?: number;
}

export interface OpenRecords {
  /** Who is responsible comes along: the customer's card goes to them without a second read. */
  openRecordOf(contactId: string): Promise<OpenRecord | undefined>;
  /** This record, when it is still open (one read by id instead of the contact's records). */
  ifOpen(subject: TaskSubject): Promise<OpenRecord | undefined>;
}

export interface InboundMessages {
  find(channel: Channel, externalId: string): Promise<Message | undefined>;
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
  /**
   * What made this message, stable across retries and redeliveries of that cause: the manager's
   * chat and message for a reply (`staff:<chat>:<message>`), a robot's run (`robot:<record>:<visit>:<robot>`),
   * the API request. The message and each of its parts are queued once per cause.
   */
  cause: string;
  conversationId: string;
  channel: Channel;
  account?: AccountId;
  chatId: string;
  text?: string;
  attachments: Attachment[];
  authorUserId?: string;
  receipt?: { chatId: number; messageId: number };
}

/** The author's "sending…" line, once attached: what it must show now, if already known. */
export type ReceiptState =
  { state: 'pending' } | { state: 'sent' } | { state: 'failed'; reason: DeliveryFailure };

export interface OutboxStore {
  /**
   * Stores the message and one entry per channel call before any attempt. Idempotent on the
   * cause: a second call finds what the first stored (`duplicate`) and queues nothing. With a
   * `lease`, the entries are stored already held by its owner and come back as `entries`, for
   * that process's worker to send at once (another takes them over only once the lease ran out).
   */
  enqueue(
    message: NewOutbound,
    at: Date,
    lease?: Lease,
  ): Promise<{
    messageId: string;
    /** When the message was stored: `at` of the call that stored it. */
    sentAt: Date;
    duplicate: boolean;
    hasReceipt: boolean;
    /** The entries this call stored, in part order. */
    entries: OutboxItem[];
  }>;
  /**
   * Takes due live entries for the lease's owner, oldest first: pending ones, in-flight ones whose
   * lease ran out (their process died mid-send), and the owner's own (to carry on after a hold).
   * `chat`: only that chat's (a chat's lane taking its next entries).
   */
  claimDue(
    lease: Lease,
    now: Date,
    limit: number,
    chat?: { channel: Channel; chatId: string },
  ): Promise<OutboxItem[]>;
  /**
   * True when an earlier entry of the same chat is still live: this one must wait its turn.
   * `ours`: entries this worker holds in order anyway (this one among them), not counted.
   */
  hasEarlierLive(item: OutboxItem, ours?: ReadonlySet<string>): Promise<boolean>;
  /**
   * Marks it in flight (`sending`, with the time) just before the channel call, for as long as
   * the lease; false when the owner no longer holds it (another process took it over).
   */
  markSending(item: OutboxItem, lease: Lease, now: Date): Promise<boolean>;
  /** The last part's entry as stored now when this completed the message, else undefined. */
  markSent(item: OutboxItem, externalId: string, at: Date): Promise<OutboxItem | undefined>;
  /**
   * Tries again at `nextAttemptAt`, and holds the chat's later messages until then too: they
   * keep their order (also after a restart) and stop filling the worker's batches meanwhile.
   */
  markRetry(item: OutboxItem, nextAttemptAt: Date, error: string): Promise<void>;
  /** Fails the message's remaining parts; returns the last part's entry as stored now. */
  markFailed(
    item: OutboxItem,
    error: string,
    reason: DeliveryFailure,
  ): Promise<OutboxItem | undefined>;
  /** Hands the owner's pending entries back at once (a clean stop), so a successor needs no wait. */
  release(owner: string): Promise<void>;
  /**
   * Puts the author's "sending…" line on a queued message. When the message is already final, the
   * worker could not show it there, so the caller learns its state to show it itself.
   */
  attachReceipt(
    messageId: string,
    receipt: { chatId: number; messageId: number },
  ): Promise<ReceiptState>;
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
  /**
   * One durable write, leased to the caller, or without a lease: stored for whoever takes it
   * first (`claimExpired` finds it at once). False when the key is already waiting.
   */
  add(item: InboxItem, lease?: InboxLease): Promise<boolean>;
  /** Pending items whose lease ran out (a crashed process, a retry now due), oldest first. */
  claimExpired(lease: InboxLease, now: Date, limit: number): Promise<InboxItem[]>;
  /**
   * `owner`: the process finishing, rescheduling or parking an item. Only the lease holder may:
   * a process whose lease ran out and was taken over (its renewals failed in a database stall)
   * must not delete or move an item the new holder may not have finished.
   */
  done(key: string, owner: string): Promise<void>;
  /**
   * Of these items, those whose chat has an earlier message still pending that `owner` does not
   * hold: another process ingests it now (or will), and the later one must wait for it.
   */
  earlierElsewhere(items: readonly InboxItem[], owner: string): Promise<Set<string>>;
  /** Extends the leases this owner still holds on these items (a burst waits here a while). */
  renew(keys: string[], lease: InboxLease): Promise<void>;
  /** Keeps the item for another attempt at `at` (its lease runs until then). */
  retryAt(key: string, owner: string, attempts: number, at: Date, error: string): Promise<void>;
  /** Gives up on an item after its bounded retries; it stays, with its error, never retried. */
  park(key: string, owner: string, attempts: number, error: string): Promise<void>;
  /** Parked items, oldest first, for admins to look at. */
  parked(limit: number): Promise<ParkedItem[]>;
  /** A parked item made pending again, due now, with its attempts reset; false if gone. */
  unpark(key: string): Promise<boolean>;
  /** A parked item deleted for good (an admin saw it cannot be ingested); false if gone. */
  discard(key: string): Promise<boolean>;
}

export interface ParkedItem extends InboxItem {
  error: string;
}
