import { readFileSync } from 'node:fs';
import path from 'node:path';
import { viberSignature } from '../../channels/viber/signature';
import type { Hub } from '../../src/hub';
import type { ClientMessageEvent } from '../../src/app/messaging/inbound-events';
import { botInfo } from '../support/bot-info';
import { eventually, testDatabaseUri } from '../support/database';
import { startFakeTelegramApi, type FakeTelegramApi } from '../support/fake-telegram-api';
import { FakeViber } from '../support/fake-viber';
import { startFakeVk, type FakeVk } from '../support/fake-vk';
import { startTestHub } from '../support/hub';
import { connectVisitor } from '../support/widget-visitor';
import { seedCompany } from '../support/process';

const SECRET = 'customer-webhook-secret';
const VK_GROUP = 218734512;
const VK_SECRET = 'vk-callback-secret';
const VIBER_TOKEN = '4453b6ac12345678-e02c5f12174805f9-daec9cbb5448c51a';
const fixture = (channel: string, name: string) =>
  JSON.parse(
    readFileSync(path.join(__dirname, `../fixtures/${channel}/${name}.json`), 'utf8'),
  ) as Record<string, unknown>;

let telegram: FakeTelegramApi;
let vk: FakeVk;
let viber: FakeViber;
let hub: Hub;
let uri: string;
let staff: Awaited<ReturnType<typeof seedCompany>>;
const events: ClientMessageEvent[] = [];

const hubEnv = () => ({
  PUBLIC_URL: 'http://127.0.0.1:9',
  TELEGRAM_MODE: 'webhook',
  TELEGRAM_API_ROOT: telegram.url,
  TELEGRAM_CUSTOMER_BOT_TOKEN: '7000001:customer',
  TELEGRAM_MANAGER_BOT_TOKEN: '7000002:manager',
  TELEGRAM_WEBHOOK_SECRET: SECRET,
  VK_API_BASE_URL: vk.apiBaseUrl,
  VK_GROUP_ID: String(VK_GROUP),
  VK_GROUP_TOKEN: 'vk-group-token',
  VK_CALLBACK_SECRET: VK_SECRET,
  VK_CONFIRMATION_CODE: 'a1b2c3d4',
  VIBER_API_BASE_URL: viber.url,
  VIBER_AUTH_TOKEN: VIBER_TOKEN,
  HTTP_BODY_LIMIT: '16kb',
  HUB_SECRET: 'a-test-secret-of-enough-length',
});

async function startHub(): Promise<Hub> {
  const started = await startTestHub(uri, hubEnv(), {
    customerBotInfo: botInfo(7000001, 'linehub_customer_bot'),
    managerBotInfo: botInfo(7000002, 'linehub_staff_bot'),
  });
  started.messaging.events.subscribe(async (event) => {
    events.push(event);
  });
  return started;
}

beforeAll(async () => {
  telegram = await startFakeTelegramApi();
  vk = await startFakeVk({ token: 'vk-group-token', groupId: VK_GROUP });
  viber = await FakeViber.start(VIBER_TOKEN);
  uri = testDatabaseUri();
  hub = await startHub();
});

describe('before any staff has joined', () => {
  it('keeps the message, and opens the lead once someone can take it', async () => {
    expect((await postTelegram(telegramText(900, 1, 4999, 'Есть кто?'))).status).toBe(200);
    const contact = await models().Contact.findOne({ identityKeys: 'telegram:4999' }).lean();
    expect(await models().Message.countDocuments({ externalId: '4999:1' })).toBe(1);
    expect(await models().Lead.countDocuments({ contactId: contact!._id })).toBe(0);

    staff = await seedCompany(hub.database);
    await postTelegram(telegramText(901, 2, 4999, 'Ау!'));
    expect(await models().Lead.countDocuments({ contactId: contact!._id })).toBe(1);
    events.length = 0;
  });
});
afterAll(async () => {
  await hub?.stop();
  await Promise.all([telegram?.close(), vk?.close(), viber?.close()]);
});
beforeEach(() => {
  events.length = 0;
});

