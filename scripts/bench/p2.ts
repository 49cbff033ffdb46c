/**
 * P2: sustained ingest near the saturation rate, against the raw driver's insert rate measured
 * just before on the same database server; the hub's event-loop lag over the sending window; the backlog
 * (sent, no card yet) each second, to see a queue grow.
 */
import { rawInsertRate, type ScenarioDatabase } from './database';
import { commandDelta, roundTrips, scrape, settle, withHub, type BenchContext } from './harness';
import { eventLoopLag } from './hub-metrics';
import { drain, messages, sendOpenLoop, summarize } from './load';
import { round } from './stats';

export async function p2Scenario(context: BenchContext, rate: number) {
  const { settings } = context;
  let raw = { perSecond: NaN, inserted: 0, seconds: 0 };
  const count = Math.max(1, Math.round(rate * settings.p2.seconds));
  // The ceiling on the very server the hub then runs on, before it starts.
  const measureRaw = async ({ db }: ScenarioDatabase) => {
    raw = await rawInsertRate(db, {
      seconds: settings.p2.rawInsertSeconds,
      concurrency: settings.p2.rawInsertConcurrency,
    });
    await db.collection('bench_raw').drop();
  };
  const result = await withHub(context, `p2_${rate}`, measureRaw, async ({ hub, fake, client }) => {
    const before = await settle(context, hub.url);
    const backlog: { second: number; sent: number; backlog: number }[] = [];
    let sentSoFar = 0;
    const started = performance.now();
    const sampler = setInterval(() => {
      backlog.push({
        second: round((performance.now() - started) / 1000, 1),
        sent: sentSoFar,
        backlog: sentSoFar - fake.cards.size,
      });
    }, 1000);
    const windowStart = await scrape(hub.url);
    let run;
    try {
      run = await sendOpenLoop(
        client,
        messages(count, 1, (i) => 4_000_000 + i),
        rate,
        (n) => (sentSoFar = n),
      );
    } finally {
      clearInterval(sampler);
    }
    const windowEnd = await scrape(hub.url);
    await drain(fake, run, settings.drainMs);
    await run.answered;
    const load = summarize(fake, run, rate, settings.drainMs);
    const after = await settle(context, hub.url);
    const half = backlog[Math.floor(backlog.length / 2)]?.backlog ?? NaN;
    const end = backlog.at(-1)?.backlog ?? NaN;
    return {
      rate,
      seconds: settings.p2.seconds,
      processedPerSecond: load.cards.perSecond,
      eventLoop: { ...eventLoopLag(windowEnd), scrapeOk: windowStart.ok && windowEnd.ok },
      backlog: { atHalf: half, atEnd: end, growth: end - half, samples: backlog },
      load,
      roundTrips: roundTrips(context, commandDelta(before, after), count),
    };
  });
  return {
    ...result,
    rawInsert: { ...raw, perSecond: round(raw.perSecond) },
    ratioToRaw: round(result.processedPerSecond / raw.perSecond, 4),
  };
}
