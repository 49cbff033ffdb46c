import { InboundEvents } from '../../src/app/messaging/inbound-events';
import { IngestInbound, type IngestDeps } from '../../src/app/messaging/ingest-inbound';
import { tellResponsible } from '../../src/app/messaging/tell-responsible';
import type { Notice } from '../../src/app/process/notices';
import type { InboundMessage } from '../../src/domain/message';
import type { Task } from '../../src/domain/task';
import { createContactNames } from '../../src/store/repositories/contact-names.repository';
import { createContactRepository } from '../../src/store/repositories/contact.repository';
import { createConversationStore } from '../../src/store/repositories/conversation.repository';
import { createMessageRepository } from '../../src/store/repositories/message.repository';
import { createOpenRecords } from '../../src/store/repositories/open-records.repository';
import { plain } from '../../src/store/repositories/plain';
import { processOnManualClock, seededDatabase } from '../support/process';

const fixture = seededDatabase();

const message = (who: string): InboundMessage => ({
  channel: 'viber',
  externalId: `${who}-1`,
  senderId: who,
  chatId: who,
  senderName: 'Ирина',
  text: 'Здравствуйте, нужен каталог',
  attachments: [],
  sentAt: new Date('2026-12-01T07:00:00Z'),
});

/**
 * Ingest on the real store, told to the responsible as the hub does, with the stored notifier;
 * `failOnce`: one step fails once, as a process that dies there would leave things.
 */
function ingestOnStore(failOnce?: 'card' | 'conversation') {
  const { database } = fixture;
  const process = processOnManualClock(database);
  let failing = failOnce !== undefined;
  const fail = <T>(work: () => Promise<T>): Promise<T> => {
    if (!failing) return work();
    failing = false;
    return Promise.reject(new Error('the process died'));
  };
  const conversations = createConversationStore(database.models);
  const events = new InboundEvents((error) => {
    throw error;
  });
  events.subscribe(
    tellResponsible({
      responsibles: process.engine,
      names: createContactNames(database.models),
      notifier: {
        notifyUser: (userId, notice) =>
          failOnce === 'card' && notice.kind === 'client_message'
            ? fail(() => process.notifier.notifyUser(userId, notice))
            : process.notifier.notifyUser(userId, notice),
      },
    }),
  );
  const deps: IngestDeps = {
    contacts: createContactRepository(database.models),
    conversations: {
      ...conversations,
      open: (conversation) =>
        failOnce === 'conversation'
          ? fail(() => conversations.open(conversation))
          : conversations.open(conversation),
    },
    records: createOpenRecords(database.models),
    messages: createMessageRepository(database.models, process.clock),
    leads: process.engine,
    route: async () => undefined,
    sla: process.sla,
    followUps: process.engine.timers,
    events,
    onUnassignable: () => undefined,
  };
  return { ingest: new IngestInbound(deps), process };
}

/** What the dispatcher was sent, as stored. */
async function noticesOfDispatcher(): Promise<Notice[]> {
  const docs = await fixture.database.models.Notification.find({
    userId: fixture.org.dispatcher.id,
  })
    .sort({ _id: 1 })
    .lean();
  return docs.map((doc) => plain<Notice>(doc.payload));
}

/** The dispatcher was told once: one client card, whatever the retries did. */
async function theDispatchersOneCard(): Promise<Extract<Notice, { kind: 'client_message' }>> {
  const notices = await noticesOfDispatcher();
  expect(notices.map((notice) => notice.kind)).toEqual(['client_message']);
  return notices[0] as Extract<Notice, { kind: 'client_message' }>;
}

const titlesOf = (tasks: Task[] | undefined) => (tasks ?? []).map((task) => task.title.ru);

