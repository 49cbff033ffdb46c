import type { ChannelIdentity } from './channel';
import type { Contact } from './contact';
import type { InboundMessage, Message } from './message';

/** Time comes in through a port so timers and SLAs are testable with a controllable clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export type NewContact = Omit<Contact, 'id' | 'createdAt'>;

export interface ContactRepository {
  /** Finds the one contact matching any of the identity, phones or emails, identity first. */
  findByAny(query: {
    identity?: ChannelIdentity;
    phones?: string[];
    emails?: string[];
  }): Promise<Contact | undefined>;
  create(contact: NewContact): Promise<Contact>;
  addIdentity(contactId: string, identity: ChannelIdentity): Promise<void>;
}

export interface MessageRepository {
  /**
   * Stores an inbound message once per (channel, externalId). A redelivery returns the stored
   * message with `duplicate: true` and writes nothing.
   */
  saveInbound(
    conversationId: string,
    message: InboundMessage,
  ): Promise<{ message: Message; duplicate: boolean }>;
  listByConversation(conversationId: string, limit: number): Promise<Message[]>;
}

/** Answers whether the database is reachable; used by /health. */
export interface DatabaseProbe {
  ping(timeoutMs: number): Promise<boolean>;
}

export interface StoredFile {
  id: string;
  name: string;
  mimeType: string;
  size: number;
}

/** Files customers upload (widget) and files managers send, kept by the hub for signed links. */
export interface FileStore {
  put(file: { name: string; mimeType: string; data: Buffer }): Promise<StoredFile>;
  get(id: string): Promise<(StoredFile & { data: Buffer }) | undefined>;
}
