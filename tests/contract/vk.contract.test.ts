import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChannelAdapter, WebhookRequest } from '../../channels/contract';
import { ChannelSendError } from '../../channels/contract';
import { normalizeVkEvent } from '../../channels/vk/normalize';
import { createVkChannel } from '../../channels/vk/vk.channel';
import type { InboundMessage } from '../../src/domain/message';
import { startFakeVk, type FakeVk } from '../support/fake-vk';
import { startFileServer } from '../support/http-fake';
import {
  bodyOf,
  describeChannelContract,
  webhookPost,
  type ContractFixture,
} from './channel-contract';

const GROUP_ID = 218734512;
const SECRET = 'Kd83hQz2LmP0';
const CONFIRMATION_CODE = '9f1c2e7a';
const TOKEN = 'vk1.a.test-community-token';
const CUSTOMER = '512309871';

/**
 * A payload as VK recorded it; its `secret` is the one configured above. Shaped as the Callback
 * API documents its events (https://dev.vk.com/ru/api/community-events/json-schema, message_new
 * with `object.message` and `client_info` from API 5.103 on; tests/fixtures/README.md).
 */
function recorded(name: string): Record<string, unknown> {
  const path = join(__dirname, '..', 'fixtures', 'vk', `${name}.json`);
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

function webhookRequest(raw: unknown, signature: 'valid' | 'wrong' | 'missing'): WebhookRequest {
  let payload = raw;
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw) && 'type' in raw) {
    const unsigned: Record<string, unknown> = { ...raw };
    delete unsigned.secret;
    if (signature !== 'missing') unsigned.secret = signature === 'valid' ? SECRET : 'Kd83hQz2LmP1';
    payload = unsigned;
  }
  return webhookPost(
    '/webhooks/vk',
    { 'content-type': 'application/json', 'user-agent': 'VKCallbackAPI' },
    bodyOf(payload),
  );
}

function createAdapter(fake: FakeVk): ChannelAdapter {
  return createVkChannel({
    groupId: fake.groupId,
    token: fake.token,
    secret: SECRET,
    confirmationCode: CONFIRMATION_CODE,
    apiBaseUrl: fake.apiBaseUrl,
  });
}

const startFake = () => startFakeVk({ token: TOKEN, groupId: GROUP_ID });

const textMessage: Partial<InboundMessage> = {
  channel: 'vk',
  externalId: '1843',
  senderId: CUSTOMER,
  chatId: CUSTOMER,
  text: 'Здравствуйте! Сколько стоит доставка в Казань?',
  attachments: [],
  sentAt: new Date(1718011245 * 1000),
};

const fixtures: ContractFixture[] = [
  { name: 'message_new: text', raw: recorded('message_new-text'), expected: textMessage },
  {
    name: 'message_new: first message through a vk.me link with ref',
    raw: recorded('message_new-ref'),
    expected: {
      externalId: '1851',
      senderId: '733104256',
      chatId: '733104256',
      text: 'Начать',
      origin: { tag: 'spring_sale' },
    },
  },
  {
    name: 'message_new: photo, largest size kept',
    raw: recorded('message_new-photo'),
    expected: {
      externalId: '1845',
      text: 'Вот фото повреждения',
      attachments: [
        {
          kind: 'photo',
          fileRef:
            'https://sun9-61.userapi.com/impg/Qx2v/w.jpg?size=960x1280&quality=95&sign=9a1e&type=album',
        },
      ],
    },
  },
  {
    name: 'message_new: document without text',
    raw: recorded('message_new-doc'),
    expected: {
      externalId: '1847',
      attachments: [
        {
          kind: 'document',
          fileRef:
            'https://vk.com/doc512309871_671234567?hash=3Zk9qLw1&dl=Yx7bC2&api=1&no_preview=1',
          name: 'Реквизиты ООО Ромашка.pdf',
          size: 184320,
        },
      ],
    },
  },
  {
    name: 'message_new: voice message',
    raw: recorded('message_new-voice'),
    expected: {
      externalId: '1849',
      attachments: [
        {
          kind: 'voice',
          fileRef: 'https://psv4.userapi.com/s/v1/amsg/Ab3dEf/audio.ogg',
          mimeType: 'audio/ogg',
        },
      ],
    },
  },
  {
    name: 'message_new: sticker, largest image kept',
    raw: recorded('message_new-sticker'),
    expected: {
      externalId: '1850',
      attachments: [{ kind: 'sticker', fileRef: 'https://vk.com/sticker/1-9012-512' }],
    },
  },
  {
    name: 'message_new: group chat, where VK gives no message id',
    raw: recorded('message_new-chat'),
    expected: { externalId: '2000000003_412', senderId: '604117359', chatId: '2000000003' },
  },
  {
    name: 'message_edit: same external id as the original, marked edited',
    raw: recorded('message_edit'),
    expected: {
      externalId: '1843',
      text: 'Здравствуйте! Сколько стоит доставка в Казань и Самару?',
      edited: true,
    },
  },
  {
    name: "message_reply: the community's own answer",
    raw: recorded('message_reply'),
    expected: null,
  },
  { name: 'confirmation', raw: recorded('confirmation'), expected: null },
  { name: 'message_typing_state', raw: recorded('message_typing_state'), expected: null },
  { name: 'group_join', raw: recorded('group_join'), expected: null },
];

