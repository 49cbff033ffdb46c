import { viberSignature } from '../../channels/viber/signature';
import type { Hub } from '../../src/hub';
import { createStaffStore } from '../../src/store/repositories/staff.repository';
import { botInfo } from '../support/bot-info';
import { testDatabaseUri } from '../support/database';
import { startFakeTelegramApi, type FakeTelegramApi } from '../support/fake-telegram-api';
import { FakeViber } from '../support/fake-viber';
import { startFakeVk, type FakeVk } from '../support/fake-vk';
import { startTestHub } from '../support/hub';

/**
 * Hostile input on every HTTP endpoint: wrong-typed ids and `$` operators where values reach a
 * query. Each is refused with a 4xx (never a 500, which messengers redeliver forever), stores
 * nothing, and is never taken for somebody it is not.
 */
const SECRET = 'edges-webhook-secret';
const VK_GROUP = 218734512;
const VK_SECRET = 'vk-callback-secret';
const VIBER_TOKEN = '4453b6ac12345678-e02c5f12174805f9-daec9cbb5448c51a';
const API_TOKEN = 'records-api-token-0123456789';
const FORM_KEY = 'site-form-key-0123';
const METRICS_TOKEN = 'metrics-token-0123456789';
const ADMIN = 1001;

let telegram: FakeTelegramApi;
let vk: FakeVk;
let viber: FakeViber;
let hub: Hub;

beforeAll(async () => {
  telegram = await startFakeTelegramApi();
  vk = await startFakeVk({ token: 'vk-group-token', groupId: VK_GROUP });
  viber = await FakeViber.start(VIBER_TOKEN);
  hub = await startTestHub(
    testDatabaseUri(),
    {
      PUBLIC_URL: 'http://127.0.0.1:9',
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_API_ROOT: telegram.url,
      TELEGRAM_CUSTOMER_BOT_TOKEN: '7000001:customer',
      TELEGRAM_MANAGER_BOT_TOKEN: '7000002:manager',
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      ADMIN_TELEGRAM_IDS: String(ADMIN),
      VK_API_BASE_URL: vk.apiBaseUrl,
      VK_GROUP_ID: String(VK_GROUP),
      VK_GROUP_TOKEN: 'vk-group-token',
      VK_CALLBACK_SECRET: VK_SECRET,
      VK_CONFIRMATION_CODE: 'a1b2c3d4',
      VIBER_API_BASE_URL: viber.url,
      VIBER_AUTH_TOKEN: VIBER_TOKEN,
      API_TOKEN,
      INTEGRATION_KEYS: `site=${FORM_KEY}`,
      HUB_SECRET: 'a-test-secret-of-enough-length',
      METRICS_TOKEN,
    },
    {
      customerBotInfo: botInfo(7000001, 'linehub_customer_bot'),
      managerBotInfo: botInfo(7000002, 'linehub_staff_bot'),
    },
  );
});
afterAll(async () => {
  await hub.database.connection.dropDatabase();
  await hub.stop();
  await Promise.all([telegram.close(), vk.close(), viber.close()]);
});

const url = (path: string) => `http://127.0.0.1:${hub.port}${path}`;
const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
  const response = await fetch(url(path), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  await hub.messaging.inbox.drained();
  return response;
};
const models = () => hub.database.models;

/** Everything a customer message could leave behind. */
async function storedCounts() {
  const { Message, Contact, Conversation, Lead, Inbox, Invite, User } = models();
  return {
    messages: await Message.countDocuments(),
    contacts: await Contact.countDocuments(),
    conversations: await Conversation.countDocuments(),
    leads: await Lead.countDocuments(),
    inbox: await Inbox.countDocuments(),
    invites: await Invite.countDocuments(),
    users: await User.countDocuments(),
  };
}

const telegramMessage = (overrides: Record<string, unknown> = {}, from: unknown = 4104) => ({
  update_id: 4104,
  message: {
    message_id: 7,
    date: 1795424400,
    chat: { id: 4104, type: 'private' },
    from: { id: from, is_bot: false, first_name: 'Пётр' },
    text: 'Здравствуйте',
    ...overrides,
  },
});

