import type { StoredBotUpdate } from 'telegram-test-api/lib/telegramServer';
import { botInfo } from '../support/bot-info';
import { testDatabaseUri } from '../support/database';
import { buttonsOf, FakeTelegram } from '../support/fake-telegram';
import { startFakeTelegramApi, type FakeTelegramApi } from '../support/fake-telegram-api';
import { startFakeVk } from '../support/fake-vk';
import { startLoopbackServer, type LoopbackServer } from '../support/http-fake';
import { startTestHub } from '../support/hub';
import { deliver, postVk, registerTeam, vkMessage, world } from '../support/manager-bot-world';

const MANAGER_TOKEN = '123456:manager-bot-token';
const CUSTOMER_TOKEN = '7000001:customer';
const SECRET = 'manager-webhook-secret';
const VK_GROUP = 218734512;
/** Telegram's limit on a message's text, in UTF-16 code units. */
const LIMIT = 4096;

let customerApi: FakeTelegramApi;
let botApi: LoopbackServer;
/** What the Bot API refused as too long: Telegram would have lost these cards. */
const refusedTooLong: string[] = [];

/**
 * One Bot API root for both bots, as in production: the manager bot's calls go to
 * telegram-test-api (the staff's chats), the customer bot's to the customer fake. Like Telegram,
 * it refuses a text over 4,096 code units, which telegram-test-api alone would accept.
 */
