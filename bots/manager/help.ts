import type { TFunction } from 'i18next';
import { ROLES, type User } from '../../src/domain/user';
import { commandsOf, menuOf } from './menus';

const rolesOf = (person: User) => ROLES.filter((role) => person.roles.includes(role));

const roleNames = (person: User, t: TFunction) =>
  rolesOf(person)
    .map((role) => t(`bot:roles.${role}`))
    .join(', ');

/** Routing gives new leads only to managers online: they are told where they stand. */
function availability(person: User, t: TFunction): string[] {
  if (!person.roles.includes('manager')) return [];
  return [t(person.online ? 'help:online.on' : 'help:online.off')];
}

/** `/help`: what everyone on the staff does, then what each of the person's roles adds. */
export function helpText(person: User, t: TFunction): string {
  return [
    t('help:intro', { name: person.name, roles: roleNames(person, t) }),
    t('help:everyone'),
    t('lists:help.lists'),
    t('reports:help'),
    ...rolesOf(person).map((role) => t(`help:roles.${role}`)),
    ...(person.roles.some((role) => role === 'head' || role === 'admin')
      ? [t('lists:help.team'), t('reports:helpPlan'), t('transfer:help')]
      : []),
    ...availability(person, t),
  ].join('\n\n');
}

/** The answer to `/start`: who I am to the bot, the commands of my menu, and where I stand. */
export function welcomeText(person: User, joined: boolean, t: TFunction): string {
  const menu = menuOf(commandsOf(person.roles), t)
    .map(({ command, description }) => `/${command} — ${description}`)
    .join('\n');
  return [
    t(joined ? 'help:welcome.joined' : 'help:welcome.back', {
      name: person.name,
      roles: roleNames(person, t),
    }),
    `${t('help:welcome.menu')}\n${menu}`,
    t('help:welcome.clients'),
    ...availability(person, t),
  ].join('\n\n');
}
