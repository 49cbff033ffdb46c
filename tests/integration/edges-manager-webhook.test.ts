import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Bot, GrammyError } from 'grammy';
import { createUpdateClaims } from '../../src/store/repositories/manager-update.repository';
import { managerWebhook, type ManagerWebhook } from '../../src/wiring/manager-webhook';
import { systemClock } from '../../src/domain/ports';
import { botInfo } from '../support/bot-info';
import { openTestDatabase, silentLogger } from '../support/database';

/**
 * The manager webhook against grammY's deadline: an update whose handling outlives it is answered
 * in time, finishes in the background, and failing afterwards rejects nothing (it used to end the
 * process: grammY's webhookCallback leaves that rejection unhandled). An update counts as taken
 * (2xx) only once handled: one that failed on something passing is handled again when Telegram
 * delivers it again, and one still running is not handled twice.
 */
const SECRET = 'manager-webhook-secret';
const DEADLINE_MS = 200;

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let server: Server;
let webhook: ManagerWebhook;
let port = 0;
const handled: number[] = [];
const failures: string[] = [];
/** Updates whose handler waits for the test to let it go; then it throws. */
const held = new Map<number, () => void>();
/** Updates whose next handling fails with the Bot API's 429, as many times as counted here. */
const rateLimited = new Map<number, number>();

beforeAll(async () => {
  database = await openTestDatabase();
  const bot = new Bot('7000002:manager', { botInfo: botInfo(7000002, 'linehub_staff_bot') });
  bot.use(async (ctx) => {
    const id = ctx.update.update_id;
    handled.push(id);
    const limits = rateLimited.get(id) ?? 0;
    if (limits > 0) {
      rateLimited.set(id, limits - 1);
      throw new GrammyError(
        'Call to sendMessage failed! (429: Too Many Requests: retry after 3)',
        { ok: false, error_code: 429, description: 'Too Many Requests: retry after 3' },
        'sendMessage',
        {},
      );
    }
    if (id >= 100) {
      await new Promise<void>((resolve) => held.set(id, resolve));
      throw new Error(`update ${id} failed after the deadline`);
    }
  });
  bot.catch((error) => {
    failures.push(String((error.error as Error).message));
  });
  const claims = createUpdateClaims(database.models, systemClock);
  await claims.prepare();
  webhook = managerWebhook({
    bot,
    secret: SECRET,
    bodyLimit: '1mb',
    deadlineMs: DEADLINE_MS,
    claims,
    logger: silentLogger,
  });
  const app = express();
  app.post('/hook', ...webhook.handlers);
  server = createServer(app).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await database.drop();
});

const update = (id: number) => ({
  update_id: id,
  message: {
    message_id: id,
    date: 1795424400,
    chat: { id: 1001, type: 'private' },
    from: { id: 1001, is_bot: false, first_name: 'Анна' },
    text: '/tasks',
  },
});
const deliver = (body: unknown) =>
  fetch(`http://127.0.0.1:${port}/hook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
    body: JSON.stringify(body),
  });

describe('the manager webhook deadline', () => {
  it('answers a slow update in time, handles its redelivery never, and survives its failure', async () => {
    const started = Date.now();
    // Still running at the deadline: not taken yet, so Telegram is asked to deliver it again.
    const first = await deliver(update(100));
    expect(first.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(DEADLINE_MS + 1000);

    // Telegram delivers again while it runs: answered at once and not handled a second time.
    expect((await deliver(update(100))).status).toBe(503);
    expect(handled.filter((id) => id === 100)).toHaveLength(1);

    // The slow handler now fails for good: the person's error path runs and the background work
    // settles (drain resolves). Jest's sandbox does not report unhandled rejections to a test's
    // listener, so "nothing unhandled" rests on the handler's construction: its work cannot reject.
    held.get(100)!();
    await webhook.drain();
    expect(failures).toEqual(['update 100 failed after the deadline']);
    // Finished (failed for good, and said so): the next delivery is taken and not handled again.
    expect((await deliver(update(100))).status).toBe(200);
    expect(handled.filter((id) => id === 100)).toHaveLength(1);
  });

  it('handles each update once when deliveries race', async () => {
    const answers = await Promise.all([1, 2, 3].map(() => deliver(update(7))));
    // One delivery handles it; the others, racing it, are answered 200 or asked again (503).
    expect(answers.filter((answer) => answer.status === 200).length).toBeGreaterThanOrEqual(1);
    expect(answers.every((answer) => [200, 503].includes(answer.status))).toBe(true);
    expect((await deliver(update(7))).status).toBe(200);
    expect(handled.filter((id) => id === 7)).toHaveLength(1);
  });

  it('an update that failed on a 429 is not taken, and its redelivery is handled', async () => {
    rateLimited.set(8, 2);
    expect((await deliver(update(8))).status).toBe(503);
    expect((await deliver(update(8))).status).toBe(503);
    expect((await deliver(update(8))).status).toBe(200);
    // Handled three times (the last one went through), answered 2xx only then; later deliveries
    // are duplicates. Nobody was told of an error: it was only the Bot API asking to slow down.
    expect((await deliver(update(8))).status).toBe(200);
    expect(handled.filter((id) => id === 8)).toHaveLength(3);
    expect(failures.filter((failure) => failure.includes('429'))).toEqual([]);
  });

  it('refuses a call without the secret before reading it', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/hook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(response.status).toBe(401);
  });
});
