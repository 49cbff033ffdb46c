import type { CommandStartedEvent } from 'mongodb';
import { inboxKey } from '../../src/app/messaging/inbox';
import type { InboundMessage } from '../../src/domain/message';
import type { Hub } from '../../src/hub';
import { createInboxStore } from '../../src/store/repositories/inbox.repository';
import { botInfo } from '../support/bot-info';
import { eventually, testDatabaseUri } from '../support/database';
import { startFakeTelegramApi, type FakeTelegramApi } from '../support/fake-telegram-api';
import { startTestHub } from '../support/hub';
import { seedCompany } from '../support/process';

const SECRET = 'inbox-webhook-secret';
let telegram: FakeTelegramApi;
let uri: string;
let hub: Hub;
let dispatcherChat: string;

const startHub = (
  options: { inboxLeaseMs?: number; schedulerProcessEveryMs?: number; database?: string } = {},
) =>
  startTestHub(
    options.database ?? uri,
    {
      PUBLIC_URL: 'http://127.0.0.1:9',
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_API_ROOT: telegram.url,
      TELEGRAM_CUSTOMER_BOT_TOKEN: '7100001:customer',
      TELEGRAM_MANAGER_BOT_TOKEN: '7100002:manager',
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      HUB_SECRET: 'a-test-secret-of-enough-length',
    },
    {
      customerBotInfo: botInfo(7100001, 'inbox_customer_bot'),
      managerBotInfo: botInfo(7100002, 'inbox_staff_bot'),
      inboxLeaseMs: options.inboxLeaseMs ?? 500,
      ...(options.schedulerProcessEveryMs
        ? { schedulerProcessEveryMs: options.schedulerProcessEveryMs }
        : {}),
    },
  );

beforeAll(async () => {
  telegram = await startFakeTelegramApi();
  uri = testDatabaseUri();
  hub = await startHub();
  dispatcherChat = await seedDispatcher(hub);
});
afterAll(async () => {
  await hub.database.connection.dropDatabase();
  await hub.stop();
  await telegram.close();
});

