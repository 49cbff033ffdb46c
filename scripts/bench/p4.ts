/**
 * P4: outbound under Telegram's limits. `chats` Telegram customers each write once (a
 * conversation, a lead and a card for the dispatcher); then `messages` messages to them, round
 * robin over the chats, go out through the hub's outbox worker and the customer bot to the fake
 * Bot API, which holds that bot to Telegram's limits (a chat one message a second, the bot 30 a
 * second; past that, 429 with `retry_after`). Two ways in (`driver`):
 *  - `replies`: the staff members the cards went to (`staff` dispatchers, whom the hub gives new
 *    leads least-loaded first) answer them through the manager bot's webhook — the path a
 *    manager's reply takes, so the hub's own pace of queueing replies is part of the time;
 *  - `outbox`: the bench queues the messages with the hub's own outbox repository
 *    (`createOutboxStore().enqueue`), as another hub process would, all due at one moment; the
 *    hub's worker takes them at its safety tick (what another process queued) and sends them all
 *    against the limits at once: how its pacing meets Telegram's limits, without the queueing.
 *
 * Counted at the fake: every message accepted once (lost: never; duplicated: more than once),
 * each chat's 429s beyond its first, and the time to the last accepted, against the fastest
 * schedule the same limits allow for the same messages ready at the same moments (`fastestFinish`).
 * (Over 300 lines on purpose: one measuring tool read top to bottom, as its README describes.)
 */
import type { Db } from 'mongodb';
import { DISPATCHER_TELEGRAM_ID, dispatcherDoc } from './database';
import { CUSTOMER_BOT_ID, type FakeBotApi } from './fake-bot-api';
import {
  commandDelta,
  roundTrips,
  scrape,
  settle,
  withHub,
  type BenchContext,
  type HubWorld,
  type RoundTrips,
} from './harness';
import { drain, messages, sendOpenLoop } from './load';
import { managerWebhookClient, postReplies, type StaffReply } from './manager-replies';
import { queueThroughOutbox } from './outbox-driver';
import type { P4Driver, Settings } from './settings';
import { percentile, round, sleep } from './stats';
import { fastestFinish, TELEGRAM_LIMITS } from './telegram-limits';

const P4_CUSTOMERS = 8_000_000;
const TEXT = /\bp4 #(\d+)\b/;
/**
 * The customers' first messages go in at this rate (their cards are the setup, not measured): slow
 * enough that the hub's least-loaded pick, which re-counts open tasks once a second, spreads the
 * cards over several dispatchers.
 */
const SETUP_RATE = 5;
/** After the last delivery, how long a late duplicate still gets to show up. */
const DUPLICATE_WATCH_MS = 2000;
const LIMITS = { botIds: [CUSTOMER_BOT_ID], ...TELEGRAM_LIMITS };

/** Wall-clock milliseconds of a performance.now() reading (the hub stamps entries in wall time). */
const wall = (at: number) => performance.timeOrigin + at;
const text = (i: number) => `p4 #${i + 1}`;

export interface P4Result {
  driver: P4Driver;
  messages: number;
  chats: number;
  /** `replies`: how the hub took them. */
  replies?: { taken: number; notTaken: number; redeliveries: number; staffChats: number };
  /** Entries in the outbox, from the first queued to the last. */
  queued: { entries: number; seconds: number; perSecond: number };
  delivered: number;
  lost: number;
  duplicated: number;
  tooMany: {
    total: number;
    chatsHit: number;
    /** 429s of each chat beyond its first, summed: the target is none. */
    beyondFirstPerChat: number;
    mostInOneChat: number;
  };
  /** Customer-bot sends that were none of these messages (a robot's, say). */
  otherSends: number;
  timing: {
    /** From the start (see `from`) to the last message accepted. */
    seconds: number;
    /** The same for the fastest schedule the limits allow, the messages ready as they were. */
    minimumSeconds: number;
    ratio: number;
    from: 'first queued' | 'first send';
    /** `outbox`: from the moment they were due to the worker's first send (its safety tick). */
    pickUpSeconds?: number;
    /** The minimum had every message been ready at the start. */
    allAtOnceSeconds: number;
  };
  /** Ready (queued, or due) → accepted by the fake, per message. */
  latency: { p50Ms: number; p99Ms: number; maxMs: number };
  /** The hub's database round trips per message, from the first queued to the last delivered. */
  roundTrips: RoundTrips;
}

/** Dispatchers besides the one every scenario has, so the cards spread over several staff chats. */
async function seedMoreDispatchers(db: Db, count: number): Promise<void> {
  if (count <= 0) return;
  const sales = await db.collection('departments').findOne({ code: 'sales' });
  const now = new Date();
  await db
    .collection('users')
    .insertMany(
      Array.from({ length: count }, (_, i) =>
        dispatcherDoc(DISPATCHER_TELEGRAM_ID + 1 + i, `Dispatcher ${i + 2}`, sales?._id, now),
      ),
    );
}

