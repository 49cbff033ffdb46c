import { Types } from 'mongoose';
import type { ServerResponse } from 'node:http';
import type { ChannelAdapter } from '../../channels/contract';
import { createTelegramChannel } from '../../channels/telegram/telegram.channel';
import { createVkChannel } from '../../channels/vk/vk.channel';
import { leaseMaker } from '../../src/app/lease';
import { OutboxWorker } from '../../src/app/messaging/outbox-worker';
import type { NewOutbound, OutboxStore } from '../../src/app/messaging/ports';
import type { Channel } from '../../src/domain/channel';
import type { DeliveryFailure } from '../../src/domain/outbox';
import { createOutboxStore } from '../../src/store/repositories/outbox.repository';
import { eventually, openTestDatabase } from '../support/database';
import { startFakeVk, type FakeVk } from '../support/fake-vk';
import { startLoopbackServer, type LoopbackServer } from '../support/http-fake';
import { ManualClock } from '../support/manual-timers';

/**
 * A Bot API on loopback that answers each send as scripted per chat (429 with retry_after, 500,
 * or a call that never answers), so the outbox's retries and isolation can be counted exactly.
 */
interface ScriptedBotApi extends LoopbackServer {
  script(chatId: string, answers: ('ok' | '429' | '500' | 'hang')[]): void;
  /** What reached each chat: `text` or `file:<name>`. */
  delivered(chatId: string): string[];
  hanging(): number;
}

async function startScriptedBotApi(): Promise<ScriptedBotApi> {
  const scripts = new Map<string, string[]>();
  const delivered = new Map<string, string[]>();
  const hung: ServerResponse[] = [];
  let nextId = 500;
  const server = await startLoopbackServer((request, body, response) => {
    const method = /\/bot[^/]+\/(\w+)/.exec(request.url ?? '')?.[1] ?? '';
    const raw = body.toString('latin1');
    const json = (request.headers['content-type'] ?? '').includes('json')
      ? (JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>)
      : {};
    const chatId = String(json.chat_id ?? /name="chat_id"\r\n\r\n([^\r]+)/.exec(raw)?.[1] ?? '');
    const answer = scripts.get(chatId)?.shift();
    const reply = (status: number, payload: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(payload));
    };
    if (answer === 'hang') return void hung.push(response);
    if (answer === '429') {
      const description = 'Too Many Requests: retry after 3';
      return reply(429, {
        ok: false,
        error_code: 429,
        description,
        parameters: { retry_after: 3 },
      });
    }
    if (answer === '500') {
      return reply(500, { ok: false, error_code: 500, description: 'Internal Server Error' });
    }
    const file = /filename="?([^"\r\n]+)"?/.exec(raw)?.[1];
    const what = method === 'sendMessage' ? String(json.text) : `file:${file ?? '?'}`;
    delivered.set(chatId, [...(delivered.get(chatId) ?? []), what]);
    nextId += 1;
    reply(200, {
      ok: true,
      result: { message_id: nextId, date: 1, chat: { id: Number(chatId), type: 'private' } },
    });
  });
  return {
    ...server,
    script: (chatId, answers) => scripts.set(chatId, [...answers]),
    delivered: (chatId) => delivered.get(chatId) ?? [],
    hanging: () => hung.filter((response) => !response.writableEnded).length,
  };
}

const VK_GROUP = 218734512;
let database: Awaited<ReturnType<typeof openTestDatabase>>;
let store: OutboxStore;
let botApi: ScriptedBotApi;
let files: LoopbackServer;
let vk: FakeVk;
let telegram: ChannelAdapter;
let vkChannel: ChannelAdapter;
const clock = new ManualClock(new Date('2026-12-01T10:00:00Z'));
const outcomes: { key: string; state: 'sent' | DeliveryFailure }[] = [];
const errors: unknown[] = [];
/** Workers whose lanes may still run when the file ends (the hung chat). */
const workers: OutboxWorker[] = [];

