import { Composer } from 'grammy';
import type { ManagerBotDeps, StaffMemberContext } from './context';

/** `/online` and `/offline`: routing gives new leads only to people who are online. */
export function availabilityComposer(deps: ManagerBotDeps): Composer<StaffMemberContext> {
  const composer = new Composer<StaffMemberContext>();
  for (const [command, online] of [
    ['online', true],
    ['offline', false],
  ] as const) {
    composer.command(command, async (ctx) => {
      await deps.staff.setOnline(ctx.staff, online);
      await ctx.reply(ctx.t(online ? 'admin:online.on' : 'admin:online.off'));
    });
  }
  return composer;
}