/** Each customer writes once; their conversations and their cards (staff chat, message), in order. */
async function customersWithCards(world: HubWorld, context: BenchContext) {
  const { p4 } = context.settings;
  const firsts = messages(p4.chats, 1, (i) => P4_CUSTOMERS + i);
  const setup = await sendOpenLoop(world.client, firsts, SETUP_RATE);
  await drain(world.fake, setup, p4.setupMs);
  await setup.answered;
  const cards = firsts.map((m) => world.fake.cardRefs.get(m.n));
  const missing = cards.filter((id) => id === undefined).length;
  if (missing) {
    throw new Error(
      `${missing} of ${p4.chats} customers got no card within ${p4.setupMs / 1000} s; no chat to write to`,
    );
  }
  // The cards' records land after they are sent, and the customers' work runs on for a while.
  await settle(context, world.hub.url);
  const conversations = await world.db
    .collection<{ chatId: string }>('conversations')
    .find({ channel: 'telegram' }, { projection: { chatId: 1 } })
    .toArray();
  const byChat = new Map(conversations.map((c) => [c.chatId, c._id.toHexString()]));
  return firsts.map((m, i) => ({
    chatId: String(m.customerId),
    conversationId: byChat.get(String(m.customerId))!,
    card: cards[i]!,
  }));
}

/** The outbox's entries of this run: their number, chat and when they were queued. */
async function queuedEntries(db: Db) {
  const docs = await db
    .collection<{ text?: string; chatId: string; createdAt: Date }>('outbox')
    .find(
      { channel: 'telegram', text: { $regex: '^p4 #' } },
      { projection: { text: 1, chatId: 1, createdAt: 1 } },
    )
    .toArray();
  return docs.map((doc) => ({
    n: Number(TEXT.exec(doc.text ?? '')?.[1]),
    chatId: doc.chatId,
    queuedAt: doc.createdAt.getTime(),
  }));
}

/** Accepted sends per message number, and 429s per chat, from the customer bot's calls. */
function countSends(fake: FakeBotApi, from: number) {
  const accepted = new Map<number, number[]>();
  const tooMany = new Map<string, number>();
  let other = 0;
  let firstAttempt = Infinity;
  for (const send of fake.sends.slice(from)) {
    const n = Number(TEXT.exec(send.text)?.[1]);
    if (Number.isFinite(n)) firstAttempt = Math.min(firstAttempt, wall(send.at));
    if (send.status === 429) {
      tooMany.set(send.chatId, (tooMany.get(send.chatId) ?? 0) + 1);
    } else if (!Number.isFinite(n)) {
      other++;
    } else {
      const times = accepted.get(n);
      if (times) times.push(wall(send.at));
      else accepted.set(n, [wall(send.at)]);
    }
  }
  return { accepted, tooMany, other, firstAttempt };
}

/** Waits until `expected` messages were accepted, then a little for duplicates; by `deadline`. */
async function awaitDeliveries(fake: FakeBotApi, from: number, expected: number, deadline: number) {
  while (performance.now() < deadline && countSends(fake, from).accepted.size < expected) {
    await sleep(100);
  }
  await sleep(Math.min(DUPLICATE_WATCH_MS, Math.max(0, deadline - performance.now())));
}