beforeAll(async () => {
  database = await openTestDatabase();
  store = createOutboxStore(database.models);
  botApi = await startScriptedBotApi();
  files = await startLoopbackServer((_request, _body, response) => {
    response.end('%PDF-1.4');
  });
  vk = await startFakeVk({ token: 'vk-token', groupId: VK_GROUP });
  telegram = createTelegramChannel({
    token: '7000001:customer',
    apiRoot: botApi.url,
    mode: 'webhook',
    sendTimeoutMs: 60_000,
    onError: () => undefined,
  });
  vkChannel = createVkChannel({
    groupId: VK_GROUP,
    token: 'vk-token',
    secret: 's',
    confirmationCode: 'c',
    apiBaseUrl: vk.apiBaseUrl,
  });
});
afterAll(async () => {
  // Closing the Bot API ends the hung call; its lane finishes before the database goes.
  await Promise.all([botApi?.close(), files?.close()]);
  await Promise.all(workers.map((w) => w.idle()));
  await vkChannel?.stop();
  await vk?.close();
  await database?.drop();
});
beforeEach(() => {
  outcomes.length = 0;
});

/** A worker of one process (its own lease owner) over the shared store. */
function worker(
  owner: string,
  senders: Partial<Record<Channel, ChannelAdapter>> = {},
  batches?: { pass: number; lane: number },
) {
  const made = new OutboxWorker({
    ...(batches ? { batches } : {}),
    store,
    senders: (channel) => ({ telegram, vk: vkChannel, ...senders })[channel],
    fileUrl: (ref, name) => `${files.url}/${ref}/${name}`,
    clock,
    lease: leaseMaker(clock, 60_000, owner),
    onSent: async (item) => void outcomes.push({ key: item.key, state: 'sent' }),
    onFailed: async (item, reason) => void outcomes.push({ key: item.key, state: reason }),
    wakeAt: () => undefined,
    onError: (error) => void errors.push(error),
    // The chat's pace is waited out on the test's clock.
    pause: async (ms) => clock.set(new Date(clock.now().getTime() + ms)),
  });
  workers.push(made);
  return made;
}

const conversation = new Types.ObjectId().toHexString();
const message = (cause: string, channel: Channel, chatId: string, extra: Partial<NewOutbound>) => ({
  cause,
  conversationId: conversation,
  channel,
  chatId,
  attachments: [],
  ...extra,
});
const entriesOf = async (cause: string) =>
  (await database.models.Outbox.find().sort({ part: 1 }).lean()).filter((entry) =>
    entry.key.startsWith(`${cause}:`),
  );
/** Runs passes, moving the clock past each wait, until nothing of `cause` is left to send. */
async function deliverAll(w: OutboxWorker, cause: string, rounds = 10) {
  for (let round = 0; round < rounds; round += 1) {
    await w.runOnce();
    await w.idle();
    const live = (await entriesOf(cause)).filter((e) => ['pending', 'sending'].includes(e.status));
    if (live.length === 0) return;
    const next = Math.max(...live.map((entry) => entry.nextAttemptAt.getTime()));
    // Past the entry's next attempt and past the chat's pace (Telegram: a second per message).
    clock.set(new Date(Math.max(next, clock.now().getTime() + 1500) + 1));
  }
}