describeChannelContract('vk', {
  normalize: normalizeVkEvent,
  fixtures,
  startFake,
  createAdapter: async (fake) => createAdapter(fake as FakeVk),
  chatId: () => CUSTOMER,
  webhookRequest,
});

describe('vk channel', () => {
  let fake: FakeVk;
  let adapter: ChannelAdapter;
  const received: InboundMessage[] = [];
  const handle = (raw: unknown, signature: 'valid' | 'wrong' | 'missing' = 'valid') =>
    adapter.webhook!.handle(webhookRequest(raw, signature));
  const sendError = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected the send to fail');
      },
      (error: unknown) => {
        expect(error).toBeInstanceOf(ChannelSendError);
        return error as ChannelSendError;
      },
    );

  beforeAll(async () => {
    fake = await startFake();
    adapter = createAdapter(fake);
    await adapter.start(async (message) => {
      received.push(message);
    });
  });
  afterAll(async () => {
    await adapter?.stop();
    await fake?.close();
  });
  beforeEach(() => {
    received.length = 0;
  });

  describe('webhook', () => {
    it('is mounted at /webhooks/vk', () => {
      expect(adapter.webhook?.path).toBe('/webhooks/vk');
    });

    it('answers the confirmation with the code alone, as text', async () => {
      await expect(handle(recorded('confirmation'))).resolves.toEqual({
        status: 200,
        body: CONFIRMATION_CODE,
      });
    });

    it("keeps the code from another community's confirmation and from a wrong secret", async () => {
      const otherGroup = await handle({ ...recorded('confirmation'), group_id: 1 });
      const wrongSecret = await handle(recorded('confirmation'), 'wrong');
      for (const response of [otherGroup, wrongSecret]) {
        expect(response.status).toBe(403);
        expect(response.body).not.toBe(CONFIRMATION_CODE);
      }
    });

    it('acknowledges a message with "ok" after the sink has it', async () => {
      await expect(handle(recorded('message_new-text'))).resolves.toEqual({
        status: 200,
        body: 'ok',
      });
      expect(received).toEqual([expect.objectContaining(textMessage)]);
    });

    it('passes an edit on under the original external id', async () => {
      await handle(recorded('message_new-text'));
      await handle(recorded('message_edit'));
      expect(received.map(({ externalId, edited }) => ({ externalId, edited }))).toEqual([
        { externalId: '1843', edited: undefined },
        { externalId: '1843', edited: true },
      ]);
    });

    it('passes a redelivered event on unchanged, for the store to dedupe', async () => {
      const request = webhookRequest(recorded('message_new-photo'), 'valid');
      await adapter.webhook!.handle(request);
      await adapter.webhook!.handle({
        ...request,
        headers: { ...request.headers, 'x-retry-counter': '1' },
      });
      expect(received).toHaveLength(2);
      expect(received[1]).toEqual(received[0]);
    });

    it.each(['message_typing_state', 'group_join', 'message_reply'])(
      'acknowledges %s and passes nothing on',
      async (name) => {
        await expect(handle(recorded(name))).resolves.toEqual({ status: 200, body: 'ok' });
        expect(received).toHaveLength(0);
      },
    );

    it('refuses JSON that is not a Callback API event', async () => {
      const response = await handle({ hello: 'world' });
      expect(response.status).toBe(400);
    });

    it('refuses a correctly signed message event whose message is malformed', async () => {
      const raw = { ...recorded('message_new-text'), object: { message: { text: 'no ids' } } };
      const response = await handle(raw);
      expect(response.status).toBe(400);
      expect(received).toHaveLength(0);
    });

    it('does not acknowledge messages before the hub is receiving', async () => {
      const idle = createAdapter(fake);
      const response = await idle.webhook!.handle(
        webhookRequest(recorded('message_new-text'), 'valid'),
      );
      expect(response.status).toBe(503);
      await idle.stop();
    });
  });

  describe('send', () => {
    it('sends a retried message once: random_id follows the outbox key', async () => {
      const message = { key: 'outbox-7f3a', text: 'Счёт отправлен', attachments: [] };
      const before = fake.deliveries().length;
      const first = await adapter.send(CUSTOMER, message);
      const retry = await adapter.send(CUSTOMER, message);
      expect(retry).toEqual(first);
      expect(fake.deliveries().slice(before)).toHaveLength(1);
      const [a, b] = fake.sendRequests().slice(-2);
      expect(a!.random_id).toBe(b!.random_id);
      expect(Number(a!.random_id)).toBeGreaterThan(0);
      expect(Number(a!.random_id)).toBeLessThan(2 ** 31);
    });

    it('gives messages without a key distinct random ids', async () => {
      await adapter.send(CUSTOMER, { text: 'один', attachments: [] });
      await adapter.send(CUSTOMER, { text: 'один', attachments: [] });
      const [a, b] = fake.sendRequests().slice(-2);
      expect(a!.random_id).not.toBe(b!.random_id);
    });

    it('uploads a photo and a document and sends them with the text', async () => {
      const files = await startFileServer();
      try {
        const before = fake.deliveries().length;
        await adapter.send(CUSTOMER, {
          text: 'Фото и договор',
          attachments: [
            { kind: 'photo', url: `${files.url}/files/box.jpg`, name: 'box.jpg' },
            { kind: 'document', url: files.fileUrl, name: 'contract.pdf' },
          ],
        });
        expect(fake.deliveries().slice(before)).toEqual([
          { chatId: CUSTOMER, text: 'Фото и договор', file: 'box.jpg,contract.pdf' },
        ]);
        expect(fake.sendRequests().at(-1)!.attachment).toMatch(
          new RegExp(`^photo-${GROUP_ID}_\\d+_\\w+,doc-${GROUP_ID}_\\d+_\\w+$`),
        );
      } finally {
        await files.close();
      }
    });

    it.each([
      [901, "Can't send messages for users without permission"],
      [900, "Can't send messages for users from blacklist"],
      [7, 'Permission to perform this action is denied'],
      [15, 'Access denied: no access to call this method'],
      [100, 'One of the parameters specified was missing or invalid: peer_id'],
    ])('reports VK error %i as final', async (code, text) => {
      fake.refuseNext(code, text);
      const error = await sendError(adapter.send(CUSTOMER, { text: 'hello', attachments: [] }));
      expect(error).toMatchObject({ retryable: false });
      expect(error.message).toContain(String(code));
    });

    it.each([
      [9, 'Flood control: too much messages sent to user'],
      [29, 'Rate limit reached'],
    ])('reports VK limit %i as retryable after a wait', async (code, text) => {
      fake.refuseNext(code, text);
      const error = await sendError(adapter.send(CUSTOMER, { text: 'hello', attachments: [] }));
      expect(error).toMatchObject({ retryable: true });
      expect(error.retryAfterMs).toBeGreaterThanOrEqual(1000);
    });

    it("reports VK's internal error as retryable", async () => {
      fake.refuseNext(10, 'Internal server error');
      const error = await sendError(adapter.send(CUSTOMER, { text: 'hello', attachments: [] }));
      expect(error).toMatchObject({ retryable: true });
    });

    it('reports a dropped connection as retryable', async () => {
      fake.failNext('drop');
      const error = await sendError(adapter.send(CUSTOMER, { text: 'hello', attachments: [] }));
      expect(error).toMatchObject({ retryable: true });
    });

    it('refuses a chat id that is no VK peer without calling VK', async () => {
      const before = fake.sendRequests().length;
      const error = await sendError(adapter.send('tg:42', { text: 'hello', attachments: [] }));
      expect(error).toMatchObject({ retryable: false });
      expect(fake.sendRequests()).toHaveLength(before);
    });
  });
});
