import { MongoBackend } from '@agendajs/mongo-backend';
import { Agenda } from 'agenda';
import type { Db } from 'mongodb';
import { startScheduler, type Scheduler } from '../../src/infra/scheduler';
import { eventually, openTestDatabase, silentLogger } from '../support/database';

type TestDatabase = Awaited<ReturnType<typeof openTestDatabase>>;
let database: TestDatabase;
let db: Db;
beforeAll(async () => {
  database = await openTestDatabase();
  db = database.connection.db!;
});
afterAll(() => database.drop());

function recordingScheduler(runs: unknown[]): Promise<Scheduler> {
  return startScheduler({
    db,
    logger: silentLogger,
    processEveryMs: 100,
    jobs: [
      {
        name: 'test.remember',
        run: async (data: { lead: string }) => {
          runs.push(data);
        },
      },
    ],
  });
}

describe('timers on Agenda', () => {
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
      await eventually(async () => {
        const job = await db.collection('agendaJobs').findOne({ 'data.lead': 'L-2' });
        return job?.lastFinishedAt;
      });
      expect(runs).toEqual([{ lead: 'L-2' }]);
    } finally {
      await scheduler.stop();
    }
  });
});
