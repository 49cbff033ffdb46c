import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChatLog } from './chat-log';
import { BotApiMethods, type StoredFile } from './bot-api-methods';
import {
  chatOf,
  sender,
  type BotName,
  type Group,
  type Json,
  type PageUser,
} from './bot-api-shapes';
import { parseBotApiBody } from './multipart';

export type { BotName, PageUser } from './bot-api-shapes';
export type { StoredFile } from './bot-api-methods';

/** Long polls are answered at most this late even with nothing new (grammY asks for 30 s). */
const MAX_POLL_MS = 25_000;

/**
 * The part of the Telegram Bot API the hub's two bots call, on loopback, in memory: it records what
 * the bots send into the chat log and hands people's messages and button presses to the bots as
 * updates through long polling (`getUpdates`), the hub's default mode. Written here rather than
 * taken from `telegram-test-api`, which knows no sendPhoto/sendDocument/setMyCommands, spins on
 * long polls and keeps messages only for a while; this one is the page's single source of truth.
 * This file is the update side (people's messages, presses, long polls); the methods the bots
 * call are answered by `bot-api-methods.ts`.
 */
export class BotApiStandIn {
  private readonly queues = new Map<BotName, Json[]>();
  private readonly pollers = new Map<BotName, (() => void)[]>();
  private readonly methods: BotApiMethods;
  private nextUpdateId = 1;
  private closed = false;

  constructor(
    private readonly log: ChatLog,
    private readonly tokens: Record<BotName, string>,
    /** Where the page fetches a stored file by its id. */
    fileUrl: (id: string) => string,
  ) {
    this.methods = new BotApiMethods(log, tokens, fileUrl);
  }

  file(id: string): StoredFile | undefined {
    return this.methods.file(id);
  }

  /** Serves `/bot<token>/<method>`; a path for another token is refused as Telegram does. */
  handle(request: IncomingMessage, body: Buffer, response: ServerResponse): void {
    const match = /^\/bot([^/]+)\/(\w+)/.exec(request.url ?? '');
    const bot = (Object.keys(this.tokens) as BotName[]).find((b) => this.tokens[b] === match?.[1]);
    const reply = (payload: unknown, status = 200) => {
      if (response.destroyed || response.writableEnded) return;
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(payload));
    };
    if (!match || !bot)
      return reply({ ok: false, error_code: 401, description: 'Unauthorized' }, 401);
    const fields = parseBotApiBody(request.headers['content-type'] ?? '', body);
    const method = match[2]!;
    if (method === 'getUpdates') return this.poll(bot, fields, reply);
    const result = this.methods.call(bot, method, fields);
    if (result === undefined) {
      return reply(
        { ok: false, error_code: 400, description: 'Bad Request: message not found' },
        400,
      );
    }
    reply({ ok: true, result });
  }

  /**
   * Someone on the page writes to a bot, in a private chat or (with `group`) in a group, maybe
   * replying to one of the bot's messages.
   */
  say(
    bot: BotName,
    user: PageUser,
    text: string,
    options: { group?: Group; replyTo?: number } = {},
  ): void {
    const { group, replyTo } = options;
    const chatId = String(group?.id ?? user.id);
    const original = replyTo === undefined ? undefined : this.log.find(bot, chatId, replyTo);
    const stored = this.log.add({
      service: bot,
      chatId,
      from: 'user',
      author: user.name,
      text,
      ...(original ? { replyTo: original.id } : {}),
    });
    const command = /^\/\w+/.exec(text)?.[0];
    this.queue(bot, {
      message: {
        message_id: stored.id,
        date: Math.floor(stored.at / 1000),
        from: sender(user),
        chat: chatOf(user, group),
        text,
        ...(original
          ? {
              reply_to_message: {
                message_id: original.id,
                date: Math.floor(original.at / 1000),
                chat: chatOf(user, group),
                ...(original.from === 'bot'
                  ? { from: this.methods.me(bot) }
                  : { from: sender(user) }),
                ...(original.text ? { text: original.text } : {}),
              },
            }
          : {}),
        ...(command
          ? { entities: [{ type: 'bot_command', offset: 0, length: command.length }] }
          : {}),
      },
    });
  }

  /** Someone presses an inline button under a bot's message. */
  press(
    bot: BotName,
    user: PageUser,
    chatId: string,
    messageId: number,
    data: string,
    group?: Group,
  ): boolean {
    const message = this.log.find(bot, chatId, messageId);
    const exists = message?.buttons?.flat().some((button) => button.callbackData === data);
    if (!message || !exists) return false;
    const id = randomBytes(8).toString('hex');
    this.methods.callbacks.set(id, { bot, chatId });
    this.queue(bot, {
      callback_query: {
        id,
        from: sender(user),
        chat_instance: chatId,
        data,
        message: {
          message_id: messageId,
          date: Math.floor(message.at / 1000),
          chat: chatOf(user, group),
          ...(message.text ? { text: message.text } : {}),
        },
      },
    });
    return true;
  }

  /** Answers waiting long polls empty, so the bots let go before the hub stops them. */
  close(): void {
    this.closed = true;
    for (const bot of this.pollers.keys()) this.wake(bot);
  }

  reset(): void {
    this.queues.clear();
    this.methods.reset();
  }

  private queue(bot: BotName, update: Json): void {
    const queue = this.queues.get(bot) ?? [];
    queue.push({ ...update, update_id: this.nextUpdateId++ });
    this.queues.set(bot, queue);
    this.wake(bot);
  }

  private wake(bot: BotName): void {
    const waiting = this.pollers.get(bot) ?? [];
    this.pollers.set(bot, []);
    for (const wake of waiting) wake();
  }

  private poll(bot: BotName, fields: Json, reply: (payload: unknown) => void): void {
    const offset = Number(fields.offset ?? 0);
    // Updates below the offset were confirmed by the bot: Telegram forgets them.
    const queue = (this.queues.get(bot) ?? []).filter((u) => Number(u.update_id) >= offset);
    this.queues.set(bot, queue);
    const waitMs = Math.min(Number(fields.timeout ?? 0) * 1000, MAX_POLL_MS);
    if (queue.length > 0 || waitMs === 0 || this.closed) return reply({ ok: true, result: queue });
    const answer = () => {
      clearTimeout(timer);
      reply({ ok: true, result: this.queues.get(bot) ?? [] });
    };
    const timer = setTimeout(answer, waitMs);
    const waiting = this.pollers.get(bot) ?? [];
    waiting.push(answer);
    this.pollers.set(bot, waiting);
  }
}