// The hub answers once a delivery is in its inbox; the checks below look at what ingest made of it.
const post = async (route: string, body: string | Buffer, headers: Record<string, string> = {}) => {
  const response = await fetch(`http://127.0.0.1:${hub.port}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  await hub.messaging.inbox.drained();
  return response;
};
const postTelegram = (update: unknown, secret = SECRET) =>
  post('/webhooks/telegram/customer', JSON.stringify(update), {
    'x-telegram-bot-api-secret-token': secret,
  });
const telegramText = (updateId: number, messageId: number, userId: number, text: string) => ({
  update_id: updateId,
  message: {
    message_id: messageId,
    from: { id: userId, is_bot: false, first_name: 'Пётр', language_code: 'ru' },
    chat: { id: userId, first_name: 'Пётр', type: 'private' },
    date: 1795424400,
    text,
  },
});
const models = () => hub.database.models;

describe('Telegram customer webhook', () => {
  it('turns a first message into a contact, a conversation, a lead with its ad tag and one event', async () => {
    expect((await postTelegram(telegramText(1, 1, 5001, '/start ad_yandex'))).status).toBe(200);
    expect((await postTelegram(telegramText(2, 2, 5001, 'Сколько стоит внедрение?'))).status).toBe(
      200,
    );

    const contact = await models().Contact.findOne({ identityKeys: 'telegram:5001' }).lean();
    expect(contact?.name).toBe('Пётр');
    const leads = await models().Lead.find({ contactId: contact!._id }).lean();
    expect(leads).toHaveLength(1);
    expect(leads[0]!.source).toEqual({ kind: 'channel', channel: 'telegram', tag: 'ad_yandex' });
    const conversations = await models().Conversation.find({ contactId: contact!._id }).lean();
    expect(conversations).toHaveLength(1);
    expect(conversations[0]!.leadId?.toHexString()).toBe(leads[0]!._id.toHexString());
    expect(
      (
        await models()
          .Message.find({ conversationId: conversations[0]!._id })
          .sort({ _id: 1 })
          .lean()
      ).map((m) => m.text ?? null),
    ).toEqual([null, 'Сколько стоит внедрение?']);
    // Only the first message opened the lead; each message is announced once.
    expect(events.map((e) => [e.message.text ?? null, e.newLead])).toEqual([
      [null, true],
      ['Сколько стоит внедрение?', false],
    ]);
    // The reply clock runs from the first unanswered message.
    expect(conversations[0]!.awaitingReplySince).toBeInstanceOf(Date);
  });

  it('stores a redelivered update once and announces it once', async () => {
    const update = telegramText(3, 3, 5002, 'Повторная доставка');
    expect((await postTelegram(update)).status).toBe(200);
    expect((await postTelegram(update)).status).toBe(200);
    expect(await models().Message.countDocuments({ externalId: '5002:3' })).toBe(1);
    expect(events).toHaveLength(1);
  });

  it('shows an edit as an edit of the stored message, not a new one', async () => {
    await postTelegram(telegramText(4, 4, 5003, 'Нужно 3 кассы'));
    const { message } = telegramText(5, 4, 5003, 'Нужно 4 кассы');
    await postTelegram({ update_id: 5, edited_message: { ...message, edit_date: 1795424500 } });
    const stored = await models().Message.find({ externalId: '5003:4' }).lean();
    expect(stored.map((m) => m.text)).toEqual(['Нужно 4 кассы']);
    expect(events.map((e) => e.edited)).toEqual([false, true]);
  });

  it("shows the customer's message and file to the dispatcher in the manager bot", async () => {
    const update = fixture('telegram', 'document');
    expect((await postTelegram(update)).status).toBe(200);
    await hub.managerBot!.deliverNow();
    const dispatcher = String(staff.dispatcher.telegramId);
    const shown = telegram.deliveries().filter((d) => d.chatId === dispatcher);
    // Other notices (the reply clock's) may come before or after; the file follows its card.
    const card = shown.findIndex((d) => d.text?.includes('📎 ТЗ склад.pdf'));
    expect(shown[card]?.text).toMatch(
      /^✈️ Telegram · Анна Смирнова\nЛид №\d+\n\n📎 ТЗ склад\.pdf\n\nВаша задача по этому клиенту:\n📋 Выбрать/,
    );
    expect(shown[card + 1]).toMatchObject({ file: 'ТЗ склад.pdf' });
  });

  it('refuses a wrong secret token and stores nothing', async () => {
    const response = await postTelegram(telegramText(6, 6, 5004, 'подделка'), 'guessed');
    expect(response.status).toBe(401);
    expect(await models().Contact.countDocuments({ identityKeys: 'telegram:5004' })).toBe(0);
    expect(await models().Message.countDocuments({ externalId: '5004:6' })).toBe(0);
  });

  it('answers malformed JSON with 400 and an oversized body with 413', async () => {
    const headers = { 'x-telegram-bot-api-secret-token': SECRET };
    expect(
      (await post('/webhooks/telegram/customer', '{"update_id": 7, "mess', headers)).status,
    ).toBe(400);
    const huge = JSON.stringify(telegramText(8, 8, 5005, 'x'.repeat(20_000)));
    expect((await post('/webhooks/telegram/customer', huge, headers)).status).toBe(413);
    expect(await models().Message.countDocuments({ externalId: { $in: ['5005:8'] } })).toBe(0);
  });
});

describe('VK and Viber webhooks through the hub', () => {
  it('confirms the VK server address and stores a VK redelivery once', async () => {
    const confirm = await post(
      '/webhooks/vk',
      JSON.stringify({ type: 'confirmation', group_id: VK_GROUP, secret: VK_SECRET }),
    );
    expect(await confirm.text()).toBe('a1b2c3d4');

    const event = { ...fixture('vk', 'message_new-text'), secret: VK_SECRET };
    for (const retry of ['0', '1']) {
      const response = await post('/webhooks/vk', JSON.stringify(event), {
        'x-retry-counter': retry,
      });
      expect(await response.text()).toBe('ok');
    }
    expect(await models().Message.countDocuments({ channel: 'vk' })).toBe(1);
    expect(events).toHaveLength(1);
  });

  it('refuses a wrong VK secret and stores nothing', async () => {
    const event = { ...fixture('vk', 'message_new-photo'), secret: 'wrong' };
    expect((await post('/webhooks/vk', JSON.stringify(event))).status).toBe(403);
    expect(await models().Message.countDocuments({ channel: 'vk' })).toBe(1);
  });

  it('checks the Viber signature over the raw body before storing', async () => {
    const body = Buffer.from(JSON.stringify(fixture('viber', 'message-text')));
    const forged = await post('/webhooks/viber', body, {
      'x-viber-content-signature': viberSignature(body, 'not-the-token'),
    });
    expect(forged.status).toBe(401);
    expect(await models().Message.countDocuments({ channel: 'viber' })).toBe(0);

    const signed = await post('/webhooks/viber', body, {
      'x-viber-content-signature': viberSignature(body, VIBER_TOKEN),
    });
    expect(signed.status).toBe(200);
    expect(await models().Message.countDocuments({ channel: 'viber' })).toBe(1);
  });
});

describe('one person across channels', () => {
  it('joins a widget visitor and a Telegram user who share a phone into one contact', async () => {
    const visitor = await connectVisitor(`http://127.0.0.1:${hub.port}`, { siteKey: 'demo' });
    try {
      const answer = await visitor.send({
        text: 'Хочу узнать про доставку',
        prechat: { name: 'Мария', phone: '+7 916 700-00-01' },
        page: { url: 'https://shop.example/?utm_source=ads', referrer: 'https://ya.ru/' },
      });
      expect(answer).toMatchObject({ ok: true });
    } finally {
      visitor.close();
    }
    await hub.messaging.inbox.drained();
    const contactUpdate = {
      update_id: 950,
      message: {
        message_id: 1,
        from: { id: 5100, is_bot: false, first_name: 'Маша' },
        chat: { id: 5100, type: 'private' },
        date: 1795424400,
        contact: { phone_number: '79167000001', first_name: 'Маша', user_id: 5100 },
      },
    };
    expect((await postTelegram(contactUpdate)).status).toBe(200);

    const contacts = await models().Contact.find({ phones: '+79167000001' }).lean();
    expect(contacts).toHaveLength(1);
    expect(contacts[0]!.identityKeys.sort()).toEqual([
      'telegram:5100',
      `widget:${visitor.visitorId}`,
    ]);
    expect(contacts[0]!.name).toBe('Мария');
    // One lead for one person, with where they first came from.
    const leads = await models().Lead.find({ contactId: contacts[0]!._id }).lean();
    expect(leads).toHaveLength(1);
    expect(leads[0]).toMatchObject({ utm: { source: 'ads' }, referrer: 'https://ya.ru/' });
  });

  it("does not let a visitor who types someone else's phone into their conversation", async () => {
    const stranger = await connectVisitor(`http://127.0.0.1:${hub.port}`, { siteKey: 'demo' });
    try {
      await stranger.send({
        text: 'Покажите мой заказ',
        prechat: { name: 'Не Мария', phone: '+79167000001' },
      });
    } finally {
      stranger.close();
    }
    await hub.messaging.inbox.drained();
    const maria = await models().Contact.findOne({ identityKeys: 'telegram:5100' }).lean();
    expect(maria!.identityKeys).not.toContain(`widget:${stranger.visitorId}`);
    const theirs = await models()
      .Contact.findOne({ identityKeys: `widget:${stranger.visitorId}` })
      .lean();
    expect(theirs!._id.toHexString()).not.toBe(maria!._id.toHexString());
  });
});

