import ms from 'ms';
import { Composer } from 'grammy';
import { OrganisationError, type Organisation } from '../../src/app/staff/organisation';
import { parseHours } from '../../src/domain/routing/syntax';
import type { User } from '../../src/domain/user';
import type { StaffMemberContext } from './context';

/**
 * The organisation from the chat: `/users`, `/role`, `/deactivate` and `/set_alerts` for admins,
 * `/schedule` for anyone's own working hours (an admin's for anyone). `changed` hears of a person
 * whose role or activity an admin changed (their menu follows).
 */
export function organisationComposer(
  organisation: Organisation,
  changed: (ctx: StaffMemberContext, person: User) => void = () => {},
): Composer<StaffMemberContext> {
  const composer = new Composer<StaffMemberContext>();
  const attempt = async (ctx: StaffMemberContext, work: () => Promise<string>) => {
    try {
      await ctx.reply(await work());
    } catch (error) {
      if (!(error instanceof OrganisationError)) throw error;
      await ctx.reply(ctx.t(`admin:people.errors.${error.code}`, { value: error.value }));
    }
  };

  composer.command('users', (ctx) =>
    attempt(ctx, async () => {
      const people = await organisation.people(ctx.staff);
      return [
        ctx.t('admin:people.header'),
        ...people.map((p, i) => `${i + 1}. ${line(p, ctx)}`),
      ].join('\n');
    }),
  );
  composer.command('role', (ctx) =>
    attempt(ctx, async () => {
      const [, who = '', role = '', department] =
        /^(.+?)\s+(\w+)(?:\s+(\w+))?$/.exec(ctx.match.trim()) ?? [];
      if (!who) return ctx.t('admin:people.roleUsage');
      const person = await organisation.setRole(ctx.staff, who, role, department);
      changed(ctx, person);
      return ctx.t('admin:people.roleSet', { name: person.name, role: ctx.t(`bot:roles.${role}`) });
    }),
  );
  composer.command('deactivate', (ctx) =>
    attempt(ctx, async () => {
      if (!ctx.match.trim()) return ctx.t('admin:people.deactivateUsage');
      const { person, tasks, records } = await organisation.deactivate(ctx.staff, ctx.match);
      changed(ctx, person);
      return ctx.t('admin:people.deactivated', {
        name: person.name,
        tasks: ctx.t('tasks.count', { count: tasks }),
        records,
      });
    }),
  );
  composer.command('schedule', (ctx) =>
    attempt(ctx, async () => {
      const [, who, spec = ''] = /^(?:(.+?)\s+)?(\S+)$/.exec(ctx.match.trim()) ?? [];
      const hours = spec === 'off' ? undefined : parseHours(spec);
      if (spec !== 'off' && !hours) return ctx.t('admin:people.scheduleUsage');
      const person = await organisation.setSchedule(ctx.staff, who, hours);
      return hours
        ? ctx.t('admin:people.scheduleSet', { name: person.name, hours: spec })
        : ctx.t('admin:people.scheduleOff', { name: person.name });
    }),
  );
  composer.command('sla', (ctx) =>
    attempt(ctx, async () => {
      const values = ctx.match.trim().split(/\s+/).filter(Boolean);
      const waits =
        values.length > 0
          ? await organisation.setSlaThresholds(ctx.staff, values)
          : await organisation.slaThresholds();
      return ctx.t(values.length > 0 ? 'admin:people.slaSet' : 'admin:people.sla', {
        waits: waits.map((wait) => ms(wait)).join(' → '),
      });
    }),
  );
  composer.command('set_alerts', (ctx) =>
    attempt(ctx, async () => {
      if (ctx.chat.type === 'private') return ctx.t('admin:people.alertsInGroup');
      await organisation.setAlertChat(ctx.staff, ctx.chat.id);
      return ctx.t('admin:people.alertsSet');
    }),
  );
  return composer;
}

function line(person: User & { department?: string }, ctx: StaffMemberContext): string {
  const roles = person.roles.map((role) => ctx.t(`bot:roles.${role}`)).join(', ');
  const state = !person.active
    ? ctx.t('admin:people.inactive')
    : person.online
      ? ctx.t('admin:people.online')
      : ctx.t('admin:people.offline');
  const schedule = person.schedule
    ? ` · ${person.schedule.days.join(',')}/${person.schedule.from}-${person.schedule.to}`
    : '';
  return `${person.name} (${person.telegramId}) — ${roles}${person.department ? `, ${person.department}` : ''} · ${state}${schedule}`;
}
