/**
 * P3 of PERFORMANCE.md, timer lateness: `spread` timers due evenly over `spreadSeconds`, then a
 * burst of `burst` timers due in the same second, all through the hub's own scheduler
 * (`createScheduler`, the `Timers` port, the hub's five-second safety poll) on one database. Lateness is
 * the time a handler started minus the time its timer was due.
 *
 * Run: `npx tsx scripts/bench-timers.ts` starts its own embedded database (temp folder, free port)
 * and prints the results. `BENCH_TIMERS_SPREAD` (10000), `BENCH_TIMERS_SPREAD_SECONDS` (600; 60
 * for a quick run), `BENCH_TIMERS_BURST` (1000). Targets: spread p99 ≤ 1 s, burst all fired
 * within 5 s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { freePort } from './bench/hub-process';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import pino from 'pino';
import { startLocalDatabase } from '../src/infra/local-db/local-db';
import { PROJECT_ROOT } from '../src/infra/project-root';
import type { TimerName } from '../src/app/process/ports';
import { createScheduler } from '../src/infra/scheduler';

export interface BenchTimersOptions {
  spread: number;
  spreadSeconds: number;
  burst: number;
  /** The scheduler's safety poll; the hub's (5000 ms) unless given. */
  processEveryMs?: number;
  log?: (line: string) => void;
}

export interface LatenessStats {
  count: number;
  fired: number;
  duplicates: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Jobs of the run still in `agendaJobs` at the end (done one-off jobs are deleted). */
  jobsLeft: number;
  /** From the last timer firing to the last of its jobs deleted from `agendaJobs`. */
  cleanedUpWithinMs: number;
  /**
   * Database commands the scheduler sent per timer while the phase ran (arming, claims, deletes
   * and the ticks' polls), from the driver's command events.
   */
  commandsPerTimer: number;
}

export interface BenchTimersResult {
  spread: LatenessStats;
  burst: LatenessStats & {
    /** From the start of the second the burst was due to the last handler starting. */
    allFiredWithinMs: number;
  };
  /** Commands per second the started scheduler sends with no timer due. */
  idleCommandsPerSecond: number;
}

// Names of their own, so a run never touches the hub's timers in the same database.
const SPREAD_JOB = 'bench.spread' as string as TimerName;
const BURST_JOB = 'bench.burst' as string as TimerName;
/** Timers scheduled at once (the hub schedules from many conversations in parallel). */
const SCHEDULING_CONCURRENCY = 8;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function inParallel<T>(items: T[], limit: number, each: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await each(items[next++]!);
    }),
  );
}

