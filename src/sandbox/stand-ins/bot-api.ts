import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChatCommand, ChatFile, ChatLog, InlineButton } from './chat-log';
import { objectField, parseBotApiBody, type FormValue } from './multipart';

export type BotName = 'manager' | 'customer';

/** A person on the page, as Telegram describes the sender of an update. */
export interface PageUser {
  id: number;
  name: string;
  language: 'ru' | 'en';
}

export interface StoredFile {
  name: string;
  mimeType: string;
  data: Buffer;
}

type RawButton = { text: string; callback_data?: string; url?: string };
type Json = Record<string, unknown>;

/** Long polls are answered at most this late even with nothing new (grammY asks for 30 s). */
const MAX_POLL_MS = 25_000;

/**
 * The part of the Telegram Bot API the hub's two bots call, on loopback, in memory: it records what
 * the bots send into the chat log and hands people's messages and button presses to the bots as
 * updates through long polling (`getUpdates`), the hub's default mode. Written here rather than
 * taken from `telegram-test-api`, which knows no sendPhoto/sendDocument/setMyCommands, spins on
 * long polls and keeps messages only for a while; this one is the page's single source of truth.
 */
export class BotApiStandIn {
  private readonly queues = new Map<BotName, Json[]>();
  private readonly pollers = new Map<BotName, (() => void)[]>();
  private readonly callbacks = new Map<string, { bot: BotName; chatId: string }>();
  private readonly files = new Map<string, StoredFile>();
  private nextUpdateId = 1;
  private closed = false;

  constructor(
    private readonly log: ChatLog,
    private readonly tokens: Record<BotName, string>,
    /** Where the page fetches a stored file by its id. */
    private readonly fileUrl: (id: string) => string,
  ) {}

