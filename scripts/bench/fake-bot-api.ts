/**
 * A loopback stand-in for the Telegram Bot API. Every method answers `ok`; `getMe` tells each bot
 * who it is (the token's number before `:`). A `sendMessage` from the manager bot whose text
 * carries `bench #n` is the card for message n: its arrival time is noted.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The manager bot's token (`2:manager`): cards come from it. */
export const MANAGER_BOT_ID = '2';
const CARD_PATTERN = /bench #(\d+)\b/g;

export interface FakeBotApi {
  url: string;
  /** Arrival times (performance.now()) of each card, by message number. */
  cards: Map<number, number[]>;
  /** Calls by `botId:method`, for the report. */
  calls: Map<string, number>;
  /** Resolves when message n's card arrives, or false after the timeout. */
  waitForCard(n: number, timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

function texts(body: string, contentType: string | undefined): string[] {
  if (contentType?.includes('application/json')) {
    try {
      const parsed = JSON.parse(body) as { text?: unknown; caption?: unknown };
      return [parsed.text, parsed.caption].filter((v): v is string => typeof v === 'string');
    } catch {
      return [body];
    }
  }
  // Form or multipart bodies (files): the raw text still carries the marker.
  return [body];
}

export async function startFakeBotApi(): Promise<FakeBotApi> {
  const cards = new Map<number, number[]>();
  const calls = new Map<string, number>();
  const waiters = new Map<number, (() => void)[]>();
  let messageId = 0;

  const noteCard = (n: number, at: number) => {
    const times = cards.get(n);
    if (times) times.push(at);
    else cards.set(n, [at]);
    const waiting = waiters.get(n);
    if (waiting) {
      waiters.delete(n);
      for (const wake of waiting) wake();
    }
  };

  const answer = (request: IncomingMessage, response: ServerResponse, body: string) => {
    const at = performance.now();
    const match = /^\/bot([^/:]+):[^/]*\/([A-Za-z]+)/.exec(request.url ?? '');
    const botId = match?.[1] ?? '?';
    const method = match?.[2] ?? '?';
    const key = `${botId}:${method}`;
    calls.set(key, (calls.get(key) ?? 0) + 1);
    if (botId === MANAGER_BOT_ID && method === 'sendMessage') {
      const found = new Set<number>();
      for (const text of texts(body, request.headers['content-type'])) {
        for (const hit of text.matchAll(CARD_PATTERN)) found.add(Number(hit[1]));
      }
      for (const n of found) noteCard(n, at);
      if (process.env.BENCH_DEBUG) console.log('sendMessage', body.slice(0, 300));
    }
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
        : method === 'sendMessage' || method.startsWith('send') || method.startsWith('edit')
          ? { message_id: ++messageId, date: 0, chat: { id: 1, type: 'private' } }
          : true;
    const payload = JSON.stringify({ ok: true, result });
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(payload),
    });
    response.end(payload);
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
    calls,
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
