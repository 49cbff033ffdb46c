import { EventEmitter, once } from 'node:events';
import type { Server } from 'node:http';
import express from 'express';
import TelegramServer from 'telegram-test-api';
import type { StoredBotUpdate } from 'telegram-test-api/lib/telegramServer';
import { freePort } from './ports';

type Client = ReturnType<TelegramServer['getClient']>;
type Button = { text: string; callback_data?: string };

/**
 * The fake answers a client's update before its webhook call ends; counting relayed updates tells
 * a test when the hub has finished with everything it was sent.
 */
class RelayProgress {
  private sent = 0;
  private done = 0;
  private readonly events = new EventEmitter();

  expectOne(): number {
    return ++this.sent;
  }

  finished(): void {
    this.done++;
    this.events.emit('done');
  }

  async until(count: number): Promise<void> {
    while (this.done < count) await once(this.events, 'done');
  }
}

/**
 * The Bot API faked on loopback by telegram-test-api, in webhook mode. The fake sends no
 * secret-token header, so a small relay in front of the hub adds it, as Telegram does.
 */
export class FakeTelegram {
  private constructor(
    readonly server: TelegramServer,
    private readonly relay: Server,
    readonly token: string,
    private readonly progress: RelayProgress,
    /** Give this to the hub as PUBLIC_URL: the hub's setWebhook then points the fake here. */
    readonly publicUrl: string,
  ) {}

  static async start(options: { token: string; hubUrl: () => string; secret: string }) {
    const server = new TelegramServer({
      port: await freePort(),
      host: '127.0.0.1',
      storeTimeout: 600,
    });
    await server.start();
    const progress = new RelayProgress();
    const app = express();
    // Any path: the hub registers `${PUBLIC_URL}/webhooks/telegram/manager` itself.
    app.use(express.json(), async (req, res) => {
      const response = await fetch(options.hubUrl(), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-telegram-bot-api-secret-token': options.secret,
        },
        body: JSON.stringify(req.body),
      });
      const body = await response.text();
      res.status(response.status).send(body);
      progress.finished();
    });
    const relayPort = await freePort();
    const relay = await new Promise<Server>((resolve) => {
      const listening = app.listen(relayPort, '127.0.0.1', () => resolve(listening));
    });
    return new FakeTelegram(
      server,
      relay,
      options.token,
      progress,
      `http://127.0.0.1:${relayPort}`,
    );
  }

  get apiRoot(): string {
    return this.server.config.apiURL;
  }

  user(id: number, firstName: string, languageCode = 'ru'): FakeUser {
    const client = this.server.getClient(this.token, {
      userId: id,
      chatId: id,
      firstName,
      userName: `user${id}`,
    });
    return new FakeUser(client, this.server, this.token, id, languageCode, this.progress);
  }

  /** A person writing in a group chat the bot is in. */
  member(id: number, firstName: string, groupId: number, languageCode = 'ru'): FakeUser {
    const client = this.server.getClient(this.token, {
      userId: id,
      chatId: groupId,
      firstName,
      userName: `user${id}`,
      type: 'supergroup',
    });
    return new FakeUser(client, this.server, this.token, id, languageCode, this.progress);
  }

  /** What the bot sent to a chat (a group's, say), oldest first. */
  chatTexts(chatId: number): string[] {
    return this.server.storage.botMessages
      .filter(
        (update) =>
          update.botToken === this.token && String(update.message.chat_id) === String(chatId),
      )
      .map((update) => update.message.text);
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.relay.close(resolve));
    await this.server.stop();
  }
}

/** One person talking to the bot: sends commands, reads what the bot said, presses buttons. */
export class FakeUser {
  constructor(
    private readonly client: Client,
    private readonly server: TelegramServer,
    private readonly token: string,
    readonly id: number,
    private readonly languageCode: string,
    private readonly progress: RelayProgress,
  ) {}

  /** Sends an update and waits until the hub has handled it. */
  private async deliver(send: () => Promise<unknown>): Promise<void> {
    const count = this.progress.expectOne();
    await send();
    await this.progress.until(count);
  }

  async command(text: string): Promise<void> {
    const command = this.client.makeCommand(text);
    (command.from as { language_code?: string }).language_code = this.languageCode;
    await this.deliver(() => this.client.sendCommand(command));
  }

  /** Answers a bot message by replying to it, with text or a document. */
  async reply(
    to: StoredBotUpdate['message'],
    content: { text?: string; document?: { file_id: string; file_name: string } },
  ): Promise<void> {
    const message = this.client.makeMessage(content.text ?? '', {
      reply_to_message: { message_id: (to as { message_id?: number }).message_id },
      ...(content.document ? { document: content.document } : {}),
    } as never);
    await this.deliver(() => this.client.sendMessage(message));
  }

  /** Writes in the chat without replying to anything, as one answers the bot's question. */
  async say(content: {
    text?: string;
    document?: { file_id: string; file_name: string };
  }): Promise<void> {
    const message = this.client.makeMessage(content.text ?? '', {
      ...(content.document ? { document: content.document } : {}),
    } as never);
    await this.deliver(() => this.client.sendMessage(message));
  }

  /** Everything the bot sent this person, oldest first. */
  history(): StoredBotUpdate['message'][] {
    return this.server.storage.botMessages
      .filter(
        (update) =>
          update.botToken === this.token && String(update.message.chat_id) === String(this.id),
      )
      .map(
        (update) =>
          ({ ...update.message, message_id: update.messageId }) as StoredBotUpdate['message'],
      );
  }

  texts(): string[] {
    return this.history().map((message) => message.text);
  }

  lastText(): string {
    return this.texts().at(-1) ?? '';
  }

  /**
   * Sends a callback with any data, as a forged or replayed button would; `on`: the message the
   * button claims to sit on.
   */
  async sendCallbackData(data: string, on?: StoredBotUpdate['message']): Promise<void> {
    const query = this.client.makeCallbackQuery(
      data,
      on ? { message: { message_id: (on as { message_id?: number }).message_id } } : {},
    );
    (query.from as { language_code?: string }).language_code = this.languageCode;
    await this.deliver(() => this.client.sendCallback(query));
  }

  /** Presses a button of the newest message that has one with this label (or callback data). */
  async press(label: string | RegExp, from?: StoredBotUpdate['message']): Promise<void> {
    const matches = (button: Button) =>
      typeof label === 'string'
        ? button.text === label || button.callback_data === label
        : label.test(button.text);
    const messages = from ? [from] : [...this.history()].reverse();
    for (const message of messages) {
      const rows =
        (message.reply_markup as { inline_keyboard?: Button[][] } | undefined)?.inline_keyboard ??
        [];
      const button = rows.flat().find(matches);
      if (!button?.callback_data) continue;
      // Telegram sends the pressed message with its text and buttons, as the bot last showed it.
      const query = this.client.makeCallbackQuery(button.callback_data, {
        message: {
          message_id: (message as { message_id?: number }).message_id,
          text: message.text,
          ...(message.reply_markup ? { reply_markup: message.reply_markup } : {}),
        },
      });
      (query.from as { language_code?: string }).language_code = this.languageCode;
      await this.deliver(() => this.client.sendCallback(query));
      return;
    }
    throw new Error(`no button ${String(label)} in: ${JSON.stringify(this.texts())}`);
  }
}

/** The inline buttons of a bot message, in order. */
export function buttonsOf(message: StoredBotUpdate['message']): Button[] {
  return (
    (message.reply_markup as { inline_keyboard?: Button[][] } | undefined)?.inline_keyboard ?? []
  ).flat();
}
