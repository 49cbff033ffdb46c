import { Composer, InputFile } from 'grammy';
import type { ChartRenderer } from '../../src/app/reports/ports';
import type { PlanEntry, SetPlanResult } from '../../src/app/reports/plans';
import type { Report } from '../../src/app/reports/report';
import { PERIODS, type PeriodKey } from '../../src/domain/report-period';
import type { User } from '../../src/domain/user';
import { isAdmin, type StaffMemberContext } from './context';
import { editInPlace } from './lists.composer';
import { reportCharts } from './report.charts';
import {
  money,
  monthName,
  packMessages,
  reportKeyboard,
  reportSections,
  type ReportView,
} from './report.render';

export interface ReportBotDeps {
  /** The report this person may see; a department the person may not ask for is ignored. */
  build(user: User, period: PeriodKey, departmentId?: string): Promise<Report>;
  /** The departments an admin may choose between; undefined for anyone else. */
  departments(user: User): Promise<{ id: string; code: string; name: string }[] | undefined>;
  plans(user: User): Promise<{ month: string; entries: PlanEntry[] } | undefined>;
  setPlan(user: User, number: number, target: number): Promise<SetPlanResult>;
  renderChart: ChartRenderer;
  timeZone: string;
}

const CHOICE = `(${PERIODS.join('|')}):([0-9a-f]{24}|-)`;
/** The report a plain `/report` shows. */
const DEFAULT_PERIOD: PeriodKey = 'month';

const viewOf = (ctx: StaffMemberContext, timeZone: string): ReportView => ({
  t: ctx.t,
  lng: ctx.lng,
  timeZone,
});

/** "500 000", "500000", "1 250 000,00": whole roubles. */
function amountOf(text: string): number | undefined {
  const cleaned = text.replace(/[\s_\u00a0]/g, '').replace(/[.,]\d{1,2}$/, '');
  return /^\d{1,12}$/.test(cleaned) ? Number(cleaned) : undefined;
}

/**
 * `/report` with buttons for the period and (admins) the department, "📈 Charts" for the
 * pictures; `/plan` for heads and admins. Each press builds the report again for the person who
 * pressed, so a forwarded or old button shows no more than that person may see.
 */
export function reportComposer(deps: ReportBotDeps): Composer<StaffMemberContext> {
  const composer = new Composer<StaffMemberContext>();

  const render = async (ctx: StaffMemberContext, period: PeriodKey, departmentId?: string) => {
    const view = viewOf(ctx, deps.timeZone);
    const report = await deps.build(ctx.staff, period, departmentId);
    const chosen = report.audience.kind === 'department' ? report.audience.departmentId : undefined;
    const keyboard = reportKeyboard(
      view,
      { period, ...(chosen && isAdmin(ctx) ? { departmentId: chosen } : {}) },
      await deps.departments(ctx.staff),
    );
    return { messages: packMessages(reportSections(view, report)), keyboard };
  };

  const send = async (ctx: StaffMemberContext, view: Awaited<ReturnType<typeof render>>) => {
    for (const [index, text] of view.messages.entries()) {
      const last = index === view.messages.length - 1;
      await ctx.reply(text, last ? { reply_markup: view.keyboard } : {});
    }
  };

  composer.command('report', async (ctx) => send(ctx, await render(ctx, DEFAULT_PERIOD)));

  composer.callbackQuery(new RegExp(`^rp:${CHOICE}$`), async (ctx) => {
    const [, period, dept] = ctx.match;
    const view = await render(ctx, period as PeriodKey, dept === '-' ? undefined : dept);
    // A report that fits one message replaces the one the button sits on (if Telegram says which).
    if (view.messages.length === 1 && ctx.callbackQuery.message) {
      await editInPlace(ctx, { text: view.messages[0]!, keyboard: view.keyboard });
      return;
    }
    await ctx.answerCallbackQuery();
    await send(ctx, view);
  });

  composer.callbackQuery(new RegExp(`^rc:${CHOICE}$`), async (ctx) => {
    const [, period, dept] = ctx.match;
    await ctx.answerCallbackQuery();
    const report = await deps.build(
      ctx.staff,
      period as PeriodKey,
      dept === '-' ? undefined : dept,
    );
    for (const { chart, caption } of reportCharts(viewOf(ctx, deps.timeZone), report)) {
      const png = await deps.renderChart(chart);
      await ctx.replyWithPhoto(new InputFile(png, 'chart.png'), { caption });
    }
  });

  composer.command('plan', async (ctx) => {
    const view = viewOf(ctx, deps.timeZone);
    const args = ctx.match.trim();
    if (args) {
      const [, number, amount] = /^(\d{1,3})\s+(.+)$/.exec(args) ?? [];
      const target = amount === undefined ? undefined : amountOf(amount);
      if (number === undefined || target === undefined) {
        await ctx.reply(ctx.t('reports:planBadInput'));
        return;
      }
      const result = await deps.setPlan(ctx.staff, Number(number), target);
      if (!result.ok) {
        await ctx.reply(
          ctx.t(result.reason === 'refused' ? 'reports:planRefused' : 'reports:planBadInput'),
        );
        return;
      }
      await ctx.reply(
        ctx.t('reports:planSet', {
          name: result.person.name,
          month: monthName(view, result.month),
          target: money(view, result.target),
        }),
      );
      return;
    }
    const plans = await deps.plans(ctx.staff);
    if (!plans) {
      await ctx.reply(ctx.t('reports:planRefused'));
      return;
    }
    const lines = plans.entries.map((entry, index) =>
      ctx.t('reports:planListLine', {
        n: index + 1,
        name: entry.person.name,
        target: entry.target === undefined ? ctx.t('reports:noPlan') : money(view, entry.target),
      }),
    );
    await ctx.reply(
      [
        ctx.t('reports:planUsage', { month: monthName(view, plans.month) }),
        ...(lines.length > 0 ? lines : [ctx.t('reports:nobody')]),
      ].join('\n'),
    );
  });

  return composer;
}
