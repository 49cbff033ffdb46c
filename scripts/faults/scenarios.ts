/**
 * The fault scenarios, each bounded in time: a stream of customer messages and manager replies
 * with one fault injected on a timeline, counted from outside once it has drained.
 */
import { customerChat, runTraffic, type TrafficOptions } from './traffic';
import { countStream, emptyRow, tail, withWorld, type Row, type World } from './world';
import { hostileScenario } from './hostile';

export interface Scenario {
  name: string;
  fault: string;
  run(): Promise<Row>;
}

interface StreamPlan {
  messages: number;
  perSecond: number;
  /** The stream stops posting and redelivering this long after it began. */
  seconds: number;
  duplicateAfterMs?: number;
  /** Replies (but to chat n `except`) slower than this count as held behind the fault. */
  late?: { afterMs: number; except: number };
  /** The fault's timeline: called every 200 ms with the ms since the stream began. */
  timeline?: (world: World, elapsedMs: number, row: Row) => void;
}

/** Steps of a timeline that run once each, in the background, awaited before counting. */
class Steps {
  private readonly done = new Set<string>();
  private readonly running: Promise<unknown>[] = [];

  at(elapsedMs: number, from: number, name: string, step: () => Promise<unknown> | void): void {
    if (elapsedMs < from || this.done.has(name)) return;
    this.done.add(name);
    this.running.push(Promise.resolve().then(step));
  }

  settle(): Promise<unknown> {
    return Promise.all(this.running);
  }
}

function stream(name: string, fault: string, plan: (steps: Steps) => StreamPlan): Scenario {
  return {
    name,
    fault,
    run: () =>
      withWorld(
        name,
        async (world) => {
          const row = emptyRow(name, fault);
          const steps = new Steps();
          const chosen = plan(steps);
          const options: TrafficOptions = {
            hubUrl: world.hub.url,
            fake: world.fake,
            messages: chosen.messages,
            perSecond: chosen.perSecond,
            deadline: performance.now() + chosen.seconds * 1000,
            ...(chosen.duplicateAfterMs !== undefined
              ? { duplicateAfterMs: chosen.duplicateAfterMs }
              : {}),
            onTick: (elapsed) => chosen.timeline?.(world, elapsed, row),
          };
          const traffic = await runTraffic(options);
          await steps.settle();
          world.fake.setFault({ kind: 'ok' });
          await tail();
          return countStream(world, row, chosen.messages, traffic, chosen.late);
        },
        fault,
      ),
  };
}

export const SCENARIOS: Scenario[] = [
  stream('bot-429-500', 'Bot API 429 (retry_after 3) for 20 s, then 500 for 10 s', () => ({
    messages: 60,
    perSecond: 4,
    // Lost here means: still not there 47 s after the Bot API answers again.
    seconds: 85,
    timeline: (world, elapsed) => {
      const { fake } = world;
      if (elapsed >= 38_000) fake.setFault({ kind: 'ok' });
      else if (elapsed >= 28_000) fake.setFault({ kind: '500' });
      else if (elapsed >= 8_000) fake.setFault({ kind: '429', retryAfter: 3 });
    },
  })),
  stream('bot-hang', "one customer's Bot API call hangs (no answer) for 30 s", (steps) => ({
    messages: 40,
    perSecond: 4,
    seconds: 60,
    late: { afterMs: 10_000, except: 1 },
    timeline: (world, elapsed, row) =>
      steps.at(elapsed, 0, 'hang', () => {
        world.fake.hangChat(customerChat(1), performance.now() + 30_000);
        row.notes.push(`chat of #1 hung for 30 s`);
      }),
  })),
  stream('db-kill', 'database SIGKILLed for 10 s, then started again', (steps) => ({
    messages: 60,
    perSecond: 3,
    seconds: 85,
    timeline: (world, elapsed) => {
      steps.at(elapsed, 6_000, 'kill', () => world.db.kill());
      steps.at(elapsed, 16_000, 'start', () => world.db.start());
    },
  })),
  stream('db-freeze', 'database frozen (SIGSTOP) for 10 s, then SIGCONT', (steps) => ({
    messages: 60,
    perSecond: 3,
    seconds: 85,
    timeline: (world, elapsed) => {
      steps.at(elapsed, 6_000, 'freeze', () => world.db.freeze());
      steps.at(elapsed, 16_000, 'thaw', () => world.db.thaw());
    },
  })),
  stream('hub-kill', 'hub SIGKILLed mid-stream and started again', (steps) => ({
    messages: 60,
    perSecond: 3,
    seconds: 90,
    timeline: (world, elapsed) =>
      steps.at(elapsed, 8_000, 'kill', async () => {
        world.holdRestarts = true;
        try {
          await world.hub.kill();
          await world.hub.start();
        } finally {
          world.holdRestarts = false;
        }
      }),
  })),
  stream('redeliver', 'every webhook delivered again at once and 3 s later', () => ({
    messages: 40,
    perSecond: 3,
    seconds: 60,
    duplicateAfterMs: 3_000,
  })),
  {
    name: 'hostile',
    fault: '1,000 hostile payloads on every endpoint and the widget socket',
    run: () => withWorld('hostile', hostileScenario, 'hostile payloads'),
  },
];
