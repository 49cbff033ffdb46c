import { InlineKeyboard } from 'grammy';
import type { TFunction } from 'i18next';
import { DateTime } from 'luxon';
import type { FunnelRow } from '../../src/app/reports/funnel';
import type { Durations } from '../../src/app/reports/percentiles';
import type { PlanRow } from '../../src/app/reports/plan-vs-fact';
import type { Report, SourceRow } from '../../src/app/reports/report';
import type { ReplyStats } from '../../src/app/reports/reply-times';
import { PERIODS, type PeriodKey } from '../../src/domain/report-period';
import type { Locale } from '../../src/domain/user';

/** Telegram's limit is 4096 characters a message; sections are packed below it. */
const MESSAGE_LIMIT = 4000;

export interface ReportView {
  t: TFunction;
  lng: Locale;
  timeZone: string;
}

export const money = (view: ReportView, amount: number) =>
  view.t('reports:money', {
    amount: new Intl.NumberFormat(view.lng === 'ru' ? 'ru-RU' : 'en-GB', {
      maximumFractionDigits: 0,
    }).format(amount),
  });

const signedMoney = (view: ReportView, amount: number) =>
  amount > 0 ? `+${money(view, amount)}` : amount < 0 ? `−${money(view, -amount)}` : money(view, 0);

/** A wait, in whole minutes (hours and minutes past an hour). */
export function duration(view: ReportView, ms: number | undefined): string {
  if (ms === undefined) return view.t('reports:none');
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return view.t('reports:minutes', { count: minutes });
  return view.t('reports:hours', { h: Math.floor(minutes / 60), m: minutes % 60 });
}

const statsText = (view: ReportView, stats: Durations) =>
  stats.count === 0
    ? view.t('reports:noReplies')
    : view.t('reports:stats', {
        median: duration(view, stats.median),
        p90: duration(view, stats.p90),
        count: stats.count,
      });

const when = (view: ReportView, at: Date, format = 'd MMM HH:mm') =>
  DateTime.fromJSDate(at, { zone: view.timeZone }).setLocale(view.lng).toFormat(format);

/** A month such as "декабрь 2026" from its YYYY-MM. */
export const monthName = (view: ReportView, month: string) =>
  DateTime.fromFormat(month, 'yyyy-MM', { zone: view.timeZone })
    .setLocale(view.lng)
    .toFormat('LLLL yyyy');

function funnelLines(view: ReportView, rows: readonly FunnelRow[]): string[] {
  return rows.map((row) =>
    row.reached === undefined
      ? view.t('reports:closedLine', { stage: row.title[view.lng], now: row.now })
      : view.t('reports:stageLine', {
          stage: row.title[view.lng],
          now: row.now,
          reached: row.reached,
        }) +
        (row.conversion !== undefined
          ? view.t('reports:stageConversion', { percent: row.conversion })
          : ''),
  );
}

function sourceLines(view: ReportView, rows: readonly SourceRow[], name: (key: string) => string) {
  return rows.map((row) =>
    view.t('reports:sourceLine', {
      name: row.key === undefined ? view.t('reports:untagged') : name(row.key),
      leads: row.leads,
      won: row.won,
      amount: money(view, row.amount),
    }),
  );
}

/**
 * A department as people call it: the bot makes its departments with their code as the name, so
 * those are named from the texts; a name an admin gave stays as given.
 */
export const departmentName = (view: ReportView, department: { code: string; name: string }) =>
  department.name === department.code
    ? view.t(`reports:departments.${department.code}`, { defaultValue: department.name })
    : department.name;

export const channelName = (view: ReportView, key: string) =>
  view.t(`reports:channelNames.${key}`, { defaultValue: view.t('reports:none') });

function planLine(view: ReportView, row: PlanRow): string {
  if (row.target === undefined) {
    return view.t('reports:noPlanLine', { name: row.name, fact: money(view, row.fact) });
  }
  return view.t('reports:planLine', {
    name: row.name,
    target: money(view, row.target),
    fact: money(view, row.fact),
    difference: signedMoney(view, row.difference ?? 0),
    dueSoFar: money(view, row.dueSoFar ?? 0),
  });
}

export function planSection(view: ReportView, report: Report): string {
  const { plan } = report;
  const total =
    plan.total.target === undefined
      ? view.t('reports:planTotalNoPlan', { fact: money(view, plan.total.fact) })
      : view.t('reports:planTotal', {
          target: money(view, plan.total.target),
          fact: money(view, plan.total.fact),
          difference: signedMoney(view, plan.total.difference ?? 0),
        });
  return [
    view.t('reports:plan', {
      month: monthName(view, plan.month),
      elapsed: Math.round(plan.elapsed * 100),
    }),
    ...(plan.rows.length > 0
      ? plan.rows.map((row) => planLine(view, row))
      : [view.t('reports:nobody')]),
    total,
  ].join('\n');
}

const replyLine = (view: ReportView, name: string, stats: ReplyStats) =>
  view.t('reports:replyLine', {
    name,
    first: statsText(view, stats.first),
    every: statsText(view, stats.every),
  });

export function repliesSection(view: ReportView, report: Report): string {
  const { replies } = report;
  return [
    view.t('reports:replies'),
    view.t('reports:firstReply', { stats: statsText(view, replies.total.first) }),
    view.t('reports:everyReply', { stats: statsText(view, replies.total.every) }),
    ...[...replies.byManager].map(([id, stats]) =>
      replyLine(view, report.names.get(id) ?? view.t('reports:none'), stats),
    ),
    ...[...replies.byChannel].map(([channel, stats]) =>
      replyLine(view, channelName(view, channel), stats),
    ),
  ].join('\n');
}