describe('exactly once to the customer', () => {
  it('a cause queued twice (a redelivered manager update) is one message and one send', async () => {
    const reply = message('staff:900:41', 'telegram', '7001', { text: 'Счёт отправлен' });
    const first = await store.enqueue(reply, clock.now());
    const again = await store.enqueue(reply, clock.now());
    expect(again).toMatchObject({ messageId: first.messageId, duplicate: true });
    expect(first.duplicate).toBe(false);
    await deliverAll(worker('p1'), 'staff:900:41');
    expect(botApi.delivered('7001')).toEqual(['Счёт отправлен']);
    expect(await database.models.Message.countDocuments({ externalId: /staff:900:41/ })).toBe(1);
  });

  it('429 then 500 from the Bot API: each reply reaches the customer exactly once', async () => {
    botApi.script('7002', ['429', '500', '429']);
    for (const n of [1, 2, 3]) {
      await store.enqueue(
        message(`staff:900:5${n}`, 'telegram', '7002', { text: `ответ ${n}` }),
        clock.now(),
      );
    }
    const w = worker('p1');
    for (const n of [1, 2, 3]) await deliverAll(w, `staff:900:5${n}`);
    expect(botApi.delivered('7002')).toEqual(['ответ 1', 'ответ 2', 'ответ 3']);
    expect(outcomes.map((o) => o.state)).toEqual(['sent', 'sent', 'sent']);
  });

  it('a 500 after a long run of 429s is retried within seconds of the Bot API coming back', async () => {
    // Eight 429s (retry_after 3) count as eight attempts: a back-off from the attempts alone
    // would then wait 2^8 s (over 4 minutes) after the first 500, long after Telegram is fine.
    botApi.script('7006', [...Array<'429'>(8).fill('429'), '500', '500']);
    const queuedAt = clock.now().getTime();
    await store.enqueue(
      message('staff:900:56', 'telegram', '7006', { text: 'Счёт во вложении' }),
      clock.now(),
    );
    await deliverAll(worker('p1'), 'staff:900:56', 20);
    expect(botApi.delivered('7006')).toEqual(['Счёт во вложении']);
    // 8 × 3 s of rate limits, then two short waits: well under a minute from queueing.
    expect(clock.now().getTime() - queuedAt).toBeLessThan(60_000);
  });

  it('a multi-part send retried after its text went out sends only the file', async () => {
    // Longer than a caption may be: the text and the file are two Telegram calls.
    const text = 'Договор '.repeat(200);
    const attachments = [{ kind: 'document' as const, fileRef: 'f1', name: 'contract.pdf' }];
    botApi.script('7003', ['ok', '500']);
    await store.enqueue(
      message('staff:900:61', 'telegram', '7003', { text, attachments }),
      clock.now(),
    );
    expect((await entriesOf('staff:900:61')).map((e) => e.key)).toEqual([
      'staff:900:61:0',
      'staff:900:61:1',
    ]);
    await deliverAll(worker('p1'), 'staff:900:61');
    expect(botApi.delivered('7003')).toEqual([text, 'file:contract.pdf']);
    expect(outcomes).toEqual([{ key: 'staff:900:61:1', state: 'sent' }]);
  });
});

describe('a crash between the send and its record', () => {
  /** What a process that died mid-send leaves: the entry `sending`, under its expired lease. */
  async function diedWhileSending(cause: string, adapter: ChannelAdapter, chatId: string) {
    const dead = { owner: 'dead-process', until: new Date(clock.now().getTime() + 60_000) };
    const [item] = (await store.claimDue(dead, clock.now(), 200)).filter(
      (i) => i.key === `${cause}:0`,
    );
    expect(await store.markSending(item!, dead, clock.now())).toBe(true);
    await adapter.send(chatId, { key: item!.key, text: item!.text!, attachments: [] });
    clock.set(new Date(clock.now().getTime() + 61_000));
  }

  it('VK: resent under the same random_id, so the customer still gets it once', async () => {
    const chatId = '512309871';
    await store.enqueue(
      message('robot:n1', 'vk', chatId, { text: 'Мы начали работу' }),
      clock.now(),
    );
    await diedWhileSending('robot:n1', vkChannel, chatId);
    const before = vk.deliveries().length;
    await deliverAll(worker('p2'), 'robot:n1');
    expect(vk.deliveries().length).toBe(before);
    expect(vk.deliveries().filter((d) => d.text === 'Мы начали работу')).toHaveLength(1);
    expect(outcomes).toEqual([{ key: 'robot:n1:0', state: 'sent' }]);
  });

  it('Telegram: not resent (no idempotency there); the author is told it is unconfirmed', async () => {
    await store.enqueue(
      message('staff:900:71', 'telegram', '7004', { text: 'Жду оплату' }),
      clock.now(),
    );
    await diedWhileSending('staff:900:71', telegram, '7004');
    await deliverAll(worker('p2'), 'staff:900:71');
    expect(botApi.delivered('7004')).toEqual(['Жду оплату']);
    expect(outcomes).toEqual([{ key: 'staff:900:71:0', state: 'unconfirmed' }]);
  });
});