const update = (updateId: number, userId: number, messageId: number) => ({
  update_id: updateId,
  message: {
    message_id: messageId,
    from: { id: userId, is_bot: false, first_name: 'Клиент' },
    chat: { id: userId, type: 'private' },
    // Sent now: an older message would be overdue on arrival, and the reply-SLA reminders it
    // fires at once would be counted as its cost.
    date: Math.floor(Date.now() / 1000),
    text: `Сообщение ${userId}/${messageId}`,
  },
});
const post = (target: Hub, body: unknown) =>
  fetch(`http://127.0.0.1:${target.port}/webhooks/telegram/customer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
    body: JSON.stringify(body),
  });
/** Cards the dispatcher got in Telegram for a customer's message, by its text. */
const cardsFor = (text: string, chat = dispatcherChat) =>
  telegram.deliveries().filter((d) => d.chatId === chat && d.text?.includes(text) === true).length;
/** The dispatcher's Telegram chat of a freshly seeded company. */
async function seedDispatcher(target: Hub): Promise<string> {
  const staff = await seedCompany(target.database);
  const user = await target.database.models.User.findById(staff.dispatcher.id).lean();
  return String(user!.telegramId);
}
const models = () => hub.database.models;

describe('the inbox', () => {
  it('finishes, once, a message acknowledged by a process that crashed before ingesting it', async () => {
    const message: InboundMessage = {
      channel: 'telegram',
      externalId: '8100:1',
      senderId: '8100',
      chatId: '8100',
      senderName: 'Клиент',
      text: 'Сообщение 8100/1',
      attachments: [],
      sentAt: new Date('2026-12-01T07:00:00Z'),
    };
    // What the crashed process left: the item it acknowledged, leased to it for a little longer.
    await createInboxStore(models()).add(
      {
        key: inboxKey(message),
        chat: 'telegram:8100',
        message,
        receivedAt: new Date(),
        attempts: 0,
      },
      { owner: 'a-process-that-crashed', until: new Date(Date.now() + 300) },
    );
    // Telegram redelivers meanwhile: acknowledged, and not ingested a second time.
    expect((await post(hub, update(8100, 8100, 1))).status).toBe(200);

    await eventually(async () => (await models().Inbox.countDocuments()) === 0);
    await eventually(async () => cardsFor('Сообщение 8100/1') === 1);
    expect(await models().Message.countDocuments({ externalId: '8100:1' })).toBe(1);
    expect(await models().Lead.countDocuments()).toBe(1);
  });

  it('shows a message once when the process that showed it crashed before finishing its item', async () => {
    expect((await post(hub, update(8200, 8200, 1))).status).toBe(200);
    await eventually(async () => cardsFor('Сообщение 8200/1') === 1);
    await eventually(
      async () => (await models().Inbox.countDocuments({ _id: 'telegram:8200:1' })) === 0,
    );
    // The crash: the card was shown but the item never deleted, and its lease has run out.
    const [stored] = await models().Message.find({ externalId: '8200:1' }).lean();
    await createInboxStore(models()).add(
      {
        key: 'telegram:8200:1',
        chat: 'telegram:8200',
        message: {
          channel: 'telegram',
          externalId: '8200:1',
          senderId: '8200',
          chatId: '8200',
          senderName: 'Клиент',
          text: 'Сообщение 8200/1',
          attachments: [],
          sentAt: stored!.sentAt,
        },
        receivedAt: new Date(),
        attempts: 0,
      },
      { owner: 'a-process-that-crashed', until: new Date(Date.now() - 1) },
    );
    // Taken over and finished (every step of ingest allows it), not shown again.
    await hub.messaging.inbox.recover();
    await eventually(
      async () => (await models().Inbox.countDocuments({ _id: 'telegram:8200:1' })) === 0,
    );
    await hub.messaging.inbox.drained();
    // Telegram redelivers the finished message later: a duplicate, not shown again either.
    expect((await post(hub, update(8200, 8200, 1))).status).toBe(200);
    await hub.messaging.inbox.drained();
    await hub.managerBot?.deliverNow();
    expect(cardsFor('Сообщение 8200/1')).toBe(1);
    expect(await models().Message.countDocuments({ externalId: '8200:1' })).toBe(1);
  });

  it('lets only the lease holder finish or move an item', async () => {
    const store = createInboxStore(models());
    const message: InboundMessage = {
      channel: 'telegram',
      externalId: '8300:1',
      senderId: '8300',
      chatId: '8300',
      text: 'Сообщение 8300/1',
      attachments: [],
      sentAt: new Date(),
    };
    const key = inboxKey(message);
    const item = { key, chat: 'telegram:8300', message, receivedAt: new Date(), attempts: 0 };
    // Process A's lease ran out (its renewals failed in a database stall) and B took it over.
    await store.add(item, { owner: 'process-a', until: new Date(Date.now() - 1) });
    const lease = { owner: 'process-b', until: new Date(Date.now() + 60_000) };
    expect((await store.claimExpired(lease, new Date(), 10)).map((i) => i.key)).toContain(key);
    // A, done late with it, neither deletes nor moves what B may not have finished…
    await store.done(key, 'process-a');
    await store.retryAt(key, 'process-a', 1, new Date(0), 'late');
    expect(await models().Inbox.findById(key).lean()).toMatchObject({ owner: 'process-b' });
    // …while B, the holder, can.
    await store.done(key, 'process-b');
    expect(await models().Inbox.countDocuments({ _id: key })).toBe(0);
  });

  it('costs few database round trips per message', async () => {
    // A hub and database of its own, whose timers do not poll while it is measured.
    const quiet = await startHub({
      schedulerProcessEveryMs: 3_600_000,
      database: testDatabaseUri(),
    });
    const chat = await seedDispatcher(quiet);
    const client = quiet.database.connection.getClient();
    const seen: string[] = [];
    const listener = (event: CommandStartedEvent) => {
      const target: unknown = event.command[event.commandName];
      seen.push(`${event.commandName} ${typeof target === 'string' ? target : ''}`);
    };
    /**
     * What ingesting one message costs. Timers (their own tests count one upsert per timer),
     * the delivery rounds its notices wake and the work queues' safety polls run beside it on
     * their own clocks, so they are left out.
     */
    const ingestCost = async (body: unknown, text: string) => {
      seen.length = 0;
      client.on('commandStarted', listener);
      expect((await post(quiet, body)).status).toBe(200);
      await quiet.messaging.inbox.drained();
      client.off('commandStarted', listener);
      await eventually(async () => cardsFor(text, chat) === 1);
      // The cards' outcomes are written after they are shown: finished before the next count.
      await quiet.managerBot?.deliverNow();
      // (…and the inbox's lease renewals, every third of its lease; and the change stream's
      // looks for other processes' inserts, cursor `getMore`s with no collection name: the
      // embedded engine answers a look at any write, so one may fall in here, but the next waits
      // a pause, so there are at most four a second whatever the message rate — insert-wakeups.ts.)
      const background =
        /agendaJobs$|^(find|update) (notifications|outbox)$|^(find|update) inbox$|^getMore $/;
      timers = seen.filter((command) => /^(update|insert|findAndModify) agendaJobs$/.test(command));
      return seen.filter((command) => !background.test(command));
    };
    let timers: string[] = [];
    try {
      await ingestCost(update(30_000, 7700, 1), 'Сообщение 7700/1'); // caches warm up
      const newCustomer = await ingestCost(update(30_001, 7701, 1), 'Сообщение 7701/1');
      const returning = await ingestCost(update(30_002, 7701, 2), 'Сообщение 7701/2');
      const returningTimers = timers;
      // The webhook's own cost: one write into the inbox, one delete when ingested.
      expect(newCustomer.filter((c) => /^(insert|delete) inbox$/.test(c))).toEqual([
        'insert inbox',
        'delete inbox',
      ]);
      // Today's counts, 9 and 7 (targets 8 and 4: README, "Performance"). A new customer:
      // inbox, contact lookup and insert, lead, its task, conversation, message, the card's
      // notice (which carries the task: no notice of its own), inbox delete. A returning one:
      // inbox, contact, open conversation, message (its unique key tells a redelivery), the
      // conversation's lead by its id, card, inbox delete.
      expect(newCustomer.length).toBeLessThanOrEqual(9);
      expect(newCustomer.filter((c) => c === 'insert notifications')).toEqual([
        'insert notifications',
      ]);
      expect(returning.length).toBeLessThanOrEqual(7);
      // Within a burst the conversation is not written again and no timer is re-armed: the
      // reply clock already runs and the silence follow-ups were restarted a moment ago.
      expect(returning.filter((c) => /conversations$/.test(c) && !/^find/.test(c))).toEqual([]);
      expect(returningTimers).toEqual([]);
    } finally {
      await quiet.database.connection.dropDatabase();
      await quiet.stop();
    }
  });
});
