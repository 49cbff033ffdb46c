/**
 * Over 300 lines on purpose: ingest's correctness is the order of its steps (a redelivery told
 * before anything is acted on, the record before the conversation, retries resuming where the
 * first try stopped); one file keeps that order readable top to bottom.
 */
import { chatOf, accountOf, identityKey } from '../../domain/channel';
import type { Contact } from '../../domain/contact';
import { normalizeEmail, normalizePhone } from '../../domain/contact';
import { sameBurst, type Conversation } from '../../domain/conversation';
import type { Responsibles } from '../../domain/department';
import { utmFromUrl } from '../../domain/lead';
import type { InboundMessage, Message } from '../../domain/message';
import type { ProcessRecord, RecordPlace } from '../../domain/process/record';
import type { RoutingSample } from '../../domain/routing/rule';
import type { Task, TaskSubject } from '../../domain/task';
import { KeyedLock } from '../keyed-lock';
import { ProcessError } from '../process/errors';
import type { NewLead } from '../process/ports';
import type { InboundEvents } from './inbound-events';
import type { ContactStore, ConversationStore, InboundMessages, OpenRecords } from './ports';

export interface IngestDeps {
  contacts: ContactStore;
  conversations: ConversationStore;
  records: OpenRecords;
  messages: InboundMessages;
  leads: {
    /** `held`: the lead's first tasks, left for the customer's card to announce. */
    createLead(
      lead: NewLead,
      createdBy: string | undefined,
      routedTo: string | undefined,
      options: { held: Task[] },
    ): Promise<ProcessRecord>;
    /** The first tasks of a lead a retried first message may have made (see `StageEntry`). */
    firstTasksOf(subject: TaskSubject): Promise<Task[]>;
  };
  /** The routing rules' choice of manager for a new lead; none means the dispatcher's queue. */
  route(sample: RoutingSample): Promise<string | undefined>;
  /** The reply SLA starts counting at the customer's first unanswered message. */
  sla: {
    /** A retry of the message that opened the wait (see `SlaLadder.resumedWaiting`). */
    resumedWaiting(conversationId: string, since: Date): Promise<void>;
    /** `known`: the conversation as ingest read it (its reply clock, its last inbound time). */
    clientWrote(
      conversationId: string,
      at: Date,
      known?: { awaitingReplySince?: Date; lastInboundAt?: Date },
    ): Promise<void>;
    /** The conversation was opened by this message, already waiting from it. */
    startedWaiting(conversationId: string, since: Date): Promise<void>;
  };
  /** Follow-ups that wait for the customer's silence restart with every message. */
  followUps: {
    onClientMessage(subject: TaskSubject, options?: { newSubject?: boolean }): Promise<void>;
  };
  events: InboundEvents;
  /** The message is stored but no lead could be opened: nobody is registered to take it. */
  onUnassignable(conversationId: string): void;
}

export type IngestResult =
  | { outcome: 'duplicate' }
  | { outcome: 'stored'; messageId: string; conversationId: string; newLead: boolean }
  | { outcome: 'edited'; messageId: string }
  /** An edit of a message the hub never had (sent before the channel was connected). */
  | { outcome: 'ignored' };

/**
 * One customer message from any channel becomes part of one contact's history (PRODUCT.md,
 * "Open lines"): redeliveries are dropped, the contact is found by channel identity, phone or
 * email before a new one is made, the open conversation is continued, a lead is opened when the
 * contact has no open lead or deal, and the message is stored before the channel is answered.
 */
export class IngestInbound {
  // Two messages of one chat arriving together must not open two conversations or two leads.
  private readonly lock = new KeyedLock();

  constructor(private readonly deps: IngestDeps) {}

  /**
   * `resumed`: this delivery was tried before (a retry, or taken over from a process that died
   * with it). A stored copy then may be unfinished and is finished now; on a first try a stored
   * copy can only be a redelivery of a message already finished, since the inbox item of the
   * earlier delivery is deleted only after its ingest finished. (So no "processed" mark is
   * written: the inbox records completion.)
   */
  ingest(message: InboundMessage, options: { resumed?: boolean } = {}): Promise<IngestResult> {
    const resumed = options.resumed ?? false;
    return this.lock.run(identityKey(chatOf(message)), () =>
      message.edited ? this.applyEdit(message) : this.store(message, resumed),
    );
  }

