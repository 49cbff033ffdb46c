import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Update } from 'grammy/types';
import {
  createTelegramChannel,
  TELEGRAM_WEBHOOK_PATH,
} from '../../channels/telegram/telegram.channel';
import { normalizeTelegramUpdate } from '../../channels/telegram/normalize';
import { ChannelSendError } from '../../channels/contract';
import type { InboundMessage } from '../../src/domain/message';
import {
  BLOCKED_CHAT,
  startFakeTelegramApi,
  type FakeTelegramApi,
} from '../support/fake-telegram-api';
import { botInfo } from '../support/bot-info';
import {
  bodyOf,
  describeChannelContract,
  webhookPost,
  type ContractFixture,
} from './channel-contract';

const SECRET = 'customer-webhook-secret';
/**
 * Updates shaped as the Bot API documents them (https://core.telegram.org/bots/api#update,
 * #message; sources per folder in tests/fixtures/README.md).
 */
const fixtureDir = path.join(__dirname, '../fixtures/telegram');
const fixture = (name: string) =>
  JSON.parse(readFileSync(path.join(fixtureDir, `${name}.json`), 'utf8')) as unknown;

const anna = { senderId: '424242', chatId: '424242', senderName: 'Анна Смирнова' };
const expected: Record<string, Partial<InboundMessage> | null> = {
  text: {
    ...anna,
    externalId: '424242:15',
    text: 'Здравствуйте! Нужен расчёт на автоматизацию склада',
    sentAt: new Date(1795424400 * 1000),
  },
  'start-deep-link': { ...anna, externalId: '424242:16', origin: { tag: 'ad_vk_november' } },
  photo: {
    externalId: '424242:17',
    text: 'Вот схема помещения',
    attachments: [{ kind: 'photo', fileRef: 'AgACAgIAAxkBAAMRZlarge', size: 86411 }],
  },
  document: {
    attachments: [
      {
        kind: 'document',
        fileRef: 'BQACAgIAAxkBAAMSZdoc',
        name: 'ТЗ склад.pdf',
        mimeType: 'application/pdf',
        size: 245760,
      },
    ],
  },
  voice: { attachments: [expect.objectContaining({ kind: 'voice' })] },
  'contact-own-phone': { phone: '79161234567', contactVerified: true },
  edited: {
    externalId: '424242:15',
    edited: true,
    text: 'Здравствуйте! Нужен расчёт на автоматизацию двух складов',
  },
  'group-message': null,
};

const fixtures: ContractFixture[] = readdirSync(fixtureDir).map((file) => {
  const name = path.basename(file, '.json');
  if (!(name in expected)) throw new Error(`fixture ${file} has no expectation`);
  return { name, raw: fixture(name), expected: expected[name]! };
});

const BOT_INFO = botInfo(7000001, 'linehub_customer_bot');

describeChannelContract('telegram', {
  normalize: (raw) => normalizeTelegramUpdate(raw as Update),
  fixtures,
  startFake: startFakeTelegramApi,
  createAdapter: async (fake) =>
    createTelegramChannel({
      token: '7000001:customer',
      apiRoot: (fake as FakeTelegramApi).url,
      mode: 'webhook',
      webhookSecret: SECRET,
      botInfo: BOT_INFO,
      onError: () => undefined,
    }),
  chatId: () => '424242',
  webhookRequest: (raw, signature) =>
    webhookPost(
      TELEGRAM_WEBHOOK_PATH,
      signature === 'missing'
        ? {}
        : { 'x-telegram-bot-api-secret-token': signature === 'valid' ? SECRET : 'guess' },
      bodyOf(raw),
    ),
});

describe('telegram customer bot specifics', () => {
  let fake: FakeTelegramApi;
  beforeAll(async () => {
    fake = await startFakeTelegramApi();
  });
  afterAll(() => fake.close());

  const adapter = (mode: 'webhook' | 'polling' = 'webhook') =>
    createTelegramChannel({
      token: '7000001:customer',
      apiRoot: fake.url,
      mode,
      webhookSecret: SECRET,
      webhookUrl: 'https://hub.example.com/webhooks/telegram/customer',
      botInfo: BOT_INFO,
      onError: () => undefined,
    });

  it("passes on Telegram's own retry_after", async () => {
    fake.rateLimitNext(7);
    const error = await adapter()
      .send('424242', { text: 'hi', attachments: [] })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ retryable: true, retryAfterMs: 7000 });
  });

  it('gives up on a customer who blocked the bot', async () => {
    const error = await adapter()
      .send(BLOCKED_CHAT, { text: 'hi', attachments: [] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ChannelSendError);
    expect(error).toMatchObject({ retryable: false, recipientGone: true });
  });

  it('registers its webhook with the secret at start', async () => {
    const channel = adapter();
    await channel.start(async () => undefined);
    expect(fake.calls()).toContainEqual(expect.objectContaining({ method: 'setWebhook' }));
    await channel.stop();
  });

  it('has no webhook route in polling mode', () => {
    expect(adapter('polling').webhook).toBeUndefined();
  });
});
