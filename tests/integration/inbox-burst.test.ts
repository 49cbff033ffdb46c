import pLimit from 'p-limit';
import type { Hub } from '../../src/hub';
import { botInfo } from '../support/bot-info';
import { eventually } from '../support/database';
import { startFakeTelegramApi, type FakeTelegramApi } from '../support/fake-telegram-api';
import { startTestHub } from '../support/hub';
import { startTestServer, type TestServer } from '../support/local-server';
import { seedCompany } from '../support/process';

/**
 * A burst far above what the hub ingests per second, delivered to two hub processes sharing one
 * database (as behind a load balancer), every webhook twice — once at once and once to the
 * other process: all of it is acknowledged, stored once and shown to staff once.
 */
const SECRET = 'burst-webhook-secret';
const CUSTOMERS = Number(process.env.BURST_CUSTOMERS ?? 1000);
const MESSAGES_EACH = 2;
let telegram: FakeTelegramApi;
let hubs: Hub[];
let dispatcherChat: string;
let server: TestServer;

const startHub = (uri: string) =>
  startTestHub(
    uri,
    {
      PUBLIC_URL: 'http://127.0.0.1:9',
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_API_ROOT: telegram.url,
      TELEGRAM_CUSTOMER_BOT_TOKEN: '7300001:customer',
      TELEGRAM_MANAGER_BOT_TOKEN: '7300002:manager',
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      HUB_SECRET: 'a-test-secret-of-enough-length',
    },
    {
      customerBotInfo: botInfo(7300001, 'burst_customer_bot'),
      managerBotInfo: botInfo(7300002, 'burst_staff_bot'),
    },
  );

beforeAll(async () => {
  telegram = await startFakeTelegramApi();
  // A database server of its own: the burst would otherwise queue every other test file's
  // commands behind its own on the shared one.
  server = await startTestServer();
  const uri = server.db.uri;
  hubs = [await startHub(uri), await startHub(uri)];
  const staff = await seedCompany(hubs[0]!.database);
  const user = await hubs[0]!.database.models.User.findById(staff.dispatcher.id).lean();
  dispatcherChat = String(user!.telegramId);
});
afterAll(async () => {
  await hubs[0]!.database.connection.dropDatabase();
  await Promise.all(hubs.map((hub) => hub.stop()));
  await telegram.close();
  await server.dispose();
});

const text = (customer: number, n: number) => `Всплеск ${customer}/${n}`;
const update = (customer: number, n: number) => ({
  update_id: 500_000 + customer * MESSAGES_EACH + n,
  message: {
    message_id: n,
    from: { id: customer, is_bot: false, first_name: 'Клиент' },
    chat: { id: customer, type: 'private' },
    date: Math.floor(Date.now() / 1000),
    text: text(customer, n),
  },
});
const GIVE_UP_AFTER = 30;
/**
 * Delivers like Telegram: an answer other than 2xx, or none (a connection reset under load), is
 * delivered again, later each time.
 */
async function deliver(hub: Hub, body: unknown): Promise<number> {
  for (let attempt = 1; ; attempt += 1) {
    const status = await fetch(`http://127.0.0.1:${hub.port}/webhooks/telegram/customer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify(body),
    }).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200 || attempt === GIVE_UP_AFTER) return attempt;
    await new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** attempt, 5000)));
  }
}

it('acknowledges a burst of 2,000 webhooks on two processes, each stored and shown once', async () => {
  const burst = Array.from({ length: CUSTOMERS * MESSAGES_EACH }, (_, i) => ({
    customer: 60_000 + (i % CUSTOMERS),
    n: Math.floor(i / CUSTOMERS) + 1,
  }));
  // Many at once, as Telegram delivers after an outage; each to one process and again to the other.
  const inFlight = pLimit(64);
  const attempts = await Promise.all(
    burst.flatMap(({ customer, n }, i) =>
      [hubs[i % 2]!, hubs[(i + 1) % 2]!].map((hub) =>
        inFlight(() => deliver(hub, update(customer, n))),
      ),
    ),
  );
  // Every delivery was taken in the end (a 503 under overload is delivered again, as Telegram does).
  expect(Math.max(...attempts)).toBeLessThan(GIVE_UP_AFTER);

  const { Inbox, Message, Lead } = hubs[0]!.database.models;
  await eventually(async () => (await Inbox.countDocuments()) === 0, {
    timeoutMs: 600_000,
    intervalMs: 1000,
  });
  expect(await Message.countDocuments({ direction: 'inbound' })).toBe(burst.length);
  expect(await Lead.countDocuments()).toBe(CUSTOMERS);

  const cards = () =>
    telegram
      .deliveries()
      .filter((d) => d.chatId === dispatcherChat && d.text?.includes('Всплеск') === true)
      .map((d) => /Всплеск \d+\/\d/.exec(d.text ?? '')?.[0]);
  await eventually(async () => cards().length >= burst.length, {
    timeoutMs: 300_000,
    intervalMs: 1000,
  });
  const shown = new Map<string, number>();
  for (const card of cards()) shown.set(card ?? '', (shown.get(card ?? '') ?? 0) + 1);
  const wanted = burst.map(({ customer, n }) => text(customer, n));
  expect(
    wanted.filter((message) => shown.get(message) !== 1).map((m) => `${m} ×${shown.get(m) ?? 0}`),
  ).toEqual([]);
}, 900_000);
