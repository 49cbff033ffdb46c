import type { CommandStartedEvent } from 'mongodb';
import { Types } from 'mongoose';
import { buildReport, type Report } from '../../src/app/reports/report';
import type { User } from '../../src/domain/user';
import { createReportsStore } from '../../src/store/repositories/reports.repository';
import { createStores } from '../../src/store/stores';
import { ManualClock } from '../support/manual-timers';
import { seedReportMonth } from '../support/report-month';
import { defaultDefinition, seededDatabase } from '../support/process';

/**
 * Reports keep what they count in the process and read only what changed since the last one
 * (report-view.ts). Over the known month of reports.test.ts (same seed, same "now"), a team
 * works between two reports: the second must count the records as they are now, exactly as a
 * process that never reported before reads them from scratch.
 */
const NOW = new Date('2026-12-10T12:00:00Z');
const ZONE = 'Europe/Moscow';

const fixture = seededDatabase();
const definition = defaultDefinition();
const clock = new ManualClock(NOW);
const depsOf = () => ({
  store: createReportsStore(fixture.database.models),
  definition,
  timeZone: ZONE,
  clock,
});
let deps: ReturnType<typeof depsOf>;

beforeAll(async () => {
  await seedReportMonth(fixture.database, fixture.org);
  deps = depsOf();
});

const admin = (): User =>
  ({ ...fixture.org.head, roles: ['admin'], departmentId: undefined }) as User;
const load = (report: Report) =>
  report.managers.map((m) => [
    m.openLeads,
    m.openDeals,
    m.openTasks,
    m.overdue,
    m.leads,
    m.qualified,
  ]);