export async function p4Scenario(context: BenchContext, driver: P4Driver) {
  const { p4 } = context.settings;
  return withHub(
    context,
    `p4_${driver}`,
    ({ db }) => seedMoreDispatchers(db, driver === 'replies' ? p4.staff - 1 : 0),
    async (world): Promise<P4Result> => {
      const { fake, db, hub } = world;
      const chats = await customersWithCards(world, context);
      const sendsBefore = fake.sends.length;
      const before = await scrape(hub.url);
      const started = performance.now();
      const deadline = started + p4.deadlineMs;
      let replies: P4Result['replies'];
      /** When each message was ready to go: queued, or (`outbox`) due. */
      let readyAt: (queuedAt: number) => number = (queuedAt) => queuedAt;

      if (driver === 'replies') {
        const list: StaffReply[] = Array.from({ length: p4.messages }, (_, i) => ({
          updateId: 100_000 + i,
          messageId: 100_000 + i,
          card: chats[i % chats.length]!.card,
          text: text(i),
        }));
        const client = managerWebhookClient(hub.port, p4.connections);
        try {
          const posted = await postReplies(client, list, {
            connections: p4.connections,
            giveUpAt: deadline,
          });
          replies = {
            taken: p4.messages - posted.notTaken,
            notTaken: posted.notTaken,
            redeliveries: posted.redeliveries,
            staffChats: posted.staffChats,
          };
        } finally {
          client.close();
        }
      } else {
        const dueAt = Date.now() + p4.queueLeadMs;
        await queueThroughOutbox(
          world.mongodbUri,
          Array.from({ length: p4.messages }, (_, i) => {
            const chat = chats[i % chats.length]!;
            return {
              cause: `bench:p4:${i + 1}`,
              conversationId: chat.conversationId,
              channel: 'telegram' as const,
              chatId: chat.chatId,
              text: text(i),
              attachments: [],
            };
          }),
          new Date(dueAt),
        );
        // Queued later than it was due (a slow database): ready once it was queued.
        readyAt = (queuedAt) => Math.max(queuedAt, dueAt);
      }
      await awaitDeliveries(fake, sendsBefore, replies?.taken ?? p4.messages, deadline);
      const trips = roundTrips(context, commandDelta(before, await scrape(hub.url)), p4.messages);
      return {
        ...measure(p4, driver, fake, sendsBefore, await queuedEntries(db), readyAt, replies),
        roundTrips: trips,
      };
    },
    { fake: { limits: LIMITS, recorded: [CUSTOMER_BOT_ID] } },
  );
}

function measure(
  p4: Settings['p4'],
  driver: P4Driver,
  fake: FakeBotApi,
  sendsBefore: number,
  entries: { n: number; chatId: string; queuedAt: number }[],
  readyAt: (queuedAt: number) => number,
  replies: P4Result['replies'],
): Omit<P4Result, 'roundTrips'> {
  const { accepted, tooMany, other, firstAttempt } = countSends(fake, sendsBefore);
  const queued = entries.map((e) => e.queuedAt);
  const firstQueued = Math.min(...queued);
  const lastQueued = Math.max(...queued);
  const ready = entries.map((e) => ({ chatId: e.chatId, readyAt: readyAt(e.queuedAt) }));
  const firstReady = Math.min(...ready.map((r) => r.readyAt));
  // Replies: the clock runs from the first one queued, so the hub's pace of taking them counts.
  // Outbox: from the worker's first send, since it only looks for what another process queued
  // at its safety tick; that wait is reported on its own.
  const start = driver === 'replies' ? firstQueued : Math.max(firstReady, firstAttempt);
  const delivered = new Map([...accepted].map(([n, times]) => [n, times[0]!]));
  const lastDelivered = delivered.size ? Math.max(...delivered.values()) : NaN;
  const minimum = fastestFinish(
    ready.map((r) => ({ chatId: r.chatId, readyAt: Math.max(start, r.readyAt) })),
    LIMITS,
  );
  const allAtOnce = fastestFinish(
    ready.map((r) => ({ chatId: r.chatId, readyAt: start })),
    LIMITS,
  );
  const latencies = entries
    .filter((e) => delivered.has(e.n))
    .map((e) => delivered.get(e.n)! - readyAt(e.queuedAt));
  const perChat = [...tooMany.values()];
  const seconds = (lastDelivered - start) / 1000;
  const minimumSeconds = (minimum - start) / 1000;
  const queuedSeconds = (lastQueued - firstQueued) / 1000;
  return {
    driver,
    messages: p4.messages,
    chats: p4.chats,
    ...(replies ? { replies } : {}),
    queued: {
      entries: entries.length,
      seconds: round(queuedSeconds, 2),
      perSecond: round(entries.length / Math.max(0.001, queuedSeconds)),
    },
    delivered: accepted.size,
    lost: p4.messages - accepted.size,
    duplicated: [...accepted.values()].filter((times) => times.length > 1).length,
    tooMany: {
      total: perChat.reduce((a, b) => a + b, 0),
      chatsHit: perChat.length,
      beyondFirstPerChat: perChat.reduce((a, b) => a + Math.max(0, b - 1), 0),
      mostInOneChat: Math.max(0, ...perChat),
    },
    otherSends: other,
    timing: {
      seconds: round(seconds, 2),
      minimumSeconds: round(minimumSeconds, 2),
      ratio: round(seconds / minimumSeconds, 3),
      from: driver === 'replies' ? 'first queued' : 'first send',
      ...(driver === 'outbox'
        ? { pickUpSeconds: round((firstAttempt - firstReady) / 1000, 2) }
        : {}),
      allAtOnceSeconds: round((allAtOnce - start) / 1000, 2),
    },
    latency: {
      p50Ms: round(percentile(latencies, 0.5)),
      p99Ms: round(percentile(latencies, 0.99)),
      maxMs: round(latencies.length ? Math.max(...latencies) : NaN),
    },
  };
}
