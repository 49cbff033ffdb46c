/**
 * The results: bench/results.json with every raw number, and bench/RESULTS.md with one row per
 * measurement (`report-rows.ts`) — its target, ✅ or ❌.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { HubNotes } from './harness';
import { fmt, type Row } from './report-format';
import { buildRows } from './report-rows';
import { failed, succeeded, type Meta, type RunResult } from './results';
import type { P4Driver } from './settings';

const mark = (pass: boolean | undefined) => (pass === true ? '✅' : pass === false ? '❌' : '—');
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function markdown(meta: Meta, rows: Row[], runs: RunResult[]): string {
  const lines = [
    '# linehub benchmark results',
    '',
    `- Date: ${meta.date}`,
    `- Machine: ${meta.machine.cores} cores, ${meta.machine.cpuModel}, ${meta.machine.memoryGb} GB, ${meta.machine.platform}`,
    `- Node: ${meta.node}`,
    `- Database: ${meta.engine} (${meta.engineVersion})`,
    `- Runs: ${meta.runsDone} of ${meta.runsPlanned}${meta.quick ? ' (quick mode: short phases, short drains — a smoke run, not a measurement)' : ''}, median shown; ${Math.round(meta.totalSeconds)} s in all`,
    '- How: `npm run bench` drives `tsx src/main.ts` as its own process over HTTP, a loopback fake Bot API and a fresh database per scenario; targets from `../shared/design/PERFORMANCE.md`. Raw numbers: `bench/results.json`.',
    ...(meta.error ? [`- **The bench failed:** ${cell(meta.error.split('\n')[0] ?? '')}`] : []),
    '',
    '| # | measurement | target | measured | ok |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map(
      (row) =>
        `| ${row.id} | ${cell(row.measurement)} | ${cell(row.target)} | ${cell(row.measured)} | ${mark(row.pass)} |`,
    ),
    '',
  ];

  const steps = runs.flatMap((run) => {
    const saturation = succeeded(run.saturation);
    return saturation
      ? [
          `- run ${run.run}: ` +
            saturation.steps
              .map((step) =>
                'error' in step
                  ? `${step.rate}/s error`
                  : `${step.rate}/s ${step.passed ? 'pass' : 'fail'} (p99 ${fmt(step.load.cards.p99Ms, 0)} ms, lost ${step.load.cards.lost}/${step.load.sent}${step.stoppedEarly ? ', stopped early' : ''})`,
              )
              .join('; '),
        ]
      : [];
  });
  if (steps.length) lines.push('## Saturation steps', '', ...steps, '');

  const notes = runs.flatMap((run) => [
    ...run.skipped.map((what) => `- run ${run.run}: skipped ${what} (time budget)`),
    ...collectErrors(run).map(([what, error]) => `- run ${run.run}, ${what}: ${cell(error)}`),
  ]);
  if (notes.length) lines.push('## Errors, hub warnings and skipped parts', '', ...notes, '');

  lines.push(
    '## How each number is taken',
    '',
    "- Card latency: from handing the webhook POST to the HTTP client to the fake Bot API receiving the manager bot's `sendMessage` whose text carries `bench #n`. Lost: no card within the drain timeout after the last message was sent; duplicated: more than one card for one message.",
    '- Offered load is open loop: messages leave on schedule whatever the hub answers; every non-2xx answer, error and timeout of a webhook is counted.',
    '- Saturation: each rate on a fresh hub and a fresh database for a few seconds; a step fails once more than 1% of its messages are older than 1 s without a card.',
    "- Round trips: `linehub_db_commands_total` from the hub's /metrics before and after the measured messages (after the hub went quiet), minus the idle rate measured in the same run, divided by the messages.",
    "- P2: the raw rate is the driver's insertOne with 10 in flight on the same server just before; processed = cards per second from the first message sent to the last card; event-loop lag from the hub's own prom-client metrics over the sending window.",
    "- P4: each Telegram customer writes once; then the messages to them go round robin over the chats, either queued at once with the hub's own outbox repository from the bench (`outbox`: as another process would queue them, all due at one moment; the hub finds them at its 5 s safety tick, and the time runs from its first send) or as staff replies to the customers' cards through the manager bot's webhook (`replies`: the cards spread over several dispatchers, least-loaded first; each answers in their own chat one reply at a time, as Telegram hands one chat's updates over in order, at most 40 chats at once as its `max_connections`; a non-2xx answer is redelivered after 1 s; the time runs from the first outbox entry's `createdAt`). The fake Bot API holds the customer bot to 1 message/s per chat and 30 in any second, answering 429 with `retry_after` past that. The minimum is the fastest schedule those limits allow for the same messages ready when they were (`telegram-limits.ts`). Round trips: `linehub_db_commands_total` over the whole sending, divided by the messages (the customers' setup before it excluded, nothing subtracted).",
    "- P5: idle visitors connect with the real socket.io client (websocket) and say hello, as the widget does; the hub's heap is prom-client's `nodejs_heap_size_used_bytes` from /metrics, each reading after a full GC asked through the hub's inspector (`--inspect` on loopback, for this scenario only), the lowest of several readings a second apart before and after. Delivery: one more visitor writes once; each reply to its card is timed from the manager webhook POST (and from its outbox entry's `createdAt`) to the visitor's socket receiving it, the next sent after it arrived.",
    '- G: history pre-loaded with insertMany (messages, contacts, conversations, leads), then the ingest rate with a fixed number of customers each waiting for its card, then P1 at a fixed rate.',
    '',
  );
  return lines.join('\n');
}

/** The hub's last log line, shortened. */
const lastLogLine = (tail: string) => (tail.trim().split('\n').at(-1) ?? '').slice(0, 300);

