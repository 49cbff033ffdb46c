import type { AccessScope } from '../../domain/access';
import type { ResponsibleSlot } from '../../domain/department';
import { oid } from '../repositories/plain';

type Filter = Record<string, unknown>;

/** Matches no document: a deactivated person's scope. */
const NOTHING: Filter = { _id: { $in: [] } };

/** Every slot a responsible can hold a record in: what `covers` (src/domain/access.ts) looks at. */
export const ALL_SLOTS: readonly ResponsibleSlot[] = ['sales', 'operations', 'headOfSales'];

/**
 * The database's half of the rights: the records of a lead or deal collection that the scope
 * covers, as a filter to AND with the query's own. `slots` narrows where holders are looked for
 * when an index serves only some of them (the lists); `held` leaves out the records nobody in sales
 * holds yet (an export is of what the department's people hold).
 */
export function recordsIn(
  scope: AccessScope,
  options: { slots?: readonly ResponsibleSlot[]; held?: boolean } = {},
): Filter {
  if (scope.kind === 'all') return {};
  if (scope.kind === 'none') return NOTHING;
  const people = scope.userIds.map(oid);
  const branches: Filter[] = (options.slots ?? ALL_SLOTS).map((slot) => ({
    [`responsibles.${slot}`]: { $in: people },
  }));
  if (scope.unassigned && !options.held) branches.push({ 'responsibles.sales': null });
  return branches.length === 1 ? branches[0]! : { $or: branches };
}

/**
 * The tasks the scope covers, as a filter on a task collection: the work assigned to its people
 * (`coversPerson` in src/domain/access.ts), everything for the system or an admin.
 */
export function workIn(scope: AccessScope): Filter {
  if (scope.kind === 'all') return {};
  if (scope.kind === 'none') return NOTHING;
  return { assigneeId: { $in: scope.userIds.map(oid) } };
}
