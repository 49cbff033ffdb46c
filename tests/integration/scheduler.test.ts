import { MongoBackend } from '@agendajs/mongo-backend';
import { Agenda } from 'agenda';
import type { Db } from 'mongodb';
import pino from 'pino';
import type { TimerHandlers, TimerPayloads } from '../../src/app/process/timer-handlers';
import { createScheduler, type Scheduler } from '../../src/infra/scheduler';
import { hubJobs } from '../../src/jobs';
import { eventually, openTestDatabase, silentLogger } from '../support/database';

type TestDatabase = Awaited<ReturnType<typeof openTestDatabase>>;
let database: TestDatabase;
let db: Db;
beforeAll(async () => {
  database = await openTestDatabase();
  db = database.connection.db!;
});
afterAll(() => database.drop());

async function recordingScheduler(runs: unknown[]): Promise<Scheduler> {
  const scheduler = createScheduler({ db, logger: silentLogger, processEveryMs: 100 });
  await scheduler.start([
    {
      name: 'test.remember',
      run: async (data: { lead: string }) => {
        runs.push(data);
      },
    },
  ]);
  return scheduler;
}

describe('timers on Agenda', () => {
  it('replaces a timer scheduled again under the same key, and cancels it by key', async () => {
    const runs: unknown[] = [];
    const scheduler = await recordingScheduler(runs);
    try {
      const far = new Date(Date.now() + 3_600_000);
      await scheduler.timers.schedule('task:1', far, 'task.overdue', { lead: 'L-0' });
      await scheduler.timers.schedule('task:1', far, 'task.overdue', { lead: 'L-0' });
      const jobs = db.collection('agendaJobs');
      expect(await jobs.countDocuments({ 'data.timerKey': 'task:1' })).toBe(1);

      await scheduler.timers.cancel('task:1');
      expect(await jobs.countDocuments({ 'data.timerKey': 'task:1' })).toBe(0);
    } finally {
      await scheduler.stop();
    }
  });

  it('runs a registered job with its data on the shared connection', async () => {
    const runs: unknown[] = [];
    const scheduler = await recordingScheduler(runs);
    try {
      await scheduler.agenda.now('test.remember', { lead: 'L-1' });
      await eventually(async () => runs.length > 0);
      expect(runs).toEqual([{ lead: 'L-1' }]);
    } finally {
      await scheduler.stop();
    }
  });

  it('keeps a timer scheduled before a restart and fires it once afterwards', async () => {
    // Scheduled by a process that then stops without ever processing jobs.
    const producer = new Agenda({ backend: new MongoBackend({ mongo: db }) });
    await producer.now('test.remember', { lead: 'L-2' });
    await producer.stop(false);

    const runs: unknown[] = [];
    const scheduler = await recordingScheduler(runs);
    try {
      await eventually(async () => runs.length > 0);
      // Done one-off jobs are deleted: the collection keeps pending ones only.
      await eventually(
        async () =>
          (await db.collection('agendaJobs').countDocuments({ 'data.lead': 'L-2' })) === 0,
      );
      expect(runs).toEqual([{ lead: 'L-2' }]);
    } finally {
      await scheduler.stop();
    }
  });

  it('drops a timer whose payload does not parse, logged with its job and key, and fires a good one', async () => {
    const logged: Record<string, unknown>[] = [];
    const logger = pino(
      { level: 'warn' },
      { write: (line: string) => logged.push(JSON.parse(line)) },
    );
    const fired: TimerPayloads['sla.step'][] = [];
    const ignore = async () => undefined;
    const handlers: TimerHandlers = {
      'task.overdue': ignore,
      'robot.run': ignore,
      'followup.fire': ignore,
      'sla.step': async (data) => {
        fired.push(data);
      },
    };
    const scheduler = createScheduler({ db, logger: silentLogger, processEveryMs: 100 });
    await scheduler.start(hubJobs({ handlers, openMonthlyPlans: ignore, logger }).jobs);
    try {
      const now = new Date();
      const since = now.toISOString();
      await scheduler.timers.schedule('sla:broken', now, 'sla.step', {
        conversationId: 'c-1',
        since,
        step: 'first',
      });
      await scheduler.timers.schedule('sla:good', now, 'sla.step', {
        conversationId: 'c-2',
        since,
        step: 0,
      });

      await eventually(async () => fired.length > 0);
      // Parsed: the handler gets its payload only, without the job's own `timerKey`.
      expect(fired).toEqual([{ conversationId: 'c-2', since, step: 0 }]);
      const jobs = db.collection('agendaJobs');
      await eventually(
        async () =>
          (await jobs.countDocuments({ 'data.timerKey': /^sla:/ })) === 0 && logged.length > 0,
      );
      // Dropped once and for all: one report, no failure (so no retry), the job gone.
      expect(logged).toEqual([
        expect.objectContaining({
          level: 50,
          job: 'sla.step',
          timerKey: 'sla:broken',
          issues: [expect.stringMatching(/^step: /)],
          msg: 'dropped a timer whose payload does not parse',
        }),
      ]);
    } finally {
      await scheduler.stop();
    }
  });
});
