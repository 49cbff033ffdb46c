/**
 * The benchmark's run: start the database, then for each of BENCH_RUNS runs every scenario (each
 * on a fresh hub process and database), within a time budget; write the results whatever failed.
 * Everything started here is stopped at the end, on an error and on Ctrl-C.
 * (Over 300 lines on purpose: one measuring tool read top to bottom, as its README describes.)
 */
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/infra/project-root';
import { benchTimers } from '../bench-timers';
import { burstScenario } from './burst';
import { startBenchDatabase, type BenchDatabase } from './database';
import { growthScenario } from './growth';
import type { BenchContext } from './harness';
import { killAllHubs } from './hub-process';
import { idleScenario } from './idle';
import { interruption } from './interrupt';
import type { LoadSummary } from './load';
import { p1Scenario } from './p1';
import { p2Scenario } from './p2';
import { p4Scenario } from './p4';
import { p5Scenario } from './p5';
import { reportsScenario } from './reports';
import { writeResults } from './report';
import type { Row } from './report-format';
import { buildRows } from './report-rows';
import { failed, type Meta, type Outcome, type RunResult } from './results';
import { saturationScenario } from './saturation';
import { loadSettings, type ScenarioName } from './settings';
import { round } from './stats';

export const RESULTS_DIR = path.join(PROJECT_ROOT, 'bench');

const ms = (value: number) => (Number.isFinite(value) ? `${round(value, 0)} ms` : 'n/a');

const loadLine = (load: LoadSummary) =>
  `card p50 ${ms(load.cards.p50Ms)} / p99 ${ms(load.cards.p99Ms)}, ack p99 ${ms(load.acks.p99Ms)}, ` +
  `lost ${load.cards.lost}/${load.sent}, dup ${load.cards.duplicated}, ` +
  `webhooks 2xx ${load.acks.ok}, non-2xx ${load.acks.non2xx}, timeouts ${load.acks.timeouts}, ` +
  `errors ${load.acks.errors}`;

