/**
 * `npm run bench`: store-level throughput, as ratios measured in one run (PERFORMANCE.md, P2).
 * The raw driver's insert rate is the ceiling; the hub's idempotent inbound write is measured
 * against it on the same server; then P1 end to end (scripts/bench-inbound.ts). P3–P5 are to come.
 * On FerretDB/SQLite a redelivery is slow because finding the stored message scans the collection
 * (its SQLite backend pushes down few filters); on MongoDB the unique index serves that lookup.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { InboundMessage } from '../src/domain/message';
import { startLocalDatabase } from '../src/infra/local-db/local-db';
import { PROJECT_ROOT } from '../src/infra/project-root';
import { connectDatabase } from '../src/store/database';
import { createMessageRepository } from '../src/store/repositories/message.repository';
import { benchInbound } from './bench-inbound';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 500);
const CONCURRENCY = 32;
const RUNS = 3;

async function rate(count: number, work: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) await work(next++);
    }),
  );
  return count / (Number(process.hrtime.bigint() - started) / 1e9);
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'linehub-bench-'));
  const server = process.env.MONGODB_URI
    ? undefined
    : await startLocalDatabase({
        dataDir,
        port: 27200 + Math.floor(Math.random() * 500),
        toolsDir: path.join(PROJECT_ROOT, '.tools'),
        dbName: 'bench',
      });
  const database = await connectDatabase(
    process.env.MONGODB_URI ?? server!.uri,
    pino({ level: 'silent' }),
  );
  const raw = database.connection.db!.collection('bench_raw');
  const messages = createMessageRepository(database.models);
  const conversationId = '6561f0a0a0a0a0a0a0a0a0a1';
  const inbound = (run: number, i: number): InboundMessage => ({
    channel: 'telegram',
    externalId: `${run}:${i}`,
    senderId: String(i),
    chatId: String(i),
    text: 'Добрый день! Нужен счёт на 20 позиций',
    attachments: [],
    sentAt: new Date(),
  });

  const driver: number[] = [];
  const hub: number[] = [];
  const redelivery: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    console.error(`run ${run + 1}…`);
    driver.push(await rate(MESSAGES, (i) => raw.insertOne({ run, i, text: 'x'.repeat(40) })));
    hub.push(await rate(MESSAGES, (i) => messages.saveInbound(conversationId, inbound(run, i))));
    redelivery.push(
      await rate(MESSAGES, (i) => messages.saveInbound(conversationId, inbound(run, i))),
    );
  }

  const table = [
    ['raw driver insertOne', median(driver)],
    ['hub saveInbound (new message)', median(hub)],
    ['hub saveInbound (redelivery)', median(redelivery)],
  ] as const;
  console.log(`median of ${RUNS} runs × ${MESSAGES} writes, ${CONCURRENCY} in flight`);
  for (const [name, perSecond] of table) {
    const ratio = ((perSecond / median(driver)) * 100).toFixed(0);
    console.log(`${name.padEnd(32)} ${perSecond.toFixed(0).padStart(7)} /s  ${ratio}% of raw`);
  }

  await database.connection.dropDatabase();
  await database.close();
  await benchInbound(
    process.env.MONGODB_URI ? `${process.env.MONGODB_URI}_inbound` : `${server!.uri}_inbound`,
  );
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
