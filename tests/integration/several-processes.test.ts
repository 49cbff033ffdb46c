import mongoose from 'mongoose';
import type { Hub } from '../../src/hub';
import { registerModels } from '../../src/store/models';
import { createOutboxStore } from '../../src/store/repositories/outbox.repository';
import { botInfo } from '../support/bot-info';
import { eventually, testDatabaseUri } from '../support/database';
import { startFakeTelegramApi, type FakeTelegramApi } from '../support/fake-telegram-api';
import { startTestHub } from '../support/hub';
import { seedCompany } from '../support/process';
import { connectVisitor } from '../support/widget-visitor';

/**
 * Two hub processes on one database, as behind a load balancer. Neither looks for the outbox's
 * unheld entries on its own for an hour, so whatever another process queues is sent only because
 * its insert woke one of them; and a visitor's socket is held by one process while the other
 * sends them the staff's reply.
 */
const SECRET = 'processes-webhook-secret';
/** Far beyond every wait below: a send within them is the wake-up's doing, not the tick's. */
const OUTBOX_TICK_MS = 3_600_000;
/** Much less than any safety tick, and roomy for a loaded machine. */
const WOKEN_WITHIN_MS = 10_000;
let telegram: FakeTelegramApi;
let uri: string;
let hubs: [Hub, Hub];

const startHub = () =>
  startTestHub(
    uri,
    {
      PUBLIC_URL: 'http://127.0.0.1:9',
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_API_ROOT: telegram.url,
      TELEGRAM_CUSTOMER_BOT_TOKEN: '7400001:customer',
      TELEGRAM_MANAGER_BOT_TOKEN: '7400002:manager',
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      HUB_SECRET: 'a-test-secret-of-enough-length',
    },
    {
      customerBotInfo: botInfo(7400001, 'processes_customer_bot'),
      managerBotInfo: botInfo(7400002, 'processes_staff_bot'),
      outboxTickMs: OUTBOX_TICK_MS,
    },
  );

beforeAll(async () => {
  telegram = await startFakeTelegramApi();
  uri = testDatabaseUri();
  hubs = [await startHub(), await startHub()];
  await seedCompany(hubs[0].database);
});
afterAll(async () => {
  await hubs[0].database.connection.dropDatabase();
  await Promise.all(hubs.map((hub) => hub.stop()));
  await telegram.close();
});

const texts = (chatId: string) =>
  telegram
    .deliveries()
    .filter((d) => d.chatId === chatId)
    .map((d) => d.text);

/** A Telegram customer writes through one hub; their conversation's id once it is ingested. */
async function customerWrites(hub: Hub, customer: number, name: string): Promise<string> {
  const webhook = await fetch(`http://127.0.0.1:${hub.port}/webhooks/telegram/customer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
    body: JSON.stringify({
      update_id: customer * 100,
      message: {
        message_id: 1,
        from: { id: customer, is_bot: false, first_name: name },
        chat: { id: customer, type: 'private' },
        date: Math.floor(Date.now() / 1000),
        text: 'Здравствуйте',
      },
    }),
  });
  expect(webhook.status).toBe(200);
  await hub.messaging.inbox.drained();
  const conversationId = await hub.messaging.conversationOf('telegram', String(customer));
  expect(conversationId).toBeDefined();
  return conversationId!;
}

/** Queued the way another hub process (or a script) queues: its own connection, no lease. */
async function queueFromAnotherProcess(conversationId: string, customer: number, texts: string[]) {
  const other = mongoose.createConnection(uri, { autoIndex: false });
  try {
    await other.asPromise();
    const outbox = createOutboxStore(registerModels(other));
    for (const text of texts) {
      await outbox.enqueue(
        {
          cause: `another-process:${customer}:${text}`,
          conversationId,
          channel: 'telegram',
          chatId: String(customer),
          text,
          attachments: [],
        },
        new Date(),
      );
    }
  } finally {
    await other.close();
  }
}

it('sends at once what another process queued, though its own look is an hour away', async () => {
  const customer = 7401;
  const conversationId = await customerWrites(hubs[0], customer, 'Клиент');
  await queueFromAnotherProcess(conversationId, customer, ['Ваш заказ готов']);

  await eventually(async () => texts(String(customer)).includes('Ваш заказ готов'), {
    timeoutMs: WOKEN_WITHIN_MS,
    intervalMs: 50,
  });
  // Both processes were woken; one of them sent it.
  await Promise.all(hubs.map((hub) => hub.messaging.deliverNow()));
  expect(texts(String(customer)).filter((text) => text === 'Ваш заказ готов')).toHaveLength(1);
});

it("sends every message of another process's burst once and in order: a look runs after the last insert", async () => {
  // The looks a burst wakes are spaced out (not one per insert): the insert after the last look
  // must still wake one, or it would wait for the hour-long tick. Both hubs claim some of them,
  // and each waits for the other's earlier ones.
  const customer = 7402;
  const conversationId = await customerWrites(hubs[1], customer, 'Клиентка');
  const burst = Array.from({ length: 12 }, (_, i) => `Обновление заказа ${i + 1}`);
  await queueFromAnotherProcess(conversationId, customer, burst);

  const sent = () =>
    texts(String(customer)).filter((text) => text !== undefined && burst.includes(text));
  await eventually(async () => sent().length >= burst.length, {
    timeoutMs: WOKEN_WITHIN_MS + burst.length * 1100, // one message a second per chat
    intervalMs: 50,
  });
  await Promise.all(hubs.map((hub) => hub.messaging.deliverNow()));
  expect(sent()).toEqual(burst);
});

it('brings a reply sent by one process to the visitor connected to the other, once', async () => {
  const [holder, sender] = hubs;
  const visitor = await connectVisitor(`http://127.0.0.1:${holder.port}`, { siteKey: 'demo' });
  try {
    expect(await visitor.send({ text: 'Есть доставка в Тверь?' })).toMatchObject({ ok: true });
    await holder.messaging.inbox.drained();
    const conversationId = await sender.messaging.conversationOf('widget', visitor.visitorId);
    expect(conversationId).toBeDefined();

    const replies = ['Да, привезём завтра', 'Оплата при получении'];
    for (const text of replies) {
      // Queued under the sending process's lease and sent by its own outbox worker.
      await sender.messaging.reply(conversationId!, { text });
      await sender.messaging.deliverNow();
    }
    const shown = () =>
      visitor.received.filter((item) => item.direction === 'outbound').map((item) => item.text);
    await eventually(async () => shown().length >= replies.length, { timeoutMs: 10_000 });
    // In order, and each once (a second copy of the first would have come before the second).
    expect(shown()).toEqual(replies);
    const { Outbox } = sender.database.models;
    expect(await Outbox.countDocuments({ channel: 'widget', status: 'sent' })).toBe(replies.length);
  } finally {
    visitor.close();
  }
});
