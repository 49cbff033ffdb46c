import { Composer, GrammyError, type InlineKeyboard } from 'grammy';
import type { Lists, RecordFilter, RecordKind } from '../../src/app/lists/lists';
import type { StaffMemberContext } from './context';
import {
  renderRecordPage,
  renderStagePicker,
  renderTeam,
  renderWaitingPicker,
} from './lists.render';

const KINDS: Record<string, RecordKind> = { l: 'lead', d: 'deal' };
const FILTER = '([ld]):(\\d{1,2}|-):(\\d|-)';
const optional = (value: string) => (value === '-' ? undefined : Number(value));

function filterOf(stage: string, waiting: string, page: number): RecordFilter {
  const filter: RecordFilter = { page };
  const stageIndex = optional(stage);
  const waitingIndex = optional(waiting);
  if (stageIndex !== undefined) filter.stage = stageIndex;
  if (waitingIndex !== undefined) filter.waiting = waitingIndex;
  return filter;
}

/**
 * Redraws the message a button sits on. Telegram refuses an edit that changes nothing (the same
 * filter chosen again): the page is already what was asked for.
 */
export async function editInPlace(
  ctx: StaffMemberContext,
  view: { text: string; keyboard: InlineKeyboard },
): Promise<void> {
  await ctx.answerCallbackQuery();
  try {
    await ctx.editMessageText(view.text, { reply_markup: view.keyboard });
  } catch (error) {
    if (!(error instanceof GrammyError && /not modified/.test(error.description))) throw error;
  }
}

/**
 * `/leads` and `/deals` (mine, my department's or all, as the person's rights say), filtered by
 * stage and by how long the client waits, a page at a time in one message; `/team` for heads.
 */
export function listsComposer(lists: Lists): Composer<StaffMemberContext> {
  const composer = new Composer<StaffMemberContext>();

  const view = async (ctx: StaffMemberContext, kind: RecordKind, filter: RecordFilter) => {
    const stages = lists.stagesOf(kind);
    // A filter from an older message may name a stage the definition no longer has.
    if (filter.stage !== undefined && !stages[filter.stage]) delete filter.stage;
    const page = await lists.records(ctx.staff, kind, filter);
    return renderRecordPage({ user: ctx.staff, kind, filter, page }, stages, ctx.t, ctx.lng);
  };

  for (const [command, kind] of [
    ['leads', 'lead'],
    ['deals', 'deal'],
  ] as const) {
    composer.command(command, async (ctx) => {
      const page = await view(ctx, kind, { page: 0 });
      await ctx.reply(page.text, { reply_markup: page.keyboard });
    });
  }

  composer.callbackQuery(new RegExp(`^ls:${FILTER}:(\\d{1,4})$`), async (ctx) => {
    const [, kind, stage, waiting, page] = ctx.match;
    await editInPlace(ctx, await view(ctx, KINDS[kind!]!, filterOf(stage!, waiting!, +page!)));
  });

  composer.callbackQuery(new RegExp(`^lsp:${FILTER}$`), async (ctx) => {
    const [, kind, stage, waiting] = ctx.match;
    const recordKind = KINDS[kind!]!;
    await editInPlace(
      ctx,
      renderStagePicker(
        recordKind,
        filterOf(stage!, waiting!, 0),
        lists.stagesOf(recordKind),
        ctx.t,
        ctx.lng,
      ),
    );
  });

  composer.callbackQuery(new RegExp(`^lwp:${FILTER}$`), async (ctx) => {
    const [, kind, stage, waiting] = ctx.match;
    await editInPlace(
      ctx,
      renderWaitingPicker(KINDS[kind!]!, filterOf(stage!, waiting!, 0), ctx.t),
    );
  });

  composer.command('team', async (ctx) => {
    const team = await lists.team(ctx.staff);
    await ctx.reply(team ? renderTeam(team, ctx.t) : ctx.t('lists:team.refused'));
  });

  return composer;
}