describe('isolation and leases', () => {
  it('a hung Telegram chat holds neither the next pass nor a VK reply', async () => {
    botApi.script('7005', ['hang']);
    const w = worker('p3');
    await store.enqueue(
      message('staff:900:81', 'telegram', '7005', { text: 'Застрянет' }),
      clock.now(),
    );
    await w.runOnce();
    await eventually(async () => botApi.hanging() === 1);
    // The Telegram call hangs; a VK reply queued after it goes out on the next pass all the same.
    await store.enqueue(
      message('staff:900:82', 'vk', '512309872', { text: 'Дойдёт' }),
      clock.now(),
    );
    await w.runOnce();
    await eventually(async () => vk.deliveries().some((d) => d.text === 'Дойдёт'));
    expect(botApi.delivered('7005')).toEqual([]);
    expect((await entriesOf('staff:900:81'))[0]?.status).toBe('sending');
  });

  it('a message this process queues goes to its lane at once, with no claim round', async () => {
    const w = worker('p9');
    const claims = jest.spyOn(store, 'claimDue');
    const reply = message('staff:900:131', 'telegram', '7601', { text: 'Сразу' });
    const queued = await store.enqueue(reply, clock.now(), leaseMaker(clock, 60_000, 'p9')());
    expect(queued.entries.map((entry) => entry.text)).toEqual(['Сразу']);
    w.take(queued.entries);
    await w.idle();
    expect(botApi.delivered('7601')).toEqual(['Сразу']);
    expect(claims).not.toHaveBeenCalled();
    // Queued again (a redelivered update): nothing new to hand over, nothing sent twice.
    const again = await store.enqueue(reply, clock.now(), leaseMaker(clock, 60_000, 'p9')());
    expect(again).toMatchObject({ duplicate: true, entries: [] });
    claims.mockRestore();
  });

  it("a chat's next messages wait out its pace in its lane, not for another claim", async () => {
    for (const n of [1, 2, 3]) {
      for (const chat of ['7301', '7302']) {
        await store.enqueue(
          message(`staff:900:10${n}:${chat}`, 'telegram', chat, { text: `по порядку ${n}` }),
          clock.now(),
        );
      }
    }
    const claims = jest.spyOn(store, 'claimDue');
    const w = worker('p6');
    const startedAt = clock.now().getTime();
    await w.runOnce();
    await w.idle();
    const expected = ['по порядку 1', 'по порядку 2', 'по порядку 3'];
    expect(botApi.delivered('7301')).toEqual(expected);
    expect(botApi.delivered('7302')).toEqual(expected);
    // One claim for all six; each chat held to Telegram's second between two of its messages.
    expect(claims).toHaveBeenCalledTimes(1);
    expect(clock.now().getTime() - startedAt).toBeGreaterThanOrEqual(2000);
    claims.mockRestore();
  });

  it('a lane handed part of a long queue takes the rest of its chat itself, in order', async () => {
    // 4 messages to each of 3 chats: a pass takes 6 (2 a chat), each lane the other 2 itself.
    const chats = ['7501', '7502', '7503'];
    for (let n = 1; n <= 4; n += 1) {
      for (const chat of chats) {
        await store.enqueue(
          message(`staff:900:12${n}:${chat}`, 'telegram', chat, { text: `длинная ${n}` }),
          clock.now(),
        );
      }
    }
    const claims = jest.spyOn(store, 'claimDue');
    const w = worker('p8', {}, { pass: 6, lane: 3 });
    await w.runOnce();
    await w.idle();
    const all = ['длинная 1', 'длинная 2', 'длинная 3', 'длинная 4'];
    for (const chat of chats) expect(botApi.delivered(chat)).toEqual(all);
    // One pass for all chats, then one claim of its own per chat.
    expect(claims).toHaveBeenCalledTimes(1 + chats.length);
    claims.mockRestore();
  });

  it("a lane looks once for another's earlier messages to its chat, not before every send", async () => {
    for (let n = 1; n <= 5; n += 1) {
      await store.enqueue(
        message(`staff:900:14${n}`, 'telegram', '7701', { text: `раз ${n}` }),
        clock.now(),
      );
    }
    const looks = jest.spyOn(store, 'hasEarlierLive');
    const w = worker('p10');
    await w.runOnce();
    await w.idle();
    expect(botApi.delivered('7701')).toEqual(['раз 1', 'раз 2', 'раз 3', 'раз 4', 'раз 5']);
    expect(looks).toHaveBeenCalledTimes(1);
    looks.mockRestore();
  });

  it("a chat's later messages wait while an earlier one is another process's", async () => {
    await store.enqueue(
      message('staff:900:151', 'telegram', '7702', { text: 'первое' }),
      clock.now(),
    );
    // Another process claims the first and is slow to send it.
    const [first] = await store.claimDue(leaseMaker(clock, 60_000, 'elsewhere')(), clock.now(), 1, {
      channel: 'telegram',
      chatId: '7702',
    });
    clock.set(new Date(clock.now().getTime() + 1000));
    for (const n of [2, 3]) {
      await store.enqueue(
        message(`staff:900:15${n}`, 'telegram', '7702', { text: `потом ${n}` }),
        clock.now(),
      );
    }
    const w = worker('p11');
    await w.runOnce();
    await w.idle();
    expect(botApi.delivered('7702')).toEqual([]);
    // Sent and recorded there: the later ones follow.
    await store.markSent(first!, 'x-1', clock.now());
    await w.runOnce();
    await w.idle();
    expect(botApi.delivered('7702')).toEqual(['потом 2', 'потом 3']);
  });

  it("all chats together stay under the channel's rate", async () => {
    const calls: number[] = [];
    const slow: ChannelAdapter = {
      ...telegram,
      perSecond: 5,
      send: async (chatId, outbound) => {
        calls.push(Date.now());
        return telegram.send(chatId, outbound);
      },
    };
    for (const n of [1, 2, 3, 4, 5, 6]) {
      await store.enqueue(
        message(`staff:900:11${n}`, 'telegram', `74${n}`, { text: `всем ${n}` }),
        clock.now(),
      );
    }
    const w = worker('p7', { telegram: slow });
    await w.runOnce();
    await w.idle();
    for (const n of [1, 2, 3, 4, 5, 6]) expect(botApi.delivered(`74${n}`)).toEqual([`всем ${n}`]);
    // Six chats at once, five sends a second: the sixth no sooner than a second after the first.
    expect(calls[5]! - calls[0]!).toBeGreaterThanOrEqual(990);
  });

  it('two processes claiming at once never send the same entry twice', async () => {
    for (const n of [1, 2, 3, 4, 5, 6]) {
      await store.enqueue(
        message(`staff:900:9${n}`, 'telegram', `72${n}`, { text: `раз ${n}` }),
        clock.now(),
      );
    }
    const [a, b] = [worker('p4'), worker('p5')];
    await Promise.all([a.runOnce(), b.runOnce()]);
    await Promise.all([a.idle(), b.idle()]);
    for (const n of [1, 2, 3, 4, 5, 6]) expect(botApi.delivered(`72${n}`)).toEqual([`раз ${n}`]);
  });
});
