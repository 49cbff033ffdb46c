import type { ChannelAdapter } from '../../channels/contract';
import {
  useOutboxWorld,
  worker,
  message,
  store,
  botApi,
  clock,
  outcomes,
  database,
  telegram,
  vk,
  vkChannel,
  deliverAll,
  entriesOf,
} from '../support/outbox-world';

/** Each message reaches the customer once: through redeliveries, rate limits, outages and crashes. */
useOutboxWorld();

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
