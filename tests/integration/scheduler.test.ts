import { MongoBackend } from '@agendajs/mongo-backend';
import { Agenda } from 'agenda';
import type { Db } from 'mongodb';
import { createScheduler, type Scheduler } from '../../src/infra/scheduler';
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
});
