/**
 * A loopback stand-in for the Telegram Bot API. Every method answers `ok`; `getMe` tells each bot
 * who it is (the token's number before `:`). A `sendMessage` from the manager bot whose text
 * carries `bench #n` is the card for message n: its arrival time and message id are noted.
 *
 * With `limits`, the bots named there are held to Telegram's limits the way the real Bot API holds
 * them (P4): a send to a private chat within a second of the last one accepted for that chat, or
 * past 30 sends accepted in the last second from that bot, is answered 429 with
 * `parameters.retry_after` (whole seconds, as Telegram gives it). Every send attempt of a
 * `recorded` bot is kept, accepted or not, for the scenario to count.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TelegramLimiter, type TelegramLimits } from './telegram-limits';

/** The manager bot's token (`2:manager`): cards come from it. */
export const MANAGER_BOT_ID = '2';
/** The customer bot's token (`1:customer`): what the outbox sends to customers goes through it. */
export const CUSTOMER_BOT_ID = '1';
const CARD_PATTERN = /bench #(\d+)\b/g;

/** One send call of a recorded bot, as the fake answered it. */
export interface SendAttempt {
  /** performance.now() when the call's body had arrived. */
  at: number;
  botId: string;
  method: string;
  chatId: string;
  text: string;
  status: 200 | 429;
  /** The 429's `retry_after`, in seconds. */
  retryAfter?: number;
}

/** A card as Telegram identifies it: the staff member's chat and the message's id in it. */
export interface CardRef {
  chatId: number;
  messageId: number;
}

export interface FakeBotApiOptions {
  limits?: TelegramLimits;
  /** Bots whose send calls are kept in `sends`. */
  recorded?: string[];
}

export interface FakeBotApi {
  url: string;
  /** Arrival times (performance.now()) of each card, by message number. */
  cards: Map<number, number[]>;
  /** Where the first card of message n was shown: a staff member replies to it there. */
  cardRefs: Map<number, CardRef>;
  /** Calls by `botId:method`, for the report. */
  calls: Map<string, number>;
  /** Send calls of the recorded bots, in arrival order. */
  sends: SendAttempt[];
  /** Resolves when message n's card arrives, or false after the timeout. */
  waitForCard(n: number, timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

interface CallBody {
  texts: string[];
  chatId: string;
}

function readBody(body: string, contentType: string | undefined): CallBody {
  if (contentType?.includes('application/json')) {
    try {
      const parsed = JSON.parse(body) as { text?: unknown; caption?: unknown; chat_id?: unknown };
      return {
        texts: [parsed.text, parsed.caption].filter((v): v is string => typeof v === 'string'),
        chatId: String(parsed.chat_id ?? ''),
      };
    } catch {
      return { texts: [body], chatId: '' };
    }
  }
  // Form or multipart bodies (files): the raw text still carries the marker and the chat.
  const chatId = /name="chat_id"\r\n\r\n([^\r]+)/.exec(body)?.[1] ?? '';
  return { texts: [body], chatId };
}

/** Methods that put a message in a chat: what Telegram's flood limits count. */
const isSend = (method: string) => method.startsWith('send') && method !== 'sendChatAction';

export async function startFakeBotApi(options: FakeBotApiOptions = {}): Promise<FakeBotApi> {
  const cards = new Map<number, number[]>();
  const cardRefs = new Map<number, CardRef>();
  const calls = new Map<string, number>();
  const sends: SendAttempt[] = [];
  const waiters = new Map<number, (() => void)[]>();
  const { limits } = options;
  const limiters = new Map(limits?.botIds.map((id) => [id, new TelegramLimiter(limits)]));
  const recorded = new Set(options.recorded ?? []);
  let messageId = 0;

  const noteCard = (n: number, at: number, ref: CardRef) => {
    const times = cards.get(n);
    if (times) times.push(at);
    else {
      cards.set(n, [at]);
      cardRefs.set(n, ref);
    }
    const waiting = waiters.get(n);
    if (waiting) {
      waiters.delete(n);
      for (const wake of waiting) wake();
    }
  };

  const reply = (response: ServerResponse, status: number, payload: unknown) => {
    const text = JSON.stringify(payload);
    response.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    });
    response.end(text);
  };

  const answer = (request: IncomingMessage, response: ServerResponse, body: string) => {
    const at = performance.now();
    const match = /^\/bot([^/:]+):[^/]*\/([A-Za-z]+)/.exec(request.url ?? '');
    const botId = match?.[1] ?? '?';
    const method = match?.[2] ?? '?';
    const key = `${botId}:${method}`;
    calls.set(key, (calls.get(key) ?? 0) + 1);
    const call = isSend(method) ? readBody(body, request.headers['content-type']) : undefined;
    const retryAfter = call ? (limiters.get(botId)?.check(call.chatId, at) ?? 0) : 0;
    if (call && recorded.has(botId)) {
      sends.push({
        at,
        botId,
        method,
        chatId: call.chatId,
        text: call.texts.join('\n'),
        status: retryAfter ? 429 : 200,
        ...(retryAfter ? { retryAfter } : {}),
      });
    }
    if (retryAfter) {
      reply(response, 429, {
        ok: false,
        error_code: 429,
        description: `Too Many Requests: retry after ${retryAfter}`,
        parameters: { retry_after: retryAfter },
      });
      return;
    }
    const makesMessage = call !== undefined || method.startsWith('edit');
    const id = makesMessage ? ++messageId : 0;
    if (call && botId === MANAGER_BOT_ID && method === 'sendMessage') {
      const found = new Set<number>();
      for (const text of call.texts) {
        for (const hit of text.matchAll(CARD_PATTERN)) found.add(Number(hit[1]));
      }
      for (const n of found) noteCard(n, at, { chatId: Number(call.chatId), messageId: id });
      if (process.env.BENCH_DEBUG) console.log('sendMessage', body.slice(0, 300));
    }
    // The chat the message went to, as Telegram answers: a bot keeps `chat.id:message_id` refs.
    const chat = { id: Number(call?.chatId) || 1, type: 'private' };
    const result =
      method === 'getMe'
        ? {
            id: Number(botId) || 1,
            is_bot: true,
            first_name: 'bench',
            username: `bench${botId}_bot`,
            can_join_groups: true,
            can_read_all_group_messages: false,
            supports_inline_queries: false,
          }
        : makesMessage
          ? { message_id: id, date: Math.floor(Date.now() / 1000), chat }
          : true;
    reply(response, 200, { ok: true, result });
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => answer(request, response, Buffer.concat(chunks).toString('utf8')));
    request.on('error', () => response.destroy());
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    cards,
    cardRefs,
    calls,
    sends,
    waitForCard(n, timeoutMs) {
      if (cards.has(n)) return Promise.resolve(true);
      if (timeoutMs <= 0) return Promise.resolve(false);
      return new Promise((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          resolve(true);
        };
        const timer = setTimeout(() => {
          const list = waiters.get(n)?.filter((other) => other !== wake) ?? [];
          if (list.length) waiters.set(n, list);
          else waiters.delete(n);
          resolve(false);
        }, timeoutMs);
        waiters.set(n, [...(waiters.get(n) ?? []), wake]);
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
