import type { Db } from 'mongodb';
import pino from 'pino';
import type { TimerName } from '../../src/app/process/ports';
import { chooseEngine } from '../../src/infra/local-db/engines';
import { createScheduler, type JobDefinition, type Scheduler } from '../../src/infra/scheduler';
import { eventually, openTestDatabase } from '../support/database';

type TestDatabase = Awaited<ReturnType<typeof openTestDatabase>>;
let database: TestDatabase;
let db: Db;
beforeAll(async () => {
  database = await openTestDatabase();
  db = database.connection.db!;
});
afterAll(() => database.drop());
afterEach(async () => {
  await db.collection('agendaJobs').deleteMany({});
});

// Names outside the hub's own, as the Timers port is typed for those.
const TIMER = 'test.timer' as string as TimerName;
const SENTINEL = 'test.sentinel' as string as TimerName;

interface Run {
  key: string;
  data: Record<string, unknown>;
  at: number;
}

/** Error and warning lines the scheduler logs, so a test can assert there were none. */
function capturingLogger(lines: string[]) {
  return pino(
    { level: 'warn' },
    {
      write(line: string) {
        lines.push(line);
      },
    },
  );
}

async function startScheduler(
  jobs: JobDefinition<never>[],
  options: { processEveryMs?: number; onFired?: (name: string) => void; logLines?: string[] } = {},
): Promise<Scheduler> {
  const scheduler = createScheduler({
    db,
    logger: capturingLogger(options.logLines ?? []),
    processEveryMs: options.processEveryMs ?? 100,
    onFired: options.onFired,
  });
  await scheduler.start(jobs);
  return scheduler;
}

function recorder(runs: Run[]) {
  return async (data: Record<string, unknown>) => {
    runs.push({ key: String(data.timerKey), data, at: Date.now() });
  };
}

const oneOffJobs = () =>
  db.collection('agendaJobs').countDocuments({ name: { $in: [TIMER, SENTINEL] } });

function runsPerKey(runs: Run[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const run of runs) counts.set(run.key, (counts.get(run.key) ?? 0) + 1);
  return counts;
}

