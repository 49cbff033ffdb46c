import type { Responsibles } from './department';
import type { Role, User } from './user';

/** A staff member as rights see them: who, in which roles and department, and still working. */
export interface StaffActor {
  readonly userId: string;
  readonly roles: readonly Role[];
  readonly departmentId?: string;
  readonly active: boolean;
}

export const staffActor = (user: User): StaffActor => ({
  userId: user.id,
  roles: user.roles,
  ...(user.departmentId ? { departmentId: user.departmentId } : {}),
  active: user.active,
});

/**
 * Only `scopeOf` makes a value of this key, and it is not exported: a literal such as
 * `{ kind: 'all' }` is not an `AccessScope`, so a staff-facing query cannot be written without
 * asking whose it is (the trick Novu's `EnforceEnvOrOrgIds` plays with tenant ids).
 */
declare const minted: unique symbol;

type ScopeShape =
  /** Nothing: a deactivated person. */
  | { readonly kind: 'none' }
  /** Everything: an admin, or the system itself. */
  | { readonly kind: 'all' }
  /**
   * The records any of `userIds` is responsible for; with `unassigned`, also the ones nobody in
   * sales holds yet (the dispatcher's to pick up, a head's to oversee).
   */
  | { readonly kind: 'people'; readonly userIds: readonly string[]; readonly unassigned: boolean };

/** What one actor may see and touch (PRODUCT.md, process 10), as queries and checks take it. */
export type AccessScope = ScopeShape & { readonly [minted]: true };

const mint = (shape: ScopeShape) => shape as AccessScope;

/** The system's own scope: robots, triggers, the integration API act on everything. */
export const SYSTEM_SCOPE: AccessScope = mint({ kind: 'all' });

/**
 * A manager sees their own records, a dispatcher also the ones nobody in sales holds, a head
 * everything their department's people hold (deactivated people's too) plus the unheld ones, an
 * admin everything; a deactivated person nothing, whatever their roles say. `department` is the
 * actor's own department with everyone in it; another department's list is ignored.
 */
export function scopeOf(
  actor: StaffActor,
  department?: { id: string; memberIds: readonly string[] },
): AccessScope {
  if (!actor.active) return mint({ kind: 'none' });
  if (actor.roles.includes('admin')) return mint({ kind: 'all' });
  const head = actor.roles.includes('head');
  const unassigned = head || actor.roles.includes('dispatcher');
  const colleagues =
    head && actor.departmentId && department?.id === actor.departmentId ? department.memberIds : [];
  const userIds = [...new Set([actor.userId, ...colleagues])];
  return mint({ kind: 'people', userIds, unassigned });
}

/** Whether a record (by who holds it) is in the scope: the in-memory twin of the store's filter. */
export function covers(scope: AccessScope, record: { responsibles: Responsibles }): boolean {
  if (scope.kind !== 'people') return scope.kind === 'all';
  if (scope.unassigned && !record.responsibles.sales) return true;
  return Object.values(record.responsibles).some((id) => !!id && scope.userIds.includes(id));
}

/** Whether work assigned to this person (a task) is in the scope: one's own, or one's people's. */
export function coversPerson(scope: AccessScope, userId: string): boolean {
  if (scope.kind !== 'people') return scope.kind === 'all';
  return scope.userIds.includes(userId);
}