  private async store(inbound: InboundMessage, resumed: boolean): Promise<IngestResult> {
    const { deps } = this;
    const { contact, isNew } = await this.contactOf(inbound);
    // A contact made just now has no messages, conversations or records yet: three lookups fewer
    // for every new customer.
    const existing = isNew
      ? undefined
      : await deps.conversations.findOpen(inbound.channel, inbound.chatId, inbound.account);
    if (existing) {
      // The message first: its unique key tells a redelivery before anything is acted on.
      const saved = await deps.messages.saveInbound(existing.id, inbound);
      if (saved.duplicate)
        return this.redelivered(saved.message, resumed, inbound, contact, existing);
      const found = await this.subjectFor(contact, false, inbound, existing);
      return this.stored(saved.message, existing, found, 'continued', contact.name, resumed);
    }
    if (!isNew) {
      // No open conversation: a redelivery of a message of a conversation closed since must not
      // open a lead, so it is looked for first (rare: the common redelivery is caught above).
      const known = await deps.messages.find(inbound.channel, inbound.externalId);
      if (known) return this.redelivered(known, resumed, inbound, contact);
    }
    const found = await this.subjectFor(contact, isNew, inbound, undefined);
    const conversation = await deps.conversations.open({
      contactId: contact.id,
      channel: inbound.channel,
      ...accountOf(inbound),
      chatId: inbound.chatId,
      lastInboundAt: inbound.sentAt,
      // Waiting only with someone to answer: an unassignable message starts the clock later,
      // with the message that finds someone.
      ...(found ? { subject: found.subject, awaitingReplySince: inbound.sentAt } : {}),
    });
    const saved = await deps.messages.saveInbound(conversation.id, inbound);
    if (saved.duplicate) return this.redelivered(saved.message, resumed, inbound, contact);
    return this.stored(saved.message, conversation, found, 'opened', contact.name, resumed);
  }

  /**
   * What follows storing: the reply clock, follow-ups, the event (each safe to run again).
   * `how`: the message opened its conversation, continued it, or is being retried — a retry
   * cannot tell how far its first try got. `resumed`: this delivery was tried before (whatever
   * `how` says: a first try that stopped before storing the message opens its conversation now).
   */
  private async stored(
    message: Message,
    conversation: Conversation,
    found: Found | undefined,
    how: 'opened' | 'continued' | 'retried',
    contactName: string | undefined,
    resumed: boolean,
  ): Promise<IngestResult> {
    const result = {
      outcome: 'stored',
      messageId: message.id,
      conversationId: conversation.id,
      newLead: found?.newLead ?? false,
    } as const;
    if (!found) {
      // Kept with its conversation; the customer's next message tries to open the lead again.
      this.deps.onUnassignable(conversation.id);
      return result;
    }
    const { deps } = this;
    const { subject, newLead, responsibles, place, number } = found;
    const at = message.sentAt;
    if (how === 'opened') await deps.sla.startedWaiting(conversation.id, at);
    else if (how === 'retried' && conversation.awaitingReplySince?.getTime() === at.getTime()) {
      await deps.sla.resumedWaiting(conversation.id, at);
    } else await deps.sla.clientWrote(conversation.id, at, conversation);
    // Restarted by the burst's first message already, unless the record changed since; a retry
    // restarts them anyway, as its first try may not have got this far.
    const current = subjectOf(conversation);
    const sameRecord = !newLead && current?.kind === subject.kind && current.id === subject.id;
    const inBurst = how === 'continued' && sameRecord && sameBurst(conversation, at);
    if (!inBurst) await deps.followUps.onClientMessage(subject, { newSubject: newLead });
    // The card of a new lead's first message announces its first task. A retry may find the lead
    // its first try made (so not new) and the card never stored: the task is carried again then,
    // and a card stored already is not stored twice (its key). A retry cannot tell that lead from
    // an older one still at its first task, whose card may show that task once more: shown twice
    // beats never shown.
    const tasks = found.tasks ?? (resumed ? await deps.leads.firstTasksOf(subject) : []);
    await deps.events.publish({
      message,
      conversation: { ...conversation, ...conversationSubject(subject) },
      contactId: conversation.contactId,
      ...(contactName ? { contactName } : {}),
      responsibles,
      place,
      subject,
      ...(number === undefined ? {} : { recordNumber: number }),
      newLead,
      ...(tasks.length > 0 ? { tasks } : {}),
      edited: false,
    });
    return result;
  }

  /**
   * A message stored before: on a retry, everything after storing it is done again (each step
   * is safe to repeat, and the first try may have stopped anywhere); otherwise a duplicate.
   */
  private async redelivered(
    message: Message,
    resumed: boolean,
    inbound: InboundMessage,
    contact: Contact,
    conversation?: Conversation,
  ): Promise<IngestResult> {
    if (!resumed) return { outcome: 'duplicate' };
    const current =
      conversation?.id === message.conversationId
        ? conversation
        : await this.deps.conversations.get(message.conversationId);
    if (!current?.open) return { outcome: 'duplicate' };
    const found = await this.subjectFor(contact, false, inbound, current);
    return this.stored(message, current, found, 'retried', contact.name, true);
  }

  private async applyEdit(inbound: InboundMessage): Promise<IngestResult> {
    const { deps } = this;
    const edited = await deps.messages.applyEdit(inbound.channel, inbound.externalId, {
      ...(inbound.text !== undefined ? { text: inbound.text } : {}),
      attachments: inbound.attachments,
    });
    if (!edited) return { outcome: 'ignored' };
    const conversation = await deps.conversations.get(edited.conversationId);
    const subject = conversation && subjectOf(conversation);
    if (conversation && subject) {
      await deps.events.publish({
        message: edited,
        conversation,
        contactId: conversation.contactId,
        subject,
        newLead: false,
        edited: true,
      });
    }
    return { outcome: 'edited', messageId: edited.id };
  }

