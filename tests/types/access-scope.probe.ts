/**
 * Checked by the compiler, never run: staff-facing queries take an `AccessScope`, and only
 * `scopeOf` makes one; a change made for someone takes a record `RecordAccess` reached for them. Each line under `@ts-expect-error` must not compile
 * (tests/unit/access-scope-types.test.ts proves every one of them fails without its comment).
 */
import type { ExportStore } from '../../src/app/export/ports';
import type { ListStore } from '../../src/app/lists/lists';
import { SYSTEM } from '../../src/app/process/actor';
import type { HistoryStore } from '../../src/app/process/client-history';
import type { StageMoves } from '../../src/app/process/moves';
import type { RecordStore, TaskStore } from '../../src/app/process/ports';
import type { RecordAccess } from '../../src/app/process/record-access';
import type { RecordEdits } from '../../src/app/process/record-edits';
import type { RuleEditor } from '../../src/app/routing/rule-editor';
import type { PeopleStore } from '../../src/app/process/people-cards';
import type { SearchStore } from '../../src/app/search/find-records';
import { SYSTEM_SCOPE, scopeOf, type AccessScope } from '../../src/domain/access';
import type { ProcessRecord } from '../../src/domain/process/record';
import { isAdminUser, type User } from '../../src/domain/user';
import { recordsIn } from '../../src/store/scoped/access-filter';

declare const search: SearchStore;
declare const lists: ListStore;
declare const exports: ExportStore;
declare const history: HistoryStore;
declare const people: PeopleStore;

const seller = { userId: 'u1', roles: ['manager'] as const, active: true };
const scope: AccessScope = scopeOf(seller);
const page = { skip: 0, limit: 10 };

// What the actor may see, asked for the actor's scope: compiles.
void search.find(scope, { words: 'Иван' }, 20);
void lists.openRecords('lead', { scope }, page);
void exports.leads(scope, 500);
void history.recordsOf(scope, 'contact');
void people.contact(scope, 'contact');
void recordsIn(SYSTEM_SCOPE);

// @ts-expect-error a query without the actor's scope
void search.find({ words: 'Иван' }, 20);
// @ts-expect-error a plain "everything" is not a scope: whose is it?
void search.find({ kind: 'all' }, { number: 1024 }, 20);
const handMade = { kind: 'people', userIds: ['u2'], unassigned: true } as const;
// @ts-expect-error nor is a list of people written by hand
void lists.openRecords('deal', { scope: handMade }, page);
// @ts-expect-error a list without a scope
void lists.openRecords('lead', {}, page);
// @ts-expect-error an export of everything for whoever asks
void exports.contacts({ kind: 'all' }, 500);
// @ts-expect-error a client's records read for nobody in particular
void history.recordsOf('contact');
// @ts-expect-error a contact card without a scope
void people.company('company');
// @ts-expect-error a database filter cannot be made from a hand-written scope either
void recordsIn({ kind: 'none' });

// One record, and the changes made on it for someone: reached through the actor's scope.
declare const records: RecordStore;
declare const access: RecordAccess;
declare const edits: RecordEdits;
declare const moves: StageMoves;
declare const seen: ProcessRecord;
declare const person: User;
const lead = { kind: 'lead', id: 'lead' } as const;
const staff = { kind: 'user', user: person } as const;
void records.getIn(scope, lead);
void (async () => {
  const reached = await access.open(lead, staff);
  await edits.write(reached, { budget: 1 });
  await moves.apply(reached, 'junk', staff, 'spam');
  await moves.apply(await access.open(lead, SYSTEM), 'qualified', SYSTEM);
})();

// A task too: read for a staff member by id and scope.
declare const tasks: TaskStore;
void tasks.getIn(scope, 'task');
// @ts-expect-error a task read by a scope written by hand
void tasks.getIn({ kind: 'people', userIds: ['u2'], unassigned: false }, 'task');

// @ts-expect-error a record opened for nobody in particular
void access.open(lead);
// @ts-expect-error one record by a scope written by hand
void records.getIn({ kind: 'all' }, lead);
// @ts-expect-error a field written on a record read without anyone's scope
void edits.write(seen, { budget: 1 });
// @ts-expect-error a stage move planned on an unscoped read
void moves.apply(seen, 'junk', staff, 'spam');
// @ts-expect-error nor is a plain read made into a reached one by saying so
void moves.check({ ...seen }, 'junk', staff);

// Routing changes are an admin's: the editor takes a person checked to be one.
declare const editor: RuleEditor;
if (isAdminUser(person)) void editor.add(person, '* -> dispatcher');
// @ts-expect-error a routing change by someone nobody checked is an admin
void editor.add(person, '* -> dispatcher');
