import { Inbox } from '../../src/app/messaging/inbox';
import type { InboundMessage } from '../../src/domain/message';
import { systemClock } from '../../src/domain/ports';
import { createInboxStore } from '../../src/store/repositories/inbox.repository';
import { eventually, openTestDatabase } from '../support/database';

/**
 * A burst larger than the inbox's window: what does not fit waits in the database, not in
 * leases this process keeps renewing, and is taken as room frees, with every chat's messages
 * still ingested once each and in the order they came.
 */
let database: Awaited<ReturnType<typeof openTestDatabase>>;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

const message = (chat: number, n: number): InboundMessage => ({
  channel: 'telegram',
  chatId: String(chat),
  externalId: `${chat}:${n}`,
  senderId: String(chat),
  senderName: 'Клиент',
  text: `${chat}/${n}`,
  attachments: [],
  sentAt: new Date(),
});

it('keeps a burst past its window in the store and ingests it all, once each, in each chat’s order', async () => {
  const ingested: string[] = [];
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const inbox = new Inbox({
    store: createInboxStore(database.models),
    clock: systemClock,
    window: 4,
    // No safety poll during the test: what is stored for later is taken as items finish.
    pollMs: 600_000,
    ingest: async (m) => {
      await gate;
      ingested.push(m.text ?? '');
    },
    onError: () => undefined,
    onParked: () => undefined,
  });
  inbox.start();
  try {
    // Two customers writing six messages each, one after another as webhooks arrive.
    for (let n = 1; n <= 6; n += 1) {
      await inbox.accept(message(501, n));
      await inbox.accept(message(502, n));
    }
    const { Inbox: items } = database.models;
    expect(await items.countDocuments()).toBe(12);
    // Four taken here at once (the window); the other eight wait for whoever takes them first.
    expect(await items.countDocuments({ owner: { $exists: true } })).toBe(4);

    // Another process's insert wakes this one while its window is full: nothing to take yet.
    await inbox.recover();
    open();
    await eventually(async () => (await items.countDocuments()) === 0);
    await inbox.drained();
    expect([...ingested].sort()).toEqual(
      [1, 2, 3, 4, 5, 6].flatMap((n) => [`501/${n}`, `502/${n}`]).sort(),
    );
    for (const chat of ['501', '502']) {
      expect(ingested.filter((text) => text.startsWith(`${chat}/`))).toEqual(
        [1, 2, 3, 4, 5, 6].map((n) => `${chat}/${n}`),
      );
    }

    // The backlog gone, the next message is taken at once again.
    await inbox.accept(message(503, 1));
    await eventually(async () => ingested.includes('503/1'));
  } finally {
    open();
    await inbox.stop();
  }
});

it('does not ingest a message taken over from the store while another process is on an earlier one of its chat', async () => {
  const ingested: string[] = [];
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const processOf = (name: string, window: number) =>
    new Inbox({
      store: createInboxStore(database.models),
      clock: systemClock,
      window,
      pollMs: 600_000,
      ingest: async (m) => {
        if (name === 'first') await gate;
        ingested.push(`${m.text ?? ''} by ${name}`);
      },
      onError: () => undefined,
      onParked: () => undefined,
    });
  // The first process holds one item at a time: the customer's first message stays with it
  // (its ingest is slow), the second is stored for whoever has room.
  const first = processOf('first', 1);
  const second = processOf('second', 10);
  first.start();
  second.start();
  try {
    await first.accept(message(601, 1));
    await first.accept(message(601, 2));
    // The second process has room and takes the stored message over, but its chat's first
    // message is still with the other process: it waits.
    await second.recover();
    expect(ingested).toEqual([]);

    open();
    await eventually(async () => ingested.length === 2);
    expect(ingested.map((line) => line.split(' by ')[0])).toEqual(['601/1', '601/2']);
    await eventually(async () => (await database.models.Inbox.countDocuments()) === 0);
  } finally {
    open();
    await Promise.all([first.stop(), second.stop()]);
  }
});