export function waitingSection(view: ReportView, report: Report): string {
  const [b0, b1, b2, b3, b4] = report.waiting;
  return [view.t('reports:waiting'), view.t('reports:buckets', { b0, b1, b2, b3, b4 })].join('\n');
}

export function overdueSection(view: ReportView, report: Report): string {
  return [
    view.t('reports:overdue', { count: report.overdue.count }),
    ...report.overdue.top.map((task) =>
      view.t('reports:overdueLine', {
        title: task.title[view.lng],
        name: report.names.get(task.assigneeId) ?? view.t('reports:none'),
        due: when(view, task.due),
      }),
    ),
  ].join('\n');
}

export function headerOf(view: ReportView, report: Report): string {
  const audience =
    report.audience.kind === 'department'
      ? departmentName(view, report.audience)
      : view.t(`reports:audience.${report.audience.kind}`);
  return view.t('reports:header', {
    period: view.t(`reports:periodTitles.${report.period}`),
    audience,
    from: when(view, report.range.from, 'd MMM yyyy HH:mm'),
    to: when(view, report.range.to, 'd MMM yyyy HH:mm'),
  });
}

export function leadFunnelSection(view: ReportView, report: Report): string {
  return [view.t('reports:leadFunnel'), ...funnelLines(view, report.leadFunnel)].join('\n');
}

/** Every section of the report, in reading order. */
export function reportSections(view: ReportView, report: Report): string[] {
  const managers = report.managers.map((row) =>
    view.t('reports:managerLine', {
      name: row.name,
      leads: row.openLeads,
      deals: row.openDeals,
      tasks: row.openTasks,
      overdue: row.overdue,
      conversion:
        row.conversion === undefined
          ? view.t('reports:noLeads')
          : view.t('reports:conversion', {
              qualified: row.qualified,
              total: row.leads,
              percent: row.conversion,
            }),
    }),
  );
  return [
    headerOf(view, report),
    [leadFunnelSection(view, report), view.t('reports:funnelNote')].join('\n'),
    ...report.dealFunnels.map((funnel) =>
      [
        view.t('reports:dealFunnel', { type: funnel.title[view.lng] }),
        ...funnelLines(view, funnel.rows),
      ].join('\n'),
    ),
    [
      view.t('reports:channels'),
      ...sourceLines(view, report.channels, (key) => channelName(view, key)),
    ].join('\n'),
    [view.t('reports:sources'), ...sourceLines(view, report.sources, (key) => key)].join('\n'),
    [view.t('reports:campaigns'), ...sourceLines(view, report.campaigns, (key) => key)].join('\n'),
    [
      view.t('reports:managers'),
      ...(managers.length > 0 ? managers : [view.t('reports:nobody')]),
    ].join('\n'),
    repliesSection(view, report),
    waitingSection(view, report),
    overdueSection(view, report),
    planSection(view, report),
  ];
}

/** Sections packed into as few messages as Telegram allows. */
export function packMessages(sections: readonly string[]): string[] {
  const messages: string[] = [];
  let current = '';
  for (const section of sections) {
    const text =
      section.length > MESSAGE_LIMIT ? `${section.slice(0, MESSAGE_LIMIT - 1)}…` : section;
    if (current && current.length + 2 + text.length > MESSAGE_LIMIT) {
      messages.push(current);
      current = text;
    } else current = current ? `${current}\n\n${text}` : text;
  }
  if (current) messages.push(current);
  return messages;
}

/** `rp:<period>:<department id or ->` redraws; `rc:` sends the charts of the same choice. */
export function reportKeyboard(
  view: ReportView,
  choice: { period: PeriodKey; departmentId?: string },
  departments: readonly { id: string; code: string; name: string }[] | undefined,
): InlineKeyboard {
  const dept = choice.departmentId ?? '-';
  const keyboard = new InlineKeyboard();
  for (const period of PERIODS) {
    const label = view.t(`reports:periods.${period}`);
    keyboard.text(period === choice.period ? `· ${label} ·` : label, `rp:${period}:${dept}`);
  }
  if (departments) {
    keyboard.row();
    const all = view.t('reports:allDepartments');
    keyboard.text(choice.departmentId ? all : `· ${all} ·`, `rp:${choice.period}:-`);
    for (const department of departments) {
      const chosen = department.id === choice.departmentId;
      const name = departmentName(view, department);
      keyboard.text(chosen ? `· ${name} ·` : name, `rp:${choice.period}:${department.id}`);
    }
  }
  return keyboard.row().text(view.t('reports:chartsButton'), `rc:${choice.period}:${dept}`);
}

/** The heads' morning digest: yesterday's funnel, replies, who waits, overdue, the month's plan. */
export function digestText(view: ReportView, report: Report): string {
  const qualified = report.leadFunnel
    .filter((row) => row.kind === 'won')
    .reduce((n, row) => n + row.now, 0);
  const leads = report.leadFunnel[0]?.reached ?? 0;
  return [
    [
      view.t('reports:digest', { day: when(view, report.range.from, 'd MMMM yyyy') }),
      view.t('reports:digestLeads', { leads, qualified }),
    ].join('\n'),
    repliesSection(view, report),
    waitingSection(view, report),
    overdueSection(view, report),
    planSection(view, report),
  ].join('\n\n');
}
