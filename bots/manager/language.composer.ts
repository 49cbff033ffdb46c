import { Composer } from 'grammy';
import type { ManagerBotDeps, StaffMemberContext } from './context';

export function languageComposer(deps: ManagerBotDeps): Composer<StaffMemberContext> {
  const composer = new Composer<StaffMemberContext>();
  composer.command('lang', async (ctx) => {
    const lng = ctx.match.trim();
    if (lng !== 'ru' && lng !== 'en') return ctx.reply(ctx.t('bot:lang.usage'));
    await deps.staff.setLanguage(ctx.staff, lng);
    deps.menus.inBackground(deps.menus.update(ctx.api, { ...ctx.staff, language: lng }));
    await ctx.reply(deps.translate(lng)('bot:lang.changed'));
  });
  return composer;
}
