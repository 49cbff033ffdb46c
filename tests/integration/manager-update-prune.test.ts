import { createUpdateClaims } from '../../src/store/repositories/manager-update.repository';
import { eventually, openTestDatabase } from '../support/database';
import { ManualClock } from '../support/manual-timers';

/** Manager-bot updates are remembered while Telegram may still redeliver them, and no longer. */
it('forgets handled updates once Telegram can no longer redeliver them', async () => {
  const database = await openTestDatabase();
  try {
    const clock = new ManualClock(new Date('2026-12-01T09:00:00Z'));
    const claims = createUpdateClaims(database.models, clock);
    await claims.prepare();
    const lease = () => new Date(clock.now().getTime() + 20_000);
    expect(await claims.claim(1001, lease())).toBe('taken');
    await claims.finish(1001);
    // A redelivery the next day is still recognised.
    clock.set(new Date('2026-12-02T09:00:00Z'));
    expect(await claims.claim(1001, lease())).toBe('done');
    // Three days on, the next update's claim clears the old record away.
    clock.set(new Date('2026-12-04T09:00:00Z'));
    expect(await claims.claim(1002, lease())).toBe('taken');
    const stored = database.connection.collection<{ _id: number }>('managerupdates');
    await eventually(async () => (await stored.countDocuments({ _id: 1001 })) === 0);
    expect(await stored.countDocuments({ _id: 1002 })).toBe(1);
  } finally {
    await database.drop();
  }
});
