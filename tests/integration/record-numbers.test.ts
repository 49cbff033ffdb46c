import type { CommandStartedEvent } from 'mongodb';
import type { Database } from '../../src/store/database';
import { createRecordNumbers } from '../../src/store/repositories/record-numbers';
import { openTestDatabase } from '../support/database';

let database: Database & { drop(): Promise<void> };
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.drop());

/**
 * Two allocators stand for two hub processes. FerretDB's findAndModify is not atomic across
 * connections (TESTING.md), so what two processes racing get is only checkable on MongoDB; here
 * each process's reservations are taken in turn and checked for disjoint blocks.
 */
describe('record numbers', () => {
  it('starts at 1, counts up per kind, and costs one database call per block', async () => {
    const numbers = createRecordNumbers(database.models, 5);
    const client = database.connection.getClient();
    const calls: string[] = [];
    const listen = (event: CommandStartedEvent) => calls.push(event.commandName);
    client.on('commandStarted', listen);
    const leads = await Promise.all(Array.from({ length: 7 }, () => numbers.next('lead')));
    client.off('commandStarted', listen);
    expect(leads.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // Seven numbers, two blocks of five: two reservations, however many asked at once.
    expect(calls.filter((name) => name === 'findAndModify')).toHaveLength(2);
    expect(await numbers.next('deal')).toBe(1);
  });

  it('never gives two processes the same number; a restart leaves a gap, never a repeat', async () => {
    const first = createRecordNumbers(database.models, 5);
    const second = createRecordNumbers(database.models, 5);
    const seen: number[] = [];
    for (let round = 0; round < 6; round++) {
      seen.push(await first.next('lead'), await second.next('lead'));
    }
    expect(new Set(seen).size).toBe(seen.length);
    // A process started afresh (the old one's unused numbers are skipped) goes on above them.
    const restarted = createRecordNumbers(database.models, 5);
    expect(await restarted.next('lead')).toBeGreaterThan(Math.max(...seen));
  });
});
