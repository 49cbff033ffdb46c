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