  /** The contact, and whether it was made just now (then it can have no open records yet). */
  private async contactOf(inbound: InboundMessage): Promise<{ contact: Contact; isNew: boolean }> {
    const identity = {
      channel: inbound.channel,
      ...accountOf(inbound),
      externalId: inbound.senderId,
    };
    const phone = inbound.phone ? normalizePhone(inbound.phone) : undefined;
    const email = inbound.email ? normalizeEmail(inbound.email) : undefined;
    const details = {
      phones: phone ? [phone] : [],
      emails: email ? [email] : [],
      ...(inbound.senderName ? { name: inbound.senderName } : {}),
    };
    const known = await this.deps.contacts.findByAny({
      identity,
      ...(inbound.contactVerified ? details : {}),
    });
    if (!known) {
      const contact = await this.deps.contacts.create({ identities: [identity], ...details });
      return { contact, isNew: true };
    }

    const hasIdentity = known.identities.some((i) => identityKey(i) === identityKey(identity));
    const news =
      !hasIdentity ||
      details.phones.some((p) => !known.phones.includes(p)) ||
      details.emails.some((e) => !known.emails.includes(e)) ||
      (!known.name && details.name);
    if (news) await this.deps.contacts.enrich(known.id, { identity, ...details });
    return { contact: known, isNew: false };
  }

  private async subjectFor(
    contact: Contact,
    isNew: boolean,
    inbound: InboundMessage,
    /** Absent when the conversation is opened after this, with the subject on it. */
    conversation: Conversation | undefined,
  ): Promise<Found | undefined> {
    // The conversation's own record while it is open (one read by id); the contact's records
    // only when it has none or it closed (a lead converted into deals, a deal won or lost).
    const attached = conversation && subjectOf(conversation);
    const open = isNew
      ? undefined
      : ((attached && (await this.deps.records.ifOpen(attached))) ??
        (await this.deps.records.openRecordOf(contact.id)));
    if (open) {
      const { subject, responsibles, place, number } = open;
      const current = conversation && subjectOf(conversation);
      if (conversation && (current?.kind !== subject.kind || current.id !== subject.id)) {
        await this.deps.conversations.attach(conversation.id, subject);
      }
      return {
        subject,
        newLead: false,
        responsibles,
        place,
        ...(number === undefined ? {} : { number }),
      };
    }
    const origin = inbound.origin ?? {};
    const utm = { ...utmFromUrl(origin.pageUrl), ...origin.utm };
    const routedTo = await this.deps.route({
      channel: inbound.channel,
      ...(origin.tag ? { source: origin.tag } : {}),
      utm,
      ...(inbound.text ? { text: inbound.text } : {}),
      ...(inbound.language ? { language: inbound.language } : {}),
      at: inbound.sentAt,
    });
    const held: Task[] = [];
    const lead = await this.deps.leads
      .createLead(
        {
          contactId: contact.id,
          // The dispatcher's card names the client without reading the contact back.
          contactName: contact.name ?? '',
          source: {
            kind: 'channel',
            channel: inbound.channel,
            ...(origin.tag ? { tag: origin.tag } : {}),
          },
          utm,
          ...(origin.referrer ? { referrer: origin.referrer } : {}),
          ...(origin.pageUrl ? { landingUrl: origin.pageUrl } : {}),
        },
        undefined,
        routedTo,
        { held },
      )
      .catch((error: unknown) => {
        if (error instanceof ProcessError && error.code === 'no_staff') return undefined;
        throw error;
      });
    if (!lead) return undefined;
    if (conversation) await this.deps.conversations.attach(conversation.id, lead.subject);
    return {
      subject: lead.subject,
      newLead: true,
      responsibles: lead.responsibles,
      place: { pipeline: lead.pipeline, stage: lead.stage },
      ...(lead.number === undefined ? {} : { number: lead.number }),
      tasks: held,
    };
  }
}

/** The record a message belongs to, as ingest found or made it. */
type Found = {
  subject: TaskSubject;
  newLead: boolean;
  responsibles: Responsibles;
  place: RecordPlace;
  /** Read with the record, so the responsible's card shows it without a read of its own. */
  number?: number;
  /** A lead made just now: its first tasks, not announced yet (the card carries them). */
  tasks?: Task[];
};

export function subjectOf(conversation: Conversation): TaskSubject | undefined {
  if (conversation.dealId) return { kind: 'deal', id: conversation.dealId };
  if (conversation.leadId) return { kind: 'lead', id: conversation.leadId };
  return undefined;
}

function conversationSubject(subject: TaskSubject): Partial<Conversation> {
  return subject.kind === 'deal' ? { dealId: subject.id } : { leadId: subject.id };
}
