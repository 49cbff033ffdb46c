/**
 * P5: the widget. `sockets` idle visitors connect to the hub's socket.io and say hello, as the
 * widget's script does on every page; the hub's heap (prom-client's `nodejs_heap_size_used_bytes`
 * on its /metrics, each reading after a full GC asked through the hub's inspector, the lowest of
 * several) before and after, per socket: what the sockets keep alive, not garbage awaiting a GC.
 * Then one more visitor writes once (a card for the dispatcher) and the dispatcher answers the
 * card `messages` times, one after another, through the manager bot's webhook: each reply is timed
 * from its POST to the visitor's socket receiving it, and from its outbox entry's `createdAt`.
 */
import { spawnSync } from 'node:child_process';
import type { Db } from 'mongodb';
import { withHub, type BenchContext } from './harness';
import type { HubProcess } from './hub-process';
import { memory, scrape } from './hub-metrics';
import { interruption } from './interrupt';
import { postReply } from './manager-replies';
import { percentile, round, sleep } from './stats';
import {
  BENCH_SITE_KEY,
  openVisitor,
  openVisitors,
  timedVisitor,
  type WidgetSocket,
} from './widget-client';

/** Descriptors the bench needs besides the sockets (the database, the fake, the hub's pipes). */
const FD_HEADROOM = 256;
/** A socket's connect and hello; the embedded database can take seconds for a hello's reads. */
const OPEN_TIMEOUT_MS = 20_000;
const HEAP_SAMPLE_INTERVAL_MS = 1000;
const P5_MESSAGE = 900_001;

/** This process's open-file limit (`ulimit -n`), which its children inherit. */
function fileLimit(): number {
  const out = spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).stdout?.trim() ?? '';
  if (out === 'unlimited') return Infinity;
  const value = Number(out);
  return Number.isFinite(value) && value > 0 ? value : Infinity;
}

/** The lowest heap (and RSS) of `samples` readings a second apart, each after a full GC. */
async function lowestMemory(hub: HubProcess, samples: number) {
  let heapUsed = Infinity;
  let rss = Infinity;
  let read = 0;
  for (let i = 0; i < samples && !interruption.requested; i++) {
    if (i > 0) await sleep(HEAP_SAMPLE_INTERVAL_MS);
    await hub.collectGarbage?.();
    const m = memory(await scrape(hub.url));
    if (!Number.isFinite(m.heapUsed)) continue;
    read++;
    heapUsed = Math.min(heapUsed, m.heapUsed);
    rss = Math.min(rss, m.rss);
  }
  if (!read) throw new Error("could not read the hub's heap from /metrics");
  return { heapUsed, rss };
}

async function queuedAt(db: Db): Promise<Map<string, number>> {
  const docs = await db
    .collection<{ text?: string; createdAt: Date }>('outbox')
    .find(
      { channel: 'widget', text: { $regex: '^p5 #' } },
      { projection: { text: 1, createdAt: 1 } },
    )
    .toArray();
  return new Map(docs.map((doc) => [doc.text ?? '', doc.createdAt.getTime()]));
}

const stats = (values: number[]) => ({
  p50Ms: round(percentile(values, 0.5)),
  p99Ms: round(percentile(values, 0.99)),
  maxMs: round(values.length ? Math.max(...values) : NaN),
});

