import type { AccessScope } from '../../domain/access';
import type { Channel } from '../../domain/channel';
import type { Message } from '../../domain/message';
import type { ProcessRecord } from '../../domain/process/record';
import type { Task, TaskSubject } from '../../domain/task';
import type { Actor } from './actor';
import type { Notifier } from './notices';
import type { RecordStore } from './ports';
import type { ContactNames } from './record-card';
import type { RecordAccess } from './record-access';
import type { Rights } from './rights';

/** Messages on one page of a client's history, and in the card a new responsible receives. */
export const HISTORY_PAGE_SIZE = 10;
/** A client's tasks listed at once: open ones first, then the latest closed ones. */
export const CLIENT_TASKS_LIMIT = 15;
/**
 * Longer texts are cut when the snapshot is taken: a notice is stored as it will be shown, and a
 * card of ten messages must fit Telegram's limit anyway (the bot cuts further if it must).
 */
const ENTRY_TEXT_LIMIT = 600;

/** One message as a staff member reads it in a history: when, where, who, what. */
export interface HistoryEntry {
  at: Date;
  channel: Channel;
  /** The client, a staff member (named), or the hub itself (a robot's message). */
  author: 'client' | 'staff' | 'robot';
  authorName?: string;
  text?: string;
  /**
   * `hosted`: the reference is a file the hub keeps (a staff member's or a widget visitor's
   * upload), which the hub can link to; otherwise it is the channel's own reference.
   */
  files: { name: string; ref: string; hosted: boolean }[];
}

export interface HistoryPage {
  subject: TaskSubject;
  /** The record's short number, when it has one. */
  number?: number;
  contactName?: string;
  /** The conversation the client wrote in last, so a reply goes where they are. */
  conversationId?: string;
  /** Oldest first, as a chat reads. */
  entries: HistoryEntry[];
  /** 0 is the newest page; `pages` of them in all. */
  page: number;
  pages: number;
  total: number;
}

/** The reads a history needs; each is bounded and served by an index (see the models). */
export interface HistoryStore {
  /** The client's conversations in every channel. */
  conversationsOf(contactId: string): Promise<{ id: string; channel: Channel }[]>;
  /** Newest first, `skip` and `limit` applied, and how many there are in all. */
  messages(
    conversationIds: string[],
    page: { skip: number; limit: number },
  ): Promise<{ messages: Message[]; total: number }>;
  userNames(userIds: string[]): Promise<Map<string, string>>;
  /** The client's records (lead and deals) in the scope. */
  recordsOf(scope: AccessScope, contactId: string): Promise<ProcessRecord[]>;
  /** Tasks of these records, open first (by due time), then the latest closed. */
  tasksOf(subjects: TaskSubject[], limit: number): Promise<Task[]>;
}

/**
 * The conversation with a client across all their channels: a page at a time for the History
 * button, and the latest page for whoever a lead or deal is handed to (so a manager given a lead
 * reads what the client already said instead of asking again).
 */
export class ClientHistory {
  constructor(
    private readonly deps: {
      records: RecordStore;
      store: HistoryStore;
      names: ContactNames;
      notifier: Notifier;
      rights: Pick<Rights, 'scopeOf'>;
      access: Pick<RecordAccess, 'within'>;
    },
  ) {}

  /** A page of the history of the record's client, for someone who may act on the record. */
  async page(subject: TaskSubject, actor: Actor, page: number): Promise<HistoryPage> {
    const record = await this.deps.access.within(await this.deps.rights.scopeOf(actor), subject);
    return this.read(record, Math.max(0, page));
  }

