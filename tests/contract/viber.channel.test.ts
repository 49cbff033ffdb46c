import { ChannelSendError, type ChannelAdapter } from '../../channels/contract';
import { createViberChannel, type ViberChannelOptions } from '../../channels/viber/viber.channel';
import type { InboundMessage } from '../../src/domain/message';
import { FakeViber } from '../support/fake-viber';
import { startFileServer, startLoopbackServer } from '../support/http-fake';
import {
  AUTH_TOKEN,
  BOT_NAME,
  fixture,
  fixtureText,
  GREETING,
  signed,
  SUBSCRIBER,
} from '../support/viber-fixtures';
import { RawBytes } from './channel-contract';

describe('viber adapter', () => {
  const WEBHOOK_URL = 'https://crm.example.ru/webhooks/viber';
  let fake: FakeViber;
  let adapter: ChannelAdapter;
  const received: InboundMessage[] = [];
  const errors: unknown[] = [];

  function adapterWith(options: Partial<ViberChannelOptions> = {}): ChannelAdapter {
    return createViberChannel({
      authToken: AUTH_TOKEN,
      apiBaseUrl: `${fake.url}/`,
      botName: BOT_NAME,
      onError: (error) => errors.push(error),
      ...options,
    });
  }

  async function sendError(message: Parameters<ChannelAdapter['send']>[1], to = adapter) {
    return to.send(SUBSCRIBER, message).catch((caught: unknown) => caught as ChannelSendError);
  }

  beforeAll(async () => {
    fake = await FakeViber.start(AUTH_TOKEN);
    adapter = adapterWith({ webhookUrl: WEBHOOK_URL, greeting: GREETING });
    await adapter.start(async (message) => {
      received.push(message);
    });
  });
  afterAll(async () => {
    await adapter.stop();
    await fake.close();
  });
  beforeEach(() => {
    received.length = 0;
    errors.length = 0;
  });

  describe('webhook', () => {
    it('is mounted at /webhooks/viber', () => {
      expect(adapter.webhook?.path).toBe('/webhooks/viber');
    });

    it('keeps a 19-digit message_token exact, so redeliveries dedupe and neighbours do not', async () => {
      const text = fixtureText('message-text');
      const neighbour = text.replace('5961493820412557911', '5961493820412557912');
      for (const body of [text, neighbour]) {
        const response = await adapter.webhook!.handle(
          signed(new RawBytes(Buffer.from(body)), 'valid'),
        );
        expect(response.status).toBe(200);
      }
      expect(received.map((message) => message.externalId)).toEqual([
        '5961493820412557911',
        '5961493820412557912',
      ]);
    });

    it('answers conversation_started with the greeting, which Viber shows as the welcome message', async () => {
      const response = await adapter.webhook!.handle(
        signed(fixture('conversation-started'), 'valid'),
      );
      expect(response).toEqual({
        status: 200,
        body: { sender: { name: BOT_NAME }, type: 'text', text: GREETING },
      });
      expect(received).toHaveLength(0);
    });

    it("tags the user's first message with the deep link they opened the chat from", async () => {
      const tagged = adapterWith();
      const got: InboundMessage[] = [];
      await tagged.start(async (message) => {
        got.push(message);
      });
      await tagged.webhook!.handle(signed(fixture('conversation-started'), 'valid'));
      await tagged.webhook!.handle(signed(fixture('message-text'), 'valid'));
      await tagged.webhook!.handle(signed(fixture('message-picture'), 'valid'));
      expect(got.map((message) => message.origin?.tag)).toEqual(['ya-direct-sofa-june', undefined]);
      await tagged.stop();
    });

    it('answers conversation_started with an empty 200 when no greeting is configured', async () => {
      const silent = adapterWith();
      const response = await silent.webhook!.handle(
        signed(fixture('conversation-started'), 'valid'),
      );
      expect(response).toEqual({ status: 200 });
    });

    it.each(['subscribed', 'unsubscribed', 'delivered', 'seen', 'failed', 'webhook'])(
      'acknowledges %s and passes nothing on',
      async (name) => {
        const response = await adapter.webhook!.handle(signed(fixture(name), 'valid'));
        expect(response.status).toBe(200);
        expect(received).toHaveLength(0);
      },
    );

    it('acknowledges an event it does not know', async () => {
      const response = await adapter.webhook!.handle(
        signed({ event: 'client_status', timestamp: 1718018453262, user_id: SUBSCRIBER }, 'valid'),
      );
      expect(response.status).toBe(200);
      expect(received).toHaveLength(0);
    });

    it('skips a message type it does not read instead of having it redelivered', async () => {
      const raw = fixture('message-text') as { message: unknown };
      const response = await adapter.webhook!.handle(
        signed({ ...raw, message: { type: 'rich_media', rich_media: {} } }, 'valid'),
      );
      expect(response.status).toBe(200);
      expect(received).toHaveLength(0);
    });

    it.each([
      ['a picture without media', { message: { type: 'picture', text: '' } }],
      ['no sender', { sender: undefined }],
      ['no message_token', { message_token: undefined }],
    ])('answers 400 to a message callback with %s', async (_name, change) => {
      const raw = { ...(fixture('message-picture') as object), ...change };
      const response = await adapter.webhook!.handle(signed(raw, 'valid'));
      expect(response.status).toBe(400);
      expect(received).toHaveLength(0);
    });

    it('answers 400 to a body that is not a Viber callback', async () => {
      const response = await adapter.webhook!.handle(signed([1, 2, 3], 'valid'));
      expect(response.status).toBe(400);
    });

    it('answers a message before start with a non-200, so Viber redelivers it', async () => {
      const idle = adapterWith();
      const response = await idle.webhook!.handle(signed(fixture('message-text'), 'valid'));
      expect(response.status).toBe(503);
    });

    it('answers the set-up check before start, as Viber sends it while set_webhook runs', async () => {
      const idle = adapterWith();
      const response = await idle.webhook!.handle(signed(fixture('webhook'), 'valid'));
      expect(response.status).toBe(200);
    });
  });

  describe('start', () => {
    it('registers the configured webhook URL with the events the hub reads', () => {
      expect(fake.calls('set_webhook').map((call) => call.body)).toEqual([
        {
          url: WEBHOOK_URL,
          event_types: [
            'delivered',
            'seen',
            'failed',
            'subscribed',
            'unsubscribed',
            'conversation_started',
          ],
          send_name: true,
        },
      ]);
    });

    it('reports a refused set_webhook to onError and still starts', async () => {
      const wrongToken = adapterWith({ authToken: 'revoked', webhookUrl: WEBHOOK_URL });
      await expect(wrongToken.start(async () => undefined)).resolves.toBeUndefined();
      expect(errors).toEqual([expect.any(ChannelSendError)]);
      expect(String(errors[0])).toContain('status 2');
    });

    it('does not call set_webhook without a webhook URL', async () => {
      const before = fake.calls('set_webhook').length;
      await adapterWith().start(async () => undefined);
      expect(fake.calls('set_webhook')).toHaveLength(before);
    });
  });

  describe('send', () => {
    let files: Awaited<ReturnType<typeof startFileServer>>;
    beforeAll(async () => {
      files = await startFileServer();
    });
    afterAll(() => files.close());

    it('sends text and each file as separate calls, all from the bot, answering the first token', async () => {
      const before = fake.calls('send_message').length;
      const { externalId } = await adapter.send(SUBSCRIBER, {
        text: 'Счёт и фото дивана',
        attachments: [
          { kind: 'document', url: files.fileUrl, name: 'invoice.pdf', size: 48213 },
          { kind: 'photo', url: `${files.url}/sofa.jpg`, name: 'sofa.jpg' },
        ],
      });
      const calls = fake.calls('send_message').slice(before);
      expect(calls.map((call) => call.body)).toEqual([
        {
          receiver: SUBSCRIBER,
          sender: { name: BOT_NAME },
          type: 'text',
          text: 'Счёт и фото дивана',
        },
        {
          receiver: SUBSCRIBER,
          sender: { name: BOT_NAME },
          type: 'file',
          media: files.fileUrl,
          size: 48213,
          file_name: 'invoice.pdf',
        },
        {
          receiver: SUBSCRIBER,
          sender: { name: BOT_NAME },
          type: 'picture',
          media: `${files.url}/sofa.jpg`,
          text: '',
        },
      ]);
      expect(externalId).toBe(calls[0]!.token);
      expect(externalId).toMatch(/^\d{19}$/);
    });

    it('learns a missing file size from the Content-Length of a HEAD request', async () => {
      const methods: string[] = [];
      const sized = await startLoopbackServer((request, _body, response) => {
        methods.push(request.method ?? '');
        response.statusCode = request.method === 'HEAD' ? 200 : 500;
        response.setHeader('content-length', '734003');
        response.end();
      });
      try {
        const before = fake.calls('send_message').length;
        await adapter.send(SUBSCRIBER, {
          attachments: [{ kind: 'video', url: `${sized.url}/delivery.mp4`, name: 'delivery.mp4' }],
        });
        expect(fake.calls('send_message').slice(before)[0]?.body).toMatchObject({
          type: 'file',
          size: 734003,
          file_name: 'delivery.mp4',
        });
        expect(methods).toEqual(['HEAD']);
      } finally {
        await sized.close();
      }
    });

    it('learns a missing file size from the link, by GET when HEAD is refused', async () => {
      const methods: string[] = [];
      const content = Buffer.from('%PDF-1.4 contract for the sofa delivery');
      const noHead = await startLoopbackServer((request, _body, response) => {
        methods.push(request.method ?? '');
        response.statusCode = request.method === 'HEAD' ? 405 : 200;
        response.end(request.method === 'HEAD' ? undefined : content);
      });
      try {
        const before = fake.calls('send_message').length;
        await adapter.send(SUBSCRIBER, {
          attachments: [
            { kind: 'document', url: `${noHead.url}/contract.pdf`, name: 'contract.pdf' },
          ],
        });
        expect(fake.calls('send_message').slice(before)[0]?.body).toMatchObject({
          size: content.length,
        });
        expect(methods).toEqual(['HEAD', 'GET']);
      } finally {
        await noHead.close();
      }
    });

    it('fails the whole message, sending nothing, when a file link is gone', async () => {
      const gone = await startLoopbackServer((_request, _body, response) => {
        response.statusCode = 404;
        response.end();
      });
      try {
        const before = fake.deliveries().length;
        const error = await sendError({
          text: 'Ваш договор',
          attachments: [{ kind: 'document', url: `${gone.url}/old.pdf`, name: 'old.pdf' }],
        });
        expect(error).toMatchObject({ retryable: false });
        expect(fake.deliveries()).toHaveLength(before);
      } finally {
        await gone.close();
      }
    });

    it.each([
      [5, 'receiverNotRegistered'],
      [6, 'receiverNotSubscribed'],
      [7, 'publicAccountBlocked'],
    ])('reports status %i (%s) as not retryable', async (status, statusMessage) => {
      fake.answerNext(status, statusMessage);
      const error = await sendError({ text: 'Добрый день', attachments: [] });
      expect(error).toBeInstanceOf(ChannelSendError);
      expect(error).toMatchObject({ retryable: false });
    });

    it('reports a status Viber lists only as a general error as retryable', async () => {
      fake.answerNext(99, 'generalError');
      expect(await sendError({ text: 'Добрый день', attachments: [] })).toMatchObject({
        retryable: true,
      });
    });

    it('reports a dropped connection as retryable', async () => {
      fake.failNext('drop');
      expect(await sendError({ text: 'Добрый день', attachments: [] })).toMatchObject({
        retryable: true,
      });
    });

    it('sends the auth token with every call', async () => {
      const error = await sendError(
        { text: 'Добрый день', attachments: [] },
        adapterWith({ authToken: 'revoked' }),
      );
      expect(error).toMatchObject({
        retryable: false,
        message: expect.stringContaining('status 2'),
      });
    });

    it('refuses a message with nothing in it', async () => {
      expect(await sendError({ text: '', attachments: [] })).toMatchObject({ retryable: false });
    });
  });
});
