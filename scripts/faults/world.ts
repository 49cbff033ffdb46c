/**
 * One scenario's world — its own database server, the fakes, the hub process — torn down
 * whatever happens inside, and the counts every scenario reports, taken from outside: what the
 * webhooks answered, what the database holds and what the fakes received.
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/infra/project-root';
import { seedDispatcher } from '../bench/database';
import { sleep } from '../bench/stats';
import { startFaultDatabase, type FaultDatabase } from './database';
import { startFakeApi, type FakeApi } from './fake-api';
import { whyLost } from './diagnose';
import { startFaultHub, type FaultHub } from './hub';
import type { TrafficResult } from './traffic';

export interface World {
  db: FaultDatabase;
  fake: FakeApi;
  hub: FaultHub;
  /** While set, a hub that is down is the scenario's doing and is not restarted here. */
  holdRestarts: boolean;
}

export interface Row {
  scenario: string;
  fault: string;
  seconds: number;
  /** Customer messages sent, answered 2xx, and stored exactly once. */
  inSent: number;
  inAccepted: number;
  inStoredOnce: number;
  inLost: number;
  inDuplicated: number;
  /**
   * Customer messages and manager replies posted but never answered 2xx by the end: the hub
   * refused them all the way through (Telegram would give up on them), which loses them too.
   */
  neverTaken: number;
  cardsLost: number;
  cardsDoubled: number;
  /** Manager replies the hub took (2xx), delivered once, never, or more than once. */
  repliesAccepted: number;
  outOnce: number;
  outLost: number;
  outDuplicated: number;
  /** Replies to other chats that took longer than the scenario allows (held behind a fault). */
  outLate: number;
  /** Webhook answers that were 5xx, timed out or had no answer (Telegram redelivers them). */
  failedAnswers: number;
  crashes: number;
  /** Hostile input that got through: stored under a garbage id, or taken for staff. */
  unsafe: number;
  notes: string[];
  error?: string;
}

export const emptyRow = (scenario: string, fault: string): Row => ({
  scenario,
  fault,
  seconds: 0,
  inSent: 0,
  inAccepted: 0,
  inStoredOnce: 0,
  inLost: 0,
  inDuplicated: 0,
  neverTaken: 0,
  cardsLost: 0,
  cardsDoubled: 0,
  repliesAccepted: 0,
  outOnce: 0,
  outLost: 0,
  outDuplicated: 0,
  outLate: 0,
  failedAnswers: 0,
  crashes: 0,
  unsafe: 0,
  notes: [],
});

export async function withWorld(
  label: string,
  work: (world: World) => Promise<Row>,
  fault: string,
): Promise<Row> {
  const began = performance.now();
  let db: FaultDatabase | undefined;
  let fake: FakeApi | undefined;
  let hub: FaultHub | undefined;
  let supervising = true;
  let supervisor: Promise<void> = Promise.resolve();
  try {
    db = await startFaultDatabase(label);
    await seedDispatcher(db.db());
    fake = await startFakeApi();
    // The hub's whole output, kept for reading after the run (the row notes only its last lines).
    const logDir = path.join(PROJECT_ROOT, 'bench-results', 'faults');
    mkdirSync(logDir, { recursive: true });
    const logFile = path.join(logDir, `${label}.log`);
    rmSync(logFile, { force: true });
    hub = await startFaultHub({ mongodbUri: db.uri, fakeUrl: fake.url, logFile });
    const world: World = { db, fake, hub, holdRestarts: false };
    // A hub that exits by itself is started again, as its supervisor (systemd, Docker) would:
    // the exit is counted as a crash, and what it lost shows in the counts.
    supervisor = (async () => {
      while (supervising) {
        await sleep(500);
        if (supervising && !world.holdRestarts && !world.hub.running()) {
          await world.hub.start().catch(() => undefined);
        }
      }
    })();
    const row = await work(world);
    row.crashes = hub.crashes.length;
    if (hub.crashes.length > 0) row.notes.push(`hub: ${hub.crashes[0]}`);
    return { ...row, seconds: Math.round((performance.now() - began) / 1000) };
  } catch (error) {
    const row = emptyRow(label, fault);
    row.error = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    row.crashes = hub?.crashes.length ?? 0;
    if (hub) row.notes.push(`hub tail: ${hub.output().slice(-300).replace(/\s+/g, ' ')}`);
    return { ...row, seconds: Math.round((performance.now() - began) / 1000) };
  } finally {
    supervising = false;
    await supervisor;
    await hub?.stop().catch(() => undefined);
    await fake?.close().catch(() => undefined);
    await db?.stop().catch(() => undefined);
  }
}

