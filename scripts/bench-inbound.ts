/**
 * PERFORMANCE.md P1: a customer's message posted to the Telegram webhook → the card reaching the
 * responsible at the (loopback, fake) Bot API. Each message comes from a new customer, so each
 * costs a contact, a conversation, a lead with its dispatcher task, the message and the card.
 * Reports p50/p99 latency at each offered rate, and how many cards were lost or duplicated.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { UserFromGetMe } from 'grammy/types';
import pino from 'pino';
import { loadConfig } from '../src/config/config';
import { startHub } from '../src/hub';

const RATES = (process.env.BENCH_RATES ?? '10,25,50').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const SECRET = 'bench-secret';

const bot = (id: number): UserFromGetMe =>
  ({ id, is_bot: true, first_name: 'bench', username: `bench${id}_bot` }) as UserFromGetMe;

/** Answers every Bot API call; notes when each card (`bench #n`) arrived. */
async function startFakeBotApi(arrivals: Map<number, number[]>) {
  let messageId = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = /bench #(\d+)/.exec(Buffer.concat(chunks).toString('utf8'))?.[1];
      if (text && request.url?.endsWith('/sendMessage')) {
        const n = Number(text);
        arrivals.set(n, [...(arrivals.get(n) ?? []), performance.now()]);
      }
      response.setHeader('content-type', 'application/json');
      response.end(
        JSON.stringify({
          ok: true,
          result: { message_id: ++messageId, date: 0, chat: { id: 1, type: 'private' } },
        }),
      );
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))] ??
  NaN;

export async function benchInbound(mongodbUri: string): Promise<void> {
  const arrivals = new Map<number, number[]>();
  const fake = await startFakeBotApi(arrivals);
  const hub = await startHub(
    loadConfig({
      PORT: '0',
      MONGODB_URI: mongodbUri,
      PUBLIC_URL: 'http://127.0.0.1:9',
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: fake.url,
      TELEGRAM_CUSTOMER_BOT_TOKEN: '1:customer',
      TELEGRAM_MANAGER_BOT_TOKEN: '2:manager',
      HUB_SECRET: 'bench-hub-secret-0123456789',
    }),
    { logger: pino({ level: 'silent' }), customerBotInfo: bot(1), managerBotInfo: bot(2) },
  );
  const { Department, User } = hub.database.models;
  const sales = await Department.findOneAndUpdate(
    { code: 'sales' },
    { $set: { name: 'Sales' } },
    { upsert: true, returnDocument: 'after' },
  );
  await User.create({
    telegramId: 4242,
    name: 'Dispatcher',
    roles: ['dispatcher'],
    departmentId: sales!._id,
    online: true,
  });

  let next = 0;
  console.log(`\nP1: webhook → card at the Bot API, new customers, ${SECONDS} s per rate`);
  for (const perSecond of RATES) {
    const count = perSecond * SECONDS;
    const first = next;
    const sent = new Map<number, number>();
    const started = performance.now();
    const posts: Promise<unknown>[] = [];
    for (let i = 0; i < count; i++) {
      const n = next++;
      const due = started + (i * 1000) / perSecond;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
      sent.set(n, performance.now());
      posts.push(
        fetch(`http://127.0.0.1:${hub.port}/webhooks/telegram/customer`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-telegram-bot-api-secret-token': SECRET,
          },
          body: JSON.stringify({
            update_id: n,
            message: {
              message_id: 1,
              from: { id: 1_000_000 + n, is_bot: false, first_name: 'Client' },
              chat: { id: 1_000_000 + n, type: 'private' },
              date: Math.floor(Date.now() / 1000),
              text: `bench #${n}`,
            },
          }),
        }),
      );
    }
    await Promise.all(posts);
    const deadline = performance.now() + 30_000;
    while (performance.now() < deadline && [...sent.keys()].some((n) => !arrivals.has(n))) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const latencies = [...sent].flatMap(([n, at]) => {
      const arrived = arrivals.get(n)?.[0];
      return arrived === undefined ? [] : [arrived - at];
    });
    const lost = count - latencies.length;
    const duplicated = [...sent.keys()].filter((n) => (arrivals.get(n)?.length ?? 0) > 1).length;
    console.log(
      `${String(perSecond).padStart(4)} msgs/s × ${count}: p50 ${percentile(latencies, 0.5).toFixed(1)} ms, ` +
        `p99 ${percentile(latencies, 0.99).toFixed(1)} ms, lost ${lost}, duplicated ${duplicated} ` +
        `(messages ${first}…${next - 1})`,
    );
  }
  await hub.database.connection.dropDatabase();
  await hub.stop();
  fake.server.close();
}
