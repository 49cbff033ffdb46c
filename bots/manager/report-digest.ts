import { InputFile, type Api } from 'grammy';
import type { TFunction } from 'i18next';
import type { ChartRenderer } from '../../src/app/reports/ports';
import type { Report } from '../../src/app/reports/report';
import type { Locale } from '../../src/domain/user';
import { reportCharts } from './report.charts';
import { digestText } from './report.render';

/**
 * Sends the daily digest to each recipient in their language: the figures as text, then plan vs
 * fact as a picture (its caption repeats the figures). One recipient's failure (a chat that
 * removed the bot) does not keep the others from theirs; only when nobody got it is the failure
 * rethrown, so the day's digest is tried again rather than sent twice to those who have it.
 */
export class DigestSender {
  constructor(
    private readonly deps: {
      api: Api;
      translate: (lng: Locale) => TFunction;
      timeZone: string;
      renderChart: ChartRenderer;
      /** The heads' chat in its language, or each head in theirs; read at each send. */
      recipients(): Promise<readonly { chatId: number; language: Locale }[]>;
    },
  ) {}

  /** Bound: the hub's digest job holds it. */
  readonly send = async (report: Report): Promise<void> => {
    const { deps } = this;
    let failure: unknown;
    let sent = 0;
    for (const { chatId, language } of await deps.recipients()) {
      const view = { t: deps.translate(language), lng: language, timeZone: deps.timeZone };
      try {
        await deps.api.sendMessage(chatId, digestText(view, report));
        const plan = reportCharts(view, report)[1]!;
        await deps.api.sendPhoto(
          chatId,
          new InputFile(await deps.renderChart(plan.chart), 'plan.png'),
          {
            caption: plan.caption,
          },
        );
        sent++;
      } catch (error) {
        failure ??= error;
      }
    }
    if (sent === 0 && failure) throw failure;
  };
}
