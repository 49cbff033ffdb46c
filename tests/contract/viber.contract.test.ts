import { createViberChannel } from '../../channels/viber/viber.channel';
import { normalizeViberEvent } from '../../channels/viber/normalize';
import type { InboundMessage } from '../../src/domain/message';
import { FakeViber } from '../support/fake-viber';
import { readdirSync } from 'node:fs';
import {
  AUTH_TOKEN,
  BOT_NAME,
  FIXTURES,
  fixture,
  signed,
  SUBSCRIBER,
} from '../support/viber-fixtures';
import { describeChannelContract } from './channel-contract';

const olga = { senderId: SUBSCRIBER, chatId: SUBSCRIBER, senderName: 'Ольга Смирнова' };

const expectations: Record<string, Partial<InboundMessage> | null> = {
  'message-text': {
    ...olga,
    externalId: '5961493820412557911',
    text: 'Добрый день! Сколько стоит доставка дивана в Казань?',
    attachments: [],
    sentAt: new Date(1718018453262),
  },
  'message-picture': {
    ...olga,
    externalId: '5961494097861371208',
    text: 'Вот такой нужен',
    attachments: [
      {
        kind: 'photo',
        fileRef: expect.stringMatching(/^https:\/\/dl-media\.viber\.com\/.+\.jpg$/),
        name: 'IMG_20240610_142145.jpg',
        size: 248319,
      },
    ],
    sentAt: new Date(1718018519004),
  },
  'message-file': {
    ...olga,
    externalId: '5961494457218094117',
    attachments: [
      {
        kind: 'document',
        fileRef: expect.stringMatching(/\.pdf$/),
        name: 'Реквизиты ООО Ромашка.pdf',
        size: 183442,
      },
    ],
  },
  'message-video': {
    ...olga,
    externalId: '5961494806735260390',
    attachments: [{ kind: 'video', fileRef: expect.stringMatching(/\.mp4$/), size: 3145728 }],
  },
  'message-contact': {
    ...olga,
    externalId: '5961495035288730641',
    phone: '+79161234567',
    text: 'Ольга Смирнова +79161234567',
    attachments: [],
  },
  'conversation-started': null,
  subscribed: null,
  unsubscribed: null,
  delivered: null,
  seen: null,
  failed: null,
  webhook: null,
};

describeChannelContract('viber', {
  normalize: normalizeViberEvent,
  fixtures: Object.entries(expectations).map(([name, expected]) => ({
    name,
    raw: fixture(name),
    expected,
  })),
  startFake: () => FakeViber.start(AUTH_TOKEN),
  createAdapter: async (fake) =>
    createViberChannel({
      authToken: AUTH_TOKEN,
      apiBaseUrl: (fake as FakeViber).url,
      botName: BOT_NAME,
    }),
  chatId: () => SUBSCRIBER,
  webhookRequest: (raw, signature) => signed(raw, signature),
});

it('has an expectation for every recorded Viber callback', () => {
  const recorded = readdirSync(FIXTURES).map((file) => file.replace(/\.json$/, ''));
  expect(recorded.sort()).toEqual(Object.keys(expectations).sort());
});
