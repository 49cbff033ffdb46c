/**
 * One scenario's world: a fresh database (seeded, optionally with history), a fresh fake Bot API
 * and a fresh hub process. Torn down whatever happens inside.
 */
import type { Db } from 'mongodb';
import { seedDispatcher, type BenchDatabase, type ScenarioDatabase } from './database';
import { startFakeBotApi, type FakeBotApi, type FakeBotApiOptions } from './fake-bot-api';
import { commandDelta, scrape, totalCommands, type CommandDelta, type Scrape } from './hub-metrics';
import { startHubProcess, type HubProcess } from './hub-process';
import { interruption } from './interrupt';
import type { Settings } from './settings';
import { round, sleep } from './stats';
import { WebhookClient } from './webhook-client';

export interface BenchContext {
  settings: Settings;
  database: BenchDatabase;
  /** Idle round trips per second measured in this run (subtracted from scenario counts). */
  idleCommandsPerSecond?: number;
  log(line: string): void;
}

export interface HubWorld {
  /** The scenario database the hub runs on. */
  mongodbUri: string;
  hub: HubProcess;
  fake: FakeBotApi;
  client: WebhookClient;
  db: Db;
}

export interface HubNotes {
  hubStartMs: number;
  /** Lines the hub logged at warn or above. */
  hubLogLines: number;
  hubLogTail?: string;
  /** Set when the hub ended on its own during the scenario. */
  hubCrashed?: string;
  botApiCalls: Record<string, number>;
}

/** What a scenario changes in its world: the fake's limits, the hub's extra environment. */
export interface WorldOptions {
  fake?: FakeBotApiOptions;
  hubEnv?: Record<string, string>;
  /** The hub with its inspector on (see hub-inspector.ts). */
  inspect?: boolean;
}

export async function withHub<T>(
  context: BenchContext,
  label: string,
  prepare: ((database: ScenarioDatabase) => Promise<unknown>) | undefined,
  work: (world: HubWorld) => Promise<T>,
  options: WorldOptions = {},
): Promise<T & HubNotes> {
  const { database, settings } = context;
  let scenarioDb: ScenarioDatabase | undefined;
  let fake: FakeBotApi | undefined;
  let hub: HubProcess | undefined;
  let client: WebhookClient | undefined;
  const verbose = process.env.BENCH_VERBOSE === '1';
  const phase = (what: string, since: number) => {
    if (verbose) context.log(`    ${label}: ${what} ${Math.round(performance.now() - since)} ms`);
  };
  let since = performance.now();
  try {
    scenarioDb = await database.open(label);
    const { db } = scenarioDb;
    await seedDispatcher(db);
    await prepare?.(scenarioDb);
    phase('seeded', since);
    since = performance.now();
    fake = await startFakeBotApi(options.fake);
    hub = await startHubProcess({
      mongodbUri: scenarioDb.uri,
      botApiUrl: fake.url,
      startTimeoutMs: settings.hubStartTimeoutMs,
      stopGraceMs: settings.stopGraceMs,
      ...(options.hubEnv ? { env: options.hubEnv } : {}),
      ...(options.inspect ? { inspect: true } : {}),
    });
    client = new WebhookClient(hub.port, {
      connections: settings.connections,
      timeoutMs: settings.webhookTimeoutMs,
    });
    phase('hub started', since);
    since = performance.now();
    const result = await work({ mongodbUri: scenarioDb.uri, hub, fake, client, db });
    phase('measured', since);
    const lines = hub.warnings();
    return {
      ...result,
      hubStartMs: round(hub.startMs),
      hubLogLines: lines,
      ...(lines ? { hubLogTail: hub.output().slice(-1500) } : {}),
      ...(hub.crashed() ? { hubCrashed: hub.crashed() } : {}),
      botApiCalls: Object.fromEntries(fake.calls),
    };
  } finally {
    since = performance.now();
    client?.close();
    await hub?.stop();
    phase('hub stopped', since);
    since = performance.now();
    await fake?.close();
    await scenarioDb?.close();
    phase('database closed', since);
  }
}

/**
 * Waits until the hub's database traffic is back to its idle level (two scrapes half a second
 * apart), at most `maxMs`; returns the last scrape.
 */
export async function settle(context: BenchContext, hubUrl: string): Promise<Scrape> {
  const idle = context.idleCommandsPerSecond ?? 20;
  const quiet = Math.max(2, idle * 0.5 * 1.5 + 1);
  const deadline = performance.now() + context.settings.settleMs;
  let last = await scrape(hubUrl);
  while (performance.now() < deadline && !interruption.requested) {
    await sleep(500);
    const next = await scrape(hubUrl);
    const moved = totalCommands(next) - totalCommands(last);
    last = next;
    if (next.ok && moved <= quiet) break;
  }
  return last;
}

export interface RoundTrips {
  messages: number;
  /** Round trips per message with the idle polling of the same time subtracted. */
  perMessage: number;
  /** Without that subtraction. */
  perMessageRaw: number;
  idleSubtracted: number;
  /** Per message, by `command collection`, largest first. */
  top: Record<string, number>;
  scrapeOk: boolean;
}

export function roundTrips(
  context: BenchContext,
  delta: CommandDelta,
  messages: number,
): RoundTrips {
  const idle = (context.idleCommandsPerSecond ?? 0) * delta.seconds;
  const per = (value: number) => (messages > 0 ? value / messages : NaN);
  return {
    messages,
    perMessage: round(per(Math.max(0, delta.total - idle)), 2),
    perMessageRaw: round(per(delta.total), 2),
    idleSubtracted: round(idle),
    top: Object.fromEntries(
      Object.entries(delta.byCommand)
        .slice(0, 12)
        .map(([key, value]) => [key, round(per(value), 2)]),
    ),
    scrapeOk: delta.ok,
  };
}

export { commandDelta, scrape };
