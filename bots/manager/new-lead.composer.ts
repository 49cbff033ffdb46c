import { Composer } from 'grammy';
import { MANUAL_SOURCES, type ManualSource } from '../../src/app/intake/manual-lead';
import { ProcessError } from '../../src/app/process/errors';
import type { ManagerBotDeps, StaffMemberContext } from './context';

/** `/new Иван Петров, +7 912 345-67-89, cold_call` — a lead entered by hand. */
export function newLeadComposer(deps: ManagerBotDeps): Composer<StaffMemberContext> {
  const composer = new Composer<StaffMemberContext>();
  composer.command('new', async (ctx) => {
    const [name, phone, source = 'other'] = ctx.match.split(',').map((part) => part.trim());
    if (!name || !phone || !(MANUAL_SOURCES as readonly string[]).includes(source)) {
      return ctx.reply(ctx.t('bot:newLead.usage'));
    }
    try {
      await deps.newLead(ctx.staff, { name, phone, source: source as ManualSource });
    } catch (error) {
      if (error instanceof ProcessError) return ctx.reply(ctx.t('bot:newLead.badPhone'));
      throw error;
    }
    await ctx.reply(ctx.t('bot:newLead.created', { name, source: ctx.t(`bot:sources.${source}`) }));
  });
  return composer;
}