export async function p5Scenario(context: BenchContext) {
  const { p5 } = context.settings;
  const limit = fileLimit();
  const wanted = p5.sockets;
  // The bench holds one end of every socket and the hub (which inherits this limit) the other.
  const sockets = Math.max(0, Math.min(wanted, limit - FD_HEADROOM));
  const capped = sockets < wanted ? `capped at ${sockets} by ulimit -n ${limit}` : undefined;
  if (capped) context.log(`  P5: ${capped} (raise it with ulimit -n before the bench)`);

  return withHub(
    context,
    'p5',
    undefined,
    async ({ hub, fake, client, db }) => {
      const before = await lowestMemory(hub, p5.heapSamples);
      const idle: WidgetSocket[] = [];
      let visitorSocket: WidgetSocket | undefined;
      try {
        const opened = await openVisitors(hub.url, sockets, {
          concurrency: p5.connectConcurrency,
          deadline: performance.now() + p5.connectMs,
          timeoutMs: OPEN_TIMEOUT_MS,
        });
        idle.push(...opened.sockets);
        const after = await lowestMemory(hub, p5.heapSamples);
        const open = idle.filter((socket) => socket.connected).length;

        // The visitor who gets the replies: writes once, so the dispatcher has a card to answer.
        visitorSocket = await openVisitor(hub.url, OPEN_TIMEOUT_MS);
        const visitor = timedVisitor(visitorSocket);
        const wrote = await visitor.write(`bench #${P5_MESSAGE}`, OPEN_TIMEOUT_MS);
        if (!wrote.ok) throw new Error(`the visitor's first message was refused: ${wrote.error}`);
        if (!(await fake.waitForCard(P5_MESSAGE, p5.replyTimeoutMs * 3))) {
          throw new Error("the visitor's message made no card for the dispatcher");
        }
        const card = fake.cardRefs.get(P5_MESSAGE)!;

        const sentAt = new Map<string, number>();
        const arrivedAt = new Map<string, number>();
        let notTaken = 0;
        for (let i = 1; i <= p5.messages && !interruption.requested; i++) {
          const text = `p5 #${i}`;
          const arrival = visitor.waitFor(text, p5.replyTimeoutMs);
          const posting = postReply(
            client,
            { updateId: 200_000 + i, messageId: 200_000 + i, card, text },
            performance.now() + p5.replyTimeoutMs,
          );
          const [at, post] = await Promise.all([arrival, posting]);
          sentAt.set(text, post.firstPostedAt);
          if (post.acceptedAt === undefined) notTaken++;
          if (at !== undefined) arrivedAt.set(text, at);
          await sleep(p5.gapMs);
        }
        const queued = await queuedAt(db);
        const endToEnd: number[] = [];
        const fromQueue: number[] = [];
        for (const [text, at] of arrivedAt) {
          endToEnd.push(at - sentAt.get(text)!);
          const entry = queued.get(text);
          if (entry !== undefined) fromQueue.push(performance.timeOrigin + at - entry);
        }
        const duplicated = [...arrivedAt.keys()].filter(
          (text) => visitor.received.filter((r) => r.item.text === text).length > 1,
        ).length;
        const heapDelta = after.heapUsed - before.heapUsed;
        return {
          socketsWanted: wanted,
          socketsOpened: opened.sockets.length,
          socketsOpenAtHeapReading: open,
          socketsFailed: opened.failed,
          ...(opened.firstError ? { firstSocketError: opened.firstError } : {}),
          connectSeconds: round(opened.seconds, 2),
          connectTimedOut: opened.timedOut,
          ...(capped ? { capped } : {}),
          fileLimit: limit,
          heap: {
            beforeMb: round(before.heapUsed / 2 ** 20, 1),
            afterMb: round(after.heapUsed / 2 ** 20, 1),
            perSocketKb: round(open ? heapDelta / open / 1024 : NaN, 2),
            rssPerSocketKb: round(open ? (after.rss - before.rss) / open / 1024 : NaN, 2),
          },
          delivery: {
            messages: sentAt.size,
            received: arrivedAt.size,
            lost: sentAt.size - arrivedAt.size,
            duplicated,
            notTaken,
            /** Reply POSTed to the manager webhook → the visitor's socket has it. */
            ...stats(endToEnd),
            /** Outbox entry queued → the visitor's socket has it. */
            fromQueue: stats(fromQueue),
          },
        };
      } finally {
        visitorSocket?.disconnect();
        for (const socket of idle) socket.disconnect();
      }
    },
    { hubEnv: { WIDGET_SITE_KEY: BENCH_SITE_KEY }, inspect: true },
  );
}
