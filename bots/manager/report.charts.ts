import type { BarChart } from '../../src/app/reports/ports';
import type { Report } from '../../src/app/reports/report';
import {
  headerOf,
  leadFunnelSection,
  monthName,
  planSection,
  repliesSection,
  type ReportView,
} from './report.render';

/** Telegram's limit on a photo's caption. */
const CAPTION_LIMIT = 1024;

export interface ChartMessage {
  chart: BarChart;
  /** The same figures as text, for whoever cannot see the picture. */
  caption: string;
}

const caption = (text: string) =>
  text.length > CAPTION_LIMIT ? `${text.slice(0, CAPTION_LIMIT - 1)}…` : text;

const minutes = (ms: number | undefined) => Math.round(((ms ?? 0) / 60_000) * 10) / 10;

/** The funnel, plan vs fact and reply times, each as a chart with its figures as the caption. */
export function reportCharts(view: ReportView, report: Report): ChartMessage[] {
  const period = view.t(`reports:periodTitles.${report.period}`);
  const { t, lng } = view;
  const funnel: ChartMessage = {
    chart: {
      title: t('reports:charts.funnel', { period }),
      axis: t('reports:charts.funnelAxis'),
      bars: report.leadFunnel
        .filter((row) => row.reached !== undefined)
        .map((row) => ({ label: row.title[lng], value: row.reached! })),
    },
    caption: caption(`${headerOf(view, report)}\n\n${leadFunnelSection(view, report)}`),
  };
  const planSeries = t('reports:charts.planSeries');
  const factSeries = t('reports:charts.factSeries');
  const plan: ChartMessage = {
    chart: {
      title: t('reports:charts.plan', { month: monthName(view, report.plan.month) }),
      axis: t('reports:charts.planAxis'),
      bars: report.plan.rows.flatMap((row) => [
        { label: row.name, value: row.target ?? 0, series: planSeries },
        { label: row.name, value: row.fact, series: factSeries },
      ]),
    },
    caption: caption(planSection(view, report)),
  };
  const median = t('reports:charts.median');
  const p90 = t('reports:charts.p90');
  const everyone = [t('reports:charts.all'), report.replies.total.every] as const;
  const people = [...report.replies.byManager].map(
    ([id, stats]) => [report.names.get(id) ?? t('reports:none'), stats.every] as const,
  );
  const replies: ChartMessage = {
    chart: {
      title: t('reports:charts.replies', { period }),
      axis: t('reports:charts.repliesAxis'),
      bars: [everyone, ...people].flatMap(([label, stats]) => [
        { label, value: minutes(stats.median), series: median },
        { label, value: minutes(stats.p90), series: p90 },
      ]),
    },
    caption: caption(repliesSection(view, report)),
  };
  return [funnel, plan, replies];
}
