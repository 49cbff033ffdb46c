import type { MiddlewareFn } from 'grammy';
import type { ManagerBotDeps, ManagerContext } from './context';

const languageOf = (code: string | undefined, fallback: 'ru' | 'en') =>
  code?.startsWith('ru') ? 'ru' : code?.startsWith('en') ? 'en' : fallback;

/** Looks the sender up on every update, so a role change or deactivation applies at once. */
export function identify(deps: ManagerBotDeps): MiddlewareFn<ManagerContext> {
  return async (ctx, next) => {
    const from = ctx.from;
    // Only a whole-number id is looked up: the webhook checks the update's schema, and this keeps
    // polling and any other path from passing `{"$ne":0}` (the first admin) into the query.
    const staff =
      from && Number.isSafeInteger(from.id) ? await deps.staff.identify(from.id) : undefined;
    if (staff?.active) ctx.staff = staff;
    ctx.lng = staff?.language ?? languageOf(from?.language_code, deps.defaultLocale);
    ctx.t = deps.translate(ctx.lng);
    await next();
  };
}

/** Strangers and deactivated staff get a polite refusal and no data. */
export const staffOnly: MiddlewareFn<ManagerContext> = async (ctx, next) => {
  if (ctx.staff) return next();
  // In the heads' group chat other members' messages are none of the bot's business.
  if (ctx.chat && ctx.chat.type !== 'private') return;
  if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: ctx.t('refusal.notRegistered') });
  else await ctx.reply(ctx.t('refusal.notRegistered'));
};
