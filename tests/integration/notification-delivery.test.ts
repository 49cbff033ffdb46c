import type { Server } from 'node:http';
import express from 'express';
import { Api } from 'grammy';
import type { Types } from 'mongoose';
import { NoticeDelivery } from '../../bots/manager/deliver-notifications';
import { leaseMaker } from '../../src/app/lease';
import { createTranslator } from '../../src/infra/i18n';
import { createNotificationQueue } from '../../src/store/repositories/notification-queue.repository';
import { openTestDatabase } from '../support/database';
import { ManualClock } from '../support/manual-timers';
import { createStoredNotifier } from '../../src/store/repositories/notification.repository';
import { freePort } from '../support/ports';

type TestDatabase = Awaited<ReturnType<typeof openTestDatabase>>;
let database: TestDatabase;
let fake: Server;
let apiRoot: string;
/** What the fake Bot API answers next, per chat; empty means success. */
const script = new Map<number, { status: number; body: object }[]>();
const received: { chat: number; text: string }[] = [];

beforeAll(async () => {
  database = await openTestDatabase();
  const app = express();
  app.post('/bot:token/sendMessage', express.json(), (req, res) => {
    const chat = Number(req.body.chat_id);
    const next = script.get(chat)?.shift();
    if (next) return void res.status(next.status).json(next.body);
    received.push({ chat, text: String(req.body.text) });
    res.json({
      ok: true,
      result: { message_id: received.length, date: 0, chat: { id: chat, type: 'private' } },
    });
  });
  const port = await freePort();
  fake = app.listen(port, '127.0.0.1');
  apiRoot = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await new Promise((resolve) => fake.close(resolve));
  await database.drop();
});

/** The real queue on the database and grammY's Api against the fake above, on a hand clock. */
async function delivery(owner = 'this-process', leaseMs = 60_000) {
  const translator = await createTranslator('ru');
  const clock = new ManualClock(new Date());
  const lease = leaseMaker(clock, leaseMs, owner);
  const deliverer = new NoticeDelivery({
    queue: createNotificationQueue(database.models, { lease, clock }),
    api: new Api('1:test', { apiRoot }),
    translate: translator.forLocale,
    timeZone: 'Europe/Moscow',
    clock,
  });
  return { deliverer, clock, lease };
}
const live: NoticeDelivery[] = [];
afterEach(async () => {
  for (const deliverer of live.splice(0)) await deliverer.stop();
});