describe("a new customer's first message, ingested again after a crash", () => {
  beforeEach(() => fixture.database.models.Notification.deleteMany({}));

  it('carries the task on the card when the first try made the lead but never stored the card', async () => {
    const { ingest, process } = ingestOnStore('card');
    await expect(ingest.ingest(message('viber-crash-1'))).rejects.toThrow('the process died');
    expect(await noticesOfDispatcher()).toEqual([]);

    // The inbox tries again: the lead is there (not new now), and its task still reaches the
    // dispatcher, on the card, once.
    await ingest.ingest(message('viber-crash-1'), { resumed: true });
    await ingest.ingest(message('viber-crash-1'), { resumed: true });
    const card = await theDispatchersOneCard();
    expect(card.text).toBe('Здравствуйте, нужен каталог');
    expect(titlesOf(card.tasks)).toEqual(['Выбрать ответственного менеджера']);
    // Its overdue timer runs as for any task.
    expect(process.timers.pending.has(`task:${card.tasks![0]!.id}`)).toBe(true);
  });

  it('carries the task when the first try stopped before the conversation was opened', async () => {
    const { ingest } = ingestOnStore('conversation');
    await expect(ingest.ingest(message('viber-crash-2'))).rejects.toThrow('the process died');
    const { Lead, Task } = fixture.database.models;
    const contact = await fixture.database.models.Contact.findOne({
      'identities.externalId': 'viber-crash-2',
    }).lean();
    const lead = await Lead.findOne({ contactId: contact!._id }).lean();
    expect(await Task.countDocuments({ 'subject.id': lead!._id })).toBe(1);

    await ingest.ingest(message('viber-crash-2'), { resumed: true });
    expect(titlesOf((await theDispatchersOneCard()).tasks)).toEqual([
      'Выбрать ответственного менеджера',
    ]);
  });

  it('stores no second card when the first try got as far as storing it', async () => {
    const { ingest } = ingestOnStore();
    // The first try finishes, and the process dies before the inbox forgets the item.
    await ingest.ingest(message('viber-crash-3'));
    await ingest.ingest(message('viber-crash-3'), { resumed: true });
    expect(titlesOf((await theDispatchersOneCard()).tasks)).toEqual([
      'Выбрать ответственного менеджера',
    ]);
  });

  it("announces a task of someone else's on its own, and the card carries none", async () => {
    const process = processOnManualClock(fixture.database);
    const { dispatcher, sales1 } = fixture.org;
    const contact = await fixture.database.models.Contact.create({ name: 'Ирина' });
    const held: Task[] = [];
    const lead = await process.engine.createLead(
      {
        contactId: contact._id.toHexString(),
        contactName: 'Ирина',
        source: { kind: 'channel', channel: 'viber' },
      },
      undefined,
      undefined,
      { held },
    );
    expect(held.map((task) => task.assigneeId)).toEqual([dispatcher.id]);
    // The card goes to someone else (as when several dispatchers share the load).
    const tell = tellResponsible({
      responsibles: { responsibleFor: async () => sales1.id },
      names: createContactNames(fixture.database.models),
      notifier: process.notifier,
    });
    await tell({
      message: {
        id: 'm-1',
        conversationId: 'c-1',
        channel: 'viber',
        direction: 'inbound',
        externalId: 'x',
        text: 'Добрый день',
        attachments: [],
        status: 'received',
        sentAt: new Date(),
      },
      conversation: {
        id: 'c-1',
        contactId: lead.contactId,
        channel: 'viber',
        chatId: 'x',
        open: true,
      },
      contactId: lead.contactId,
      contactName: 'Ирина',
      place: { pipeline: lead.pipeline, stage: lead.stage },
      subject: lead.subject,
      newLead: true,
      tasks: held,
      edited: false,
    });
    const { Notification } = fixture.database.models;
    const toSeller = await Notification.find({ userId: sales1.id }).lean();
    expect(toSeller.map((doc) => [doc.kind, 'tasks' in doc.payload])).toEqual([
      ['client_message', false],
    ]);
    expect(await noticesOfDispatcher()).toEqual([
      expect.objectContaining({
        kind: 'task_assigned',
        about: expect.objectContaining({ contactName: 'Ирина', stage: 'new' }),
      }),
    ]);
  });
});
