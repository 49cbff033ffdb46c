import {
  createWidgetChannel,
  type WidgetChannel,
  type WidgetHistoryItem,
} from '../../channels/widget';
import type { InboundMessage } from '../../src/domain/message';
import {
  connectSocket,
  connectVisitor,
  memoryFileStore,
  sayHello,
  type TestVisitor,
  SITE_KEY,
  startHttp,
  widgetOptions,
} from '../support/widget-visitor';
import type { LoopbackServer } from '../support/http-fake';
import { eventually } from '../support/database';

describe('widget channel', () => {
  let http: LoopbackServer;
  let adapter: WidgetChannel;
  const received: InboundMessage[] = [];
  const files = memoryFileStore();
  const histories = new Map<string, WidgetHistoryItem[]>();
  const typing: string[] = [];
  const seen: string[] = [];
  let failSink = false;
  const visitors: TestVisitor[] = [];
  const visit = async (token?: string) => {
    const visitor = await connectVisitor(http.url, {
      siteKey: SITE_KEY,
      ...(token ? { token } : {}),
    });
    visitors.push(visitor);
    return visitor;
  };

  beforeAll(async () => {
    http = await startHttp();
    adapter = createWidgetChannel(
      widgetOptions({
        files,
        maxFileBytes: 1024,
        history: async (chatId) => histories.get(chatId) ?? [],
        anyoneOnline: async () => false,
        onTyping: (chatId) => typing.push(chatId),
        onSeen: async (chatId) => {
          seen.push(chatId);
        },
      }),
    );
    adapter.attach(http.server);
    await adapter.start(async (message) => {
      if (failSink) throw new Error('database down');
      received.push(message);
    });
  });
  afterAll(async () => {
    for (const visitor of visitors) visitor.close();
    await adapter.stop();
    await http.close();
  });
  beforeEach(() => {
    received.length = 0;
    failSink = false;
  });

  it('introduces a new visitor: a signed token, no history, the form and who is online', async () => {
    const visitor = await visit();
    expect(visitor.hello).toEqual({
      ok: true,
      token: expect.stringMatching(/^[\w-]{16,}\.[\w-]{40,}$/),
      history: [],
      prechatFields: ['name', 'phone'],
      online: false,
      maxFileBytes: 1024,
    });
  });

  it('refuses a flood from one visitor before anything is stored, whichever tab it comes from', async () => {
    const tab = await visit();
    const otherTab = await visit(tab.hello.token);
    const before = received.filter((m) => m.chatId === tab.visitorId).length;
    const replies = [];
    for (let n = 0; n < 12; n++) replies.push(await tab.send({ text: `flood ${n}` }));
    for (let n = 12; n < 25; n++) replies.push(await otherTab.send({ text: `flood ${n}` }));
    const refused = replies.filter((reply) => !reply.ok);
    expect(replies.filter((reply) => reply.ok)).toHaveLength(20);
    expect(refused).toHaveLength(5);
    expect(refused.every((reply) => !reply.ok && reply.error === 'rate_limited')).toBe(true);
    expect(received.filter((m) => m.chatId === tab.visitorId).length - before).toBe(20);
  });

  it('refuses a wrong site key', async () => {
    const socket = await connectSocket(http.url);
    expect(await sayHello(socket, 'other-site')).toEqual({ ok: false, error: 'site_key' });
    socket.close();
  });

  it('keeps a returning visitor and their history; a forged token gets a fresh identity', async () => {
    const first = await visit();
    histories.set(first.visitorId, [
      {
        id: `${first.visitorId}:abcdef0123`,
        direction: 'inbound',
        text: 'Привет',
        attachments: [],
        sentAt: new Date('2025-03-04T10:00:00Z'),
        read: true,
      },
      {
        id: 'reply-1',
        direction: 'outbound',
        text: 'Здравствуйте!',
        attachments: [{ kind: 'document', fileRef: 'file-9', name: 'price.pdf' }],
        sentAt: new Date('2025-03-04T10:01:00Z'),
      },
    ]);
    const again = await visit(first.hello.token);
    expect(again.visitorId).toBe(first.visitorId);
    expect(again.hello.ok && again.hello.history).toEqual([
      {
        id: 'abcdef0123',
        direction: 'inbound',
        text: 'Привет',
        attachments: [],
        sentAt: '2025-03-04T10:00:00.000Z',
        read: true,
      },
      {
        id: 'reply-1',
        direction: 'outbound',
        text: 'Здравствуйте!',
        attachments: [{ name: 'price.pdf', url: 'https://hub.example/files/file-9/price.pdf' }],
        sentAt: '2025-03-04T10:01:00.000Z',
      },
    ]);

    const forged = await visit(`${first.visitorId}.${'A'.repeat(43)}`);
    expect(forged.visitorId).not.toBe(first.visitorId);
    expect(forged.hello.history).toEqual([]);
  });

  it('sends nothing on before the visitor said hello', async () => {
    const socket = await connectSocket(http.url);
    const reply = await socket
      .timeout(5000)
      .emitWithAck('message', { id: 'early-message-1', text: 'hi' });
    expect(reply).toEqual({ ok: false, error: 'no_hello' });
    expect(received).toHaveLength(0);
    socket.close();
  });

  it('passes the first message with contacts and origin, later ones without origin', async () => {
    const visitor = await visit();
    const page = {
      url: 'https://acme.example/?utm_source=google&utm_medium=cpc',
      referrer: 'https://google.com/',
    };
    const first = await visitor.send({
      id: 'first-message-1',
      text: '  Нужна консультация ',
      prechat: { name: 'Олег', email: 'oleg@example.com' },
      page,
    });
    const second = await visitor.send({ id: 'second-message', text: 'Алло?', page });
    expect(first).toEqual({
      ok: true,
      item: expect.objectContaining({
        id: 'first-message-1',
        direction: 'inbound',
        text: 'Нужна консультация',
      }),
    });
    expect(second.ok).toBe(true);
    expect(received).toEqual([
      expect.objectContaining({
        channel: 'widget',
        externalId: `${visitor.visitorId}:first-message-1`,
        chatId: visitor.visitorId,
        senderName: 'Олег',
        email: 'oleg@example.com',
        text: 'Нужна консультация',
        origin: {
          pageUrl: page.url,
          referrer: page.referrer,
          utm: { source: 'google', medium: 'cpc' },
        },
      }),
      expect.objectContaining({ externalId: `${visitor.visitorId}:second-message`, text: 'Алло?' }),
    ]);
    expect(received[1]!.origin).toBeUndefined();
  });

  it('resends a message under the same external id after a reconnect', async () => {
    const tab = await visit();
    await tab.send({ id: 'resent-message', text: 'Ответьте' });
    tab.close();
    const back = await visit(tab.hello.token);
    await back.send({ id: 'resent-message', text: 'Ответьте' });
    expect(received.map((message) => message.externalId)).toEqual([
      `${tab.visitorId}:resent-message`,
      `${tab.visitorId}:resent-message`,
    ]);
  });

  it('stores an uploaded file and passes it as an attachment', async () => {
    const visitor = await visit();
    const data = Buffer.from('%PDF-1.4 plan');
    const reply = await visitor.send({
      files: [{ name: 'plan.pdf', type: 'application/pdf', data }],
    });
    const [stored] = [...files.stored.values()];
    expect(stored).toMatchObject({
      name: 'plan.pdf',
      mimeType: 'application/pdf',
      size: data.length,
    });
    expect(stored!.data.equals(data)).toBe(true);
    expect(received[0]!.attachments).toEqual([
      {
        kind: 'document',
        fileRef: stored!.id,
        name: 'plan.pdf',
        mimeType: 'application/pdf',
        size: data.length,
      },
    ]);
    expect(reply).toMatchObject({
      ok: true,
      item: {
        attachments: [
          { name: 'plan.pdf', url: `https://hub.example/files/${stored!.id}/plan.pdf` },
        ],
      },
    });
  });

  it('refuses a file over the limit and an empty message, storing nothing', async () => {
    const visitor = await visit();
    const before = files.stored.size;
    const big = await visitor.send({
      files: [{ name: 'big.bin', type: '', data: Buffer.alloc(2048) }],
    });
    const empty = await visitor.send({ text: '   ' });
    expect(big).toEqual({ ok: false, error: 'too_large' });
    expect(empty).toEqual({ ok: false, error: 'invalid' });
    expect(files.stored.size).toBe(before);
    expect(received).toHaveLength(0);
  });

  it('tells the visitor when their message could not be stored', async () => {
    const visitor = await visit();
    failSink = true;
    expect(await visitor.send({ text: 'hello' })).toEqual({ ok: false, error: 'failed' });
  });

  it('reaches every tab of a visitor, and succeeds with none open', async () => {
    const tabA = await visit();
    const tabB = await visit(tabA.hello.token);
    await tabA.send({ id: 'from-tab-a-1', text: 'из вкладки A' });
    await adapter.send(tabA.visitorId, { key: 'reply-key-1', text: 'Ответ', attachments: [] });
    await eventually(async () => tabA.received.length === 1 && tabB.received.length === 2);
    expect(tabB.received).toEqual([
      expect.objectContaining({ id: 'from-tab-a-1', direction: 'inbound' }),
      expect.objectContaining({ id: 'reply-key-1', direction: 'outbound', text: 'Ответ' }),
    ]);
    // The history keeps it for a visitor with no tab open.
    await expect(
      adapter.send('VisitorWithNoOpenTab', { text: 'later', attachments: [] }),
    ).resolves.toEqual({ externalId: expect.any(String) });
  });

  it('passes typing and seen both ways', async () => {
    const visitor = await visit();
    visitor.socket.emit('typing');
    visitor.socket.emit('seen', { upTo: 'reply-1' });
    adapter.typing(visitor.visitorId);
    adapter.markRead(visitor.visitorId);
    await eventually(
      async () =>
        typing.includes(visitor.visitorId) &&
        seen.includes(visitor.visitorId) &&
        visitor.typings === 1 &&
        visitor.reads === 1,
    );
  });
});
