/**
 * One loopback server standing in for every messenger the hub talks to: the Bot API for both
 * bots (`/bot<id>:<token>/<method>`), VK (`/vk/<method>`) and Viber (`/viber/<method>`). It can be
 * told to answer 429 or 500 for a while, or to hang a chat's calls, and it counts what came out
 * of the hub: each staff card (the manager bot's message carrying `fault #n`) and each reply a
 * customer actually received (the customer bot's message carrying `reply #n`, answered 200).
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const MANAGER_BOT = '2';
export const CUSTOMER_BOT = '1';

export type BotFault = { kind: 'ok' } | { kind: '429'; retryAfter: number } | { kind: '500' };

export interface FakeApi {
  url: string;
  /** Staff cards by message number: the Telegram message ids they were sent as. */
  cards: Map<number, number[]>;
  /** Replies customers received, by reply number: when each copy arrived (performance.now()). */
  replies: Map<number, number[]>;
  /** Messages the manager bot sent to a chat (hostile runs look for answers to forged staff). */
  managerTexts: { chatId: string; text: string }[];
  calls: Map<string, number>;
  /** 429 or 500 for every Bot API call but getMe/setWebhook, until set back to ok. */
  setFault(fault: BotFault): void;
  /** The customer bot's calls to this chat get no answer at all until `until`. */
  hangChat(chatId: string, until: number): void;
  close(): Promise<void>;
}

const EXEMPT = new Set(['getMe', 'setWebhook', 'deleteWebhook', 'getWebhookInfo']);

function fields(body: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.includes('application/json')) {
    try {
      const parsed: unknown = JSON.parse(body);
      return typeof parsed === 'object' && parsed !== null ? { ...parsed } : {};
    } catch {
      return {};
    }
  }
  // Multipart (files) or form bodies: only the fields the counts need, found in the raw text.
  const chat = /name="?chat_id"?\r\n\r\n([^\r\n]+)/.exec(body)?.[1];
  const caption = /name="?caption"?\r\n\r\n([^\r\n]+)/.exec(body)?.[1];
  return { ...(chat ? { chat_id: chat } : {}), ...(caption ? { caption } : {}) };
}

export async function startFakeApi(): Promise<FakeApi> {
  const cards = new Map<number, number[]>();
  const replies = new Map<number, number[]>();
  const managerTexts: { chatId: string; text: string }[] = [];
  const calls = new Map<string, number>();
  const hung = new Set<ServerResponse>();
  const hangs = new Map<string, number>();
  let fault: BotFault = { kind: 'ok' };
  let messageId = 1000;

  const json = (response: ServerResponse, status: number, payload: unknown) => {
    const text = JSON.stringify(payload);
    response.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    });
    response.end(text);
  };

  const telegram = (
    botId: string,
    method: string,
    body: Record<string, unknown>,
    response: ServerResponse,
  ) => {
    const chatId = String(body.chat_id ?? '');
    if (!EXEMPT.has(method)) {
      if (botId === CUSTOMER_BOT && (hangs.get(chatId) ?? 0) > performance.now()) {
        hung.add(response);
        return;
      }
      if (fault.kind === '429') {
        return json(response, 429, {
          ok: false,
          error_code: 429,
          description: `Too Many Requests: retry after ${fault.retryAfter}`,
          parameters: { retry_after: fault.retryAfter },
        });
      }
      if (fault.kind === '500') {
        return json(response, 500, {
          ok: false,
          error_code: 500,
          description: 'Internal Server Error',
        });
      }
    }
    const text = [body.text, body.caption].filter((v) => typeof v === 'string').join('\n');
    const id = ++messageId;
    if (method === 'sendMessage' && botId === MANAGER_BOT) {
      managerTexts.push({ chatId, text });
      for (const hit of text.matchAll(/fault #(\d+)\b/g)) {
        const n = Number(hit[1]);
        cards.set(n, [...(cards.get(n) ?? []), id]);
      }
    }
    if (method.startsWith('send') && botId === CUSTOMER_BOT) {
      for (const hit of text.matchAll(/reply #(\d+)\b/g)) {
        const n = Number(hit[1]);
        replies.set(n, [...(replies.get(n) ?? []), performance.now()]);
      }
    }
    const result =
      method === 'getMe'
        ? { id: Number(botId), is_bot: true, first_name: 'faults', username: `faults${botId}_bot` }
        : method.startsWith('send') || method.startsWith('edit')
          ? {
              message_id: id,
              date: Math.floor(Date.now() / 1000),
              chat: { id: Number(chatId) || 1, type: 'private' },
              text,
            }
          : true;
    json(response, 200, { ok: true, result });
  };

  const answer = (request: IncomingMessage, response: ServerResponse, raw: string) => {
    const url = request.url ?? '';
    const bot = /^\/bot([^/:]+):[^/]*\/([A-Za-z]+)/.exec(url);
    const key = bot ? `${bot[1]}:${bot[2]}` : url.split('?')[0]!;
    calls.set(key, (calls.get(key) ?? 0) + 1);
    if (bot)
      return telegram(bot[1]!, bot[2]!, fields(raw, request.headers['content-type']), response);
    if (url.startsWith('/vk/')) {
      // messages.send answers the new message's id; anything else an empty list is enough for.
      return json(response, 200, { response: url.includes('messages.send') ? ++messageId : [] });
    }
    if (url.startsWith('/viber/')) {
      return json(response, 200, { status: 0, status_message: 'ok', message_token: ++messageId });
    }
    json(response, 404, { ok: false });
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
    replies,
    managerTexts,
    calls,
    setFault: (next) => (fault = next),
    hangChat: (chatId, until) => hangs.set(chatId, until),
    async close() {
      for (const response of hung) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