async function startBotApi(staffRoot: string, customerRoot: string): Promise<LoopbackServer> {
  return startLoopbackServer(async (request, body, response) => {
    const url = request.url ?? '/';
    const method = /\/bot[^/]+\/(\w+)/.exec(url)?.[1] ?? '';
    const contentType = request.headers['content-type'] ?? 'application/json';
    if (contentType.includes('json') && ['sendMessage', 'editMessageText'].includes(method)) {
      const text = (JSON.parse(body.toString('utf8') || '{}') as { text?: unknown }).text;
      if (typeof text === 'string' && text.length > LIMIT) {
        refusedTooLong.push(text);
        response.writeHead(400, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            ok: false,
            error_code: 400,
            description: 'Bad Request: message is too long',
          }),
        );
        return;
      }
    }
    const root = url.includes(CUSTOMER_TOKEN) ? customerRoot : staffRoot;
    const forwarded = await fetch(`${root}${url}`, {
      method: request.method ?? 'POST',
      headers: { 'content-type': contentType },
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
      TELEGRAM_CUSTOMER_BOT_TOKEN: CUSTOMER_TOKEN,
      TELEGRAM_API_ROOT: botApi.url,
      ADMIN_TELEGRAM_IDS: '1001',
      VK_API_BASE_URL: world.vk.apiBaseUrl,
      VK_GROUP_ID: String(VK_GROUP),
      VK_GROUP_TOKEN: 'vk-group-token',
      VK_CALLBACK_SECRET: 'vk-callback-secret',
      VK_CONFIRMATION_CODE: 'a1b2c3d4',
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

/** A long text of words and lines, with an emoji (two code units) every so often. */
function longText(length: number, seed: string): string {
  const words: string[] = [];
  for (let i = 0; words.join(' ').length < length; i++) {
    words.push(i % 37 === 36 ? `😀${seed}\n` : `${seed}${i}`);
  }
  return words.join(' ').slice(0, length);
}

type BotMessage = StoredBotUpdate['message'];

/** The client's card the dispatcher got after a customer wrote (a new lead's task comes too). */
async function newCardAfter(write: () => Promise<unknown>): Promise<BotMessage> {
  const before = world.dispatcher.history().length;
  await write();
  await deliver();
  const card = world.dispatcher
    .history()
    .slice(before)
    .find((message) => buttonsOf(message).some((button) => button.text === '↩️ Ответить'));
  expect(card).toBeDefined();
  return card!;
}

/** Presses "full text" on the card; the parts that came back, joined, are the whole text. */
async function fullTextOf(card: BotMessage): Promise<string[]> {
  const before = world.dispatcher.history().length;
  await world.dispatcher.press('📜 Весь текст', card);
  return world.dispatcher
    .history()
    .slice(before)
    .map((message) => message.text);
}

const noLonePairHalf = (text: string) => !/[\uD800-\uDBFF]$/.test(text);

describe('a customer message longer than a Telegram card', () => {
  it('a 4,000-character VK message fits a card with its header, and is shown whole', async () => {
    // From a customer already known: a first message's card carries the dispatcher's task too
    // (the 10,000-character case below).
    await newCardAfter(() => postVk(vkMessage('message_new', 7301, 7300, 'Здравствуйте')));
    const text = longText(4000, 'привет');
    const card = await newCardAfter(() => postVk(vkMessage('message_new', 7301, 7301, text)));
    expect(card.text.length).toBeLessThanOrEqual(LIMIT);
    expect(card.text.endsWith(text.trimEnd())).toBe(true);
    expect(buttonsOf(card).map((b) => b.text)).not.toContain('📜 Весь текст');
    expect(refusedTooLong).toEqual([]);
  });

  it('a 10,000-character VK message reaches the manager cut, and the button shows it all', async () => {
    const length = 10_000;
    const text = longText(length, 'длинно');
    expect(text).toHaveLength(length);
    const card = await newCardAfter(() => postVk(vkMessage('message_new', 7302, 7302, text)));

    expect(card.text.length).toBeLessThanOrEqual(LIMIT);
    expect(noLonePairHalf(card.text)).toBe(true);
    expect(card.text).toMatch(/^🟦 ВКонтакте · Клиент\nЛид №\d+\n\n/);
    expect(card.text).toMatch(/всего 10000 знаков/);
    // The new lead's task follows the cut text whole, with its buttons.
    expect(card.text).toMatch(
      /\n\nВаша задача по этому клиенту:\n📋 Выбрать ответственного менеджера\n⏱ .+$/,
    );
    expect(buttonsOf(card).map((b) => b.text)).toEqual([
      '↩️ Ответить',
      '📄 Карточка',
      '📋 Задачи',
      '🕘 История',
      '📜 Весь текст',
      '✅ Готово',
      '⏰ +1 час',
      '📅 Завтра 10:00',
      '📆 Выбрать дату',
      '🔁 Передать',
      '🚩 Проблема',
    ]);

    const parts = await fullTextOf(card);
    // Each part is cut at a line break or a space at most 200 code units before the limit.
    expect(parts.length).toBeGreaterThanOrEqual(Math.ceil(length / LIMIT));
    expect(parts.length).toBeLessThanOrEqual(Math.ceil(length / (LIMIT - 200)));
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(LIMIT);
      expect(noLonePairHalf(part)).toBe(true);
    }
    expect(parts.join('')).toBe(text);
    expect(refusedTooLong).toEqual([]);
  });

  it('a Telegram message at the limit reaches the manager, and a reply to its card answers', async () => {
    const text = longText(LIMIT, 'тг');
    const update = {
      update_id: 99001,
      message: {
        message_id: 1,
        from: { id: 4321, is_bot: false, first_name: 'Пётр', language_code: 'ru' },
        chat: { id: 4321, first_name: 'Пётр', type: 'private' },
        date: Math.floor(Date.now() / 1000),
        text,
      },
    };
    const card = await newCardAfter(async () => {
      const response = await fetch(
        `http://127.0.0.1:${world.hub.port}/webhooks/telegram/customer`,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-telegram-bot-api-secret-token': SECRET,
          },
          body: JSON.stringify(update),
        },
      );
      expect(response.status).toBe(200);
      await world.hub.messaging.inbox.drained();
    });
    expect(card.text).toMatch(/^✈️ Telegram · Пётр\n/);
    expect(card.text.length).toBeLessThanOrEqual(LIMIT);
    expect((await fullTextOf(card)).join('')).toBe(text);

    // The cut card is still the customer's card: replying to it answers them.
    await world.dispatcher.reply(card, { text: 'Прочитали всё, спасибо!' });
    await world.hub.messaging.deliverNow();
    expect(customerApi.deliveries()).toContainEqual(
      expect.objectContaining({ chatId: '4321', text: 'Прочитали всё, спасибо!' }),
    );
    expect(refusedTooLong).toEqual([]);
  });

  it('an edit of a long message changes the card in place, and the button shows the new text', async () => {
    const peer = 7302;
    const card = world.dispatcher.history().find((message) => /всего 10000/.test(message.text));
    const edited = longText(9000, 'правка');
    const cards = world.dispatcher.history().length;
    await postVk(vkMessage('message_edit', peer, peer, edited));
    await deliver();
    expect(world.dispatcher.history()).toHaveLength(cards);
    const shown = world.dispatcher.history().find((m) => m.message_id === card!.message_id)!;
    expect(shown.text).toMatch(/✏️ изменено\n\nВаша задача по этому клиенту:\n📋 Выбрать/);
    expect(shown.text.length).toBeLessThanOrEqual(LIMIT);
    expect((await fullTextOf(shown)).join('')).toBe(edited);
    expect(refusedTooLong).toEqual([]);
  });
});
