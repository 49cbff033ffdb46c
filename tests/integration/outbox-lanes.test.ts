import { eventually } from '../support/database';
import { leaseMaker } from '../../src/app/lease';
import type { ChannelAdapter } from '../../channels/contract';
import {
  useOutboxWorld,
  worker,
  message,
  store,
  botApi,
  clock,
  telegram,
  vk,
  entriesOf,
} from '../support/outbox-world';

/** Each chat a lane of its own: isolated, paced, in order, and shared safely between processes. */
useOutboxWorld();

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