function collectErrors(run: RunResult): [string, string][] {
  const found: [string, string][] = [];
  const note = (what: string, outcome: unknown) => {
    if (failed(outcome)) {
      found.push([what, outcome.error.split('\n').slice(0, 3).join(' ')]);
      return;
    }
    const notes = outcome as Partial<HubNotes> | undefined;
    if (notes?.hubCrashed) found.push([what, `the hub ${notes.hubCrashed}`]);
    if (notes?.hubLogLines) {
      found.push([
        what,
        `the hub logged ${notes.hubLogLines} warning/error lines; the last: \`${lastLogLine(notes.hubLogTail ?? '')}\``,
      ]);
    }
  };
  note('idle', run.idle);
  for (const [key, outcome] of Object.entries(run.p1)) note(`P1 ${key}`, outcome);
  note('saturation', run.saturation);
  for (const step of succeeded(run.saturation)?.steps ?? []) {
    if (!('error' in step)) note(`saturation ${step.rate}/s`, step);
  }
  note('P2', run.p2);
  note('burst', run.burst);
  for (const [driver, outcome] of Object.entries(run.p4 ?? {})) note(`P4 ${driver}`, outcome);
  note('P5', run.p5);
  for (const [size, outcome] of Object.entries(run.growth)) note(`G ${size}`, outcome);
  return found;
}

/** Written as the project's prettier would (`npm run lint` checks these files too). */
export async function writeFormatted(file: string, text: string): Promise<void> {
  let output = text;
  try {
    const prettier = await import('prettier');
    const options = (await prettier.resolveConfig(file)) ?? {};
    output = await prettier.format(text, { ...options, filepath: file });
  } catch {
    // Unformatted is still correct.
  }
  writeFileSync(file, output);
}

export async function writeResults(
  folder: string,
  meta: Meta,
  runs: RunResult[],
  rates: number[],
  sizes: number[],
  p4Drivers?: readonly P4Driver[],
): Promise<Row[]> {
  const rows = buildRows(runs, rates, sizes, p4Drivers);
  mkdirSync(folder, { recursive: true });
  await writeFormatted(
    path.join(folder, 'results.json'),
    `${JSON.stringify({ meta, summary: rows, runs }, null, 2)}\n`,
  );
  await writeFormatted(path.join(folder, 'RESULTS.md'), markdown(meta, rows, runs));
  return rows;
}