describe('a report after the team has worked', () => {
  let before: Report;
  let after: Report;

  beforeAll(async () => {
    before = await buildReport(deps, admin(), 'month');
    const { models } = fixture.database;
    const { sales1, sales2, ops2 } = fixture.org;
    const stores = createStores(models, clock);
    const leadOf = async (stage: string) => {
      const doc = (await models.Lead.findOne({ stage, 'responsibles.sales': sales1.id }).lean())!;
      return { kind: 'lead' as const, id: doc._id.toHexString() };
    };
    // sales1 qualifies the lead at identification and hands the one at proposal to sales2.
    await stores.records.moveStage(
      await leadOf('identification'),
      { stage: 'identification', stageEntry: 1 },
      'qualified',
      'won',
    );
    await stores.records.setResponsible(await leadOf('proposal'), 'sales', sales2.id);
    // sales1 finishes the overdue task.
    const overdue = (await models.Task.findOne({
      assigneeId: sales1.id,
      due: { $lt: NOW },
    }).lean())!;
    expect(await stores.tasks.markDone(overdue._id.toHexString(), NOW)).toBe(true);
    // The deal ops2 runs is lost.
    const run = (await models.Deal.findOne({
      'responsibles.operations': ops2.id,
      closed: false,
    }).lean())!;
    await stores.records.moveStage(
      { kind: 'deal', id: run._id.toHexString() },
      { stage: run.stage, stageEntry: run.stageEntry },
      'lost',
      'lost',
    );
    // A new customer writes in VK this morning and sales2 takes the lead.
    await models.Lead.create({
      contactId: new Types.ObjectId(),
      source: { kind: 'channel', channel: 'vk' },
      utm: {},
      stage: 'new',
      responsibles: { sales: sales2.id },
      createdAt: new Date('2026-12-10T07:00:00Z'),
    });
    after = await buildReport(deps, admin(), 'month');
  });

  it("moves each person's figures with what they did", () => {
    const { sales1, sales2, ops1, ops2 } = fixture.org;
    expect(before.managers.map((m) => m.userId)).toEqual([sales1.id, sales2.id, ops1.id, ops2.id]);
    // open leads, open deals, open tasks, overdue, leads this month, qualified.
    expect(load(before)).toEqual([
      [2, 1, 2, 1, 3, 1],
      [1, 0, 1, 1, 2, 1],
      [0, 1, 1, 0, 0, 0],
      [0, 1, 1, 1, 0, 0],
    ]);
    expect(load(after)).toEqual([
      [0, 1, 1, 0, 2, 2], // qualified one (closed), handed one over, finished the overdue task
      [3, 0, 1, 1, 4, 1], // the handed-over lead and the new one
      [0, 1, 1, 0, 0, 0],
      [0, 0, 1, 1, 0, 0], // the deal ops2 ran is lost
    ]);
    expect(after.overdue.count).toBe(before.overdue.count - 1);
  });

  it('moves the funnel and the channels', () => {
    const stageCount = (report: Report, stage: string) =>
      report.leadFunnel.find((row) => row.stage === stage)?.now;
    expect(stageCount(after, 'identification')).toBe(stageCount(before, 'identification')! - 1);
    expect(stageCount(after, 'qualified')).toBe(stageCount(before, 'qualified')! + 1);
    expect(stageCount(after, 'new')).toBe(stageCount(before, 'new')! + 1);
    const vk = (report: Report) => report.channels.find((row) => row.key === 'vk')?.leads;
    expect(vk(after)).toBe(vk(before)! + 1);
  });

  it('counts exactly what a process reading everything from scratch counts', async () => {
    const fresh = await buildReport(depsOf(), admin(), 'month');
    expect(after).toEqual(fresh);
    const lastMonth = await buildReport(deps, admin(), 'lastMonth');
    expect(lastMonth).toEqual(await buildReport(depsOf(), admin(), 'lastMonth'));
  });

  it('reads only what changed since the previous report', async () => {
    const reads: { collection: string; filter: unknown }[] = [];
    const records = new Set(['leads', 'deals', 'tasks']);
    const listener = (event: CommandStartedEvent) => {
      const collection = event.command[event.commandName] as unknown;
      if (typeof collection === 'string' && records.has(collection)) {
        reads.push({ collection, filter: event.command.filter ?? event.command.query });
      }
    };
    const client = fixture.database.connection.getClient();
    client.on('commandStarted', listener);
    try {
      await buildReport(deps, admin(), 'week');
    } finally {
      client.off('commandStarted', listener);
    }
    // One read of each kind of record, for the changes since the last report; no counting.
    expect(reads.map((read) => read.collection).sort()).toEqual(['deals', 'leads', 'tasks']);
    for (const read of reads) {
      expect(read.filter).toEqual({ updatedAt: { $gte: expect.any(Date) } });
    }
  });

  it('a month on, still counts what a fresh process counts', async () => {
    // December becomes last month: November's closed records are no longer held.
    const later = { ...deps, clock: new ManualClock(new Date('2027-01-10T12:00:00Z')) };
    for (const period of ['lastMonth', 'month'] as const) {
      const held = await buildReport(later, admin(), period);
      const fresh = await buildReport({ ...later, store: depsOf().store }, admin(), period);
      expect(held).toEqual(fresh);
    }
  });
});

describe('a deal one person both sells and runs', () => {
  it('counts once, in the report and in /team alike', async () => {
    const { models } = fixture.database;
    const { sales2 } = fixture.org;
    const team = createStores(models, clock).lists;
    const openDeals = async () => [
      (await buildReport(deps, admin(), 'month')).managers.find((m) => m.userId === sales2.id)!
        .openDeals,
      (await team.teamCounts([sales2.id], NOW)).get(sales2.id)!.deals,
    ];
    const before = await openDeals();
    expect(before[0]).toBe(before[1]);
    await models.Deal.create({
      contactId: new Types.ObjectId(),
      type: 'standard',
      stage: 'documents',
      responsibles: { sales: sales2.id, operations: sales2.id },
      createdAt: new Date('2026-12-10T08:00:00Z'),
    });
    expect(await openDeals()).toEqual([before[0]! + 1, before[0]! + 1]);
  });
});
