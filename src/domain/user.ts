import type { Responsibles } from './department';

export const ROLES = ['manager', 'dispatcher', 'head', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export type Locale = 'ru' | 'en';

/** Working hours in the company's time zone; days are ISO weekdays (1 = Monday … 7 = Sunday). */
export interface WorkSchedule {
  days: number[];
  from: string;
  to: string;
}

export interface User {
  id: string;
  telegramId: number;
  name: string;
  roles: Role[];
  departmentId?: string;
  language: Locale;
  online: boolean;
  schedule?: WorkSchedule;
  active: boolean;
}

/** What a rights check needs to know about a record. */
export interface OwnedRecord {
  responsibles: Responsibles;
  /** Departments of the record's responsibles, so a head sees what their people hold. */
  departmentIds: string[];
}

/**
 * A manager sees their own records, a head their department's, an admin everything (PRODUCT.md,
 * process 10). Deactivated users see nothing, whatever their roles say.
 */
export function canSee(user: User, record: OwnedRecord): boolean {
  if (!user.active) return false;
  if (user.roles.includes('admin')) return true;
  if (Object.values(record.responsibles).includes(user.id)) return true;
  const headOrDispatcher = user.roles.includes('head') || user.roles.includes('dispatcher');
  return (
    headOrDispatcher &&
    user.departmentId !== undefined &&
    record.departmentIds.includes(user.departmentId)
  );
}