/** Inbound messages `fault #n` stored, by n (a count above 1 is a duplicate). */
async function storedInbound(db: FaultDatabase): Promise<Map<number, number>> {
  const groups = await db
    .db()
    .collection('messages')
    .aggregate<{ _id: string; count: number }>([
      { $match: { direction: 'inbound', text: { $regex: '^fault #[0-9]+$' } } },
      { $group: { _id: '$text', count: { $sum: 1 } } },
    ])
    .toArray();
  return new Map(groups.map((group) => [Number(group._id.slice('fault #'.length)), group.count]));
}

/** Fills the row's counts from the stream's answers, the database and the fakes. */
export async function countStream(
  world: World,
  row: Row,
  sent: number,
  traffic: TrafficResult,
  late?: { afterMs: number; except: number },
): Promise<Row> {
  const stored = await storedInbound(world.db);
  const { cards, replies } = world.fake;
  row.inSent = sent;
  row.inAccepted = traffic.inboundAccepted.size;
  for (const n of traffic.inboundAccepted) {
    const count = stored.get(n) ?? 0;
    if (count === 0) row.inLost++;
  }
  for (const [n, count] of stored) {
    if (count === 1) row.inStoredOnce++;
    else row.inDuplicated++;
    const shown = cards.get(n)?.length ?? 0;
    if (shown === 0) row.cardsLost++;
    if (shown > 1) row.cardsDoubled++;
  }
  row.repliesAccepted = traffic.repliesAccepted.size;
  const lost: number[] = [];
  for (const n of traffic.repliesAccepted.keys()) {
    const copies = replies.get(n)?.length ?? 0;
    if (copies === 0) lost.push(n);
    else if (copies === 1) row.outOnce++;
    else row.outDuplicated++;
  }
  row.outLost = lost.length;
  row.neverTaken =
    sent -
    traffic.inboundAccepted.size +
    [...traffic.repliesPosted].filter((n) => !traffic.repliesAccepted.has(n)).length;
  row.notes.push(...(await whyLost(world.db, lost, traffic.repliesAccepted, cards)));
  // A card that reached staff only after the stream ended got no reply to count: slow, not lost.
  const unanswered = [...stored.keys()].filter((n) => !traffic.repliesPosted.has(n)).length;
  if (unanswered > 0) row.notes.push(`${unanswered} cards arrived too late to be answered`);
  row.failedAnswers =
    (traffic.answers['5xx'] ?? 0) + (traffic.answers.timeout ?? 0) + (traffic.answers.error ?? 0);
  // How long the slowest reply took from the hub taking it to the customer having it.
  const waits = [...traffic.repliesAccepted].flatMap(([n, at]) => {
    const first = replies.get(n)?.[0];
    return first === undefined ? [] : [first - at];
  });
  if (late) {
    row.outLate = [...traffic.repliesAccepted].filter(([n, at]) => {
      const first = replies.get(n)?.[0];
      return n !== late.except && first !== undefined && first - at > late.afterMs;
    }).length;
  }
  if (waits.length > 0) row.notes.push(`slowest reply ${(Math.max(...waits) / 1000).toFixed(1)} s`);
  const extra = [...replies.values()].reduce((total, copies) => total + copies.length, 0);
  row.notes.push(
    `${traffic.posts} webhook posts (${traffic.redeliveries} redelivered), ` +
      `${extra} reply sends for ${row.repliesAccepted} replies`,
  );
  return row;
}

/** Lets late duplicates (a retry, a crash recovery) arrive before counting. */
export const tail = () => sleep(5000);
