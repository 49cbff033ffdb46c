import {
  createWidgetChannel,
  normalizeWidgetMessage,
  type WidgetInbound,
} from '../../channels/widget';
import {
  describeChannelContract,
  type ContractFixture,
  type FakeChannelApi,
} from './channel-contract';
import {
  connectVisitor,
  type TestVisitor,
  SITE_KEY,
  startHttp,
  widgetOptions,
} from '../support/widget-visitor';
import type { LoopbackServer } from '../support/http-fake';

const widgetRaw = (overrides: Partial<WidgetInbound>): WidgetInbound => ({
  visitorId: 'Vq3xYp0aZk8sLm2nQw9eRt',
  clientId: 'c0ffee00deadbeef',
  attachments: [],
  first: false,
  receivedAt: new Date('2025-03-04T10:00:00Z'),
  ...overrides,
});

const fixtures: ContractFixture[] = [
  {
    name: 'first message with the pre-chat form, page and UTM tags',
    raw: widgetRaw({
      text: 'Сколько стоит окно 120×140?',
      first: true,
      prechat: { name: 'Анна', phone: '+7 916 123-45-67' },
      page: {
        url: 'https://acme.example/windows?utm_source=yandex&utm_campaign=spring',
        referrer: 'https://ya.ru/',
      },
    }),
    expected: {
      externalId: 'Vq3xYp0aZk8sLm2nQw9eRt:c0ffee00deadbeef',
      senderId: 'Vq3xYp0aZk8sLm2nQw9eRt',
      chatId: 'Vq3xYp0aZk8sLm2nQw9eRt',
      senderName: 'Анна',
      phone: '+7 916 123-45-67',
      text: 'Сколько стоит окно 120×140?',
      origin: {
        pageUrl: 'https://acme.example/windows?utm_source=yandex&utm_campaign=spring',
        referrer: 'https://ya.ru/',
        utm: { source: 'yandex', campaign: 'spring' },
      },
    },
  },
  {
    name: 'later message: no origin even when the page is sent',
    raw: widgetRaw({
      text: 'И ещё вопрос',
      page: { url: 'https://acme.example/?utm_source=vk' },
    }),
    expected: { text: 'И ещё вопрос' },
  },
  {
    name: 'a file without text',
    raw: widgetRaw({
      attachments: [{ kind: 'photo', fileRef: 'f1', name: 'plan.png', mimeType: 'image/png' }],
    }),
    expected: {
      attachments: [{ kind: 'photo', fileRef: 'f1', name: 'plan.png', mimeType: 'image/png' }],
    },
  },
  { name: 'nothing to say', raw: widgetRaw({}), expected: null },
];

/** The fake "channel API" of a socket channel is a visitor connected to the adapter's server. */
type WidgetFake = FakeChannelApi & { http: LoopbackServer; visitor?: TestVisitor };

describeChannelContract('widget', {
  normalize: (raw) => normalizeWidgetMessage(raw as WidgetInbound),
  fixtures,
  rateLimited: false,
  async startFake() {
    const http = await startHttp();
    const fake: WidgetFake = {
      http,
      deliveries: () =>
        (fake.visitor?.received ?? []).map((item) => ({
          chatId: fake.visitor!.visitorId,
          // The page shows items by id: a repeat replaces the first (widget/README.md).
          id: item.id,
          ...(item.text ? { text: item.text } : {}),
          ...(item.attachments.length > 0
            ? { file: item.attachments.map((file) => file.name).join(',') }
            : {}),
        })),
      rateLimitNext: () => {
        throw new Error('a socket channel has no rate limits');
      },
      failNext: () => {
        throw new Error('a socket channel has no API to fail');
      },
      async close() {
        fake.visitor?.close();
        await http.close();
      },
    };
    return fake;
  },
  async createAdapter(fake) {
    const widgetFake = fake as WidgetFake;
    const adapter = createWidgetChannel(widgetOptions());
    adapter.attach(widgetFake.http.server);
    widgetFake.visitor = await connectVisitor(widgetFake.http.url, { siteKey: SITE_KEY });
    return adapter;
  },
  chatId: (fake) => (fake as WidgetFake).visitor!.visitorId,
  // A browser retrying a message it got no acknowledgement for sends the same client-side id.
  deliverAsCustomer: async (fake) => {
    const reply = await (fake as WidgetFake).visitor!.send({
      id: 'retried0000000000000000000000000',
      text: 'Можно счёт на юрлицо?',
    });
    return reply.ok;
  },
});

it("says by its type that the widget keeps its files in the hub's store", () => {
  // Compiles only while WidgetChannel declares `fetchFile?: undefined`.
  const kept: undefined = createWidgetChannel(widgetOptions()).fetchFile;
  expect(kept).toBeUndefined();
});
