import { InboundEvents, type ClientMessageEvent } from '../../src/app/messaging/inbound-events';
import { IngestInbound, type IngestDeps } from '../../src/app/messaging/ingest-inbound';
import type { InboundMessage } from '../../src/domain/message';
import { createContactRepository } from '../../src/store/repositories/contact.repository';
import { createConversationStore } from '../../src/store/repositories/conversation.repository';
import { createMessageRepository } from '../../src/store/repositories/message.repository';
import { createOpenRecords } from '../../src/store/repositories/open-records.repository';
import { processOnManualClock, seededDatabase } from '../support/process';

const fixture = seededDatabase();

const message = (externalId: string): InboundMessage => ({
  channel: 'viber',
  externalId,
  senderId: 'viber-user-1',
  chatId: 'viber-user-1',
  text: 'Добрый день',
  attachments: [],
  sentAt: new Date('2026-12-01T07:00:00Z'),
});

/** Ingest on the real store and a manual clock, with some of its parts replaced; events kept. */
function ingestOnStore(
  parts: (process: ReturnType<typeof processOnManualClock>) => Partial<IngestDeps>,
) {
  const { database } = fixture;
  const process = processOnManualClock(database);
  const events: ClientMessageEvent[] = [];
  const bus = new InboundEvents((error) => {
    throw error;
  });
  bus.subscribe(async (event) => {
    events.push(event);
  });
  const ingest = new IngestInbound({
    contacts: createContactRepository(database.models),
    conversations: createConversationStore(database.models),
    records: createOpenRecords(database.models),
    messages: createMessageRepository(database.models, process.clock),
    leads: process.engine,
    route: async () => undefined,
    sla: process.sla,
    followUps: process.engine.timers,
    events: bus,
    onUnassignable: () => undefined,
    ...parts(process),
  });
  return { ingest, events, process };
}

describe('ingesting a customer message', () => {
  it('finishes a message whose first delivery failed after storing it, and only once', async () => {
    const { database } = fixture;
    let outage = true;
    const { ingest, events, process } = ingestOnStore((process) => ({
      // The reply clock's write fails once, as in a database hiccup after the message is stored.
      sla: {
        clientWrote: (conversationId, at) => process.sla.clientWrote(conversationId, at),
        resumedWaiting: (conversationId, since) =>
          process.sla.resumedWaiting(conversationId, since),
        startedWaiting: async (conversationId, since) => {
          if (outage) {
            outage = false;
            throw new Error('connection reset');
          }
          await process.sla.startedWaiting(conversationId, since);
        },
      },
    }));

    await expect(ingest.ingest(message('viber-1'))).rejects.toThrow('connection reset');
    expect(events).toHaveLength(0);

    // The inbox tries again: the stored message is announced now; the channel's redelivery of
    // the finished message later is a duplicate, never announced again.
    expect(await ingest.ingest(message('viber-1'), { resumed: true })).toMatchObject({
      outcome: 'stored',
    });
    expect(await ingest.ingest(message('viber-1'))).toEqual({ outcome: 'duplicate' });
    expect(events.map((event) => event.message.text)).toEqual(['Добрый день']);
    expect(await database.models.Message.countDocuments({ externalId: 'viber-1' })).toBe(1);
    const conversation = await database.models.Conversation.findOne({
      chatId: 'viber-user-1',
    }).lean();
    expect(conversation?.awaitingReplySince).toEqual(new Date('2026-12-01T07:00:00Z'));
    // …and its reply clock's first step is armed, though the first try never got to it.
    expect(process.timers.pending.has(`sla:${conversation!._id.toHexString()}`)).toBe(true);
  });

  it('opens the lead on a retry when the first try stored the message and then failed', async () => {
    const { database } = fixture;
    let outage = false;
    const { ingest, events, process } = ingestOnStore((process) => ({
      leads: {
        createLead: (lead, createdBy, routedTo, options) => {
          if (outage) {
            outage = false;
            return Promise.reject(new Error('connection reset'));
          }
          return process.engine.createLead(lead, createdBy, routedTo, options);
        },
        firstTasksOf: (subject) => process.engine.firstTasksOf(subject),
      },
    }));
    const from = (externalId: string): InboundMessage => ({
      ...message(externalId),
      senderId: 'viber-user-2',
      chatId: 'viber-user-2',
    });
    await ingest.ingest(from('viber-2a'));
    // The customer's lead is closed; they write again in the same open conversation, and
    // opening their new lead fails once, after the message was stored.
    const { Lead, Message } = database.models;
    const first = await Lead.findOne().sort({ createdAt: -1 }).lean();
    await Lead.updateOne({ _id: first!._id }, { $set: { closed: true } });
    outage = true;
    await expect(ingest.ingest(from('viber-2b'))).rejects.toThrow('connection reset');

    // The inbox tries again: the lead is opened and the message announced, once.
    expect(await ingest.ingest(from('viber-2b'), { resumed: true })).toMatchObject({
      outcome: 'stored',
      newLead: true,
    });
    expect(await ingest.ingest(from('viber-2b'))).toEqual({ outcome: 'duplicate' });
    expect(events.map((event) => [event.message.externalId, event.newLead])).toEqual([
      ['viber-2a', true],
      ['viber-2b', true],
    ]);
    expect(await Message.countDocuments({ externalId: 'viber-2b' })).toBe(1);
    const second = await Lead.findOne({ contactId: first!.contactId, closed: false }).lean();
    expect(second).not.toBeNull();
    // The new lead's silence follow-up is armed though the message came within a minute.
    expect(process.timers.scheduledNames()).toContain(
      `followup:silence_week:lead:${second!._id.toHexString()}`,
    );
  });
});