describe('the Telegram customer webhook', () => {
  const postTelegram = (update: unknown) =>
    post('/webhooks/telegram/customer', update, { 'x-telegram-bot-api-secret-token': SECRET });

  it.each([
    ['chat id an object', telegramMessage({ chat: { id: { $ne: 0 }, type: 'private' } })],
    ['chat id a string', telegramMessage({ chat: { id: '4104', type: 'private' } })],
    ['sender id an operator', telegramMessage({}, { $ne: 0 })],
    ['message id an object', telegramMessage({ message_id: { $gt: 0 } })],
    ['text an object', telegramMessage({ text: { $regex: '.*' } })],
    ['caption a number', telegramMessage({ text: undefined, caption: 5 })],
    ['photo not a list', telegramMessage({ photo: { file_id: 'x' } })],
    [
      'contact with an operator id',
      telegramMessage({ contact: { phone_number: '7', user_id: {} } }),
    ],
    ['date a string', telegramMessage({ date: 'yesterday' })],
    ['message a string', { update_id: 4105, message: 'hello' }],
  ])('refuses an update with %s: 400, nothing stored', async (_name, update) => {
    const before = await storedCounts();
    const response = await postTelegram(update);
    expect(response.status).toBe(400);
    expect(await storedCounts()).toEqual(before);
    expect(await models().Message.countDocuments({ externalId: /object/i })).toBe(0);
  });

  it('still takes a well-formed update', async () => {
    expect((await postTelegram(telegramMessage())).status).toBe(200);
    expect(await models().Message.countDocuments({ externalId: '4104:7' })).toBe(1);
  });
});

describe('the manager webhook', () => {
  const postManager = (update: unknown) =>
    post('/webhooks/telegram/manager', update, { 'x-telegram-bot-api-secret-token': SECRET });
  let updateId = 1;
  const command = (from: unknown, text: string) => ({
    update_id: updateId++,
    message: {
      message_id: updateId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: typeof from === 'number' ? from : 1099, type: 'private' },
      from: { id: from, is_bot: false, first_name: 'Анна' },
      text,
      entities: [{ offset: 0, length: text.split(' ')[0]!.length, type: 'bot_command' }],
    },
  });

  beforeAll(async () => {
    expect((await postManager(command(ADMIN, '/start'))).status).toBe(200);
    expect(await models().User.countDocuments({ telegramId: ADMIN, roles: 'admin' })).toBe(1);
  });

  it('does not take an operator id for the admin: 400, no invite made', async () => {
    for (const from of [{ $ne: 0 }, { $gt: 0 }, '1001', [ADMIN]]) {
      const response = await postManager(command(from, '/invite admin sales'));
      expect(response.status).toBe(400);
    }
    expect(await models().Invite.countDocuments()).toBe(0);
  });

  it('refuses wrong-typed fields with 400 rather than failing with 500', async () => {
    const update = command(ADMIN, '/tasks');
    for (const broken of [
      { ...update, update_id: 'x' },
      { ...update, message: { ...update.message, chat: { id: {}, type: 'private' } } },
      { ...update, message: { ...update.message, text: ['/tasks'] } },
      { update_id: updateId++, callback_query: { id: 'q', from: { id: {} }, data: 'x' } },
      { update_id: updateId++, callback_query: { id: 'q', from: update.message.from, data: {} } },
    ]) {
      expect((await postManager(broken)).status).toBe(400);
    }
  });

  it('handles a redelivered update once', async () => {
    const update = command(ADMIN, '/invite manager sales');
    expect((await postManager(update)).status).toBe(200);
    expect((await postManager(update)).status).toBe(200);
    expect(await models().Invite.countDocuments({ role: 'manager' })).toBe(1);
  });

  it('finds nobody for an operator id even past the webhook (the staff lookup itself)', async () => {
    const store = createStaffStore(models());
    // As it arrives from a JSON body that no schema checked.
    const hostile: number = JSON.parse('{"$ne":0}');
    expect(await store.findByTelegramId(hostile)).toBeUndefined();
    expect(await store.redeemInvite(JSON.parse('{"$ne":""}'), hostile, new Date())).toBeUndefined();
    expect(await store.findByTelegramId(ADMIN)).toEqual(
      expect.objectContaining({ roles: ['admin'] }),
    );
  });
});

