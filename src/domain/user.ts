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

declare const adminRole: unique symbol;

/**
 * A user checked to hold the admin role: only `isAdminUser` narrows to it, so a use case only
 * admins may run (routing changes) takes an `Admin` and no caller can forget the check.
 */
export type Admin = User & { readonly [adminRole]: true };

export const isAdminUser = (user: User): user is Admin => user.roles.includes('admin');
