import type { FakeChannelApi, FakeDelivery } from '../contract/channel-contract';
import { startLoopbackServer } from './http-fake';

/**
 * The Bot API methods the customer bot sends with (telegram-test-api knows no file methods), on
 * loopback, with Telegram's own failure shapes: 429 with `retry_after`, and an outage.
 */
/** A customer who blocked the bot: sends to them are refused for good. */
export const BLOCKED_CHAT = '13';

export interface TelegramCall {
  method: string;
  /** The bot's token, from the call's path (several bots may share one API root). */
  token: string;
  chatId?: string;
  at: number;
}

export interface FakeTelegramApi extends FakeChannelApi {
  url: string;
  /** The next send (to `chatId` only, when given) is answered 429 with `retry_after`. */
  rateLimitNext(retryAfterSec: number, chatId?: string): void;
  /** Every call, in order: method, chat and when it arrived (ms). */
  calls(): TelegramCall[];
  /** Until `up()`, every call fails as if Telegram were unreachable. */
  down(): void;
  up(): void;
  /**
   * Queues an update for long polling (`getUpdates`), numbered in order; returns its id. A
   * `getUpdates` with a timeout and nothing to return waits for the next queued update.
   */
  queueUpdate(update: Record<string, unknown>): number;
}

export async function startFakeTelegramApi(): Promise<FakeTelegramApi> {
  const deliveries: FakeDelivery[] = [];
  const calls: TelegramCall[] = [];
  let rateLimit: { sec: number; chatId?: string } | undefined;
  let failOnce = false;
  let isDown = false;
  let nextId = 100;
  const updates: Record<string, unknown>[] = [];
  let waiting: (() => void)[] = [];
  let closed = false;
  const wakePollers = () => {
    const woken = waiting;
    waiting = [];
    for (const wake of woken) wake();
  };

  const server = await startLoopbackServer((request, body, response) => {
    // Files customers sent, as Telegram serves them at /file/bot<token>/<path>.
    if (request.url?.startsWith('/file/')) {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      response.end(Buffer.from(`bytes of ${request.url.split('/').pop()}`));
      return;
    }
    const [, token = '', method = ''] = /\/bot([^/]+)\/(\w+)/.exec(request.url ?? '') ?? [];
    const reply = (status: number, payload: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(payload));
    };
    if (isDown || failOnce) {
      failOnce = false;
      request.socket.destroy();
      return;
    }
    const fields = parseFields(request.headers['content-type'] ?? '', body);
    if (method === 'getUpdates') {
      const offset = Number(fields.offset ?? 0);
      const answer = () => {
        const due = updates.filter((update) => Number(update.update_id) >= offset);
        if (due.length === 0 && Number(fields.timeout ?? 0) > 0 && !closed && !response.destroyed) {
          waiting.push(answer);
          return;
        }
        if (!response.destroyed) reply(200, { ok: true, result: due });
      };
      answer();
      return;
    }
    const chatId = fields.chat_id;
    calls.push({ method, token, at: Date.now(), ...(chatId ? { chatId } : {}) });
    const limited = rateLimit && (!rateLimit.chatId || rateLimit.chatId === chatId);
    if (rateLimit && limited && method.startsWith('send')) {
      const retryAfter = rateLimit.sec;
      rateLimit = undefined;
      reply(429, {
        ok: false,
        error_code: 429,
        description: `Too Many Requests: retry after ${retryAfter}`,
        parameters: { retry_after: retryAfter },
      });
      return;
    }
    if (method === 'setWebhook' || method === 'deleteWebhook')
      return reply(200, { ok: true, result: true });
    if (method === 'getFile') {
      const fileId = fields.file_id ?? '';
      return reply(200, {
        ok: true,
        result: { file_id: fileId, file_unique_id: fileId, file_path: `documents/${fileId}.bin` },
      });
    }
    if (!chatId)
      return reply(400, { ok: false, error_code: 400, description: 'Bad Request: chat not found' });
    if (chatId === BLOCKED_CHAT) {
      return reply(403, {
        ok: false,
        error_code: 403,
        description: 'Forbidden: bot was blocked by the user',
      });
    }
    const file = fields.document ?? fields.photo;
    deliveries.push({
      chatId,
      ...(fields.text ? { text: fields.text } : {}),
      ...(fields.caption ? { text: fields.caption } : {}),
      ...(file ? { file } : {}),
    });
    nextId += 1;
    reply(200, {
      ok: true,
      result: {
        message_id: nextId,
        date: Math.floor(Date.now() / 1000),
        chat: { id: Number(chatId), type: 'private' },
      },
    });
  });

  return {
    url: server.url,
    deliveries: () => [...deliveries],
    // getFile answers `documents/<file_id>.bin`, served as the bytes below.
    customerFile: () => ({
      fileRef: 'BQACAgIAAxkBAAMSZdoc',
      data: Buffer.from('bytes of BQACAgIAAxkBAAMSZdoc.bin'),
      mimeType: 'application/octet-stream',
    }),
    calls: () => [...calls],
    rateLimitNext(retryAfterSec, chatId) {
      rateLimit = { sec: retryAfterSec, ...(chatId ? { chatId } : {}) };
    },
    failNext() {
      failOnce = true;
    },
    down() {
      isDown = true;
    },
    up() {
      isDown = false;
    },
    queueUpdate(update) {
      const updateId = updates.length + 1;
      updates.push({ ...update, update_id: updateId });
      wakePollers();
      return updateId;
    },
    close: () => {
      // Long polls still held are answered empty, so a client still polling lets go.
      closed = true;
      wakePollers();
      return server.close();
    },
  };
}

/** JSON bodies as they are; multipart ones field by field, a file part by its file name. */
function parseFields(contentType: string, body: Buffer): Record<string, string> {
  if (contentType.includes('application/json')) {
    const parsed = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
    return Object.fromEntries(Object.entries(parsed).map(([key, value]) => [key, String(value)]));
  }
  const boundary = /boundary=([^;]+)/.exec(contentType)?.[1];
  if (!boundary) return {};
  const fields: Record<string, string> = {};
  for (const part of body.toString('latin1').split(`--${boundary}`)) {
    const name = /name="([^"]+)"/.exec(part)?.[1];
    if (!name) continue;
    // grammY writes the file name unquoted.
    const fileName = /filename="?([^"\r\n]*)"?/.exec(part)?.[1];
    const value = part.slice(part.indexOf('\r\n\r\n') + 4).replace(/\r\n$/, '');
    fields[name] = Buffer.from(fileName ?? value, 'latin1').toString('utf8');
  }
  // grammY sends `photo: "attach://<id>"` and the file in a part named by that id.
  for (const key of ['photo', 'document'] as const) {
    const ref = /^attach:\/\/(.+)$/.exec(fields[key] ?? '')?.[1];
    if (ref && fields[ref]) fields[key] = fields[ref];
  }
  return fields;
}