describe('the VK and Viber webhooks', () => {
  const vkEvent = (message: Record<string, unknown>) => ({
    type: 'message_new',
    event_id: `e-${JSON.stringify(message).length}`,
    v: '5.199',
    group_id: VK_GROUP,
    secret: VK_SECRET,
    object: {
      message: {
        date: 1718011245,
        from_id: 512309871,
        id: 1843,
        out: 0,
        attachments: [],
        conversation_message_id: 1790,
        text: 'Здравствуйте',
        peer_id: 512309871,
        ...message,
      },
      client_info: {},
    },
  });

  it.each([
    ['VK sender an operator', vkEvent({ from_id: { $ne: 0 } })],
    ['VK peer an object', vkEvent({ peer_id: { $gt: 0 } })],
    ['VK message id a string', vkEvent({ id: '1843' })],
    ['VK group an operator', { ...vkEvent({}), group_id: { $ne: 0 } }],
    ['VK secret an operator', { ...vkEvent({}), secret: { $ne: '' } }],
  ])('refuses %s and stores nothing', async (_name, event) => {
    const before = await storedCounts();
    const response = await post('/webhooks/vk', event);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(await storedCounts()).toEqual(before);
  });

  const viberMessage = (sender: unknown, token: unknown = 5961493820412557) => ({
    event: 'message',
    timestamp: 1718018453262,
    message_token: token,
    sender: { id: sender, name: 'Ольга', language: 'ru' },
    message: { type: 'text', text: 'Добрый день' },
  });

  it.each([
    ['Viber sender an operator', viberMessage({ $ne: '' })],
    ['Viber token an object', viberMessage('iJx3qZ1dwTNGpWwhWqRWrQ==', { $gt: 0 })],
  ])('refuses %s and stores nothing', async (_name, event) => {
    const before = await storedCounts();
    const body = JSON.stringify(event);
    const response = await post('/webhooks/viber', body, {
      'x-viber-content-signature': viberSignature(Buffer.from(body), VIBER_TOKEN),
    });
    expect(response.status).toBe(400);
    expect(await storedCounts()).toEqual(before);
  });
});

describe('the intake, records and files APIs', () => {
  it('refuses operators in a site form and in its key', async () => {
    const before = await storedCounts();
    const form = (body: unknown, key: string) => post(`/api/forms/contact?${key}`, body);
    const statuses = [
      (await form({ name: 'Ива', phone: { $ne: null } }, `key=${FORM_KEY}`)).status,
      (await form({ name: 'Ива', email: { $gt: '' } }, `key=${FORM_KEY}`)).status,
      (await form({ name: 'Ива', phone: '+79161234567' }, 'key[$ne]=x')).status,
      (await form({ name: 'Ива', phone: '+79161234567' }, 'key[]=x')).status,
    ];
    expect(statuses).toEqual([400, 400, 401, 401]);
    expect(await storedCounts()).toEqual(before);
  });

  it('refuses operators in the records API', async () => {
    const auth = { authorization: `Bearer ${API_TOKEN}` };
    const id = '0123456789abcdef01234567';
    const responses = [
      await post(`/api/records/lead/${id}/stage`, { to: { $ne: 'x' } }, auth),
      await post('/api/records/lead/%7B%22%24ne%22%3A1%7D/stage', { to: 'won' }, auth),
      await fetch(url(`/api/records/lead/${id}/fields`), {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', ...auth },
        body: JSON.stringify({ fields: { $where: 'sleep(1000)' }, $set: {} }),
      }),
    ];
    expect(responses.map((r) => r.status)).toEqual([400, 404, 400]);
  });

  it('refuses a file link whose signature is an operator or a list', async () => {
    for (const query of ['sig[$ne]=x&exp=9999999999', 'sig=a&sig=b&exp=1', 'exp[$gt]=0&sig=x']) {
      const response = await fetch(url(`/files/0123456789abcdef01234567/a.pdf?${query}`));
      expect(response.status).toBe(403);
    }
  });
});

describe('operations endpoints', () => {
  it('asks for the metrics token when one is set', async () => {
    expect((await fetch(url('/metrics'))).status).toBe(401);
    const wrong = await fetch(url('/metrics'), { headers: { authorization: 'Bearer guess' } });
    expect(wrong.status).toBe(401);
    const right = await fetch(url('/metrics'), {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(right.status).toBe(200);
    expect(await right.text()).toMatch(/^# TYPE linehub_unhandled_rejections_total counter$/m);
  });

  it('sends security headers', async () => {
    const response = await fetch(url('/health'));
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('strict-transport-security')).toMatch(/max-age=/);
    expect(response.headers.get('x-powered-by')).toBeNull();
  });
});