  /** The client's tasks on the records this person may act on. */
  async tasks(
    subject: TaskSubject,
    actor: Actor,
  ): Promise<{ tasks: Task[]; contactName?: string }> {
    const scope = await this.deps.rights.scopeOf(actor);
    const record = await this.deps.access.within(scope, subject);
    const mine = (await this.deps.store.recordsOf(scope, record.contactId)).map((r) => r.subject);
    const [tasks, names] = await Promise.all([
      this.deps.store.tasksOf(mine, CLIENT_TASKS_LIMIT),
      this.deps.names.namesOf(record.contactId),
    ]);
    return { tasks, ...(names.contact ? { contactName: names.contact } : {}) };
  }

  /** Sends the new responsible the conversation so far; nothing when the client never wrote. */
  async tell(userId: string, subject: TaskSubject): Promise<void> {
    const record = await this.deps.records.get(subject);
    if (!record) return;
    const latest = await this.read(record, 0);
    if (latest.total === 0) return;
    await this.deps.notifier.notifyUser(userId, {
      kind: 'client_history',
      subject: latest.subject,
      ...(latest.number !== undefined ? { number: latest.number } : {}),
      ...(latest.contactName ? { contactName: latest.contactName } : {}),
      ...(latest.conversationId ? { conversationId: latest.conversationId } : {}),
      entries: latest.entries,
      total: latest.total,
    });
  }

  private async read(record: ProcessRecord, requested: number): Promise<HistoryPage> {
    const { store } = this.deps;
    const [conversations, names] = await Promise.all([
      store.conversationsOf(record.contactId),
      this.deps.names.namesOf(record.contactId),
    ]);
    const ids = conversations.map((conversation) => conversation.id);
    let page = requested;
    let found = await this.messages(ids, page);
    const pages = Math.max(1, Math.ceil(found.total / HISTORY_PAGE_SIZE));
    if (page >= pages) {
      // An old button may point past the end (a page size changed): show the oldest page.
      page = pages - 1;
      found = await this.messages(ids, page);
    }
    const staff = await store.userNames([
      ...new Set(found.messages.flatMap((m) => (m.authorUserId ? [m.authorUserId] : []))),
    ]);
    const lastInbound = found.messages.find((message) => message.direction === 'inbound');
    const conversationId = page === 0 ? lastInbound?.conversationId : undefined;
    return {
      subject: record.subject,
      ...(record.number !== undefined ? { number: record.number } : {}),
      ...(names.contact ? { contactName: names.contact } : {}),
      ...(conversationId ? { conversationId } : {}),
      entries: found.messages.map((message) => toEntry(message, staff)).reverse(),
      page,
      pages,
      total: found.total,
    };
  }

  private messages(conversationIds: string[], page: number) {
    if (conversationIds.length === 0) return Promise.resolve({ messages: [], total: 0 });
    return this.deps.store.messages(conversationIds, {
      skip: page * HISTORY_PAGE_SIZE,
      limit: HISTORY_PAGE_SIZE,
    });
  }
}

function toEntry(message: Message, staff: Map<string, string>): HistoryEntry {
  const author =
    message.direction === 'inbound' ? 'client' : message.authorUserId ? 'staff' : 'robot';
  const authorName = message.authorUserId ? staff.get(message.authorUserId) : undefined;
  // What the hub sent, and what a widget visitor uploaded, are files the hub keeps itself.
  const hosted = message.direction === 'outbound' || message.channel === 'widget';
  const text =
    message.text && message.text.length > ENTRY_TEXT_LIMIT
      ? `${message.text.slice(0, cutBefore(message.text, ENTRY_TEXT_LIMIT))}…`
      : message.text;
  return {
    at: message.sentAt,
    channel: message.channel,
    author,
    ...(authorName ? { authorName } : {}),
    ...(text ? { text } : {}),
    files: message.attachments.map((file) => ({
      name: file.name ?? file.kind,
      ref: file.fileRef,
      hosted,
    })),
  };
}

/** Never half an emoji: a high surrogate left at the end is dropped with its pair. */
function cutBefore(text: string, limit: number): number {
  const last = text.charCodeAt(limit - 1);
  return last >= 0xd800 && last <= 0xdbff ? limit - 1 : limit;
}