  file(id: string): StoredFile | undefined {
    return this.files.get(id);
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
    const result = this.call(bot, method, fields);
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
    options: { group?: { id: number; title: string }; replyTo?: number } = {},
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
        from: this.sender(user),
        chat: this.chat(user, group),
        text,
        ...(original
          ? {
              reply_to_message: {
                message_id: original.id,
                date: Math.floor(original.at / 1000),
                chat: this.chat(user, group),
                ...(original.from === 'bot' ? { from: this.me(bot) } : { from: this.sender(user) }),
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
    group?: { id: number; title: string },
  ): boolean {
    const message = this.log.find(bot, chatId, messageId);
    const exists = message?.buttons?.flat().some((button) => button.callbackData === data);
    if (!message || !exists) return false;
    const id = randomBytes(8).toString('hex');
    this.callbacks.set(id, { bot, chatId });
    this.queue(bot, {
      callback_query: {
        id,
        from: this.sender(user),
        chat_instance: chatId,
        data,
        message: {
          message_id: messageId,
          date: Math.floor(message.at / 1000),
          chat: this.chat(user, group),
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
    this.callbacks.clear();
    this.files.clear();
  }

  private sender(user: PageUser) {
    return { id: user.id, is_bot: false, first_name: user.name, language_code: user.language };
  }

  private chat(user: PageUser, group?: { id: number; title: string }) {
    return group
      ? { id: group.id, type: 'supergroup', title: group.title }
      : { id: user.id, type: 'private', first_name: user.name };
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

  /** One Bot API method; `undefined` when the message it names does not exist. */
  private call(bot: BotName, method: string, fields: Json): unknown {
    const chatId = fields.chat_id === undefined ? undefined : String(fields.chat_id);
    switch (method) {
      case 'getMe':
        return this.me(bot);
      case 'sendMessage':
      case 'sendPhoto':
      case 'sendDocument':
        return chatId === undefined ? undefined : this.send(bot, chatId, method, fields);
      case 'editMessageText':
      case 'editMessageCaption':
      case 'editMessageReplyMarkup': {
        if (chatId === undefined) return undefined;
        const text = (fields.text ?? fields.caption) as string | undefined;
        const markup = objectField<{ inline_keyboard?: RawButton[][] }>(fields.reply_markup);
        const edited = this.log.edit(bot, chatId, Number(fields.message_id), {
          ...(text !== undefined ? { text } : {}),
          // New text brings its own entities, or none, as in Telegram.
          ...(text !== undefined
            ? { entities: objectField<unknown[]>(fields.entities) ?? [] }
            : {}),
          buttons: toButtons(markup),
        });
        return edited ? this.asTelegram(bot, edited.id, chatId, edited.text) : undefined;
      }
      case 'deleteMessage':
        return chatId === undefined
          ? undefined
          : this.log.remove(bot, chatId, Number(fields.message_id)) || undefined;
      case 'answerCallbackQuery': {
        const origin = this.callbacks.get(String(fields.callback_query_id));
        this.callbacks.delete(String(fields.callback_query_id));
        if (origin && typeof fields.text === 'string' && fields.text) {
          this.log.alert(
            origin.bot,
            origin.chatId,
            fields.text,
            String(fields.show_alert) === 'true',
          );
        }
        return true;
      }
      case 'setMyCommands':
      case 'deleteMyCommands': {
        const scope = objectField<{ type?: string; chat_id?: number }>(fields.scope);
        const target = scope?.type === 'chat' ? String(scope.chat_id) : '*';
        const commands =
          method === 'setMyCommands' ? (objectField<ChatCommand[]>(fields.commands) ?? []) : [];
        this.log.setCommands(bot, target, commands);
        return true;
      }
      case 'getFile':
        return {
          file_id: fields.file_id,
          file_unique_id: fields.file_id,
          file_path: `files/${String(fields.file_id)}`,
        };
      default:
        // setWebhook, deleteWebhook, sendChatAction and the like change nothing a person sees.
        return true;
    }
  }

  private send(bot: BotName, chatId: string, method: string, fields: Json) {
    const markup = objectField<{ inline_keyboard?: RawButton[][]; force_reply?: boolean }>(
      fields.reply_markup,
    );
    const replyTo =
      objectField<{ message_id?: number }>(fields.reply_parameters)?.message_id ??
      (fields.reply_to_message_id === undefined ? undefined : Number(fields.reply_to_message_id));
    const text = (method === 'sendMessage' ? fields.text : fields.caption) as string | undefined;
    const entities = objectField<unknown[]>(fields.entities ?? fields.caption_entities);
    const file =
      method === 'sendPhoto'
        ? this.keep('photo', fields.photo as FormValue)
        : method === 'sendDocument'
          ? this.keep('document', fields.document as FormValue)
          : undefined;
    const stored = this.log.add({
      service: bot,
      chatId,
      from: 'bot',
      ...(text ? { text } : {}),
      ...(entities ? { entities } : {}),
      ...(file ? { file } : {}),
      ...(replyTo ? { replyTo } : {}),
      buttons: toButtons(markup),
      ...(markup?.force_reply ? { forceReply: true } : {}),
    });
    return this.asTelegram(bot, stored.id, chatId, stored.text);
  }

  /** A file the bot sent: its bytes kept for the page, or a link when it sent a URL. */
  private keep(kind: ChatFile['kind'], value: FormValue | undefined): ChatFile | undefined {
    if (value === undefined) return undefined;
    if (typeof value === 'string') {
      return { kind, name: value.split('/').pop() ?? value, url: value };
    }
    const id = randomBytes(8).toString('hex');
    this.files.set(id, { name: value.fileName, mimeType: value.mimeType, data: value.data });
    return { kind, name: value.fileName, url: this.fileUrl(id) };
  }

  private asTelegram(bot: BotName, messageId: number, chatId: string, text?: string) {
    return {
      message_id: messageId,
      date: Math.floor(Date.now() / 1000),
      from: this.me(bot),
      chat: { id: Number(chatId), type: Number(chatId) < 0 ? 'supergroup' : 'private' },
      ...(text ? { text } : {}),
    };
  }

  private me(bot: BotName) {
    return {
      id: Number(this.tokens[bot].split(':')[0]),
      is_bot: true,
      first_name: bot === 'manager' ? 'linehub staff' : 'linehub',
      username: bot === 'manager' ? 'linehub_staff_bot' : 'linehub_bot',
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
    };
  }
}

function toButtons(markup: { inline_keyboard?: RawButton[][] } | undefined): InlineButton[][] {
  return (markup?.inline_keyboard ?? []).map((row) =>
    row.map((button) => ({
      text: button.text,
      ...(button.callback_data ? { callbackData: button.callback_data } : {}),
      ...(button.url ? { url: button.url } : {}),
    })),
  );
}
