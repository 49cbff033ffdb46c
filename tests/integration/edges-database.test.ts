import { readFileSync } from 'node:fs';
import type { Hub } from '../../src/hub';
import { botInfo } from '../support/bot-info';
import { eventually } from '../support/database';
import { startFakeTelegramApi, type FakeTelegramApi } from '../support/fake-telegram-api';
import { startTestHub } from '../support/hub';
import { startTestServer, type TestServer } from '../support/local-server';

/**
 * A sick database fails fast: webhooks answer 503 within about a second (the messenger delivers
 * again), liveness stays up, readiness goes down, and nothing is lost or doubled once it is back.
 */
const SECRET = 'edges-db-secret';

let server: TestServer;
let telegram: FakeTelegramApi;
let hub: Hub;
let frozen = false;

beforeAll(async () => {
  server = await startTestServer();
  telegram = await startFakeTelegramApi();
  hub = await startTestHub(
    server.db.uri,
    {
      PUBLIC_URL: 'http://127.0.0.1:9',
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_API_ROOT: telegram.url,
      TELEGRAM_CUSTOMER_BOT_TOKEN: '7000001:customer',
      TELEGRAM_MANAGER_BOT_TOKEN: '7000002:manager',
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      ADMIN_TELEGRAM_IDS: '1001',
      WEBHOOK_DEADLINE_MS: '1000',
      MANAGER_WEBHOOK_DEADLINE_MS: '1000',
    },
    {
      customerBotInfo: botInfo(7000001, 'linehub_customer_bot'),
      managerBotInfo: botInfo(7000002, 'linehub_staff_bot'),
    },
  );
});
afterAll(async () => {
  if (frozen) thaw();
  await hub.stop();
  await telegram.close();
  await server.dispose();
});

/** SIGSTOP: the server keeps its sockets open and answers nothing, the worst kind of sick. */
async function freeze() {
  process.kill(server.db.pid!, 'SIGSTOP');
  frozen = true;
  // The stop lands asynchronously: on a loaded machine a request sent at once could still be
  // answered. Wait until the kernel reports the process stopped ("T" in /proc/<pid>/stat).
  await eventually(
    async () => /^\d+ \(.*\) T /.test(readFileSync(`/proc/${server.db.pid!}/stat`, 'utf8')),
    { intervalMs: 10 },
  );
}
function thaw() {
  process.kill(server.db.pid!, 'SIGCONT');
  frozen = false;
}

const url = (path: string) => `http://127.0.0.1:${hub.port}${path}`;
/** Status and how long the answer took. */
async function timed(path: string, body?: unknown) {
  const started = Date.now();
  const response = await fetch(url(path), {
    ...(body === undefined
      ? {}
      : {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-telegram-bot-api-secret-token': SECRET,
          },
          body: JSON.stringify(body),
        }),
  });
  const json: unknown = await response.json().catch(() => undefined);
  return { status: response.status, body: json, ms: Date.now() - started };
}

const customerText = (id: number) => ({
  update_id: id,
  message: {
    message_id: id,
    date: 1795424400,
    chat: { id: 5100, type: 'private' },
    from: { id: 5100, is_bot: false, first_name: 'Пётр' },
    text: `сообщение ${id}`,
  },
});
const adminStart = (id: number) => ({
  update_id: id,
  message: {
    message_id: id,
    date: Math.floor(Date.now() / 1000),
    chat: { id: 1001, type: 'private' },
    from: { id: 1001, is_bot: false, first_name: 'Анна' },
    text: '/start',
    entities: [{ offset: 0, length: 6, type: 'bot_command' }],
  },
});

describe('a frozen database', () => {
  it('is answered fast everywhere, and what was refused arrives once after it thaws', async () => {
    expect((await timed('/webhooks/telegram/customer', customerText(1))).status).toBe(200);
    expect(await timed('/ready')).toMatchObject({ status: 200, body: { database: 'up' } });

    await freeze();
    const customer = await timed('/webhooks/telegram/customer', customerText(2));
    expect(customer.status).toBe(503);
    expect(customer.ms).toBeLessThan(1500);

    const manager = await timed('/webhooks/telegram/manager', adminStart(50));
    expect(manager.status).toBe(503);
    expect(manager.ms).toBeLessThan(2000);

    const health = await timed('/health');
    expect(health).toMatchObject({ status: 200, body: { status: 'ok', database: 'down' } });
    expect(health.ms).toBeLessThan(2000);
    const ready = await timed('/ready');
    expect(ready).toMatchObject({ status: 503, body: { status: 'unavailable', database: 'down' } });
    expect(ready.ms).toBeLessThan(2000);

    thaw();
    // The messenger delivers again until it gets a 2xx.
    await eventually(
      async () => (await timed('/webhooks/telegram/customer', customerText(2))).status === 200,
    );
    await eventually(
      async () => (await timed('/webhooks/telegram/manager', adminStart(50))).status === 200,
    );
    const { Message, User } = hub.database.models;
    // An item the inbox took while the database was frozen may still be in a retry's back-off.
    await eventually(async () => (await Message.countDocuments({ externalId: '5100:2' })) > 0);
    await hub.messaging.inbox.drained();
    expect(await Message.countDocuments({ externalId: '5100:2' })).toBe(1);
    expect(await User.countDocuments({ telegramId: 1001 })).toBe(1);
  });
});

describe('a database that is down', () => {
  it('gets webhooks a 503 within about a second, and /ready a 503', async () => {
    await server.db.stop();
    const customer = await timed('/webhooks/telegram/customer', customerText(3));
    expect(customer.status).toBe(503);
    expect(customer.ms).toBeLessThan(1500);
    expect((await timed('/ready')).status).toBe(503);
    expect((await timed('/health')).status).toBe(200);

    await server.restart();
    await eventually(async () => (await timed('/ready')).status === 200);
    await eventually(
      async () => (await timed('/webhooks/telegram/customer', customerText(3))).status === 200,
    );
    await hub.messaging.inbox.drained();
    expect(await hub.database.models.Message.countDocuments({ externalId: '5100:3' })).toBe(1);
  });
});