export async function benchTimers(
  mongodbUri: string,
  opts: BenchTimersOptions,
): Promise<BenchTimersResult> {
  const log = opts.log ?? (() => {});
  const client = await MongoClient.connect(mongodbUri, {
    runtimeAdapters: { os },
    monitorCommands: true,
  });
  let commands = 0;
  client.on('commandStarted', () => commands++);
  const db = client.db();
  // The bench's own reads go through a client of their own, so they are not counted.
  const observer = await MongoClient.connect(mongodbUri, { runtimeAdapters: { os } });
  const jobs = observer.db().collection('agendaJobs');
  await jobs.deleteMany({ name: { $in: [SPREAD_JOB, BURST_JOB] } });

  const fired = new Map<string, number[]>();
  const record = async (data: { timerKey: string }) => {
    const runs = fired.get(data.timerKey) ?? [];
    runs.push(Date.now());
    fired.set(data.timerKey, runs);
  };
  const scheduler = createScheduler({
    db,
    logger: pino({ level: process.env.LINEHUB_LOG_LEVEL ?? 'warn' }),
    processEveryMs: opts.processEveryMs ?? 5000,
  });
  await scheduler.start([
    { name: SPREAD_JOB, run: record },
    { name: BURST_JOB, run: record },
  ]);

  /** Waits for every timer to fire and its job to be deleted; watches for duplicates a while. */
  const settle = async (due: Map<string, number>, name: string, until: number) => {
    while (Date.now() < until && [...due.keys()].some((key) => !fired.has(key))) await sleep(200);
    const watchUntil = Date.now() + 3000;
    const giveUpAt = Date.now() + 60_000;
    let cleanedAt: number | undefined;
    while (Date.now() < watchUntil || (cleanedAt === undefined && Date.now() < giveUpAt)) {
      if (cleanedAt === undefined && (await jobs.countDocuments({ name })) === 0) {
        cleanedAt = Date.now();
      }
      await sleep(250);
    }
    return cleanedAt;
  };
  const stats = async (
    due: Map<string, number>,
    commandsBefore: number,
    cleanedAt: number | undefined,
  ) => {
    const lateness: number[] = [];
    let duplicates = 0;
    let lastFired = 0;
    for (const [key, at] of due) {
      const runs = fired.get(key);
      if (!runs) continue;
      lateness.push(runs[0]! - at);
      duplicates += runs.length - 1;
      lastFired = Math.max(lastFired, runs[0]!);
    }
    lateness.sort((a, b) => a - b);
    return {
      count: due.size,
      fired: lateness.length,
      duplicates,
      p50Ms: percentile(lateness, 50),
      p99Ms: percentile(lateness, 99),
      maxMs: lateness.at(-1) ?? Number.NaN,
      jobsLeft: await jobs.countDocuments({ 'data.timerKey': { $in: [...due.keys()] } }),
      cleanedUpWithinMs: cleanedAt === undefined ? Number.NaN : Math.max(0, cleanedAt - lastFired),
      commandsPerTimer: Number(((commands - commandsBefore) / Math.max(1, due.size)).toFixed(2)),
    };
  };

  try {
    // Idle: the scheduler running, nothing due.
    await sleep(1500);
    const idleFrom = commands;
    const idleSeconds = 5;
    await sleep(idleSeconds * 1000);
    const idleCommandsPerSecond = (commands - idleFrom) / idleSeconds;

    // Spread: due evenly from 10 s from now over spreadSeconds, scheduled while earlier ones fire.
    const spreadDue = new Map<string, number>();
    const spreadFrom = Date.now() + 10_000;
    const spreadStep = (opts.spreadSeconds * 1000) / Math.max(1, opts.spread);
    const spreadKeys = Array.from({ length: opts.spread }, (_, i) => `spread:${i}`);
    spreadKeys.forEach((key, i) => spreadDue.set(key, Math.round(spreadFrom + i * spreadStep)));
    const spreadCommands = commands;
    const scheduleStart = Date.now();
    await inParallel(spreadKeys, SCHEDULING_CONCURRENCY, async (key) => {
      await scheduler.timers.schedule(key, new Date(spreadDue.get(key)!), SPREAD_JOB, {});
    });
    const scheduleMs = (Date.now() - scheduleStart) / Math.max(1, opts.spread);
    log(`spread: ${opts.spread} scheduled (${scheduleMs.toFixed(2)} ms each); firing…`);
    const spreadCleaned = await settle(
      spreadDue,
      SPREAD_JOB,
      spreadFrom + opts.spreadSeconds * 1000 + 120_000,
    );
    const spread = await stats(spreadDue, spreadCommands, spreadCleaned);
    log(`spread: ${JSON.stringify(spread)}`);

    // Burst: all due within one second, scheduled beforehand.
    const burstDue = new Map<string, number>();
    const lead = Math.max(10_000, 3 * opts.burst * scheduleMs);
    const burstSecond = Math.ceil((Date.now() + lead) / 1000) * 1000;
    const burstKeys = Array.from({ length: opts.burst }, (_, i) => `burst:${i}`);
    burstKeys.forEach((key, i) =>
      burstDue.set(key, burstSecond + Math.floor((i * 1000) / Math.max(1, opts.burst))),
    );
    const burstCommands = commands;
    await inParallel(burstKeys, SCHEDULING_CONCURRENCY, async (key) => {
      await scheduler.timers.schedule(key, new Date(burstDue.get(key)!), BURST_JOB, {});
    });
    if (Date.now() > burstSecond) log('burst: scheduling ran past the due second');
    log(`burst: ${opts.burst} scheduled; due at ${new Date(burstSecond).toISOString()}…`);
    const burstCleaned = await settle(burstDue, BURST_JOB, burstSecond + 120_000);
    const burstStats = await stats(burstDue, burstCommands, burstCleaned);
    const lastFirst = Math.max(
      ...[...burstDue.keys()].map((key) => fired.get(key)?.[0] ?? Number.POSITIVE_INFINITY),
    );
    const burst = { ...burstStats, allFiredWithinMs: lastFirst - burstSecond };
    log(`burst: ${JSON.stringify(burst)}`);
    return { spread, burst, idleCommandsPerSecond };
  } finally {
    await scheduler.stop();
    await jobs.deleteMany({ name: { $in: [SPREAD_JOB, BURST_JOB] } });
    await Promise.all([client.close(), observer.close()]);
  }
}

async function main(): Promise<void> {
  const number = (name: string, fallback: number) => {
    const value = Number(process.env[name] ?? fallback);
    if (!Number.isFinite(value) || value < 0) throw new Error(`${name}: not a number`);
    return value;
  };
  const opts = {
    spread: number('BENCH_TIMERS_SPREAD', 10_000),
    spreadSeconds: number('BENCH_TIMERS_SPREAD_SECONDS', 600),
    burst: number('BENCH_TIMERS_BURST', 1000),
    log: (line: string) => console.log(line),
  };
  const dataDir = mkdtempSync(path.join(tmpdir(), 'linehub-bench-timers-'));
  const database = await startLocalDatabase({
    dataDir,
    port: await freePort(),
    toolsDir: path.join(PROJECT_ROOT, '.tools'),
    dbName: 'bench_timers',
    log: opts.log,
  });
  try {
    const result = await benchTimers(database.uri, opts);
    console.log(
      JSON.stringify({ engine: database.engine, cores: os.cpus().length, ...result }, null, 2),
    );
    const spreadOk = result.spread.fired === result.spread.count && result.spread.p99Ms <= 1000;
    const burstOk =
      result.burst.fired === result.burst.count && result.burst.allFiredWithinMs <= 5000;
    const clean = result.spread.duplicates + result.burst.duplicates === 0;
    console.log(
      `P3 spread ${opts.spread} over ${opts.spreadSeconds} s: p99 ${result.spread.p99Ms} ms ` +
        `(target ≤ 1000) ${spreadOk ? 'met' : 'MISSED'}; burst ${opts.burst}: all fired within ` +
        `${result.burst.allFiredWithinMs} ms (target ≤ 5000) ${burstOk ? 'met' : 'MISSED'}; ` +
        `duplicates ${clean ? 'none' : result.spread.duplicates + result.burst.duplicates}`,
    );
  } finally {
    await database.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
