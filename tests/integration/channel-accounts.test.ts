import type { StoredBotUpdate } from 'telegram-test-api/lib/telegramServer';
import { botInfo } from '../support/bot-info';
import { testDatabaseUri } from '../support/database';
import { buttonsOf, FakeTelegram } from '../support/fake-telegram';
import { startFakeTelegramApi, type FakeTelegramApi } from '../support/fake-telegram-api';
import { startFakeVk } from '../support/fake-vk';
import { startLoopbackServer, type LoopbackServer } from '../support/http-fake';
import { startTestHub } from '../support/hub';
import { deliver, registerTeam, world } from '../support/manager-bot-world';

const MANAGER_TOKEN = '123456:manager-bot-token';
/** The default customer bot (TELEGRAM_CUSTOMER_BOT_TOKEN) and a second one (TELEGRAM_BOTS). */
const BOT_A = '7000001:customer-a';
const BOT_B = '7000003:customer-b';
const SECRET = 'manager-webhook-secret';
const VK_GROUP = 218734512;

let customerApi: FakeTelegramApi;
let botApi: LoopbackServer;

/**
 * One Bot API root for all bots, as in production: the manager bot's calls go to
 * telegram-test-api (the staff's chats), both customer bots' to the customer fake, which notes
 * the token each call came with.
 */
function startBotApi(staffRoot: string, customerRoot: string): Promise<LoopbackServer> {
  return startLoopbackServer(async (request, body, response) => {
    const url = request.url ?? '/';
    const root = url.includes(MANAGER_TOKEN) ? staffRoot : customerRoot;
    const forwarded = await fetch(`${root}${url}`, {
      method: request.method ?? 'POST',
      headers: { 'content-type': request.headers['content-type'] ?? 'application/json' },
      ...(request.method === 'GET' ? {} : { body }),
    });
    response.writeHead(forwarded.status, {
      'content-type': forwarded.headers.get('content-type') ?? 'application/json',
    });
    response.end(Buffer.from(await forwarded.arrayBuffer()));
  });
}

beforeAll(async () => {
  world.telegram = await FakeTelegram.start({
    token: MANAGER_TOKEN,
    secret: SECRET,
    hubUrl: () => `http://127.0.0.1:${world.hub.port}/webhooks/telegram/manager`,
  });
  customerApi = await startFakeTelegramApi();
  botApi = await startBotApi(world.telegram.apiRoot, customerApi.url);
  world.vk = await startFakeVk({ token: 'vk-group-token', groupId: VK_GROUP });
  world.hub = await startTestHub(
    testDatabaseUri(),
    {
      TELEGRAM_MODE: 'webhook',
      PUBLIC_URL: world.telegram.publicUrl,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_MANAGER_BOT_TOKEN: MANAGER_TOKEN,
      TELEGRAM_CUSTOMER_BOT_TOKEN: BOT_A,
      TELEGRAM_BOTS: `spb=${BOT_B}`,
      TELEGRAM_API_ROOT: botApi.url,
      ADMIN_TELEGRAM_IDS: '1001',
    },
    {
      managerBotInfo: botInfo(123456, 'linehub_staff_bot'),
      customerBotInfo: botInfo(7000001, 'linehub_customer_bot'),
    },
  );
  world.admin = world.telegram.user(1001, 'Анна');
  world.dispatcher = world.telegram.user(1002, 'Дарья');
  world.seller = world.telegram.user(1003, 'Семён');
  world.operator = world.telegram.user(1004, 'Ольга');
  await registerTeam();
});
afterAll(async () => {
  await world.hub.database.connection.dropDatabase();
  await world.hub.stop();
  await world.telegram.stop();
  await Promise.all([world.vk.close(), botApi.close(), customerApi.close()]);
});

/** A customer writes to a bot's webhook: the default one, or a named account's own path. */
async function write(path: string, userId: number, messageId: number, text: string) {
  const response = await fetch(`http://127.0.0.1:${world.hub.port}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
    body: JSON.stringify({
      update_id: 50_000 + messageId,
      message: {
        // Each bot numbers its messages itself: the same id comes from both.
        message_id: messageId,
        from: { id: userId, is_bot: false, first_name: 'Пётр', language_code: 'ru' },
        chat: { id: userId, first_name: 'Пётр', type: 'private' },
        date: Math.floor(Date.now() / 1000),
        text,
      },
    }),
  });
  expect(response.status).toBe(200);
  await world.hub.messaging.inbox.drained();
}

/** The client's card the dispatcher got for `text`. */
async function cardOf(text: string): Promise<StoredBotUpdate['message']> {
  await deliver();
  const card = world.dispatcher
    .history()
    .find(
      (message) =>
        message.text.includes(text) &&
        buttonsOf(message).some((button) => button.text === '↩️ Ответить'),
    );
  expect(card).toBeDefined();
  return card!;
}

/** Which bot sent `text` to the customer's chat, by token. */
const sentBy = (chatId: string, text: string) => {
  const delivered = customerApi.deliveries().filter((d) => d.chatId === chatId && d.text === text);
  expect(delivered).toHaveLength(1);
  const sends = customerApi
    .calls()
    .filter((c) => c.method === 'sendMessage' && c.chatId === chatId);
  return sends.map((call) => call.token);
};

describe('several Telegram customer bots on one hub', () => {
  const CUSTOMER = 4242;

  it('answers a customer who wrote to the second bot from that bot', async () => {
    await write('/webhooks/telegram/customer/spb', CUSTOMER, 1, 'Пишу во второй бот');
    const card = await cardOf('Пишу во второй бот');

    await world.dispatcher.reply(card, { text: 'Ответ из второго бота' });
    await world.hub.messaging.deliverNow();
    expect(sentBy(String(CUSTOMER), 'Ответ из второго бота')).toEqual([BOT_B]);
  });

  it('keeps the same Telegram id on two bots as two identities, each answered by its own bot', async () => {
    await write('/webhooks/telegram/customer', CUSTOMER, 1, 'А теперь в первый');
    const card = await cardOf('А теперь в первый');
    await world.dispatcher.reply(card, { text: 'Ответ из первого бота' });
    await world.hub.messaging.deliverNow();
    expect(sentBy(String(CUSTOMER), 'Ответ из первого бота')).toEqual([BOT_B, BOT_A]);

    const { Contact, Conversation, Message } = world.hub.database.models;
    const contacts = await Contact.find({ 'identities.externalId': String(CUSTOMER) }).lean();
    expect(contacts.map((contact) => contact.identityKeys).sort()).toEqual([
      ['telegram:4242'],
      ['telegram:spb:4242'],
    ]);
    const conversations = await Conversation.find({ chatId: String(CUSTOMER) }).lean();
    expect(conversations.map((c) => c.account ?? 'default').sort()).toEqual(['default', 'spb']);
    // Both bots numbered their message 1: both are kept, neither taken for a redelivery.
    expect(
      (await Message.find({ direction: 'inbound', text: /бот|первый/ }).lean())
        .map((m) => m.externalId)
        .sort(),
    ).toEqual(['4242:1', 'spb/4242:1']);
  });
});