describe('delivering staff notifications', () => {
  it('waits out a rate limit without losing the notice, and sets aside a blocked recipient', async () => {
    const { User, Notification } = database.models;
    const [blocked, busy] = await User.create([
      { telegramId: 501, name: 'Заблокировал бота', language: 'ru' },
      { telegramId: 502, name: 'Занятой', language: 'en' },
    ]);
    const notice = (userId: Types.ObjectId, reason: string) => ({
      audience: 'user' as const,
      userId,
      kind: 'robot',
      payload: {
        kind: 'robot',
        text: { ru: reason, en: reason },
        subject: { kind: 'lead', id: userId.toHexString() },
      },
    });
    await Notification.create(notice(blocked!._id, 'first'));
    await Notification.create(notice(busy!._id, 'second'));
    script.set(501, [
      {
        status: 403,
        body: { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' },
      },
    ]);
    script.set(502, [
      {
        status: 429,
        body: {
          ok: false,
          error_code: 429,
          description: 'Too Many Requests: retry after 1',
          parameters: { retry_after: 1 },
        },
      },
    ]);

    const { deliverer, clock } = await delivery();
    live.push(deliverer);

    await deliverer.deliverNow();
    const statuses = async () =>
      (await Notification.find().sort({ createdAt: 1 }).lean()).map((n) => n.status);
    expect(await statuses()).toEqual(['failed', 'pending']);
    // Telegram said to wait a second: nothing goes to that person before it has passed.
    await deliverer.deliverNow();
    expect(received).toEqual([]);

    clock.set(new Date(clock.now().getTime() + 1000));
    await deliverer.deliverNow();
    expect(await statuses()).toEqual(['failed', 'sent']);
    expect(received).toEqual([{ chat: 502, text: 'second' }]);
  });

  it('resumes an alert to several heads where it stopped, without repeating it to anyone', async () => {
    const { User, Notification } = database.models;
    await Notification.deleteMany({});
    received.length = 0;
    await User.create([
      { telegramId: 601, name: 'Первый руководитель', roles: ['head'], language: 'ru' },
      { telegramId: 602, name: 'Второй руководитель', roles: ['head'], language: 'ru' },
    ]);
    await Notification.create({
      audience: 'heads' as const,
      kind: 'sla',
      payload: { kind: 'sla', conversationId: 'c1', waitingMs: 2 * 60 * 60_000 },
    });
    script.set(602, [
      { status: 502, body: { ok: false, error_code: 502, description: 'Bad Gateway' } },
    ]);
    const { deliverer, clock } = await delivery();
    live.push(deliverer);

    await deliverer.deliverNow();
    clock.set(new Date(clock.now().getTime() + 1000));
    await deliverer.deliverNow();

    expect(received).toEqual([
      { chat: 601, text: '🔴 Клиент ждёт ответа 120 мин.' },
      { chat: 602, text: '🔴 Клиент ждёт ответа 120 мин.' },
    ]);
  });

  it('sends what this process stored from memory, and leaves it to another only once the lease runs out', async () => {
    const { User, Notification } = database.models;
    await Notification.deleteMany({});
    received.length = 0;
    const [manager] = await User.create([{ telegramId: 701, name: 'Менеджер', language: 'ru' }]);
    const here = await delivery('process-a', 30_000);
    const there = await delivery('process-b', 30_000);
    live.push(here.deliverer, there.deliverer);
    // Process A stores two notices; Telegram is down for it, so they wait in its memory.
    script.set(701, [
      { status: 502, body: { ok: false, error_code: 502, description: 'Bad Gateway' } },
    ]);
    const notifier = createStoredNotifier(database.models, {
      clock: here.clock,
      lease: here.lease,
      onQueued: (notices) => here.deliverer.push(notices),
    });
    const robot = (text: string) =>
      notifier.notifyUser(manager!._id.toHexString(), {
        kind: 'robot',
        text: { ru: text, en: text },
        subject: { kind: 'lead', id: manager!._id.toHexString() },
      });
    await robot('первое');
    await robot('второе');
    await here.deliverer.deliverNow();
    expect(received).toEqual([]);

    // Process B looks while A's lease holds: it takes nothing.
    await there.deliverer.deliverNow();
    expect(received).toEqual([]);

    // A stops without sending; once its lease has run out B takes both over, in order, once.
    await here.deliverer.stop();
    there.clock.set(new Date(there.clock.now().getTime() + 31_000));
    await there.deliverer.deliverNow();
    await there.deliverer.deliverNow();
    expect(received).toEqual([
      { chat: 701, text: 'первое' },
      { chat: 701, text: 'второе' },
    ]);
    expect((await Notification.find().lean()).map((n) => [n.status, n.owner])).toEqual([
      ['sent', undefined],
      ['sent', undefined],
    ]);
  });

  it('marks a stored notice of no known kind failed and shows nobody anything', async () => {
    const { User, Notification } = database.models;
    await Notification.deleteMany({});
    received.length = 0;
    const [manager] = await User.create([{ telegramId: 801, name: 'Менеджер', language: 'ru' }]);
    const task = { kind: 'task_assigned', task: { id: 't1', title: { ru: 'Без срока' } } };
    await Notification.create([
      { audience: 'user', userId: manager!._id, kind: 'gift', payload: { kind: 'gift' } },
      { audience: 'user', userId: manager!._id, kind: 'task_assigned', payload: task },
      {
        audience: 'user',
        userId: manager!._id,
        kind: 'sla_reminder',
        payload: { kind: 'sla_reminder', conversationId: 'c1', waitingMs: 20 * 60_000 },
      },
    ]);
    const { deliverer } = await delivery();
    live.push(deliverer);

    await deliverer.deliverNow();

    // The one notice that is what it says is shown; the others are kept, failed, with why.
    expect(received).toEqual([{ chat: 801, text: expect.stringContaining('20') }]);
    const stored = await Notification.find().sort({ _id: 1 }).lean();
    expect(stored.map((n) => n.status)).toEqual(['failed', 'failed', 'sent']);
    expect(stored[0]!.error).toMatch(/undecodable notice/);
    expect(stored[1]!.error).toMatch(/task/);
  });
});
