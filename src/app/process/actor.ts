import type { ProcessRecord } from '../../domain/process/record';
import type { User } from '../../domain/user';

/** Who acts: a person, or the system itself (robots, triggers, the integration API). */
export type Actor = { kind: 'user'; user: User } | { kind: 'system' };
export const SYSTEM: Actor = { kind: 'system' };

export function isResponsible(actor: Actor, record: ProcessRecord): boolean {
  if (actor.kind === 'system') return true;
  const { user } = actor;
  if (!user.active) return false;
  if (user.roles.includes('admin') || user.roles.includes('head')) return true;
  return Object.values(record.responsibles).includes(user.id);
}
