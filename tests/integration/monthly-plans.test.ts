import { monthIn, openMonthlyPlans, previousMonth } from '../../src/app/plans/monthly-reset';
import type { Hub } from '../../src/hub';
import { createPlanStore } from '../../src/store/repositories/plan.repository';
import { createScheduler } from '../../src/infra/scheduler';
import { eventually, silentLogger, testDatabaseUri } from '../support/database';
import { startTestHub } from '../support/hub';
import { ManualClock } from '../support/manual-timers';
import { seedCompany } from '../support/process';

let hub: Hub;
beforeAll(async () => {
  hub = await startTestHub(testDatabaseUri(), { COMPANY_TIMEZONE: 'Europe/Moscow' });
});
afterAll(async () => {
  await hub.database.connection.dropDatabase();
  await hub.stop();
});

describe('monthly plan/fact', () => {
  it('reads the month in the company time zone', () => {
    // 22:30 UTC on 30 November is already 1 December in Moscow.
    expect(monthIn('Europe/Moscow', new Date('2026-11-30T22:30:00Z'))).toBe('2026-12');
    expect(monthIn('UTC', new Date('2026-11-30T22:30:00Z'))).toBe('2026-11');
    expect(previousMonth('2027-01')).toBe('2026-12');
  });

  it("opens the new month from last month's targets with zero fact and keeps the history", async () => {
    const org = await seedCompany(hub.database);
    const { Plan } = hub.database.models;
    await Plan.create([
      { userId: org.sales1.id, month: '2026-11', target: 1_000_000, fact: 1_250_000 },
      { userId: org.sales2.id, month: '2026-11', target: 800_000, fact: 300_000 },
    ]);
    const deps = {
      plans: createPlanStore(hub.database.models),
      clock: new ManualClock(new Date('2026-11-30T21:00:00Z')),
      timeZone: 'Europe/Moscow',
    };

    expect(await openMonthlyPlans(deps)).toBe('2026-12');
    await openMonthlyPlans(deps);

    const plans = await Plan.find().sort({ month: 1, target: -1 }).lean();
    expect(plans.map((plan) => [plan.month, plan.target, plan.fact])).toEqual([
      ['2026-11', 1_000_000, 1_250_000],
      ['2026-11', 800_000, 300_000],
      ['2026-12', 1_000_000, 0],
      ['2026-12', 800_000, 0],
    ]);
  });

  it('is scheduled once, at midnight on the first, in the company time zone', async () => {
    const job = await eventually(() =>
      hub.database.connection.db!.collection('agendaJobs').findOne({ name: 'plan.monthly-reset' }),
    );
    expect(job).toMatchObject({ repeatInterval: '0 0 1 * *', repeatTimezone: 'Europe/Moscow' });

    // A second process (or a restart) registers the same recurring job, not another copy.
    const second = createScheduler({
      db: hub.database.connection.db!,
      logger: silentLogger,
      processEveryMs: 60_000,
    });
    await second.start([], [{ name: 'plan.monthly-reset', cron: '0 0 1 * *' }], 'Europe/Moscow');
    await second.stop();
    expect(
      await hub.database.connection
        .db!.collection('agendaJobs')
        .countDocuments({ name: 'plan.monthly-reset' }),
    ).toBe(1);
  });
});
