import { buildReport, type Report } from '../../src/app/reports/report';
import type { User } from '../../src/domain/user';
import { createReportsStore } from '../../src/store/repositories/reports.repository';
import { ManualClock } from '../support/manual-timers';
import { seedReportMonth } from '../support/report-month';
import { defaultDefinition, seededDatabase } from '../support/process';

/**
 * One known company month (tests/support/report-month.ts, each record described there), seeded
 * straight into the real database, and every figure of the report checked against the values
 * worked out by hand in the comments below. Moscow time;
 * "now" is 10 December 2026, 15:00 (12:00 UTC); this month began 30 Nov 21:00 UTC.
 */
const NOW = new Date('2026-12-10T12:00:00Z');
const ZONE = 'Europe/Moscow';
const at = (iso: string) => new Date(iso);
const min = 60_000;

const fixture = seededDatabase();
const definition = defaultDefinition();
let deps: Parameters<typeof buildReport>[0];

beforeAll(async () => {
  await seedReportMonth(fixture.database, fixture.org);
  deps = {
    store: createReportsStore(fixture.database.models),
    definition,
    timeZone: ZONE,
    clock: new ManualClock(NOW),
  };
});

const admin = (): User =>
  ({ ...fixture.org.head, roles: ['admin'], departmentId: undefined }) as User;
const funnel = (rows: Report['leadFunnel']) =>
  rows.map((r) => [r.stage, r.now, r.reached, r.conversion]);
const stats = (s: { count: number; median?: number; p90?: number }) => [
  s.count,
  s.median && s.median / min,
  s.p90 && s.p90 / min,
];

describe('the report over a known month (admin: everyone)', () => {
  let report: Report;
  beforeAll(async () => {
    report = await buildReport(deps, admin(), 'month');
  });

  it('covers this month so far, in the company time zone', () => {
    expect(report.range).toEqual({ from: at('2026-11-30T21:00:00Z'), to: NOW });
    expect(report.audience).toEqual({ kind: 'all' });
  });

  it('counts the lead funnel: now, reached and conversion between stages', () => {
    // 6 leads this month: new 1, identification 1, proposal 1, qualified 2, junk 1.
    expect(funnel(report.leadFunnel)).toEqual([
      ['new', 1, 6, undefined],
      ['identification', 1, 4, 67], // 4/6
      ['proposal', 1, 3, 75], // 3/4
      ['qualified', 2, 2, 67], // 2/3
      ['junk', 1, undefined, undefined],
    ]);
  });

  it('counts each deal type its own funnel', () => {
    const [standard, design] = report.dealFunnels;
    // Standard this month: prepayment 1, won 2 (one without an amount), lost 1.
    expect(funnel(standard!.rows)).toEqual([
      ['documents', 0, 4, undefined],
      ['prepayment', 1, 3, 75],
      ['production', 0, 2, 67],
      ['shipping', 0, 2, 100],
      ['won', 2, 2, 100],
      ['problem', 0, undefined, undefined],
      ['lost', 1, undefined, undefined],
    ]);
    // Design: one won, one at approval.
    expect(funnel(design!.rows)).toEqual([
      ['design_brief', 0, 2, undefined],
      ['approval', 1, 2, 100],
      ['back_to_sales', 0, 1, 50],
      ['production', 0, 1, 100],
      ['shipping', 0, 1, 100],
      ['won', 1, 1, 100],
      ['problem', 0, undefined, undefined],
      ['lost', 0, undefined, undefined],
    ]);
  });

  it('follows leads from channel, source and campaign to won deals and their amounts', () => {
    expect(report.channels).toEqual([
      { key: 'telegram', leads: 2, won: 0, amount: 0 },
      { key: 'vk', leads: 2, won: 1, amount: 100_000 },
      { key: 'form', leads: 1, won: 0, amount: 0 },
      { key: 'widget', leads: 1, won: 1, amount: 50_000 },
    ]);
    expect(report.sources).toEqual([
      { key: 'ads', leads: 3, won: 0, amount: 0 },
      { leads: 2, won: 1, amount: 50_000 },
      { key: 'seo', leads: 1, won: 1, amount: 100_000 },
    ]);
    expect(report.campaigns).toEqual([
      { leads: 3, won: 2, amount: 150_000 },
      { key: 'winter', leads: 2, won: 0, amount: 0 },
      { key: 'spring', leads: 1, won: 0, amount: 0 },
    ]);
  });

  it("shows each manager's load and the conversion of their leads", () => {
    const { sales1, sales2, ops1, ops2 } = fixture.org;
    expect(
      report.managers.map((m) => [
        m.userId,
        m.openLeads,
        m.openDeals,
        m.openTasks,
        m.overdue,
        m.leads,
        m.qualified,
        m.conversion,
      ]),
    ).toEqual([
      [sales1.id, 2, 1, 2, 1, 3, 1, 33],
      [sales2.id, 1, 0, 1, 1, 2, 1, 50],
      [ops1.id, 0, 1, 1, 0, 0, 0, undefined],
      [ops2.id, 0, 1, 1, 1, 0, 0, undefined],
    ]);
  });

  it('gives first-reply and every-reply medians and 90th percentiles, by manager and channel', () => {
    const { sales1, sales2 } = fixture.org;
    const { total, byManager, byChannel } = report.replies;
    // Every reply: 5, 10, 20, 30, 45, 60 min → nearest-rank median the 3rd (20), p90 the 6th (60).
    expect(stats(total.every)).toEqual([6, 20, 60]);
    // First replies: 5, 10, 60 → median 10, p90 60.
    expect(stats(total.first)).toEqual([3, 10, 60]);
    expect(stats(byManager.get(sales1.id)!.every)).toEqual([3, 10, 30]);
    expect(stats(byManager.get(sales1.id)!.first)).toEqual([2, 5, 10]);
    expect(stats(byManager.get(sales2.id)!.every)).toEqual([3, 45, 60]);
    expect(stats(byManager.get(sales2.id)!.first)).toEqual([1, 60, 60]);
    expect(stats(byChannel.get('telegram')!.every)).toEqual([3, 30, 60]);
    expect(stats(byChannel.get('telegram')!.first)).toEqual([2, 10, 60]);
    expect(stats(byChannel.get('vk')!.every)).toEqual([2, 5, 20]);
    expect(stats(byChannel.get('widget')!.every)).toEqual([1, 45, 45]);
    expect(stats(byChannel.get('widget')!.first)).toEqual([0, undefined, undefined]);
  });

  it('buckets the conversations waiting now and lists overdue tasks, oldest first', () => {
    expect(report.waiting).toEqual([1, 1, 1, 1, 1]);
    expect(report.overdue.count).toBe(3);
    expect(report.overdue.top.map((t) => t.due)).toEqual([
      at('2026-12-08T10:00:00Z'),
      at('2026-12-09T10:00:00Z'),
      at('2026-12-10T10:00:00Z'),
    ]);
  });

  it('sets plan against fact, the difference and what the month so far calls for', () => {
    const { sales1, sales2, ops1, ops2 } = fixture.org;
    // 9 days 15 h of a 31-day month: 9.625 / 31 elapsed.
    expect(report.plan.month).toBe('2026-12');
    expect(report.plan.elapsed).toBeCloseTo(9.625 / 31, 6);
    expect(report.plan.rows).toEqual([
      {
        userId: sales1.id,
        name: sales1.name,
        target: 200_000,
        fact: 100_000,
        difference: -100_000,
        dueSoFar: 62_097,
      },
      {
        userId: sales2.id,
        name: sales2.name,
        target: 40_000,
        fact: 50_000,
        difference: 10_000,
        dueSoFar: 12_419,
      },
      { userId: ops1.id, name: ops1.name, fact: 0 },
      { userId: ops2.id, name: ops2.name, fact: 0 },
    ]);
    expect(report.plan.total).toEqual({
      target: 240_000,
      fact: 150_000,
      difference: -90_000,
      dueSoFar: 74_516,
    });
  });

  it("reads last month's plan and fact for last month", async () => {
    const last = await buildReport(deps, admin(), 'lastMonth');
    expect(last.plan.month).toBe('2026-11');
    expect(last.plan.elapsed).toBe(1);
    expect(last.plan.rows[0]).toMatchObject({
      target: 999_999,
      fact: 30_000,
      difference: -969_999,
    });
    expect(funnel(last.leadFunnel)[1]).toEqual(['identification', 1, 1, 100]);
  });
});

