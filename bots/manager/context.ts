import type { Context } from 'grammy';
import type { TFunction } from 'i18next';
import type { ProcessEngine } from '../../src/app/process/engine';
import type { PeopleCards } from '../../src/app/process/people-cards';
import type { RecordCards } from '../../src/app/process/record-card';
import type { ManualSource } from '../../src/app/intake/manual-lead';
import type { SearchHit } from '../../src/app/search/find-records';
import type { StaffService } from '../../src/app/staff/staff';
import type { User } from '../../src/domain/user';

export interface ManagerBotDeps {
  staff: StaffService;
  engine: ProcessEngine;
  cards: RecordCards;
  people: PeopleCards;
  /** `/find`: records this person may see. */
  find: (user: User, text: string) => Promise<SearchHit[]>;
  /** Creates a lead entered by hand (`/new`). */
  newLead: (
    creator: User,
    input: { name: string; phone: string; source: ManualSource },
  ) => Promise<unknown>;
  translate: (lng: 'ru' | 'en') => TFunction;
  defaultLocale: 'ru' | 'en';
  timeZone: string;
  clock: { now(): Date };
}

/** Every update knows who pressed (re-read from the store each time) and speaks their language. */
export type ManagerContext = Context & {
  staff?: User;
  t: TFunction;
  lng: 'ru' | 'en';
};