describe('timers at scale', () => {
  it('fires 200 timers due in the same second once each and keeps no finished job', async () => {
    const runs: Run[] = [];
    const logLines: string[] = [];
    const scheduler = await startScheduler([{ name: TIMER, run: recorder(runs) }], { logLines });
    const second = Math.ceil((Date.now() + 1500) / 1000) * 1000;
    const keys = Array.from({ length: 200 }, (_, i) => `burst:${i}`);
    try {
      await Promise.all(
        keys.map((key, i) =>
          scheduler.timers.schedule(key, new Date(second + (i % 1000)), TIMER, { i }),
        ),
      );
      await eventually(async () => runs.length >= keys.length, { timeoutMs: 40_000 });
      // Done one-off jobs are deleted, so once the collection is empty nothing can fire again.
      await eventually(async () => (await oneOffJobs()) === 0, { timeoutMs: 20_000 });
    } finally {
      await scheduler.stop();
    }
    const counts = runsPerKey(runs);
    expect(counts.size).toBe(keys.length);
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
    expect(runs.every((run) => run.at >= second)).toBe(true);
    expect(logLines).toEqual([]);
  });

  // FerretDB 1.24 evaluates a conditional write's filter apart from the write: two processes can
  // both lock one job. Claims across processes need an engine with atomic conditional updates.
  (chooseEngine() === 'ferretdb' ? it.skip : it)(
    'shares a burst between two schedulers on one database without firing any timer twice',
    async () => {
      const runs: Run[] = [];
      const logLines: string[] = [];
      // Two hub processes: each claims in batches, a job locked by one is not taken by the other.
      const schedulers = [
        await startScheduler([{ name: TIMER, run: recorder(runs) }], { logLines }),
        await startScheduler([{ name: TIMER, run: recorder(runs) }], { logLines }),
      ];
      const second = Math.ceil((Date.now() + 1500) / 1000) * 1000;
      const keys = Array.from({ length: 300 }, (_, i) => `shared:${i}`);
      try {
        await Promise.all(
          keys.map((key, i) =>
            schedulers[i % 2]!.timers.schedule(key, new Date(second + (i % 1000)), TIMER, {}),
          ),
        );
        await eventually(async () => runs.length >= keys.length, { timeoutMs: 40_000 });
        await eventually(async () => (await oneOffJobs()) === 0, { timeoutMs: 20_000 });
      } finally {
        await Promise.all(schedulers.map((scheduler) => scheduler.stop()));
      }
      const counts = runsPerKey(runs);
      expect(counts.size).toBe(keys.length);
      expect([...counts.values()].every((count) => count === 1)).toBe(true);
      expect(logLines).toEqual([]);
    },
  );

  it('fires every step of a timer that re-arms itself from its handler once, in order', async () => {
    const runs: Run[] = [];
    const logLines: string[] = [];
    const handle: { timers?: Scheduler['timers'] } = {};
    const scheduler = await startScheduler(
      [
        {
          name: TIMER,
          run: async (data: { timerKey: string; step: number }) => {
            runs.push({ key: data.timerKey, data, at: Date.now() });
            // The SLA ladder's way: the handler schedules the same key for its next step.
            if (data.step < 3) {
              await handle.timers!.schedule(data.timerKey, new Date(Date.now() + 20), TIMER, {
                step: data.step + 1,
              });
            }
          },
        },
      ],
      { logLines },
    );
    handle.timers = scheduler.timers;
    const keys = Array.from({ length: 50 }, (_, i) => `ladder:${i}`);
    try {
      await Promise.all(
        keys.map((key) => scheduler.timers.schedule(key, new Date(), TIMER, { step: 0 })),
      );
      await eventually(async () => runs.length >= keys.length * 4, { timeoutMs: 40_000 });
      await eventually(async () => (await oneOffJobs()) === 0, { timeoutMs: 20_000 });
    } finally {
      await scheduler.stop();
    }
    for (const key of keys) {
      expect(runs.filter((run) => run.key === key).map((run) => run.data.step)).toEqual([
        0, 1, 2, 3,
      ]);
    }
    expect(logLines).toEqual([]);
  });

  it('keeps a timer re-armed while its handler runs, and fires it again afterwards', async () => {
    const runs: Run[] = [];
    const logLines: string[] = [];
    let release: () => void = () => {};
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const scheduler = await startScheduler(
      [
        {
          name: TIMER,
          run: async (data: { timerKey: string; round: number }) => {
            runs.push({ key: data.timerKey, data, at: Date.now() });
            if (data.round === 1) await blocked;
          },
        },
      ],
      { logLines },
    );
    try {
      await scheduler.timers.schedule('task:1', new Date(), TIMER, { round: 1 });
      await eventually(async () => runs.length === 1);
      // Re-armed from elsewhere (a postponed task) while the first run is still going.
      await scheduler.timers.schedule('task:1', new Date(Date.now() + 50), TIMER, { round: 2 });
      release();
      await eventually(async () => runs.length === 2);
      await eventually(async () => (await oneOffJobs()) === 0);
    } finally {
      await scheduler.stop();
    }
    expect(runs.map((run) => run.data.round)).toEqual([1, 2]);
    expect(logLines).toEqual([]);
  });

  it('does not fire a timer cancelled after it was claimed ahead of its time', async () => {
    const runs: Run[] = [];
    const sentinel: Run[] = [];
    // A long tick: timers due before the next one are claimed now and wait for their time here.
    const scheduler = await startScheduler(
      [
        { name: TIMER, run: recorder(runs) },
        { name: SENTINEL, run: recorder(sentinel) },
      ],
      { processEveryMs: 3000 },
    );
    try {
      const due = Date.now() + 600;
      await scheduler.timers.schedule('followup:1', new Date(due), TIMER, {});
      await scheduler.timers.schedule('sentinel:1', new Date(due + 200), SENTINEL, {});
      await eventually(
        async () =>
          (await db.collection('agendaJobs').findOne({ 'data.timerKey': 'followup:1' }))?.lockedAt,
        { intervalMs: 20 },
      );
      await scheduler.timers.cancel('followup:1');
      // The sentinel was due after it: had the cancelled timer fired, it would have by now.
      await eventually(async () => sentinel.length === 1);
    } finally {
      await scheduler.stop();
    }
    expect(runs).toEqual([]);
  });

  it('fires a timer again when it is scheduled again after it ran', async () => {
    const runs: Run[] = [];
    const scheduler = await startScheduler([{ name: TIMER, run: recorder(runs) }]);
    try {
      await scheduler.timers.schedule('robot:1', new Date(), TIMER, { n: 1 });
      await eventually(async () => runs.length === 1);
      await scheduler.timers.schedule('robot:1', new Date(), TIMER, { n: 2 });
      await eventually(async () => runs.length === 2);
    } finally {
      await scheduler.stop();
    }
    expect(runs.map((run) => run.data.n)).toEqual([1, 2]);
  });

  it('wakes for a timer scheduled sooner than the next tick instead of waiting for it', async () => {
    const runs: Run[] = [];
    const scheduler = await startScheduler([{ name: TIMER, run: recorder(runs) }], {
      processEveryMs: 10_000,
    });
    try {
      const due = Date.now() + 300;
      await scheduler.timers.schedule('sla:1', new Date(due), TIMER, {});
      await eventually(async () => runs.length === 1, { intervalMs: 20 });
      // Without the wake-up it would wait for the next tick, up to ten seconds away.
      expect(runs[0]!.at - due).toBeLessThan(3000);
    } finally {
      await scheduler.stop();
    }
  });

  it('tells onFired the name of each job whose handler succeeded', async () => {
    const fired: string[] = [];
    const scheduler = await startScheduler(
      [
        { name: TIMER, run: async () => {} },
        {
          name: SENTINEL,
          run: async () => {
            throw new Error('handler failed');
          },
        },
      ],
      { onFired: (name) => fired.push(name) },
    );
    try {
      await scheduler.timers.schedule('bad:1', new Date(), SENTINEL, {});
      await scheduler.timers.schedule('good:1', new Date(Date.now() + 100), TIMER, {});
      await eventually(async () => fired.length === 1);
      await eventually(async () => (await oneOffJobs()) === 0);
    } finally {
      await scheduler.stop();
    }
    expect(fired).toEqual([TIMER]);
  });

  it('inserts timers armed fresh, and re-arms a fresh key that had a timer after all', async () => {
    const client = database.connection.getClient();
    const writes: string[] = [];
    const listener = (event: { commandName: string; command: Record<string, unknown> }) => {
      if (event.command[event.commandName] === 'agendaJobs' && event.commandName !== 'find') {
        writes.push(event.commandName);
      }
    };
    const runs: Run[] = [];
    const scheduler = await startScheduler([{ name: TIMER, run: recorder(runs) }]);
    client.on('commandStarted', listener);
    try {
      const far = new Date(Date.now() + 3_600_000);
      // A burst of new customers: three new subjects' timers, inserted together.
      await Promise.all(
        ['sla:1', 'sla:2', 'sla:3'].map((key) =>
          scheduler.timers.schedule(key, far, TIMER, { v: 1 }, { fresh: true }),
        ),
      );
      expect(writes).toEqual(['insert']);
      writes.length = 0;
      // A retried first arming: the key has its timer already; it is re-armed, not doubled.
      await scheduler.timers.schedule('sla:1', far, TIMER, { v: 2 }, { fresh: true });
      expect(writes).toEqual(['insert', 'update']);
      const jobs = await db.collection('agendaJobs').find({ 'data.timerKey': 'sla:1' }).toArray();
      expect(jobs).toEqual([expect.objectContaining({ data: { v: 2, timerKey: 'sla:1' } })]);
      // And a fresh timer fires, once.
      await scheduler.timers.schedule(
        'sla:4',
        new Date(Date.now() + 200),
        TIMER,
        {},
        { fresh: true },
      );
      await eventually(async () => runs.length === 1);
      expect(runs.map((run) => run.key)).toEqual(['sla:4']);
    } finally {
      client.off('commandStarted', listener);
      await scheduler.stop();
    }
  });

  it('re-arms a timer in one round trip and polls once per tick for all job names', async () => {
    const client = database.connection.getClient();
    const commands: { name: string; collection: unknown; at: number }[] = [];
    const listener = (event: { commandName: string; command: Record<string, unknown> }) =>
      commands.push({
        name: event.commandName,
        collection: event.command[event.commandName],
        at: Date.now(),
      });
    const names = ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => `test.${n}` as string as TimerName);
    const scheduler = await startScheduler(
      names.map((name) => ({ name, run: async () => {} })),
      { processEveryMs: 200 },
    );
    client.on('commandStarted', listener);
    try {
      const far = new Date(Date.now() + 3_600_000);
      await scheduler.timers.schedule('task:9', far, names[0]!, { v: 1 });
      commands.length = 0;
      await scheduler.timers.schedule('task:9', far, names[0]!, { v: 2 });
      // One upsert by key (the tick's poll, a find, may fall in between).
      const writes = commands.filter((command) => command.name !== 'find');
      expect(writes.map((command) => command.name)).toEqual(['update']);
      expect(
        await db.collection('agendaJobs').find({ 'data.timerKey': 'task:9' }).toArray(),
      ).toEqual([expect.objectContaining({ data: { v: 2, timerKey: 'task:9' }, lockedAt: null })]);
      commands.length = 0;

      // Timers armed together share one write: a burst of customers arms a few at once.
      await Promise.all(
        ['task:10', 'task:11', 'task:12'].map((key) =>
          scheduler.timers.schedule(key, far, names[1]!, { v: 1 }),
        ),
      );
      expect(
        commands.filter((command) => command.name !== 'find').map((command) => command.name),
      ).toEqual(['update']);
      commands.length = 0;

      const from = Date.now();
      await eventually(
        async () => commands.filter((command) => command.name === 'find').length >= 10,
        { intervalMs: 50 },
      );
      const finds = commands.filter((command) => command.name === 'find');
      expect(finds.every((command) => command.collection === 'agendaJobs')).toBe(true);
      // Agenda alone asks once per name per tick (six here): ten polls would take two ticks.
      expect(finds[9]!.at - from).toBeGreaterThanOrEqual(7 * 200);
    } finally {
      client.off('commandStarted', listener);
      await scheduler.stop();
    }
  });
});
