import { Composer } from 'grammy';
import type { ClientHistory } from '../../src/app/process/client-history';
import type { StaffMemberContext } from './context';
import { clientTasksView, historyPageView, type HistoryView } from './history.render';
import { editInPlace } from './lists.composer';
import { actorOf, guarded, subjectFrom } from './acting';

export interface HistoryBotDeps {
  history: Pick<ClientHistory, 'page' | 'tasks'>;
  timeZone: string;
  fileUrl?: (fileRef: string, name: string) => string;
}

/**
 * A client's conversation across their channels, a page at a time (🕘 History, ◀️ ▶️ in place),
 * and their tasks (📋 on a client's card), for whoever may act on the record pressed.
 */
export function historyComposer(deps: HistoryBotDeps): Composer<StaffMemberContext> {
  const composer = new Composer<StaffMemberContext>();
  const viewOf = (ctx: StaffMemberContext): HistoryView => ({
    t: ctx.t,
    lng: ctx.lng,
    timeZone: deps.timeZone,
    ...(deps.fileUrl ? { fileUrl: deps.fileUrl } : {}),
  });

  composer.callbackQuery(
    /^h:(lead|deal):([0-9a-f]{24})$/,
    guarded(async (ctx) => {
      const subject = subjectFrom(ctx.match[1]!, ctx.match[2]!);
      const page = historyPageView(await deps.history.page(subject, actorOf(ctx), 0), viewOf(ctx));
      await ctx.answerCallbackQuery();
      await ctx.reply(page.text, { reply_markup: page.keyboard });
    }),
  );

  composer.callbackQuery(
    /^hp:(lead|deal):([0-9a-f]{24}):(\d{1,5})$/,
    guarded(async (ctx) => {
      const subject = subjectFrom(ctx.match[1]!, ctx.match[2]!);
      const found = await deps.history.page(subject, actorOf(ctx), Number(ctx.match[3]));
      await editInPlace(ctx, historyPageView(found, viewOf(ctx)));
    }),
  );

  composer.callbackQuery(
    /^tc:(lead|deal):([0-9a-f]{24})$/,
    guarded(async (ctx) => {
      const subject = subjectFrom(ctx.match[1]!, ctx.match[2]!);
      const view = clientTasksView(await deps.history.tasks(subject, actorOf(ctx)), viewOf(ctx));
      await ctx.answerCallbackQuery();
      await ctx.reply(view.text, { reply_markup: view.keyboard });
    }),
  );

  return composer;
}
