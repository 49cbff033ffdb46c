import { Composer } from 'grammy';
import { StaffError } from '../../src/app/staff/staff';
import type { ManagerBotDeps, ManagerContext } from './context';
import { welcomeText } from './help';

/** `/start` (with an invite payload from a deep link) and admins' `/invite`. */
export function onboardingComposer(deps: ManagerBotDeps): Composer<ManagerContext> {
  const composer = new Composer<ManagerContext>();

  composer.command('start', async (ctx) => {
    const from = ctx.from!;
    const wasKnown = !!ctx.staff;
    const user = await deps.staff.admit(
      {
        telegramId: from.id,
        name: [from.first_name, from.last_name].filter(Boolean).join(' '),
        language: ctx.lng,
      },
      ctx.match || undefined,
    );
    if (!user) return ctx.reply(ctx.t('refusal.notRegistered'));
    // Someone who just joined gets the menu of their role before they look for it.
    if (!wasKnown) deps.menus.inBackground(deps.menus.update(ctx.api, user));
    await ctx.reply(welcomeText(user, !wasKnown, ctx.t));
  });

  composer.command('invite', async (ctx) => {
    if (!ctx.staff) return ctx.reply(ctx.t('refusal.notRegistered'));
    const [role, department] = ctx.match.trim().split(/\s+/);
    if (!role || !department) return ctx.reply(ctx.t('bot:invite.usage'));
    try {
      const payload = await deps.staff.invite(ctx.staff, role, department);
      const link = `https://t.me/${ctx.me.username}?start=${payload}`;
      await ctx.reply(
        ctx.t('bot:invite.link', {
          role: ctx.t(`bot:roles.${role}`),
          department: ctx.t(`bot:departments.${department}`, { defaultValue: department }),
          link,
        }),
      );
    } catch (error) {
      if (error instanceof StaffError) return ctx.reply(ctx.t(`bot:invite.${error.code}`));
      throw error;
    }
  });

  return composer;
}