export async function runBench(options: { only?: ScenarioName[]; write?: boolean } = {}) {
  const settings = loadSettings();
  const only = options.only ?? settings.only;
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const clock = () => {
    const s = Math.floor(elapsed() / 1000);
    return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  };
  const log = (line: string) => console.log(`[${clock()}] ${line}`);
  const withinBudget = () => !interrupted && elapsed() < settings.budgetMs;

  const cpus = os.cpus();
  const machine = {
    cores: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGb: round(os.totalmem() / 2 ** 30, 1),
    platform: `${os.platform()} ${os.release()}`,
  };
  console.log(
    `linehub bench — ${new Date().toISOString()}\n` +
      `machine: ${machine.cores} cores, ${machine.cpuModel}, ${machine.memoryGb} GB; node ${process.version}\n` +
      `mode: ${settings.quick ? 'quick' : 'full'}, ${settings.runs} run(s), scenarios ${only.join(', ')}, ` +
      `budget ${settings.budgetMs / 60_000} min, drain ${settings.drainMs / 1000} s`,
  );

  let database: BenchDatabase | undefined;
  let interrupted: NodeJS.Signals | undefined;
  // Ctrl-C: no new work, the running hub killed (so its scenario ends at once), the database
  // stopped, no results written over the last good ones; a hard exit if that takes too long.
  const interrupt = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = signal;
    interruption.requested = true;
    console.error(`\n${signal}: stopping the hubs and the database`);
    killAllHubs();
    setTimeout(() => {
      killAllHubs();
      database?.abort();
      process.exit(130);
    }, 15_000).unref();
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  process.once('exit', () => {
    killAllHubs();
    database?.abort();
  });

  const runs: RunResult[] = [];
  let rows: Row[] = [];
  let fatal: string | undefined;
  try {
    database = await startBenchDatabase((line) => log(line));
    log(`database: ${database.engine} (${database.version})`);
    const context: BenchContext = { settings, database, log };

    const attempt = async <T>(label: string, work: () => Promise<T>): Promise<Outcome<T>> => {
      log(`${label}…`);
      try {
        return await work();
      } catch (error) {
        const message = (error as Error).stack ?? String(error);
        log(`${label}: FAILED ${message.split('\n')[0]}`);
        return { error: message.slice(0, 4000) };
      }
    };

    let lastRunMs = 0;
    for (let r = 1; r <= settings.runs; r++) {
      if (interrupted) break;
      if (r > 1 && elapsed() + lastRunMs > settings.budgetMs) {
        log(`run ${r}: not started, it would not fit the time budget`);
        break;
      }
      const runStarted = performance.now();
      if (r > 1) await database.restart();
      const run: RunResult = {
        run: r,
        startedAt: new Date().toISOString(),
        seconds: 0,
        p1: {},
        growth: {},
        skipped: [],
      };
      runs.push(run);
      context.idleCommandsPerSecond = undefined;
      log(`run ${r}/${settings.runs}`);

      for (const scenario of only) {
        if (!withinBudget()) {
          run.skipped.push(scenario);
          continue;
        }
        if (scenario === 'idle') {
          run.idle = await attempt('R idle', () => idleScenario(context));
          if (!failed(run.idle)) {
            context.idleCommandsPerSecond = run.idle.commandsPerSecond;
            log(`  idle: ${run.idle.commandsPerSecond} round trips/s`);
          }
        } else if (scenario === 'p1') {
          for (const kind of ['new', 'returning'] as const) {
            for (const rate of settings.p1.rates) {
              if (!withinBudget()) {
                run.skipped.push(`P1 ${kind} ${rate}/s`);
                continue;
              }
              const outcome = await attempt(`P1 ${kind} customers ${rate}/s`, () =>
                p1Scenario(context, kind, rate),
              );
              run.p1[`${kind}_${rate}`] = outcome;
              if (!failed(outcome)) {
                log(
                  `  ${loadLine(outcome.load)}; round trips ${outcome.roundTrips.perMessage}/msg` +
                    (outcome.hubLogLines
                      ? `; hub logged ${outcome.hubLogLines} warning lines`
                      : ''),
                );
              }
            }
          }
        } else if (scenario === 'saturation') {
          run.saturation = await attempt('P1 saturation', () =>
            saturationScenario(context, withinBudget),
          );
          if (!failed(run.saturation)) log(`  saturation: ${run.saturation.rate} msgs/s`);
        } else if (scenario === 'p2') {
          const saturation = run.saturation && !failed(run.saturation) ? run.saturation.rate : 0;
          const rate =
            settings.p2.rate ||
            (run.saturation ? Math.max(1, Math.round(saturation * 0.9)) : settings.p1.rates[0]!);
          run.p2 = await attempt(`P2 sustained ${settings.p2.seconds} s at ${rate}/s`, () =>
            p2Scenario(context, rate),
          );
          if (!failed(run.p2)) {
            log(
              `  processed ${run.p2.processedPerSecond} msgs/s, raw ${run.p2.rawInsert.perSecond}/s ` +
                `(${round(run.p2.ratioToRaw * 100, 2)}%), event-loop p99 ${round(run.p2.eventLoop.p99Ms)} ms; ` +
                loadLine(run.p2.load),
            );
          }
        } else if (scenario === 'burst') {
          run.burst = await attempt(`burst of ${settings.burst.count}`, () =>
            burstScenario(context),
          );
          if (!failed(run.burst)) {
            log(`  drain ${run.burst.drainPerSecond} cards/s; ${loadLine(run.burst.load)}`);
          }
        } else if (scenario === 'p3') {
          const { spread, spreadSeconds, burst } = settings.p3;
          run.p3 = await attempt(
            `P3 ${spread} timers over ${spreadSeconds} s, ${burst} at once`,
            async () => {
              const scenarioDb = await database!.open('p3');
              try {
                return await benchTimers(scenarioDb.uri, { spread, spreadSeconds, burst });
              } finally {
                await scenarioDb.close();
              }
            },
          );
          if (!failed(run.p3)) {
            log(
              `  spread p99 ${run.p3.spread.p99Ms} ms; burst all fired within ` +
                `${run.p3.burst.allFiredWithinMs} ms`,
            );
          }
        } else if (scenario === 'p4') {
          const { messages, chats } = settings.p4;
          run.p4 = {};
          for (const driver of settings.p4.drivers) {
            if (!withinBudget()) {
              run.skipped.push(`P4 ${driver}`);
              continue;
            }
            const outcome = await attempt(
              `P4 ${messages} messages to ${chats} Telegram chats (${driver})`,
              () => p4Scenario(context, driver),
            );
            run.p4[driver] = outcome;
            if (!failed(outcome)) {
              const { timing, tooMany } = outcome;
              log(
                `  delivered ${outcome.delivered}/${messages}, dup ${outcome.duplicated}; ` +
                  `429s ${tooMany.total} (${tooMany.beyondFirstPerChat} beyond the first per chat); ` +
                  `${timing.seconds} s vs minimum ${timing.minimumSeconds} s from the ${timing.from}; ` +
                  `queued at ${outcome.queued.perSecond}/s`,
              );
            }
          }
        } else if (scenario === 'p5') {
          run.p5 = await attempt(`P5 ${settings.p5.sockets} widget sockets`, () =>
            p5Scenario(context),
          );
          if (!failed(run.p5)) {
            const { heap, delivery } = run.p5;
            log(
              `  ${run.p5.socketsOpened} sockets in ${run.p5.connectSeconds} s; heap ` +
                `${heap.beforeMb} → ${heap.afterMb} MB (${heap.perSocketKb} KB/socket); ` +
                `delivery p50 ${delivery.p50Ms} / p99 ${delivery.p99Ms} ms, ` +
                `lost ${delivery.lost}/${delivery.messages}`,
            );
          }
        } else if (scenario === 'reports') {
          run.reports = await attempt('R reports', () => reportsScenario(context));
        } else if (scenario === 'growth') {
          // A size is skipped when its pre-load, estimated from the size before, would not fit.
          let previous: { size: number; preloadMs: number; restMs: number } | undefined;
          for (const size of settings.growth.sizes) {
            const estimateMs = previous
              ? (previous.preloadMs * size) / previous.size + previous.restMs
              : 0;
            if (!withinBudget() || elapsed() + estimateMs > settings.budgetMs) {
              run.skipped.push(`G ${size}`);
              continue;
            }
            const sizeStarted = performance.now();
            const outcome = await attempt(`G with ${size} stored messages`, () =>
              growthScenario(context, size),
            );
            run.growth[String(size)] = outcome;
            if (!failed(outcome)) {
              const preloadMs = outcome.preload.seconds * 1000;
              previous = { size, preloadMs, restMs: performance.now() - sizeStarted - preloadMs };
            }
            if (!failed(outcome)) {
              log(
                `  pre-load ${outcome.preload.documents} docs in ${outcome.preload.seconds} s; ` +
                  `ingest ${outcome.ingest.perSecond} msgs/s; P1 ${loadLine(outcome.p1)}`,
              );
            }
          }
        }
      }
      run.seconds = round((performance.now() - runStarted) / 1000);
      lastRunMs = performance.now() - runStarted;
      log(`run ${r} done in ${run.seconds} s`);
    }
  } catch (error) {
    fatal = (error as Error).stack ?? String(error);
    log(`the bench failed: ${fatal.split('\n')[0]}`);
    throw error;
  } finally {
    killAllHubs();
    const meta: Meta = {
      date: new Date().toISOString(),
      machine,
      node: process.version,
      engine: database?.engine ?? 'not started',
      engineVersion: database?.version ?? 'n/a',
      quick: settings.quick,
      runsPlanned: settings.runs,
      runsDone: runs.length,
      totalSeconds: round(elapsed() / 1000),
      settings,
      ...(fatal ? { error: fatal.slice(0, 4000) } : {}),
    };
    await database?.stop();
    if (interrupted) {
      log('interrupted: results not written');
    } else if (options.write !== false) {
      rows = await writeResults(
        RESULTS_DIR,
        meta,
        runs,
        settings.p1.rates,
        settings.growth.sizes,
        settings.p4.drivers,
      );
      log(`wrote ${path.relative(PROJECT_ROOT, RESULTS_DIR)}/results.json and RESULTS.md`);
    } else {
      rows = buildRows(runs, settings.p1.rates, settings.growth.sizes, settings.p4.drivers);
    }
  }
  if (interrupted) throw new Error(`interrupted by ${interrupted}`);
  return { rows, runs };
}

export function printRows(rows: Row[]): void {
  const mark = (pass: boolean | undefined) => (pass === true ? '✅' : pass === false ? '❌' : '—');
  console.log('\n| # | measurement | target | measured | ok |\n| --- | --- | --- | --- | --- |');
  for (const row of rows) {
    console.log(
      `| ${row.id} | ${row.measurement} | ${row.target} | ${row.measured} | ${mark(row.pass)} |`,
    );
  }
}
