import type { Role } from '../domain/user';

/**
 * Who is on the sandbox's stage: the demo company's staff (by their Telegram ids on the stand-in),
 * its heads' group and the customers who write to it. Names are shown as they are, in any language,
 * as real people's names are.
 */
export interface DemoStaff {
  key: string;
  telegramId: number;
  name: string;
  role: Role;
  department?: 'sales' | 'operations';
  /** The role's label in the page's texts (`sandbox:roles.<label>`). */
  label: 'admin' | 'dispatcher' | 'sales' | 'operations' | 'head';
}

export const DEMO_STAFF: readonly DemoStaff[] = [
  {
    key: 'dispatcher',
    telegramId: 700101,
    name: 'Дарья',
    role: 'dispatcher',
    department: 'sales',
    label: 'dispatcher',
  },
  {
    key: 'seller',
    telegramId: 700102,
    name: 'Семён',
    role: 'manager',
    department: 'sales',
    label: 'sales',
  },
  {
    key: 'seller2',
    telegramId: 700103,
    name: 'Мария',
    role: 'manager',
    department: 'sales',
    label: 'sales',
  },
  {
    key: 'operator',
    telegramId: 700104,
    name: 'Олег',
    role: 'manager',
    department: 'operations',
    label: 'operations',
  },
  {
    key: 'head',
    telegramId: 700105,
    name: 'Роман',
    role: 'head',
    department: 'sales',
    label: 'head',
  },
  { key: 'admin', telegramId: 700106, name: 'Анна', role: 'admin', label: 'admin' },
];

/** The heads' group chat where red alerts land. */
export const HEADS_GROUP = { id: -100700100, title: 'linehub · heads' };

/** Customers on their messengers; the site widget's visitor is the page's own iframe. */
export const DEMO_CUSTOMERS = {
  telegram: { id: 700201, name: 'Иван' },
  vk: { id: 700202, name: 'Ольга' },
  viber: { id: 'sandbox+viber+user+01==', name: 'Пётр' },
} as const;

export function staffByKey(key: string): DemoStaff | undefined {
  return DEMO_STAFF.find((person) => person.key === key);
}
