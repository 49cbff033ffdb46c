import { multiAccount } from '../../channels/accounts';
import { ChannelSendError, type ChannelAdapter, type InboundSink } from '../../channels/contract';
import { ConfigError, loadConfig } from '../../src/config/config';
import type { InboundMessage } from '../../src/domain/message';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('accounts in the configuration', () => {
  it('reads more bots, communities and Viber accounts beside the default ones', () => {
    const config = loadConfig({
      TELEGRAM_BOTS: 'spb=111:AAA, msk=222:BBB',
      VK_GROUPS: 'spb=218734513:vk1.a.token:callback-secret:a1b2c3d4',
      VIBER_ACCOUNTS: 'spb=4453b6ac-e02c5f12',
      PUBLIC_URL: 'https://crm.example.ru',
    });
    expect(config.env.TELEGRAM_BOTS).toEqual([
      { account: 'spb', credentials: '111:AAA' },
      { account: 'msk', credentials: '222:BBB' },
    ]);
    expect(config.env.VK_GROUPS).toEqual([
      {
        account: 'spb',
        credentials: {
          groupId: 218734513,
          token: 'vk1.a.token',
          secret: 'callback-secret',
          confirmationCode: 'a1b2c3d4',
        },
      },
    ]);
    expect(config.env.VIBER_ACCOUNTS).toEqual([
      { account: 'spb', credentials: '4453b6ac-e02c5f12' },
    ]);
    // A channel with named accounts only is on as well.
    expect(config.enabledChannels).toEqual(['telegramCustomer', 'vk', 'viber']);
  });

  it('refuses a bad or repeated account name without echoing the tokens', () => {
    const problems = [
      ...problemsOf({ TELEGRAM_BOTS: 'Spb Bot=111:SECRETTOKEN' }),
      ...problemsOf({ TELEGRAM_BOTS: 'spb=111:SECRETTOKEN,spb=222:SECRETTOKEN' }),
      ...problemsOf({ VK_GROUPS: 'spb=not-a-number:SECRETTOKEN:s:c' }),
    ];
    expect(problems).toEqual([
      expect.stringMatching(/^TELEGRAM_BOTS: expected name=token pairs/),
      'TELEGRAM_BOTS: expected each account name once',
      expect.stringMatching(/^VK_GROUPS: expected name=group id:token:secret/),
    ]);
    expect(problems.join('\n')).not.toContain('SECRETTOKEN');
  });

  it('refuses one bot configured twice', () => {
    expect(
      problemsOf({ TELEGRAM_CUSTOMER_BOT_TOKEN: '111:AAA', TELEGRAM_BOTS: 'spb=111:AAA' }),
    ).toEqual([expect.stringMatching(/^TELEGRAM_BOTS: a bot token is used twice/)]);
  });

  it('requires a public URL for more Viber accounts, as for the default one', () => {
    expect(problemsOf({ VIBER_ACCOUNTS: 'spb=viber-token' })).toEqual([
      expect.stringMatching(/^PUBLIC_URL: required when VIBER_ACCOUNTS is set/),
    ]);
  });
});

/** One account's adapter, with what it was asked to send and a way to make it receive. */
function fakeAccount(name: string) {
  const sent: string[] = [];
  let sink: InboundSink | undefined;
  const adapter: ChannelAdapter = {
    id: 'telegram',
    webhook: { path: '/webhooks/telegram/customer', handle: async () => ({ status: 200 }) },
    async start(next) {
      sink = next;
    },
    async stop() {},
    async send(chatId) {
      sent.push(chatId);
      return { externalId: `${chatId}:1` };
    },
    async fetchFile(fileRef) {
      return { data: Buffer.from(`${name} has ${fileRef}`) };
    },
  };
  return { adapter, sent, receive: (message: InboundMessage) => sink!(message) };
}

const inbound = (): InboundMessage => ({
  channel: 'telegram',
  externalId: '42:7',
  senderId: '42',
  chatId: '42',
  attachments: [{ kind: 'document', fileRef: 'BQACAgI' }],
  sentAt: new Date(0),
});

describe('the accounts of one channel as one adapter', () => {
  const main = fakeAccount('main');
  const spb = fakeAccount('spb');
  const channel = multiAccount([
    { adapter: main.adapter },
    { account: 'spb', adapter: spb.adapter },
  ]);
  const received: InboundMessage[] = [];
  beforeAll(() => channel.start(async (message) => void received.push(message)));

  it("mounts each account's webhook at its own path", () => {
    expect(channel.webhooks?.map((webhook) => webhook.path)).toEqual([
      '/webhooks/telegram/customer',
      '/webhooks/telegram/customer/spb',
    ]);
  });

  it("stamps a named account's messages, its ids and files, and leaves the default's as stored before", async () => {
    await main.receive(inbound());
    await spb.receive(inbound());
    expect(received).toEqual([
      inbound(),
      {
        ...inbound(),
        account: 'spb',
        externalId: 'spb/42:7',
        attachments: [{ kind: 'document', fileRef: 'spb/BQACAgI' }],
      },
    ]);
    expect(String((await channel.fetchFile!('spb/BQACAgI')).data)).toBe('spb has BQACAgI');
    expect(String((await channel.fetchFile!('BQACAgI')).data)).toBe('main has BQACAgI');
  });

  it('sends through the account named, and never through another', async () => {
    const message = { text: 'hi', attachments: [] };
    expect(await channel.send('42', message, 'spb')).toEqual({ externalId: 'spb/42:1' });
    expect(await channel.send('43', message)).toEqual({ externalId: '43:1' });
    expect([main.sent, spb.sent]).toEqual([['43'], ['42']]);

    const error = await channel.send('44', message, 'msk').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ChannelSendError);
    expect((error as ChannelSendError).retryable).toBe(true);
    expect([main.sent, spb.sent]).toEqual([['43'], ['42']]);
  });
});
