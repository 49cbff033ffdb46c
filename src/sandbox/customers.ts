import { randomUUID } from 'node:crypto';
import { viberSignature } from '../../channels/viber/signature';
import type { Locale } from '../domain/user';
import { DEMO_CUSTOMERS } from './demo-people';
import type { SandboxCredentials } from './sandbox-env';
import type { StandIns } from './stand-ins/stand-in-server';

export type CustomerChannel = 'telegram' | 'vk' | 'viber';

/**
 * The page's customers write as each messenger would deliver their message: the Telegram one
 * through the Bot API stand-in's updates, the VK and Viber ones by calling the hub's own webhooks,
 * signed as VK (the callback secret) and Viber (HMAC-SHA256 of the body) sign them.
 */
export class SandboxCustomers {
  private nextVkMessage = 1;

  constructor(
    private readonly deps: {
      standIns: StandIns;
      credentials: SandboxCredentials;
      hubUrl: () => string;
      language: Locale;
    },
  ) {}

  async say(channel: CustomerChannel, text: string): Promise<void> {
    const { standIns, language } = this.deps;
    if (channel === 'telegram') {
      const { id, name } = DEMO_CUSTOMERS.telegram;
      standIns.telegram.say('customer', { id, name, language }, text);
      return;
    }
    const customer = DEMO_CUSTOMERS[channel];
    standIns.log.add({
      service: channel,
      chatId: String(customer.id),
      from: 'user',
      author: customer.name,
      text,
    });
    const response = channel === 'vk' ? await this.postVk(text) : await this.postViber(text);
    if (!response.ok) throw new Error(`the ${channel} webhook answered ${response.status}`);
  }

  private postVk(text: string): Promise<Response> {
    const { credentials } = this.deps;
    const id = this.nextVkMessage++;
    const peer = DEMO_CUSTOMERS.vk.id;
    return this.post(
      '/webhooks/vk',
      {},
      {
        type: 'message_new',
        event_id: randomUUID(),
        v: '5.199',
        group_id: credentials.vkGroupId,
        secret: credentials.vkSecret,
        object: {
          message: {
            id,
            date: Math.floor(Date.now() / 1000),
            peer_id: peer,
            from_id: peer,
            text,
            out: 0,
            attachments: [],
            conversation_message_id: id,
          },
          client_info: {},
        },
      },
    );
  }

  private postViber(text: string): Promise<Response> {
    const body = JSON.stringify({
      event: 'message',
      timestamp: Date.now(),
      chat_hostname: 'SN-CHAT-01_',
      message_token: Date.now(),
      sender: {
        id: DEMO_CUSTOMERS.viber.id,
        name: DEMO_CUSTOMERS.viber.name,
        language: this.deps.language,
        country: 'RU',
        api_version: 10,
      },
      message: { type: 'text', text },
      silent: false,
    });
    const signature = viberSignature(Buffer.from(body), this.deps.credentials.viberToken);
    return this.post('/webhooks/viber', { 'x-viber-content-signature': signature }, body);
  }

  private post(path: string, headers: Record<string, string>, body: unknown): Promise<Response> {
    return fetch(`${this.deps.hubUrl()}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  }
}