describe('who sees which figures', () => {
  it('shows a manager their own figures only', async () => {
    const { sales1 } = fixture.org;
    const report = await buildReport(deps, sales1, 'month', 'ignored-department');
    expect(report.audience).toEqual({ kind: 'own' });
    // L2, L3, L4.
    expect(funnel(report.leadFunnel).map((row) => row[2])).toEqual([3, 3, 2, 1, undefined]);
    expect(report.managers.map((m) => m.userId)).toEqual([sales1.id]);
    expect([...report.replies.byManager.keys()]).toEqual([sales1.id]);
    expect(stats(report.replies.total.every)).toEqual([3, 10, 30]);
    // L2's conversation and D2's.
    expect(report.waiting).toEqual([1, 0, 1, 0, 0]);
    expect(report.overdue.count).toBe(1);
    expect(report.plan.rows.map((r) => [r.userId, r.fact])).toEqual([[sales1.id, 100_000]]);
    expect(report.channels.map((c) => c.key)).toEqual(['vk', 'telegram']);
  });

  it("shows a head their department's, with the leads nobody has taken yet", async () => {
    const { head, sales1, sales2 } = fixture.org;
    const report = await buildReport(deps, head, 'month');
    expect(report.audience).toMatchObject({ kind: 'department', name: 'Отдел продаж' });
    expect(funnel(report.leadFunnel).map((row) => row[2])).toEqual([6, 4, 3, 2, undefined]);
    expect(report.managers.map((m) => m.userId)).toEqual([sales1.id, sales2.id]);
    // The operations-only design deal is not the sales department's.
    expect(funnel(report.dealFunnels[1]!.rows)[0]).toEqual(['design_brief', 0, 1, undefined]);
    expect(report.waiting).toEqual([1, 1, 1, 1, 1]);
    // ops2's overdue task is not theirs.
    expect(report.overdue.count).toBe(2);
  });

  it("lets an admin pick one department, and ignores a head's pick of another", async () => {
    const { head, ops1, ops2 } = fixture.org;
    const departments = await deps.store.departments();
    const operations = departments.find((d) => d.code === 'operations')!;
    const report = await buildReport(deps, admin(), 'month', operations.id);
    expect(report.audience).toEqual({
      kind: 'department',
      departmentId: operations.id,
      code: 'operations',
      name: 'Делопроизводство',
    });
    expect(report.managers.map((m) => m.userId)).toEqual([ops1.id, ops2.id]);
    expect(funnel(report.leadFunnel)[0]).toEqual(['new', 0, 0, undefined]);
    expect(funnel(report.dealFunnels[1]!.rows)[0]).toEqual(['design_brief', 0, 2, undefined]);
    expect(report.overdue.count).toBe(1);

    const headsPick = await buildReport(deps, head, 'month', operations.id);
    expect(headsPick.audience).toMatchObject({ name: 'Отдел продаж' });
  });
});