describe('messages to customers go through the outbox', () => {
  async function conversationWith(userId: number): Promise<string> {
    await postTelegram(telegramText(100 + userId, 1, userId, 'Здравствуйте'));
    return (await hub.messaging.conversationOf('telegram', String(userId)))!;
  }
  const sends = (chatId: string) =>
    telegram.calls().filter((c) => c.method === 'sendMessage' && c.chatId === chatId);

  it("waits out Telegram's retry_after and then delivers", async () => {
    const conversationId = await conversationWith(6001);
    telegram.rateLimitNext(1, '6001');
    const { messageId } = await hub.messaging.reply(conversationId, { text: 'Счёт отправлен' });

    await eventually(
      async () => (await models().Message.findById(messageId).lean())?.status === 'sent',
    );
    const [refused, delivered] = sends('6001');
    expect(sends('6001')).toHaveLength(2);
    expect(delivered!.at - refused!.at).toBeGreaterThanOrEqual(900);
    expect(telegram.deliveries()).toContainEqual({ chatId: '6001', text: 'Счёт отправлен' });
  });

  it('keeps a message through an outage and a hub restart, and delivers it when Telegram is back', async () => {
    const conversationId = await conversationWith(6002);
    telegram.down();
    const { messageId } = await hub.messaging.reply(conversationId, { text: 'Договор готов' });
    await eventually(
      async () => ((await models().Outbox.findOne({ messageId }).lean())?.attempts ?? 0) >= 1,
    );

    await hub.stop();
    telegram.up();
    hub = await startHub();
    await eventually(
      async () => (await models().Message.findById(messageId).lean())?.status === 'sent',
      {
        timeoutMs: 30_000,
      },
    );
    expect(telegram.deliveries().filter((d) => d.text === 'Договор готов')).toHaveLength(1);
  });

  it("sends a robot's templated message to the channel the client last wrote from, once per run", async () => {
    await conversationWith(6003);
    const conversation = await models().Conversation.findOne({ chatId: '6003' }).lean();
    const subject = { kind: 'lead' as const, id: conversation!.leadId!.toHexString() };
    // The same robot run asked twice at once (a retried stage move): one message to the client.
    await Promise.all([
      hub.process.clients.messageClient(subject, 'deal_started', `${subject.id}:1:greet`),
      hub.process.clients.messageClient(subject, 'deal_started', `${subject.id}:1:greet`),
    ]);
    const started = (d: { chatId: string; text?: string }) =>
      d.chatId === '6003' && /начали работу/.test(d.text ?? '');
    await eventually(async () => telegram.deliveries().some(started));
    await hub.messaging.deliverNow();
    expect(telegram.deliveries().filter(started)).toHaveLength(1);
    const externalId = `out:robot:${subject.id}:1:greet`;
    expect(await models().Message.countDocuments({ externalId })).toBe(1);
  });

  it('marks a message failed, visibly, when the customer blocked the bot', async () => {
    const conversationId = await conversationWith(13);
    const { messageId } = await hub.messaging.reply(conversationId, { text: 'Вы тут?' });
    const failed = await eventually(async () => {
      const message = await models().Message.findById(messageId).lean();
      return message?.status === 'failed' && message;
    });
    expect(failed.error).toMatch(/blocked/);
  });
});
